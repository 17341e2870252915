"""Plots for chapter 11 (the PyTorch APIs): images at one pixel scale, batch make-up,
loader timings, and vectors in the plane.

Pure functions: ``f(data, ..., ax=None) -> ax`` (or ``fig=None -> axes`` for panels).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.plots import ArrayLike, new_axes, to_numpy

__all__ = ["as_image", "same_scale", "batch_fractions", "loader_timings", "vectors_2d"]


def as_image(picture: ArrayLike) -> np.ndarray:
    """(H, W) or (H, W, 3) from (H, W), (1, H, W), (3, H, W) or a batch of one of those."""
    a = to_numpy(picture).astype(float)
    while a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 3 and a.shape[0] == 1:
        a = a[0]
    elif a.ndim == 3 and a.shape[0] == 3:
        a = a.transpose(1, 2, 0)
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] != 3):
        raise ValueError(
            f"picture must be (H, W), (1, H, W) or (3, H, W), got {to_numpy(picture).shape}"
        )
    if a.ndim == 3:  # colour: scale into [0, 1] for imshow
        lo, hi = a.min(), a.max()
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    return a


def same_scale(
    pictures: Mapping[str, ArrayLike],
    *,
    boxes: Mapping[str, tuple[float, float, float, float]] | None = None,
    cmap: str = "gray",
    height: float = 2.0,
    fig: Figure | None = None,
) -> np.ndarray:
    """Panels that share one pixel size, so a smaller output *looks* smaller.

    ``pictures`` maps a title to an image; each title gets the image's shape appended.
    ``boxes`` maps a title to a dashed rectangle (top, left, height, width) in pixels,
    e.g. the original image inside a padded one. Returns the axes.
    """
    if not pictures:
        raise ValueError("pictures must hold at least one image (title -> image)")
    arrays = {title: as_image(p) for title, p in pictures.items()}
    tallest = max(a.shape[0] for a in arrays.values())
    widths = [a.shape[1] for a in arrays.values()]
    if fig is None:
        fig = plt.figure(figsize=(height * sum(widths) / tallest + 0.3 * len(arrays), height + 0.5))
    axes = np.atleast_1d(fig.subplots(1, len(arrays), width_ratios=widths, squeeze=False)).ravel()
    for ax, (title, a) in zip(axes, arrays.items(), strict=True):
        ax.imshow(a, cmap=cmap, interpolation="nearest")
        ax.set_xlim(-0.5, a.shape[1] - 0.5)
        ax.set_ylim(tallest - 0.5, -0.5)  # same vertical scale: short images sit at the top
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(f"{title}\n{a.shape[0]}x{a.shape[1]}", fontsize=9)
        if boxes and title in boxes:
            top, left, h, w = boxes[title]
            ax.add_patch(
                Rectangle((left - 0.5, top - 0.5), w, h, fill=False, ec="#D55E00", lw=1.5, ls="--")
            )
    return axes


def batch_fractions(
    fractions: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    target: float | None = None,
    ylabel: str = "fraction in batch",
    title: str | None = None,
) -> Axes:
    """One line per loader: a share (say, of male names) in each batch of an epoch."""
    if not fractions:
        raise ValueError("fractions must hold at least one series (label -> values)")
    ax = new_axes(ax)
    for label, values in fractions.items():
        v = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(v) + 1), v, marker=".", lw=1.2, label=label)
    if target is not None:
        ax.axhline(target, color="0.4", ls="--", lw=1.0)
    ax.set_ylim(0, 1)
    ax.set_xlabel("batch")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right")
    return ax


def loader_timings(
    timings: Mapping[str, float], ax: Axes | None = None, *, title: str | None = None
) -> Axes:
    """Horizontal bars: seconds per configuration (label -> seconds)."""
    if not timings:
        raise ValueError("timings must hold at least one entry (label -> seconds)")
    ax = new_axes(ax, figsize=(6.4, 0.45 * len(timings) + 0.9))
    labels = list(timings)
    values = np.asarray([timings[k] for k in labels], dtype=float)
    ax.barh(np.arange(len(labels)), values, color=["#0072B2", "#D55E00"] * len(labels))
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("seconds for one epoch")
    if title:
        ax.set_title(title)
    return ax


def vectors_2d(
    vectors: ArrayLike,
    labels: Sequence[str],
    ax: Axes | None = None,
    *,
    highlight: str = "",
    title: str | None = None,
) -> Axes:
    """Rows of ``vectors`` by their first two coordinates, each written as its label;
    labels in ``highlight`` are drawn in the second course colour."""
    v = to_numpy(vectors)
    if v.ndim != 2 or v.shape[1] < 2:
        raise ValueError(f"vectors must be (n, d) with d >= 2, got {v.shape}")
    if len(labels) != len(v):
        raise ValueError(f"got {len(labels)} labels for {len(v)} vectors")
    ax = new_axes(ax, figsize=(4.2, 3.6))
    ax.scatter(v[:, 0], v[:, 1], s=0)  # sets the data limits
    for (x, y), label in zip(v[:, :2], labels, strict=True):
        color = "#D55E00" if label in highlight else "#0072B2"
        ax.text(x, y, label, ha="center", va="center", fontsize=11, color=color)
    ax.margins(0.1)
    ax.set_xlabel("dimension 1")
    ax.set_ylabel("dimension 2")
    if title:
        ax.set_title(title)
    return ax
