"""Chapter 6 explorer: optimizer trajectories on 2-D loss surfaces, stepped one update at a time.

``TrajectoryExplorer`` overlays any subset of ``landscapes.OPTIMIZERS`` (ours and PyTorch's)
on a surface. Moving a *setting* (surface, optimizers, learning rates, betas, start, number
of steps) recomputes only the trajectories whose settings changed, all in one lockstep run;
moving the *step* slider (or pressing play) only moves the drawn heads along paths already
computed. The figure is blitted: the contours, axes and legend are rendered once per
surface/selection and cached, and each update draws only the moving artists on top.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import FancyArrow
from PIL import Image

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
        style={"description_width": "120px"},
        layout=widgets.Layout(width="360px"),
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
        self._background = None
        self._bg_key: tuple | None = None
        self._static: list[Any] = []
        self.trajectories: dict[str, Trajectory] = {}
        self.recomputed: list[str] = []  # the optimizers the last update had to run
        controls: dict[str, widgets.ValueWidget] = {
            "surface": widgets.Dropdown(
                options=list(LANDSCAPES),
                value=ls.name,
                description="surface",
                style={"description_width": "60px"},
                layout=widgets.Layout(width="250px"),
            ),
            "optimizers": widgets.SelectMultiple(
                options=list(OPTIMIZERS),
                value=tuple(n for n in OPTIMIZERS if n in optimizers),
                rows=len(OPTIMIZERS),
                description="optimizers",
                style={"description_width": "60px"},
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
        self.artists: dict[str, dict[str, Any]] = {}
        for i, name in enumerate(OPTIMIZERS):
            color = optim_plots.color_of(name, i)
            ls_style = "--" if optim_plots.is_torch(name) else "-"
            torch_ = optim_plots.is_torch(name)
            a = {
                "ghost": ax.plot([], [], ls_style, color=color, lw=1.0, alpha=0.35, zorder=3)[0],
                "trail": ax.plot([], [], ls_style, color=color, lw=2.0, zorder=4, label=name)[0],
                "head": ax.plot(
                    [],
                    [],
                    "o",
                    ms=9 if torch_ else 6,
                    mfc="none" if torch_ else color,
                    mec=color,
                    mew=1.6,
                    zorder=6,
                )[0],
                "cross": ax.plot([], [], "x", ms=10, mew=2.5, color=color, zorder=6, clip_on=False)[
                    0
                ],
                "arrow": ax.add_patch(
                    FancyArrow(
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                        width=0.02,
                        head_width=0.11,
                        head_length=0.1,
                        length_includes_head=True,
                        color=color,
                        zorder=7,
                    )
                ),
                "gap": ax_gap.plot([], [], ls_style, color=color, lw=1.6, label=name)[0],
                "gap_dot": ax_gap.plot([], [], "o", ms=6, color=color, zorder=6)[0],
            }
            self.artists[name] = a
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
            artist.set_animated(True)
            artist.set_in_layout(False)  # moving parts never resize the axes
        self._settings_bg = None
        self._drawn: tuple | None = None
        ax_gap.set_yscale("log")
        ax_gap.set_ylim(optim_plots.GAP_FLOOR, 10.0)  # valid limits before the first draw
        ax_gap.set_xlabel("step t")
        ax_gap.set_title(r"loss gap $f(\omega_t) - f^*$")

    def _draw_static(self, ls: Landscape, names: list[str], steps: int) -> None:
        """The parts redrawn only when the surface, the selection or the step count changes."""
        ax, ax_gap = self.axes
        for artist in self._static:
            artist.remove()
        self._static = []
        X, Y, Z = ls.grid(140)
        levels = optim_plots.contour_levels(Z, 16)
        self._static.append(
            ax.contourf(X, Y, Z, levels=levels, cmap="Greys_r", alpha=0.4, extend="both")
        )
        mx, my = zip(*ls.minima, strict=True)
        self._static += ax.plot(mx, my, "*", ms=12, color="white", mec="black", mew=0.8, zorder=5)
        if ls.saddles:
            sx, sy = zip(*ls.saddles, strict=True)
            self._static += ax.plot(
                sx, sy, "X", ms=9, color="white", mec="black", mew=0.8, zorder=5
            )
        x0, x1, y0, y1 = ls.box
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_title(f"{ls.title}: {ls.formula}", fontsize=10)
        top = float(np.nanmax(Z) - ls.f_min)
        ax_gap.set_ylim(optim_plots.GAP_FLOOR, max(10.0 * top, 1.0))
        ax_gap.set_xlim(0, steps)
        if ax_gap.get_legend() is not None:
            ax_gap.get_legend().remove()
        if names:
            handles = [self.artists[n]["gap"] for n in names]
            ax_gap.legend(
                handles=handles,
                labels=names,
                loc="upper right",
                fontsize=8 if len(names) <= 5 else 7,
                ncols=1 if len(names) <= 5 else 2,
                frameon=True,
                framealpha=0.85,
            )

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
        if missing:
            makers = {n: landscapes.optimizer_maker(n, **hyper) for n in missing}
            found.update(landscapes.run_many(ls, makers, start, steps))
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
        bg_key = (ls.name, tuple(names), steps)
        if bg_key != self._bg_key:  # the layout stays as first solved: same box, same axes
            self._draw_static(ls, names, steps)
            self._bg_key = bg_key
            self._background = None
        self.start_mark.set_data([start[0]], [start[1]])
        self.step_line.set_xdata([step, step])
        drawn = (bg_key, start, tuple(id(t) for t in trajs.values()))
        if drawn != self._drawn:  # new paths: the settings layer must be drawn again
            self._drawn = drawn
            self._settings_bg = None
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

    # -- rendering ------------------------------------------------------------------------
    def render_png(self) -> bytes:
        """Draw in layers from cached backgrounds, then encode a PNG.

        Layer 1 (contours, axes, legend) is rendered only after ``draw`` dropped it (a new
        surface, selection or step count); layer 2 adds what the settings decide (the full
        paths, the loss curves, the start) and is cached too; a step move draws only the
        heads, trails and arrows on top of layer 2.
        """
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()
            if self._layout_pending:
                self.fig.set_layout_engine("none")
                self._layout_pending = False
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._settings_bg = None
        if self._settings_bg is None:
            canvas.restore_region(self._background)
            for artist in self._settings_artists:
                if artist.get_visible():
                    artist.axes.draw_artist(artist)
            self._settings_bg = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._settings_bg)
        for artist in self._step_artists:
            if artist.get_visible():
                artist.axes.draw_artist(artist)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()
