"""Chapter 6 explorer: optimizer trajectories on 2-D loss surfaces, stepped one update at a time.

``TrajectoryExplorer`` overlays any subset of ``landscapes.OPTIMIZERS`` (ours and PyTorch's)
on a surface. Moving a *setting* (surface, optimizers, learning rates, betas, start, number
of steps) recomputes only the trajectories whose settings changed (``landscapes.run_closed_form``);
moving the *step* slider (or pressing play) only moves the drawn heads along paths already
computed. The figure is blitted: the contours, axes and legend are rendered once per
surface/selection and cached, and each update draws only the moving artists on top.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from helpers import landscapes
from helpers.landscapes import LANDSCAPES, OPTIMIZERS, Landscape, Trajectory
from helpers.plots import optim as optim_plots
from helpers.widgets import Explorer

__all__ = ["TrajectoryExplorer", "BETA2_CHOICES", "DEFAULT_OPTIMIZERS"]

BETA2_CHOICES = (0.0, 0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999)
DEFAULT_OPTIMIZERS = ("GD", "Momentum", "RMSProp", "Adam")
ARROW = 0.3  # length (data units) of the arrow that shows the direction -∇f
MIN_STEPS, MAX_STEPS = 10, 500
_CACHE_SIZE = 64


def _slider(cls: type, description: str, **kw: Any) -> widgets.ValueWidget:
    kw.setdefault("continuous_update", False)
    return cls(
        description=description,
        style={"description_width": "200px"},  # the longest label, uncut in JupyterLab
        layout=widgets.Layout(width="470px"),
        **kw,
    )


def _fmt(value: float) -> str:
    return f"{value:.4g}" if np.isfinite(value) else str(value)


class TrajectoryExplorer(Explorer):
    """Pick a surface and optimizers; move η, β₁, β₂ and the start; walk the paths step by step.

    Left: the paths on the surface's contours (white stars: minima, white cross: a saddle).
    Each optimizer's full path is drawn faintly, the part up to the current step boldly, its
    current point as a dot with an arrow along -∇f (the way plain GD would step). Right:
    the loss gap :math:`f(\\omega_t) - f^*` per optimizer on a log scale, a dot at the
    current step. The table under the controls lists each optimizer's current loss and
    gradient; the message line says "diverged at step k" where a run left the plot.

    Learning rates: ``lr_gd`` drives GD and Momentum (steps scale with the gradient),
    ``lr_adaptive`` drives AdaGrad, RMSProp and Adam (steps of about η). ``beta1`` is
    Momentum's β and Adam's β₁; ``beta2`` is RMSProp's β and Adam's β₂. Choosing a surface
    loads its suggested learning rates and start (``presets=False`` turns that off).
    """

    title = "optimizer trajectories"

    def __init__(
        self,
        surface: str = "ravine",
        optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
        *,
        steps: int = 200,
        presets: bool = True,
    ) -> None:
        ls = landscapes.get(surface)
        optimizers = (optimizers,) if isinstance(optimizers, str) else tuple(optimizers)
        unknown = set(optimizers) - set(OPTIMIZERS)
        if unknown:
            raise ValueError(
                f"unknown optimizers {sorted(unknown)}; choose from {list(OPTIMIZERS)}"
            )
        if (
            isinstance(steps, bool)
            or not isinstance(steps, int)
            or not MIN_STEPS <= steps <= MAX_STEPS
        ):
            raise ValueError(f"steps must be an int in [{MIN_STEPS}, {MAX_STEPS}], got {steps!r}")
        self.presets = presets
        self._cache: dict[tuple, Trajectory] = {}
        self._bg_key: tuple | None = None
        self._steps_drawn: int | None = None
        self._static: list[Any] = []
        self.trajectories: dict[str, Trajectory] = {}
        self.recomputed: list[str] = []  # the optimizers the last update had to run
        controls: dict[str, widgets.ValueWidget] = {
            "surface": widgets.Dropdown(
                options=list(LANDSCAPES),
                value=ls.name,
                description="surface",
                style={"description_width": "84px"},
                layout=widgets.Layout(width="250px"),
            ),
            "optimizers": widgets.SelectMultiple(
                options=list(OPTIMIZERS),
                value=tuple(n for n in OPTIMIZERS if n in optimizers),
                rows=len(OPTIMIZERS),
                description="optimizers",
                style={"description_width": "84px"},
                layout=widgets.Layout(width="250px"),
            ),
            "lr_gd": _slider(
                widgets.FloatLogSlider,
                "η (GD, Momentum)",
                value=ls.lr_gd,
                base=10,
                min=-4,
                max=1,
                step=0.05,
                readout_format=".2g",
            ),
            "lr_adaptive": _slider(
                widgets.FloatLogSlider,
                "η (AdaGrad, RMSProp, Adam)",
                value=ls.lr_adaptive,
                base=10,
                min=-4,
                max=1,
                step=0.05,
                readout_format=".2g",
            ),
            "beta1": _slider(
                widgets.FloatSlider,
                "β₁ (Momentum β, Adam β₁)",
                value=0.9,
                min=0.0,
                max=0.99,
                step=0.01,
            ),
            "beta2": _slider(
                widgets.SelectionSlider,
                "β₂ (RMSProp β, Adam β₂)",
                options=list(BETA2_CHOICES),
                value=0.99,
            ),
            "x0": _slider(
                widgets.FloatSlider, "start x₀", value=ls.start[0], min=-2, max=2, step=0.01
            ),
            "y0": _slider(
                widgets.FloatSlider, "start y₀", value=ls.start[1], min=-2, max=2, step=0.01
            ),
            "steps": _slider(
                widgets.IntSlider,
                "number of steps",
                value=steps,
                min=MIN_STEPS,
                max=MAX_STEPS,
                step=10,
            ),
            "step": _slider(
                widgets.IntSlider, "step t", value=steps, min=0, max=steps, continuous_update=True
            ),
        }
        self.readout = widgets.HTML(value="")
        self.play = widgets.Play(
            value=steps, min=0, max=steps, step=1, interval=60, description="play"
        )
        super().__init__(controls, figsize=(9.6, 4.1), dpi=80, ncols=2)
        c = self.controls
        widgets.jslink((self.play, "value"), (c["step"], "value"))
        self.preset_button = widgets.Button(
            description="suggested η and start", layout=widgets.Layout(width="250px")
        )
        self.preset_button.on_click(lambda _b: self.load_preset())
        left = widgets.VBox([c["surface"], c["optimizers"], self.preset_button])
        right = widgets.VBox(
            [c[n] for n in ("lr_gd", "lr_adaptive", "beta1", "beta2", "x0", "y0", "steps")]
        )
        self.widget.children = (
            widgets.HBox([left, right]),
            widgets.HBox([self.play, c["step"]]),
            self.readout,
            self.message,
            self.image,
        )

    # -- presets ------------------------------------------------------------------------
    def load_preset(self, surface: str | None = None) -> None:
        """Set η (both), the start point and, with ``surface``, the surface to its suggestions."""
        ls = landscapes.get(surface or self.controls["surface"].value)
        self.set(
            surface=ls.name,
            lr_gd=ls.lr_gd,
            lr_adaptive=ls.lr_adaptive,
            x0=ls.start[0],
            y0=ls.start[1],
        )

    def _on_surface(self, change: dict) -> None:
        # Registered before the base class's observer: runs first, moves the other sliders
        # silently (``hold``), then the base class redraws once.
        if self.holding or not self.presets:
            return
        ls = landscapes.get(change["new"])
        with self.hold():
            self.controls["lr_gd"].value = ls.lr_gd
            self.controls["lr_adaptive"].value = ls.lr_adaptive
            self.controls["x0"].value = ls.start[0]
            self.controls["y0"].value = ls.start[1]

    # -- figure ---------------------------------------------------------------------------
    def setup(self) -> None:
        self.controls["surface"].observe(self._on_surface, names="value")
        ax, ax_gap = self.axes
        self.artists: dict[str, dict[str, Any]] = {
            name: optim_plots.trajectory_artists(name, i, ax, ax_gap)
            for i, name in enumerate(OPTIMIZERS)
        }
        self.start_mark = ax.plot([], [], "o", ms=8, mfc="white", mec="black", mew=1.5, zorder=8)[0]
        self.step_line = ax_gap.axvline(0, color="0.4", lw=1, ls=":")
        # Two layers of moving artists: those that change with the settings (full paths,
        # loss curves, the start) and those that move with the step slider.
        self._settings_artists = [self.start_mark]
        self._step_artists = [self.step_line]
        for a in self.artists.values():
            self._settings_artists += [a["ghost"], a["gap"]]
            self._step_artists += [a["trail"], a["head"], a["cross"], a["arrow"], a["gap_dot"]]
        for artist in self._settings_artists + self._step_artists:
            artist.set_in_layout(False)  # moving parts never resize the axes
        self._drawn: tuple | None = None
        ax_gap.set_yscale("log")
        ax_gap.set_ylim(optim_plots.GAP_FLOOR, 10.0)  # valid limits before the first draw
        ax_gap.set_xlabel("step t")
        ax_gap.set_title(r"loss gap $f(\omega_t) - f^*$")

    def animated_layers(self) -> list[list[Any]]:
        """Two layers: what the settings decide (whole paths, loss curves, the start), cached;
        and what the step slider moves (trails, heads, arrows), drawn on every update."""
        return [self._settings_artists, self._step_artists]

    def _draw_surface(self, ls: Landscape, names: list[str]) -> None:
        """The parts redrawn only when the surface or the selection changes."""
        ax, ax_gap = self.axes
        for artist in self._static:
            artist.remove()
        self._static = optim_plots.surface_artists(ls, ax, n=140)
        ax.set_title(f"{ls.title}: {ls.formula}", fontsize=10)
        top = float(np.nanmax(ls.grid(140)[2]) - ls.f_min)
        ax_gap.set_ylim(optim_plots.GAP_FLOOR, max(10.0 * top, 1.0))
        if ax_gap.get_legend() is not None:
            ax_gap.get_legend().remove()
        if names:
            optim_plots.gap_legend(ax_gap, [self.artists[n]["gap"] for n in names], names)

    # -- trajectories -----------------------------------------------------------------------
    def _trajectories(
        self,
        ls: Landscape,
        names: list[str],
        hyper: dict[str, float],
        start: tuple[float, float],
        steps: int,
    ) -> dict[str, Trajectory]:
        keys = {
            n: (ls.name, n, tuple(hyper[h] for h in OPTIMIZERS[n]), start, steps) for n in names
        }
        missing = [n for n in names if keys[n] not in self._cache]
        found = {n: self._cache.pop(keys[n]) for n in names if n not in missing}
        if missing:  # closed-form floats: run_many's paths at a thirtieth of the cost
            found.update(landscapes.run_closed_form(ls, missing, start, steps, **hyper))
        for n in names:  # least recently used first: the oldest entries are dropped
            self._cache[keys[n]] = found[n]
        while len(self._cache) > _CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self.recomputed = missing
        return {n: found[n] for n in names}

    # -- update ---------------------------------------------------------------------------
    def draw(
        self,
        *,
        surface: str,
        optimizers: tuple[str, ...],
        lr_gd: float,
        lr_adaptive: float,
        beta1: float,
        beta2: float,
        x0: float,
        y0: float,
        steps: int,
        step: int,
    ) -> None:
        ls = landscapes.get(surface)
        names = [n for n in OPTIMIZERS if n in optimizers]
        step = self._fit_step_range(steps, step)
        hyper = {"lr_gd": lr_gd, "lr_adaptive": lr_adaptive, "beta1": beta1, "beta2": beta2}
        start = (float(x0), float(y0))
        self.trajectories = trajs = self._trajectories(ls, names, hyper, start, steps)
        bg_key = (ls.name, tuple(names))
        if bg_key != self._bg_key:  # the layout stays as first solved: same box, same axes
            self._draw_surface(ls, names)
            self._bg_key = bg_key
            self.invalidate()
        if steps != self._steps_drawn:  # only the loss-gap panel's x-axis changes
            self.axes[1].set_xlim(0, steps)
            self._steps_drawn = steps
            self.invalidate(axes=self.axes[1])
        self.start_mark.set_data([start[0]], [start[1]])
        self.step_line.set_xdata([step, step])
        drawn = (bg_key, steps, start, tuple(id(t) for t in trajs.values()))
        if drawn != self._drawn:  # new paths: the settings layer must be drawn again
            self._drawn = drawn
            self.invalidate(layer=0)
        f_min = ls.f_min
        rows, notes = [], []
        for name, a in self.artists.items():
            shown = name in trajs
            for artist in a.values():
                artist.set_visible(shown)
            if not shown:
                continue
            tr = trajs[name]
            i = tr.at(step)
            path = tr.path
            a["ghost"].set_data(path[:, 0], path[:, 1])
            a["trail"].set_data(path[: i + 1, 0], path[: i + 1, 1])
            a["head"].set_data([path[i, 0]], [path[i, 1]])
            past_end = tr.diverged and step >= tr.diverged_at
            if past_end:  # an x where the run left, kept on the plot's edge
                x0, x1, y0, y1 = ls.box
                a["cross"].set_data([np.clip(path[-1, 0], x0, x1)], [np.clip(path[-1, 1], y0, y1)])
            else:
                a["cross"].set_data([], [])
            g = tr.grad[i]
            g_norm = float(np.hypot(*g))
            if np.isfinite(g_norm) and g_norm > 0 and not past_end:
                a["arrow"].set_data(
                    x=path[i, 0], y=path[i, 1], dx=-ARROW * g[0] / g_norm, dy=-ARROW * g[1] / g_norm
                )
            else:
                a["arrow"].set_visible(False)
            gap = np.maximum(tr.loss - f_min, optim_plots.GAP_FLOOR)
            a["gap"].set_data(np.arange(len(gap)), gap)
            a["gap_dot"].set_data([i], [gap[i]])
            status = (
                tr.status() if past_end or not tr.diverged else f"diverges at step {tr.diverged_at}"
            )
            if tr.diverged:
                notes.append(f"{name}: {tr.status()}")
            rows.append(self._row(name, i, tr.loss[i], tr.loss[i] - f_min, g, g_norm, status))
        self.readout.value = self._table(rows, step)
        if not names:
            notes.append("pick at least one optimizer (ctrl/cmd- or shift-click to pick several)")
        elif float(np.hypot(*trajs[names[0]].grad[0])) == 0.0:
            notes.append("the start is a stationary point (∇f = 0): no gradient, no move")
        self.say(" · ".join(notes))

    def _fit_step_range(self, steps: int, step: int) -> int:
        """Keep the step slider (and play) on 0..steps; follow the end if it was there."""
        slider = self.controls["step"]
        if slider.max != steps:
            at_end = step >= slider.max
            with self.hold():
                if steps > slider.max:
                    slider.max = steps
                    if at_end:
                        slider.value = steps
                else:
                    slider.value = min(step, steps)
                    slider.max = steps
            self.play.max = steps
            step = slider.value
        return int(min(max(step, 0), steps))

    @staticmethod
    def _row(
        name: str, i: int, f: float, gap: float, g: np.ndarray, g_norm: float, status: str
    ) -> str:
        color = optim_plots.color_of(name)
        return (
            f"<tr><td style='color:{color};font-weight:bold'>{html.escape(name)}</td>"
            f"<td>{i}</td><td>{_fmt(f)}</td><td>{_fmt(gap)}</td>"
            f"<td>({_fmt(g[0])}, {_fmt(g[1])})</td><td>{_fmt(g_norm)}</td>"
            f"<td>{html.escape(status)}</td></tr>"
        )

    @staticmethod
    def _table(rows: list[str], step: int) -> str:
        if not rows:
            return ""
        head = (
            "<tr><th>optimizer</th><th>t</th><th>f(ω_t)</th><th>f − f*</th>"
            "<th>∇f(ω_t)</th><th>|∇f|</th><th>run</th></tr>"
        )
        style = "font-size:12px;border-collapse:collapse;text-align:right"
        return (
            f"<div><b>step {step}</b></div><table style='{style}' cellpadding='3'>"
            f"{head}{''.join(rows)}</table>"
        )
