"""Plots of chapter 10 (recurrent networks). Pure: ``f(data, ..., ax=None) -> ax``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from helpers.plots import ArrayLike, new_axes, to_numpy

__all__ = [
    "hidden_states",
    "gradient_decay",
    "forecast",
    "embedding_map",
    "accuracy_vs_distance",
    "timings",
    "response",
    "series_split",
    "embedding_matrix",
]


def hidden_states(
    h: ArrayLike,
    ax: Axes | None = None,
    *,
    title: str | None = "hidden state over time",
    units: int = 4,
) -> Axes:
    """The first ``units`` components of a sequence of hidden states (T, H) against t."""
    hv = to_numpy(h)
    if hv.ndim != 2 or hv.shape[0] == 0:
        raise ValueError(f"h must be a non-empty (T, H) array, got shape {hv.shape}")
    ax = new_axes(ax, figsize=(6.4, 3.0))
    t = np.arange(1, hv.shape[0] + 1)
    for j in range(min(units, hv.shape[1])):
        ax.plot(t, hv[:, j], lw=1.4, label=f"$h_t[{j}]$")
    ax.set_xlabel("time step t")
    ax.set_ylabel("value")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def gradient_decay(
    curves: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    title: str | None = r"$\|\partial L/\partial x_{T-k}\|$ against distance $k$",
    ylim: tuple[float, float] | None = None,
) -> Axes:
    """Gradient norms (one array per label, entry k = distance k) on a log scale."""
    if not curves:
        raise ValueError("curves must hold at least one label -> gradient norms")
    ax = new_axes(ax, figsize=(6.4, 3.4))
    for label, values in curves.items():
        g = to_numpy(values).astype(float)
        k = np.arange(len(g))
        g = np.where(g > 0, g, np.nan)  # log scale: zeros are not drawable
        ax.plot(k, g, label=label)
    ax.set_yscale("log")
    if ylim:
        ax.set_ylim(*ylim)
    ax.set_xlabel("distance k (steps before the last)")
    ax.set_ylabel("gradient norm")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def forecast(
    target: ArrayLike,
    predictions: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    start: int = 0,
    title: str | None = "one-step-ahead forecast on the test segment",
) -> Axes:
    """The true series and one or more forecasts of it, against the step index."""
    y = to_numpy(target).reshape(-1)
    ax = new_axes(ax, figsize=(7.0, 3.0))
    t = np.arange(start, start + len(y))
    ax.plot(t, y, color="0.3", lw=1.0, marker=".", ms=3, label="true value")
    for label, p in predictions.items():
        pv = to_numpy(p).reshape(-1)
        if pv.shape != y.shape:
            raise ValueError(
                f"prediction {label!r} has {pv.shape[0]} values, the target {y.shape[0]}"
            )
        ax.plot(t, pv, lw=1.6, label=label)
    ax.set_xlabel("step")
    if title:
        ax.set_title(title)
    _headroom(ax)
    ax.legend(fontsize=8, loc="upper right", ncols=len(predictions) + 1)
    return ax


def embedding_map(
    points: ArrayLike,
    labels: Sequence[str],
    ax: Axes | None = None,
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    title: str | None = "embedding vectors (2-D projection)",
) -> Axes:
    """A labelled scatter of 2-D points (N, 2); ``groups`` colours labels by group name."""
    p = to_numpy(points)
    if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] != len(labels):
        raise ValueError(
            f"points must be (N, 2) with N = len(labels) = {len(labels)}, got {p.shape}"
        )
    ax = new_axes(ax, figsize=(4.6, 4.0))
    colour_of = {}
    if groups:
        for i, (name, members) in enumerate(groups.items()):
            for m in members:
                colour_of[m] = (f"C{i}", name)
    seen = set()
    for (x, y), label in zip(p, labels, strict=True):
        colour, group = colour_of.get(label, ("0.4", None))
        ax.scatter(
            [x], [y], s=18, color=colour, label=group if group and group not in seen else None
        )
        seen.add(group)
        ax.annotate(
            label, (x, y), textcoords="offset points", xytext=(3, 3), fontsize=9, color=colour
        )
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    if title:
        ax.set_title(title)
    if groups:
        ax.legend(fontsize=8)
    return ax


def accuracy_vs_distance(
    distances: Sequence[int],
    accuracies: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    chance: float | None = None,
    title: str | None = "remember the first token after n distractors",
) -> Axes:
    """Test accuracy (fractions) of each model against the number of distractors."""
    ax = new_axes(ax, figsize=(5.6, 3.2))
    n = np.asarray(distances)
    markers, dashes = "osD^v", ["-", "--", ":", "-."]
    for i, (label, acc) in enumerate(accuracies.items()):
        a = 100 * np.asarray(acc, dtype=float)
        if a.shape != n.shape:
            raise ValueError(f"{label!r} has {a.size} accuracies for {n.size} distances")
        # equal results must stay visible: shrinking markers and distinct dashes
        ax.plot(
            n,
            a,
            dashes[i % len(dashes)],
            marker=markers[i % len(markers)],
            ms=9 - 2 * (i % 3),
            label=label,
        )
    if chance is not None:
        ax.axhline(100 * chance, color="0.5", ls="--", lw=1, label="chance")
    ax.set_ylim(0, 105)
    ax.set_xticks(n)
    ax.set_xlabel("distractors n")
    ax.set_ylabel("test accuracy (%)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="center left")
    return ax


def timings(
    lengths: Sequence[int],
    seconds: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    title: str | None = "forward pass time against sequence length",
) -> Axes:
    """Time (shown in ms) of each method against the sequence length, log-log."""
    ax = new_axes(ax, figsize=(5.6, 3.2))
    x = np.asarray(lengths)
    for label, s in seconds.items():
        ax.plot(x, 1000 * np.asarray(s, dtype=float), marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("time (ms)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def response(
    curves: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    pulse_at: int | None = None,
    logy: bool = False,
    ylabel: str = r"$\|h_t - h_t^{\mathrm{no\ pulse}}\|$",
    title: str | None = "what the hidden state remembers of one input",
) -> Axes:
    """Curves against the time step t (from 1); a dotted line marks the pulse."""
    if not curves:
        raise ValueError("curves must hold at least one label -> values")
    ax = new_axes(ax, figsize=(6.0, 3.0))
    for label, values in curves.items():
        v = to_numpy(values).astype(float)
        if logy:
            v = np.where(v > 0, v, np.nan)
        ax.plot(np.arange(1, len(v) + 1), v, label=label)
    if pulse_at is not None:
        ax.axvline(pulse_at, color="0.5", ls=":", lw=1)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("time step t")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def _headroom(ax: Axes, fraction: float = 0.3) -> None:
    """Extend the y-range upwards so a legend in the upper corner covers no data."""
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + fraction * (high - low))


def series_split(
    series: ArrayLike,
    parts: Mapping[str, tuple[int, int]],
    ax: Axes | None = None,
    *,
    title: str | None = "the series and its chronological split",
) -> Axes:
    """A 1-D series with each named part ``(start, end)`` drawn in its own colour."""
    y = to_numpy(series).reshape(-1)
    ax = new_axes(ax, figsize=(7.0, 2.6))
    for name, (start, end) in parts.items():
        if not 0 <= start < end <= len(y):
            raise ValueError(f"part {name!r} = ({start}, {end}) is outside [0, {len(y)}]")
        ax.plot(np.arange(start, end), y[start:end], lw=1.0, label=f"{name} ({end - start} steps)")
    ax.set_xlabel("step t")
    ax.set_ylabel("$x_t$")
    if title:
        ax.set_title(title)
    _headroom(ax)
    ax.legend(fontsize=8, ncols=len(parts), loc="upper right")
    return ax


def embedding_matrix(
    weight: ArrayLike,
    labels: Sequence[str],
    ax: Axes | None = None,
    *,
    title: str | None = "embedding matrix: one row per token",
) -> Axes:
    """The (V, d) embedding matrix as an image, each row labelled with its token."""
    w = to_numpy(weight)
    if w.ndim != 2 or w.shape[0] != len(labels):
        raise ValueError(
            f"weight must be (V, d) with V = len(labels) = {len(labels)}, got {w.shape}"
        )
    ax = new_axes(ax, figsize=(3.8, 0.22 * len(labels) + 0.9))
    lim = float(np.abs(w).max()) or 1.0
    image = ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    ax.grid(False)
    ax.set_yticks(range(len(labels)), [f"{i}: {t}" for i, t in enumerate(labels)], fontsize=8)
    ax.set_xticks(range(w.shape[1]))
    ax.set_xlabel("vector component")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    if title:
        ax.set_title(title)
    return ax
