"""Plots of chapter 3 (activation functions): pure ``f(data, ..., ax=None) -> ax``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from helpers.plots import ArrayLike, new_axes, to_numpy

__all__ = [
    "function_and_derivative",
    "gradient_norms",
    "probabilities",
    "weight_paths",
    "curve_fit",
    "dead_unit_counts",
]


def function_and_derivative(
    x: ArrayLike,
    f: ArrayLike,
    df: ArrayLike | None = None,
    ax: Axes | None = None,
    *,
    name: str = "f",
    title: str | None = None,
    saturation: float | None = None,
) -> Axes:
    """``f(x)`` as a solid line and ``f'(x)`` dashed; optionally shade |x| > ``saturation``."""
    xv, fv = to_numpy(x), to_numpy(f)
    if fv.shape != xv.shape:
        raise ValueError(f"f has shape {fv.shape}, x has shape {xv.shape}")
    ax = new_axes(ax)
    ax.plot(xv, fv, label=f"{name}(x)")
    if df is not None:
        dv = to_numpy(df)
        if dv.shape != xv.shape:
            raise ValueError(f"df has shape {dv.shape}, x has shape {xv.shape}")
        ax.plot(xv, dv, "--", label=f"{name}'(x)")
    if saturation is not None:
        lo, hi = float(xv.min()), float(xv.max())
        if hi > saturation:
            ax.axvspan(saturation, hi, color="0.85", zorder=0, label=f"|x| > {saturation:g}")
        if lo < -saturation:
            ax.axvspan(lo, -saturation, color="0.85", zorder=0)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel("x")
    ax.set_title(title if title is not None else name)
    ax.legend(loc="best")
    return ax


def gradient_norms(
    norms: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    title: str | None = "gradient norm per layer",
    relative: bool = True,
) -> Axes:
    """One line per entry (label -> ||dL/dW_l||, first layer first), log scale.

    With ``relative`` each line is divided by its last layer's value, so every line ends at
    1 and its left end reads "the first layer gets this fraction of the last one's gradient".
    """
    if not norms:
        raise ValueError("norms must hold at least one series (label -> per-layer norms)")
    ax = new_axes(ax)
    for label, values in norms.items():
        v = np.asarray(values, dtype=float)
        if v.ndim != 1 or len(v) == 0:
            raise ValueError(f"series {label!r} must be a non-empty 1-D sequence")
        if relative:
            v = v / v[-1] if v[-1] > 0 else np.full_like(v, np.nan)
        ax.plot(
            np.arange(1, len(v) + 1),
            np.maximum(v, 1e-300),
            marker="." if len(v) <= 30 else None,
            label=label,
        )
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W‖ / last layer's" if relative else "‖∂L/∂W‖")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def probabilities(
    p: ArrayLike,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    *,
    title: str | None = None,
) -> Axes:
    """A bar per class probability, the y axis fixed to [0, 1]."""
    pv = to_numpy(p).astype(float)
    if pv.ndim != 1 or len(pv) == 0:
        raise ValueError(f"p must be a non-empty 1-D vector, got shape {pv.shape}")
    if labels is not None and len(labels) != len(pv):
        raise ValueError(f"got {len(labels)} labels for {len(pv)} probabilities")
    ax = new_axes(ax)
    names = list(labels) if labels is not None else [str(i) for i in range(len(pv))]
    ax.bar(names, pv, color="#0072B2")
    for i, v in enumerate(pv):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("probability")
    if title:
        ax.set_title(title)
    return ax


def weight_paths(
    paths: Mapping[str, ArrayLike],
    target: ArrayLike,
    ax: Axes | None = None,
    *,
    title: str | None = "paths of (ω₁, ω₂) under SGD",
) -> Axes:
    """2-D weight trajectories (label -> (steps, 2)) and the target point."""
    if not paths:
        raise ValueError("paths must hold at least one trajectory")
    ax = new_axes(ax, figsize=(4.6, 4.0))
    for label, path in paths.items():
        pv = to_numpy(path)
        if pv.ndim != 2 or pv.shape[1] != 2:
            raise ValueError(f"path {label!r} must have shape (steps, 2), got {pv.shape}")
        ax.plot(pv[:, 0], pv[:, 1], ".-", ms=3, lw=1.0, label=label)
    t = to_numpy(target)
    ax.plot([t[0]], [t[1]], "*", color="black", ms=12, label="target ω*")
    ax.set_xlabel("ω₁")
    ax.set_ylabel("ω₂")
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def curve_fit(
    x: ArrayLike,
    y: ArrayLike,
    predictions: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    title: str | None = None,
) -> Axes:
    """Data points (x, y) and one fitted curve per entry of ``predictions``."""
    xv, yv = to_numpy(x).ravel(), to_numpy(y).ravel()
    if xv.shape != yv.shape:
        raise ValueError(f"x and y must have the same length, got {xv.shape} and {yv.shape}")
    ax = new_axes(ax)
    order = np.argsort(xv)
    ax.plot(xv, yv, ".", color="0.55", ms=4, label="data")
    for label, pred in predictions.items():
        pv = to_numpy(pred).ravel()
        if pv.shape != xv.shape:
            raise ValueError(f"prediction {label!r} has shape {pv.shape}, x has {xv.shape}")
        ax.plot(xv[order], pv[order], label=label)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def dead_unit_counts(
    counts: Mapping[str, tuple[int, int]],
    total: int,
    ax: Axes | None = None,
    *,
    title: str | None = "dead ReLU units",
) -> Axes:
    """Grouped bars: for each cause (label -> (before, after)) the dead units out of ``total``."""
    if not counts:
        raise ValueError("counts must hold at least one entry (label -> (before, after))")
    if total < 1:
        raise ValueError(f"total must be >= 1, got {total}")
    ax = new_axes(ax)
    labels = list(counts)
    idx = np.arange(len(labels))
    before = [counts[k][0] for k in labels]
    after = [counts[k][1] for k in labels]
    ax.bar(idx - 0.2, before, width=0.4, label="before")
    ax.bar(idx + 0.2, after, width=0.4, label="after")
    for i in idx:
        ax.text(i - 0.2, before[i] + total * 0.01, str(before[i]), ha="center", fontsize=8)
        ax.text(i + 0.2, after[i] + total * 0.01, str(after[i]), ha="center", fontsize=8)
    ax.set_xticks(idx, labels)
    ax.set_ylim(0, total * 1.1)
    ax.set_ylabel(f"dead units (of {total})")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
