"""Plots of chapter 5 (loss functions): pure functions ``f(data, ..., ax=None) -> ax``.

They draw what ``helpers.losses`` computes: a loss beside its gradient, lines fitted under
several losses to data with outliers, and fitted slopes against an experiment's setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from helpers.plots import ArrayLike, new_axes, to_numpy

__all__ = ["FIT_STYLES", "loss_and_gradient", "line_fits", "slopes"]

#: colour and line style of each fitting loss, shared by the plots and the explorers
FIT_STYLES: dict[str, dict[str, object]] = {
    "L2 (MSE)": {"color": "#D55E00", "ls": "-"},
    "L1 (MAE)": {"color": "#0072B2", "ls": "--"},
    "Huber": {"color": "#009E73", "ls": "-."},
}


def _two_axes(axes: Sequence[Axes] | None) -> tuple[Axes, Axes]:
    if axes is None:
        _, pair = plt.subplots(1, 2, figsize=(9.0, 3.3))
        return pair[0], pair[1]
    if len(axes) != 2:
        raise ValueError(f"axes must be a pair (loss axes, gradient axes), got {len(axes)}")
    return axes[0], axes[1]


def loss_and_gradient(
    x: ArrayLike,
    losses: Mapping[str, ArrayLike],
    grads: Mapping[str, ArrayLike],
    axes: Sequence[Axes] | None = None,
    *,
    xlabel: str = r"error $e = \hat y - y$",
    loss_title: str = "loss",
    grad_title: str = r"gradient $\partial L / \partial \hat y$",
    loss_ylim: tuple[float, float] | None = None,
    grad_ylim: tuple[float, float] | None = None,
    styles: Mapping[str, Mapping[str, object]] | None = None,
    legend: str = "loss",
    legend_loc: str = "upper center",
) -> tuple[Axes, Axes]:
    """Losses (left) and their gradients (right) over the same ``x``, one colour per name.

    ``losses`` and ``grads`` map a label to values of ``x``'s shape; a label present in both
    gets the same colour on both sides. ``legend``: on the ``"loss"`` axes (enough when the
    colours match), on ``"both"``, or ``"none"``, at ``legend_loc`` (a fixed place: ``"best"``
    would search for one on every redraw of an explorer). Returns the two axes.
    """
    if legend not in ("loss", "both", "none"):
        raise ValueError(f"legend must be 'loss', 'both' or 'none', got {legend!r}")
    if not losses and not grads:
        raise ValueError("give at least one loss or gradient curve")
    ax_l, ax_g = _two_axes(axes)
    xv = to_numpy(x)
    names = list(dict.fromkeys([*losses, *grads]))
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    for k, name in enumerate(names):
        kw: dict[str, object] = {"color": colors[k % len(colors)]}
        kw.update((styles or {}).get(name, {}))
        for ax, series in ((ax_l, losses), (ax_g, grads)):
            if name in series:
                yv = to_numpy(series[name])
                if yv.shape != xv.shape:
                    raise ValueError(f"curve {name!r} has shape {yv.shape}, x has shape {xv.shape}")
                ax.plot(xv, yv, label=name, **kw)
    for ax, title, ylim in ((ax_l, loss_title, loss_ylim), (ax_g, grad_title, grad_ylim)):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        if ylim is not None:
            ax.set_ylim(*ylim)
    for ax in {"loss": (ax_l,), "both": (ax_l, ax_g), "none": ()}[legend]:
        if any(not line.get_label().startswith("_") for line in ax.get_lines()):
            ax.legend(loc=legend_loc)
    return ax_l, ax_g


def line_fits(
    x: ArrayLike,
    y: ArrayLike,
    fits: Mapping[str, tuple[float, float]],
    ax: Axes | None = None,
    *,
    is_outlier: ArrayLike | None = None,
    true_line: tuple[float, float] | None = None,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
) -> Axes:
    """Data points (outliers marked) and one line per fit, ``label -> (slope, intercept)``.

    Labels found in ``FIT_STYLES`` get its colour and line style. ``true_line`` (slope,
    intercept) is drawn thin and grey.
    """
    ax = new_axes(ax)
    xv, yv = to_numpy(x).astype(float), to_numpy(y).astype(float)
    if xv.shape != yv.shape or xv.ndim != 1:
        raise ValueError(f"x and y must be 1-D of the same length, got {xv.shape} and {yv.shape}")
    mask = np.zeros(xv.shape, bool) if is_outlier is None else to_numpy(is_outlier).astype(bool)
    if mask.shape != xv.shape:
        raise ValueError(f"is_outlier has shape {mask.shape}, x has shape {xv.shape}")
    ax.plot(xv[~mask], yv[~mask], "o", color="0.35", ms=4, label="data")
    ax.plot(xv[mask], yv[mask], "X", color="#CC79A7", ms=7, label="outliers")
    xs = np.array([xv.min(), xv.max()])
    if true_line is not None:
        ax.plot(xs, true_line[0] * xs + true_line[1], color="0.6", lw=1, label="true line")
    for name, (slope, intercept) in fits.items():
        ax.plot(xs, slope * xs + intercept, label=name, **FIT_STYLES.get(name, {}))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left")
    return ax


def slopes(
    values: ArrayLike,
    fitted: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    xlabel: str,
    true_slope: float | None = None,
    title: str | None = None,
    logx: bool = False,
) -> Axes:
    """Fitted slopes (one line per loss) against an experiment's setting ``values``."""
    ax = new_axes(ax)
    xv = to_numpy(values).astype(float)
    for name, s in fitted.items():
        sv = to_numpy(s).astype(float)
        if sv.shape != xv.shape:
            raise ValueError(f"slopes {name!r} have shape {sv.shape}, values have shape {xv.shape}")
        ax.plot(xv, sv, marker="o", ms=3, label=name, **FIT_STYLES.get(name, {}))
    if true_slope is not None:
        ax.axhline(true_slope, color="0.6", lw=1, label="true slope")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fitted slope")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
