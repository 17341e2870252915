"""Plots of chapter 4 (parameter initialization). Pure: ``f(data, ..., ax=None) -> ax``.

* ``layer_profile``: one statistic per layer (a variance, on a log axis) for several nets;
* ``weight_histogram``: sampled weights against the density the scheme's formula predicts;
* ``activation_histograms``: the distribution of a few layers' activations (saturation);
* ``neuron_rows``: a hidden layer's weights as an image, one row per neuron (symmetry).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.axes import Axes

from helpers.plots import new_axes, to_numpy

__all__ = [
    "clip_log",
    "layer_profile",
    "weight_histogram",
    "activation_histograms",
    "neuron_rows",
]


def clip_log(values: np.ndarray, ylim: tuple[float, float]) -> np.ndarray:
    """Values ready for a log axis with fixed limits: 0 and underflow go to the bottom edge,
    inf and nan (an overflow) to the top edge, the rest is clipped into ``ylim``."""
    lo, hi = ylim
    if not 0 < lo < hi:
        raise ValueError(f"ylim must satisfy 0 < low < high, got {ylim}")
    v = np.asarray(values, dtype=float).copy()
    v[np.isnan(v)] = hi
    return np.clip(v, lo, hi)


def layer_profile(
    profiles: Mapping[str, Sequence[float] | np.ndarray],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    xlabel: str = "layer l",
    reference: float | None = 1.0,
    ylim: tuple[float, float] | None = None,
    styles: Mapping[str, Mapping[str, object]] | None = None,
    legend: bool = True,
) -> Axes:
    """Each profile (label -> one value per layer ``0..L``) as a line on a log y axis.

    ``reference`` draws a dashed horizontal line (the input's variance, 1). With ``ylim``
    the values are clipped into it (``clip_log``), so vanished or overflowed layers stay
    on the plot, at the bottom or top edge. ``nan`` entries at layer 0 (statistics that
    only exist for layers 1..L) are left out.
    """
    if not profiles:
        raise ValueError("profiles must hold at least one line (label -> values per layer)")
    ax = new_axes(ax)
    for label, values in profiles.items():
        v = np.asarray(to_numpy(values), dtype=float)
        layers = np.arange(len(v))
        if np.isnan(v[0]) and len(v) > 1:
            layers, v = layers[1:], v[1:]
        if ylim is not None:
            v = clip_log(v, ylim)
        kw = dict((styles or {}).get(label, {}))
        kw.setdefault("marker", "." if len(v) <= 60 else None)
        ax.plot(layers, v, label=label, **kw)
    ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if reference is not None:
        ax.axhline(reference, color="0.4", lw=0.9, ls="--", zorder=0)
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend and len(profiles) > 1:
        ax.legend(fontsize=8)
    return ax


def weight_histogram(
    weights: torch.Tensor | np.ndarray,
    ax: Axes | None = None,
    *,
    distribution: str,
    mean: float = 0.0,
    std: float | None = None,
    low: float | None = None,
    high: float | None = None,
    bins: int = 60,
    title: str | None = None,
) -> Axes:
    """A density histogram of sampled weights and the density the formula predicts.

    ``distribution`` is ``"normal"`` (give ``mean`` and ``std``) or ``"uniform"`` (give
    ``low`` and ``high``; the bounds are marked).
    """
    w = np.asarray(to_numpy(weights), dtype=float).ravel()
    if w.size == 0:
        raise ValueError("weights is empty")
    if distribution == "normal":
        if std is None or std <= 0:
            raise ValueError(f"a normal density needs std > 0, got {std}")
        span = (mean - 4.5 * std, mean + 4.5 * std)
    elif distribution == "uniform":
        if low is None or high is None or not low < high:
            raise ValueError(f"a uniform density needs low < high, got {low}, {high}")
        pad = 0.15 * (high - low)
        span = (low - pad, high + pad)
    else:
        raise ValueError(f"distribution must be 'normal' or 'uniform', got {distribution!r}")
    ax = new_axes(ax)
    ax.hist(w, bins=bins, range=span, density=True, color="#56B4E9", alpha=0.8, label="sampled")
    x = np.linspace(*span, 400)
    if distribution == "normal":
        pdf = np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    else:
        pdf = np.where((x >= low) & (x <= high), 1.0 / (high - low), 0.0)
        for edge in (low, high):
            ax.axvline(edge, color="#D55E00", lw=1.0, ls=":")
    ax.plot(x, pdf, color="#D55E00", lw=1.6, label="formula")
    ax.set_xlim(*span)
    ax.locator_params(axis="x", nbins=4)
    ax.set_xlabel("weight value")
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def activation_histograms(
    activations: Mapping[str, torch.Tensor | np.ndarray],
    ax: Axes | None = None,
    *,
    value_range: tuple[float, float] = (-1.1, 1.1),
    bins: int = 44,
    title: str | None = None,
) -> Axes:
    """Outline histograms (share of entries per bin) of several layers' activations."""
    if not activations:
        raise ValueError("activations must hold at least one layer (label -> values)")
    ax = new_axes(ax)
    edges = np.linspace(*value_range, bins + 1)
    for label, values in activations.items():
        v = np.asarray(to_numpy(values), dtype=float).ravel()
        counts, _ = np.histogram(v, bins=edges)
        ax.stairs(counts / max(v.size, 1), edges, label=label, lw=1.6)
    ax.set_xlim(*value_range)
    ax.set_xlabel("activation value")
    ax.set_ylabel("share of entries")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def neuron_rows(
    weight: torch.Tensor | np.ndarray,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    vmax: float | None = None,
) -> Axes:
    """A weight matrix as an image: one row per neuron, one column per input."""
    w = np.asarray(to_numpy(weight), dtype=float)
    if w.ndim != 2:
        raise ValueError(f"weight must be 2-D (neurons, inputs), got shape {w.shape}")
    ax = new_axes(ax)
    m = vmax if vmax is not None else float(np.abs(w).max()) or 1.0
    ax.imshow(w, cmap="RdBu_r", vmin=-m, vmax=m, aspect="auto", interpolation="nearest")
    ax.grid(False)
    ax.set_xlabel("input")
    ax.set_ylabel("neuron")
    if title:
        ax.set_title(title, fontsize=9)
    return ax
