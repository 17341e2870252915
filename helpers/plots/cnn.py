"""Plots for chapter 9: images as tensors, grids of kernels and feature maps, a window.

Pure functions: ``f(data, ..., ax=None) -> ax`` (or ``fig=None -> axes`` for grids).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.plots import ArrayLike, bare, image_grid, new_axes, to_numpy

__all__ = ["as_hwc", "images", "maps", "matrix", "rgb_channels"]


def as_hwc(image: ArrayLike) -> np.ndarray:
    """A (H, W) or (H, W, 3) NumPy array from a (H, W), (1, H, W) or (3, H, W) tensor/array."""
    a = to_numpy(image)
    if a.ndim == 3 and a.shape[0] in (1, 3) and a.shape[-1] not in (3, 4):
        a = a[0] if a.shape[0] == 1 else a.transpose(1, 2, 0)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] not in (3, 4)):
        raise ValueError(f"image must be (H, W), (1, H, W), (3, H, W) or (H, W, 3), got {a.shape}")
    return a


def images(
    pictures: Mapping[str, ArrayLike],
    *,
    cmap: str = "gray",
    size: float = 2.2,
    colorbar: bool = True,
    fig: Figure | None = None,
) -> np.ndarray:
    """One panel per picture (title -> image), each with its own value range and colour bar.

    Grayscale images use ``cmap``; colour images (3 channels, values in [0, 255] or [0, 1])
    are shown as they are. Returns the axes.
    """
    if not pictures:
        raise ValueError("pictures must hold at least one image (title -> image)")
    if fig is None:
        fig = plt.figure(figsize=(size * len(pictures) + 0.4, size))
    axes = np.atleast_1d(fig.subplots(1, len(pictures), squeeze=False)).ravel()
    for ax, (title, picture) in zip(axes, pictures.items(), strict=True):
        a = as_hwc(picture)
        if a.ndim == 3:
            ax.imshow(a.astype(np.uint8) if a.max() > 1 else a)
        else:
            im = ax.imshow(a, cmap=cmap)
            if colorbar:
                fig.colorbar(im, ax=ax, shrink=0.8)
        ax.set_title(title, fontsize=9)
        bare(ax)
    return axes


def rgb_channels(image: ArrayLike, *, size: float = 2.0, fig: Figure | None = None) -> np.ndarray:
    """A colour image (3, H, W) and its R, G and B channels, each a grayscale map.

    The channels share one scale (0 black to the image's maximum white), so brightness can
    be compared across them; the titles carry the channel's colour.
    """
    a = to_numpy(image)
    if a.ndim != 3 or a.shape[0] != 3:
        raise ValueError(f"image must be a (3, H, W) tensor or array, got shape {a.shape}")
    pictures = {"RGB image": a, "R channel": a[0], "G channel": a[1], "B channel": a[2]}
    if fig is None:
        fig = plt.figure(figsize=(4 * size, size * a.shape[1] / a.shape[2] + 0.4))
    axes = images(pictures, fig=fig, colorbar=False)
    for ax, color in zip(axes[1:], ("#C00000", "#008000", "#0040C0"), strict=True):
        ax.images[0].set_clim(0, float(a.max()))
        ax.title.set_color(color)
    return axes


def maps(
    values: ArrayLike,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 8,
    symmetric: bool = False,
    cmap: str | None = None,
    size: float = 1.0,
    fig: Figure | None = None,
) -> np.ndarray:
    """A grid of 2-D maps (C, H, W): feature maps, or kernels (C, 1, F, F) / (C, F, F).

    ``symmetric=True`` centres each map's colour scale on 0 (a diverging map, red
    positive, blue negative): the right view for kernels, whose sign matters.
    """
    a = to_numpy(values)
    if a.ndim not in (3, 4) or (a.ndim == 4 and a.shape[1] != 1) or len(a) == 0:
        raise ValueError(
            f"values must be a non-empty (C, H, W) or (C, 1, H, W) stack, got {a.shape}"
        )
    return image_grid(
        a, titles, ncols=ncols, cmap=cmap or ("RdBu_r" if symmetric else "viridis"),
        size=size, fig=fig, symmetric=symmetric,
    )  # fmt: skip


def matrix(
    values: ArrayLike,
    ax: Axes | None = None,
    *,
    fmt: str = "{:.2g}",
    cmap: str = "gray_r",
    window: tuple[int, int, int] | None = None,
    padding: int = 0,
    title: str | None = None,
    fontsize: float = 7.0,
    symmetric: bool = False,
    vmax: float | None = None,
) -> Axes:
    """A small 2-D array drawn cell by cell with its numbers written in.

    ``window=(row, col, F)`` outlines the F x F window whose top-left cell is (row, col);
    ``padding=P`` outlines the original input inside P rows/columns of padding.
    ``symmetric=True`` draws a diverging map centred on 0 (``cmap`` defaults to "RdBu_r")
    from -vmax to vmax (``vmax`` defaults to max |values|; pass the same one to compare
    several matrices).
    """
    a = to_numpy(values)
    if a.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {a.shape}")
    ax = new_axes(ax, figsize=(0.32 * a.shape[1] + 0.6, 0.32 * a.shape[0] + 0.6))
    if symmetric:
        cmap = "RdBu_r" if cmap == "gray_r" else cmap
        lim = vmax if vmax is not None else (float(np.abs(a).max()) or 1.0)
        ax.imshow(a, cmap=cmap, vmin=-lim, vmax=lim)
    else:
        ax.imshow(a, cmap=cmap, vmax=vmax)
    bare(ax)
    lo, hi = float(a.min()), float(a.max())
    mid = (lo + hi) / 2
    dark_high = cmap.endswith("_r") or cmap in ("Greys", "Blues", "Reds", "Greens")
    for (r, c), v in np.ndenumerate(a):
        if symmetric:
            dark = abs(v) > 0.6 * lim
        else:
            dark = (v > mid) == dark_high if hi > lo else False
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=fontsize,
                color="white" if dark else "black")  # fmt: skip
    if padding:
        h, w = a.shape
        ax.add_patch(
            Rectangle(
                (padding - 0.5, padding - 0.5),
                w - 2 * padding,
                h - 2 * padding,
                fill=False,
                ec="0.5",
                lw=1.2,
                ls="--",
            )
        )
    if window is not None:
        r, c, f = window
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), f, f, fill=False, ec="#D55E00", lw=2.5))
    if title:
        ax.set_title(title, fontsize=9)
    return ax
