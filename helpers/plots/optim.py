"""Plots for chapter 6 (optimizers). Pure: ``f(data, ..., ax=None) -> ax``.

* ``landscape``: a 2-D loss surface as filled contours, its minima and saddles marked
  (``surface_artists`` draws them on an axes and returns them);
* ``trajectory_artists`` / ``gap_legend``: the chapter 6 explorer's artists, drawn here;
* ``paths``: optimizer trajectories drawn on a landscape;
* ``loss_gap``: :math:`f(\\omega_t) - f^*` against the step, on a log scale;
* ``color_of`` / ``is_torch``: one colour per optimizer family (ours solid, torch's dashed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrow

from helpers.landscapes import Landscape, Trajectory
from helpers.plots import new_axes
from helpers.style import COLORS

__all__ = [
    "FAMILY_COLORS",
    "color_of",
    "is_torch",
    "contour_levels",
    "landscape",
    "surface_artists",
    "trajectory_artists",
    "gap_legend",
    "paths",
    "loss_gap",
    "GAP_FLOOR",
]

#: one colour per optimizer family; PyTorch's version of an optimizer shares its colour
FAMILY_COLORS = {
    "gd": COLORS[7],  # black
    "momentum": COLORS[0],  # blue
    "sgd": COLORS[0],
    "adagrad": COLORS[2],  # green
    "rmsprop": COLORS[3],  # reddish purple
    "adam": COLORS[1],  # vermillion
}

#: the smallest loss gap a log-scale plot shows (smaller gaps are drawn at this floor)
GAP_FLOOR = 1e-10


def is_torch(name: str) -> bool:
    """True for PyTorch's optimizers ("Adam (torch)"): they are drawn dashed."""
    return "torch" in name.lower()


def color_of(name: str, fallback: int = 0) -> str:
    """The family colour of an optimizer name ("Adam", "RMSprop (torch)", "GD", ...)."""
    key = name.lower().split()[0].split("(")[0] if name.strip() else ""
    return FAMILY_COLORS.get(key, COLORS[fallback % len(COLORS)])


def contour_levels(z: np.ndarray, n: int = 16) -> np.ndarray:
    """Contour levels spread by quantile of ``z``: even detail on flat and steep surfaces."""
    finite = z[np.isfinite(z)]
    levels = np.unique(np.quantile(finite, np.linspace(0.0, 1.0, n)))
    if len(levels) < 2:
        levels = np.array([finite.min(), finite.min() + 1.0])
    return levels


def surface_artists(
    ls: Landscape,
    ax: Axes,
    *,
    n: int = 160,
    levels: int = 16,
    cmap: str = "Greys_r",
    marks: bool = True,
) -> list[Artist]:
    """Draw ``ls``'s filled contours (and its minima and saddles) on ``ax``; return the
    artists, so that an explorer can remove them when the surface changes.

    Levels are spread by quantile (``contour_levels``); the bands' edges read as contour
    lines, without drawing lines (which would triple the PNG's size).
    """
    X, Y, Z = ls.grid(n)
    drawn: list[Artist] = [
        ax.contourf(X, Y, Z, levels=contour_levels(Z, levels), cmap=cmap, alpha=0.4, extend="both")
    ]
    if marks:
        mx, my = zip(*ls.minima, strict=True)
        drawn += ax.plot(mx, my, "*", ms=11, color="white", mec="black", mew=0.8, zorder=5)
        if ls.saddles:
            sx, sy = zip(*ls.saddles, strict=True)
            drawn += ax.plot(sx, sy, "X", ms=8, color="white", mec="black", mew=0.8, zorder=5)
    x0, x1, y0, y1 = ls.box
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.grid(False)
    return drawn


def landscape(
    ls: Landscape,
    ax: Axes | None = None,
    *,
    n: int = 160,
    levels: int = 16,
    title: str | None = "",
    cmap: str = "Greys_r",
    marks: bool = True,
) -> Axes:
    """Filled contours of ``ls`` over its box, minima as white stars, saddles as crosses
    (``surface_artists``), with axis labels. ``title=""`` writes the landscape's title;
    ``None`` writes none.
    """
    ax = new_axes(ax, figsize=(4.2, 3.8))
    surface_artists(ls, ax, n=n, levels=levels, cmap=cmap, marks=marks)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title is not None:
        ax.set_title(title or ls.title)
    return ax


def trajectory_artists(name: str, i: int, ax: Axes, ax_gap: Axes) -> dict[str, Artist]:
    """Empty artists for one optimizer in the explorer, in its family colour (torch's dashed,
    with hollow heads): a faint whole path ("ghost"), the path so far ("trail"), the current
    point ("head"), an x where it left ("cross"), an arrow along -∇f ("arrow"), and on
    ``ax_gap`` its loss-gap curve ("gap") with the current step's dot ("gap_dot")."""
    color = color_of(name, i)
    torch_ = is_torch(name)
    style = "--" if torch_ else "-"
    arrow = FancyArrow(
        0.0, 0.0, 0.0, 0.0, width=0.02, head_width=0.11, head_length=0.1,
        length_includes_head=True, color=color, zorder=7,
    )  # fmt: skip
    return {
        "ghost": ax.plot([], [], style, color=color, lw=1.0, alpha=0.35, zorder=3)[0],
        "trail": ax.plot([], [], style, color=color, lw=2.0, zorder=4, label=name)[0],
        "head": ax.plot([], [], "o", ms=9 if torch_ else 6, mfc="none" if torch_ else color,
                        mec=color, mew=1.6, zorder=6)[0],
        "cross": ax.plot([], [], "x", ms=10, mew=2.5, color=color, zorder=6, clip_on=False)[0],
        "arrow": ax.add_patch(arrow),
        "gap": ax_gap.plot([], [], style, color=color, lw=1.6, label=name)[0],
        "gap_dot": ax_gap.plot([], [], "o", ms=6, color=color, zorder=6)[0],
    }  # fmt: skip


def gap_legend(ax_gap: Axes, handles: Sequence[Artist], names: Sequence[str]) -> None:
    """The explorer's loss-gap legend: one or (past five names) two columns, top right."""
    ax_gap.legend(
        handles=list(handles),
        labels=list(names),
        loc="upper right",
        fontsize=8 if len(names) <= 5 else 7,
        ncols=1 if len(names) <= 5 else 2,
        frameon=True,
        framealpha=0.85,
    )


def _as_runs(value: Trajectory | Sequence[Trajectory]) -> list[Trajectory]:
    if isinstance(value, Trajectory):
        return [value]
    runs = list(value)
    if not runs or not all(isinstance(r, Trajectory) for r in runs):
        raise ValueError("expected a Trajectory or a non-empty list of Trajectory objects")
    return runs


def paths(
    ls: Landscape,
    trajectories: Mapping[str, Trajectory | Sequence[Trajectory]],
    ax: Axes | None = None,
    *,
    upto: int | None = None,
    title: str | None = "",
    legend: bool = True,
    markers: bool = True,
) -> Axes:
    """Each optimizer's path(s) on the landscape: start (circle), end (dot), divergence (x).

    ``trajectories`` maps a name to one Trajectory or to several (several starts); colours
    follow ``color_of``. ``upto`` draws only the first ``upto`` steps.
    """
    if not trajectories:
        raise ValueError("trajectories must hold at least one entry (name -> Trajectory)")
    ax = landscape(ls, ax, title=title)
    for i, (name, value) in enumerate(trajectories.items()):
        color = color_of(name, i)
        style = "--" if is_torch(name) else "-"
        for j, tr in enumerate(_as_runs(value)):
            k = len(tr.path) if upto is None else min(upto + 1, len(tr.path))
            xy = tr.path[:k]
            ax.plot(
                xy[:, 0],
                xy[:, 1],
                style,
                color=color,
                lw=1.5,
                marker="." if markers and k <= 60 else None,
                ms=3,
                label=name if j == 0 else None,
                zorder=3,
            )
            ax.plot(*xy[0], "o", ms=5, mfc="white", mec=color, zorder=4)
            if tr.diverged and (upto is None or upto >= tr.diverged_at):
                ax.plot(*xy[-1], "x", ms=9, mew=2, color=color, zorder=4)
            else:
                ax.plot(*xy[-1], "o", ms=5, color=color, zorder=4)
    if legend:
        ax.legend(loc="lower right", fontsize=8, framealpha=0.85, frameon=True)
    return ax


def loss_gap(
    trajectories: Mapping[str, Trajectory],
    f_min: float | Mapping[str, float],
    ax: Axes | None = None,
    *,
    title: str | None = r"loss gap $f(\omega_t) - f^*$",
    xlabel: str = "step t",
    legend: bool = True,
) -> Axes:
    """:math:`f(\\omega_t) - f^*` for each run on a log scale (floored at ``GAP_FLOOR``).

    ``f_min`` is one minimum value for all runs, or one per name (runs on different surfaces).
    """
    if not trajectories:
        raise ValueError("trajectories must hold at least one entry (name -> Trajectory)")
    if isinstance(f_min, Mapping) and set(f_min) != set(trajectories):
        raise ValueError("f_min must be a number or hold one value per trajectory name")
    ax = new_axes(ax, figsize=(4.2, 3.0))
    for i, (name, tr) in enumerate(trajectories.items()):
        if not isinstance(tr, Trajectory):
            raise ValueError(f"{name!r}: expected a Trajectory, got {type(tr).__name__}")
        low = f_min[name] if isinstance(f_min, Mapping) else f_min
        gap = np.maximum(tr.loss - low, GAP_FLOOR)
        ax.plot(
            np.arange(len(gap)),
            gap,
            "--" if is_torch(name) else "-",
            color=color_of(name, i),
            lw=1.5,
            label=name + (f" (diverged at {tr.diverged_at})" if tr.diverged else ""),
        )
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(fontsize=8)
    return ax
