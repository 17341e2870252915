"""Plots for chapter 7 (learning-rate schedules). Pure: ``f(data, ..., ax=None) -> ax``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from helpers.plots import ArrayLike, new_axes, to_numpy

__all__ = ["lr_curves", "gap", "plateau", "loss_and_lr"]


def lr_curves(
    t: ArrayLike,
    curves: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    xlabel: str = "step t",
    ylabel: str = r"learning rate $\eta_t$",
    logy: bool = False,
    steps: bool = True,
    styles: Mapping[str, str] | None = None,
) -> Axes:
    """One learning-rate curve per entry of ``curves`` (label -> rates) against ``t``.

    ``steps=True`` draws each rate as a flat segment from its step to the next one: the
    rate really is constant in between, and the jumps of step decay show as jumps.
    """
    if not curves:
        raise ValueError("curves must hold at least one schedule (label -> rates)")
    ax = new_axes(ax)
    tv = to_numpy(t)
    for label, values in curves.items():
        v = to_numpy(values)
        if v.shape != tv.shape:
            raise ValueError(f"curve {label!r} has shape {v.shape}, t has shape {tv.shape}")
        ax.plot(
            tv,
            v,
            (styles or {}).get(label, "-"),
            label=label,
            drawstyle="steps-post" if steps else "default",
        )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


def gap(
    t: ArrayLike,
    diff: ArrayLike,
    ax: Axes | None = None,
    *,
    bound: ArrayLike | None = None,
    T_max: int | None = None,
    title: str | None = None,
    label: str = "|closed form - torch|",
) -> Axes:
    """The absolute difference of two schedules on a log scale (exact zeros left out).

    ``bound`` adds the rounding bound the difference must stay under; ``T_max`` marks
    the end of the first cosine half-period.
    """
    ax = new_axes(ax)
    tv, d = to_numpy(t), np.abs(to_numpy(diff).astype(float))
    if d.shape != tv.shape:
        raise ValueError(f"diff has shape {d.shape}, t has shape {tv.shape}")
    ax.plot(tv, np.where(d > 0, d, np.nan), ".", ms=3, label=label)
    if bound is not None:
        ax.plot(
            tv,
            np.where(to_numpy(bound) > 0, to_numpy(bound), np.nan),
            "-",
            lw=1.2,
            label="rounding bound",
        )
    if T_max is not None:
        ax.axvline(T_max, color="0.4", ls="--", lw=1)
        ax.annotate(
            r"$T_{\max}$",
            (T_max, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=9,
        )
    ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("absolute difference")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def plateau(
    metric: ArrayLike,
    lrs: ArrayLike,
    reductions: Sequence[int],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    metric_label: str = "validation loss",
) -> Axes:
    """A metric curve (one value per epoch) and the plateau rate it produced.

    ``metric[i]`` is measured after epoch ``i + 1`` and ``lrs[i]`` is the rate used in
    epoch ``i + 1``; a dashed line marks each epoch in ``reductions`` (the rate drops
    right after it). The rate is drawn on a second y axis (log scale), each epoch's
    value centred on its epoch; the legend sits under the axes.
    """
    m, r = to_numpy(metric).astype(float), to_numpy(lrs).astype(float)
    if m.ndim != 1 or m.shape != r.shape:
        raise ValueError(f"metric and lrs must be 1-D of one length, got {m.shape} and {r.shape}")
    ax = new_axes(ax)
    epochs = np.arange(1, len(m) + 1)
    ax.plot(epochs, m, ".-", label=metric_label)
    for i, e in enumerate(reductions):
        ax.axvline(
            e, color="0.35", ls="--", lw=1, label="reduced after this epoch" if i == 0 else None
        )
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(metric_label)
    twin = ax.twinx()
    twin.plot(epochs, r, color="#D55E00", drawstyle="steps-mid", label="learning rate")
    twin.set_yscale("log")
    twin.set_ylabel("learning rate", color="#D55E00")
    twin.grid(False)
    lines = ax.get_legend_handles_labels()
    lines2 = twin.get_legend_handles_labels()
    ax.legend(
        lines[0] + lines2[0],
        lines[1] + lines2[1],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncol=3,
    )
    if title:
        ax.set_title(title)
    return ax


def loss_and_lr(
    runs: Mapping[str, Any],
    axes: Sequence[Axes] | None = None,
    *,
    metrics: Sequence[str] = ("train_loss", "val_loss"),
    logy: bool = True,
    styles: Mapping[str, str] | None = None,
) -> Sequence[Axes]:
    """One panel per metric (per epoch) and a last panel with the learning rate per epoch.

    ``runs`` maps a label to a training record with per-epoch lists ``lr`` and each of
    ``metrics`` (a ``helpers.train.History`` works). Epochs count from 1; the rate shown at
    epoch ``e`` is the one used during epoch ``e``. Losses use a log axis (``logy``).
    """
    if not runs:
        raise ValueError("runs must hold at least one training record (label -> History)")
    if not metrics:
        raise ValueError("metrics must name at least one per-epoch list, e.g. 'train_loss'")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(metrics) + 1, figsize=(3.2 * (len(metrics) + 1) + 1.2, 3.3))
    if len(axes) != len(metrics) + 1:
        raise ValueError(
            f"need {len(metrics) + 1} axes (one per metric + the rate), got {len(axes)}"
        )
    ax_lr = axes[-1]
    for label, run in runs.items():
        lrs = getattr(run, "lr", None)
        if lrs is None or any(getattr(run, m, None) is None for m in metrics):
            raise ValueError(f"run {label!r} needs per-epoch lists 'lr' and {list(metrics)}")
        style = (styles or {}).get(label, "-")
        for ax, metric in zip(axes, metrics, strict=False):
            values = getattr(run, metric)
            ax.plot(np.arange(1, len(values) + 1), values, style, label=label)
        ax_lr.plot(np.arange(1, len(lrs) + 1), lrs, style, drawstyle="steps-mid", label=label)
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax, metric in zip(axes, metrics, strict=False):
        ax.set_xlabel("epoch")
        ax.set_title(metric.replace("_", " "))
        if logy:
            ax.set_yscale("log")
    ax_lr.set_xlabel("epoch")
    ax_lr.set_title("learning rate")
    ax_lr.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return axes
