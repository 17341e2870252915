"""Pure plotting: ``f(data, ..., ax=None) -> ax``. Never reads notebook globals.

General-purpose plots live here; a chapter's own plots live in ``helpers.plots.<topic>``
(for example ``helpers.plots.activations``) and follow the same rule.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

__all__ = [
    "ArrayLike",
    "bare",
    "to_numpy",
    "new_axes",
    "curves",
    "history",
    "image_grid",
    "confusion_matrix",
    "png_bytes",
]

ArrayLike = torch.Tensor | np.ndarray | Sequence[float]


def to_numpy(values: ArrayLike) -> np.ndarray:
    """A NumPy copy of a tensor (detached, on the CPU), array or sequence."""
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def png_bytes(fig: Figure) -> bytes:
    """The pixels of ``fig``'s Agg canvas, as drawn last, encoded as PNG bytes.

    Call ``fig.canvas.draw()`` (or blit onto it) first: this only encodes. zlib level 1 is
    about five times faster than the default for a 560 x 290 figure and the file is about
    a third larger; PIL writes no timestamp, so equal pixels give equal bytes.
    """
    canvas = fig.canvas
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] | None = None) -> Axes:
    """``ax`` itself, or the axes of a new figure (pyplot, so it shows inline)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def bare(ax: Axes) -> Axes:
    """No ticks, grid or frame: the right look for an image."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def curves(
    x: ArrayLike,
    ys: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = "x",
    ylabel: str | None = None,
    logy: bool = False,
    styles: Mapping[str, str] | None = None,
) -> Axes:
    """One line per entry of ``ys`` (label -> values) against the shared ``x``."""
    if not ys:
        raise ValueError("ys must hold at least one curve (label -> values)")
    ax = new_axes(ax)
    xv = to_numpy(x)
    for label, y in ys.items():
        yv = to_numpy(y)
        if yv.shape != xv.shape:
            raise ValueError(f"curve {label!r} has shape {yv.shape}, x has shape {xv.shape}")
        ax.plot(xv, yv, (styles or {}).get(label, "-"), label=label)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if len(ys) > 1:
        ax.legend()
    return ax


def history(
    metrics: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    xlabel: str = "epoch",
    ylabel: str | None = None,
    logy: bool = False,
) -> Axes:
    """Training curves: each entry (name -> one value per epoch) as a line from epoch 1."""
    if not metrics:
        raise ValueError("metrics must hold at least one series")
    ax = new_axes(ax)
    for name, values in metrics.items():
        v = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(v) + 1), v, marker="." if len(v) < 40 else None, label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def image_grid(
    images: ArrayLike,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 8,
    cmap: str = "gray_r",
    size: float = 1.1,
    fig: Figure | None = None,
    symmetric: bool = False,
) -> np.ndarray:
    """Show a batch of images (N, H, W), (N, 1, H, W) or (N, 3, H, W); returns the axes.

    ``symmetric=True`` centres each image's colour scale on 0 (for a diverging ``cmap``):
    the right view for kernels and weights, whose sign matters.
    """
    imgs = to_numpy(images)
    if imgs.ndim == 4 and imgs.shape[1] in (1, 3):
        imgs = imgs[:, 0] if imgs.shape[1] == 1 else imgs.transpose(0, 2, 3, 1)
    if imgs.ndim not in (3, 4) or len(imgs) == 0:
        raise ValueError(
            f"images must be a non-empty (N, H, W) or (N, C, H, W) batch, got {imgs.shape}"
        )
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f"got {len(titles)} titles for {len(imgs)} images")
    ncols = max(1, min(ncols, len(imgs)))
    nrows = -(-len(imgs) // ncols)
    if fig is None:
        fig = plt.figure(figsize=(size * ncols, size * nrows + (0.25 * nrows if titles else 0)))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i < len(imgs):
            lim = (float(np.abs(imgs[i]).max()) or 1.0) if symmetric else None
            ax.imshow(imgs[i], cmap=cmap, vmin=-lim if lim else None, vmax=lim)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    return axes


def confusion_matrix(
    matrix: ArrayLike,
    ax: Axes | None = None,
    *,
    labels: Sequence[str] | None = None,
    title: str | None = "confusion matrix",
) -> Axes:
    """A confusion matrix (rows: true class, columns: predicted), counts written in."""
    m = to_numpy(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"matrix must be square, got shape {m.shape}")
    ax = new_axes(ax, figsize=(4.2, 4.0))
    ax.imshow(m, cmap="Blues")
    ax.grid(False)
    n = m.shape[0]
    ticks = labels if labels is not None else [str(i) for i in range(n)]
    ax.set_xticks(range(n), ticks)
    ax.set_yticks(range(n), ticks)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = m.max() / 2 if m.size else 0
    for i in range(n):
        for j in range(n):
            if m[i, j]:
                ax.text(
                    j,
                    i,
                    f"{m[i, j]:g}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if m[i, j] > threshold else "black",
                )
    if title:
        ax.set_title(title)
    return ax
