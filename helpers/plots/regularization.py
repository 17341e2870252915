"""Plots of chapter 8 (regularization): the overfitting gap, dropout masks, distributions
and running estimates. Pure: ``f(data, ..., ax=None) -> ax``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from helpers.plots import ArrayLike, new_axes, to_numpy

__all__ = ["loss_gap", "mask_image", "histograms", "running_estimates", "grouped_bars"]


def loss_gap(
    train_loss: Sequence[float],
    val_loss: Sequence[float],
    ax: Axes | None = None,
    *,
    title: str | None = "train vs validation loss",
    label: str = "",
    color: str | None = None,
    logy: bool = False,
) -> Axes:
    """Train and validation loss per epoch, the gap between them shaded and the epoch of the
    lowest validation loss marked. ``label`` prefixes the legend entries (``"dropout: "``)."""
    tr = np.asarray(train_loss, dtype=float)
    va = np.asarray(val_loss, dtype=float)
    if tr.ndim != 1 or tr.shape != va.shape or len(tr) == 0:
        raise ValueError(
            f"train_loss and val_loss must be non-empty 1-D sequences of equal length, "
            f"got {tr.shape} and {va.shape}"
        )
    ax = new_axes(ax)
    epochs = np.arange(1, len(tr) + 1)
    (line,) = ax.plot(epochs, va, color=color, label=f"{label}validation")
    c = line.get_color()
    ax.plot(epochs, tr, "--", color=c, label=f"{label}train")
    ax.fill_between(epochs, tr, va, color=c, alpha=0.12)
    best = int(np.argmin(va))
    ax.plot([epochs[best]], [va[best]], "o", color=c, ms=5)
    ax.annotate(
        f"min {va[best]:.3f} (epoch {epochs[best]})",
        (epochs[best], va[best]),
        textcoords="offset points",
        xytext=(4, -14),
        fontsize=8,
        color=c,
    )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def mask_image(
    mask: ArrayLike,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    shape: tuple[int, int] | None = None,
) -> Axes:
    """A 0/1 dropout mask as an image: white = kept, black = dropped.

    A 1-D mask is reshaped to ``shape`` (default: the most square rows x columns).
    """
    m = to_numpy(mask).astype(float)
    if m.ndim == 1:
        if shape is None:
            rows = int(np.sqrt(m.size))
            while m.size % rows:
                rows -= 1
            shape = (rows, m.size // rows)
        if shape[0] * shape[1] != m.size:
            raise ValueError(f"cannot show {m.size} mask entries as {shape}")
        m = m.reshape(shape)
    if m.ndim != 2:
        raise ValueError(f"mask must be 1-D or 2-D, got shape {m.shape}")
    ax = new_axes(ax, figsize=(3.0, 3.0))
    ax.imshow(m, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def histograms(
    samples: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    bins: int = 60,
    value_range: tuple[float, float] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    mean_lines: bool = True,
) -> Axes:
    """Step histograms (densities) of several samples on shared bins; dotted lines at the
    means. Values outside ``value_range`` (default: all of them) are left out."""
    if not samples:
        raise ValueError("samples must hold at least one entry (label -> values)")
    arrays = {k: to_numpy(v).astype(float).ravel() for k, v in samples.items()}
    empty = [k for k, a in arrays.items() if a.size == 0]
    if empty:
        raise ValueError(f"samples {empty} are empty")
    if value_range is None:
        lo = min(float(a.min()) for a in arrays.values())
        hi = max(float(a.max()) for a in arrays.values())
        value_range = (lo, hi if hi > lo else lo + 1.0)
    edges = np.linspace(value_range[0], value_range[1], bins + 1)
    ax = new_axes(ax)
    for label, a in arrays.items():
        counts, _ = np.histogram(a, bins=edges, density=True)
        patch = ax.stairs(counts, edges, label=label, fill=False, linewidth=1.8)
        if mean_lines:
            ax.axvline(float(a.mean()), color=patch.get_edgecolor(), ls=":", lw=1.2)
    ax.set_ylabel("density")
    if xlabel:
        ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def running_estimates(
    estimates: Mapping[str, ArrayLike],
    target: float,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    target_label: str = "true value",
) -> Axes:
    """Estimates that evolve step by step (label -> values per step) against a true value."""
    if not estimates:
        raise ValueError("estimates must hold at least one series")
    ax = new_axes(ax)
    for label, values in estimates.items():
        v = to_numpy(values).astype(float)
        ax.plot(np.arange(1, len(v) + 1), v, label=label)
    ax.axhline(target, color="0.3", ls="--", lw=1.2, label=target_label)
    ax.set_xlabel("training step")
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def grouped_bars(
    groups: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = "index i",
    ylabel: str | None = None,
) -> Axes:
    """Side-by-side bars: one group of bars per index, one bar per entry of ``groups``."""
    if not groups:
        raise ValueError("groups must hold at least one series (label -> values)")
    arrays = {k: to_numpy(v).astype(float).ravel() for k, v in groups.items()}
    n = {a.size for a in arrays.values()}
    if len(n) != 1:
        raise ValueError(f"every series must have the same length, got lengths {sorted(n)}")
    ax = new_axes(ax)
    idx = np.arange(n.pop())
    width = 0.8 / len(arrays)
    for k, (label, a) in enumerate(arrays.items()):
        ax.bar(idx + (k - (len(arrays) - 1) / 2) * width, a, width=width, label=label)
    ax.set_xticks(idx)
    ax.axhline(0, color="0.5", lw=0.8)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
