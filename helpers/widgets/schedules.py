"""Chapter 7 explorer: learning-rate schedules side by side, ReduceLROnPlateau on a curve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from helpers import schedules
from helpers.style import COLORS
from helpers.widgets import Explorer

__all__ = ["ScheduleExplorer", "demo_val_curve"]

NAMES = ("step", "multistep", "exponential", "cosine", "plateau")
_COLORS = dict(zip(NAMES, COLORS, strict=False))


def demo_val_curve(n_epochs: int = 60, seed: int = 0) -> np.ndarray:
    """A made-up validation loss: fast progress, a long noisy plateau, slight overfitting."""
    if isinstance(n_epochs, bool) or not isinstance(n_epochs, int) or n_epochs < 2:
        raise ValueError(f"n_epochs must be an int >= 2, got {n_epochs!r}")
    e = np.arange(1, n_epochs + 1, dtype=float)
    rng = np.random.default_rng(seed)
    return 0.3 + 1.6 * np.exp(-e / 5.0) + 0.002 * e + 0.015 * rng.standard_normal(n_epochs)


def _slider(cls: type, description: str, **kw: Any) -> widgets.ValueWidget:
    return cls(
        description=description,
        style={"description_width": "78px"},
        layout=widgets.Layout(width="290px"),
        **kw,
    )


class ScheduleExplorer(Explorer):
    """Tick schedules to overlay them; move their parameters; watch the rates change.

    The rates are shown relative to the starting rate (:math:`\\eta_t / \\eta_0`) against
    the number of finished epochs ``t``. The plateau schedule watches ``val_curve`` (one
    validation loss per epoch, right panel); a dashed line marks each epoch after which
    it cut the rate.
    """

    title = "learning-rate schedules"

    def __init__(self, val_curve: Sequence[float] | np.ndarray | None = None) -> None:
        curve = demo_val_curve() if val_curve is None else np.asarray(val_curve, dtype=float)
        if curve.ndim != 1 or len(curve) < 2 or not np.isfinite(curve).all():
            raise ValueError("val_curve must be a 1-D sequence of at least 2 finite numbers")
        self.val_curve = curve
        self.n = n = len(curve)
        controls: dict[str, widgets.ValueWidget] = {
            name: widgets.Checkbox(
                value=name != "multistep",
                description=name,
                indent=False,
                layout=widgets.Layout(width="110px"),
            )
            for name in NAMES
        }
        controls.update(
            step_size=_slider(widgets.IntSlider, "step size", value=max(1, n // 4), min=1, max=n),
            gamma=_slider(widgets.FloatSlider, "γ (step)", value=0.5, min=0.05, max=1.0, step=0.05),
            milestones=_slider(
                widgets.IntRangeSlider,
                "milestones",
                value=(max(1, n // 3), max(2, 2 * n // 3)),
                min=0,
                max=n,
            ),
            gamma_exp=_slider(
                widgets.FloatSlider,
                "γ (exp)",
                value=0.95,
                min=0.8,
                max=1.0,
                step=0.005,
                readout_format=".3f",
            ),
            T_max=_slider(widgets.IntSlider, "T_max", value=n, min=1, max=2 * n),
            eta_min=_slider(
                widgets.FloatSlider, "η_min / η₀", value=0.0, min=0.0, max=0.5, step=0.01
            ),
            patience=_slider(widgets.IntSlider, "patience", value=5, min=0, max=20),
            factor=_slider(widgets.FloatSlider, "factor", value=0.5, min=0.05, max=0.95, step=0.05),
            cooldown=_slider(widgets.IntSlider, "cooldown", value=0, min=0, max=10),
        )
        super().__init__(controls, figsize=(9.6, 3.5), dpi=80, ncols=2)
        # Rows by schedule: the check boxes, then step/multistep, exponential/cosine, plateau.
        c = self.controls
        rows = [
            [c[name] for name in NAMES],
            [c["step_size"], c["gamma"], c["milestones"]],
            [c["gamma_exp"], c["T_max"], c["eta_min"]],
            [c["patience"], c["factor"], c["cooldown"]],
        ]
        self.widget.children = (
            widgets.VBox([widgets.HBox(r) for r in rows]),
            self.message,
            self.image,
        )

    def setup(self) -> None:
        ax, ax_val = self.axes
        t = np.arange(self.n)
        self.lines = {
            name: ax.plot(
                t, np.ones(self.n), drawstyle="steps-post", color=_COLORS[name], label=name, lw=1.8
            )[0]
            for name in NAMES
        }
        self.tmax_line = ax.axvline(0, color=_COLORS["cosine"], ls=":", lw=1)
        self.cut_lines = ax.plot([], [], color=_COLORS["plateau"], ls="--", lw=0.8)[0]
        ax.legend(
            handles=list(self.lines.values()),
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=8,
        )
        ax.set_xlim(0, self.n)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("epochs finished t")
        ax.set_ylabel(r"$\eta_t\,/\,\eta_0$")
        ax.set_title("learning rate")
        epochs = np.arange(1, self.n + 1)
        ax_val.plot(epochs, self.val_curve, ".-", color="0.3", ms=3, lw=1, label="validation loss")
        self.cut_val = ax_val.plot([], [], color=_COLORS["plateau"], ls="--", lw=0.8)[0]
        self.cut_marks = ax_val.plot(
            [], [], "o", color=_COLORS["plateau"], ms=5, label="plateau cut the rate"
        )[0]
        lo, hi = float(self.val_curve.min()), float(self.val_curve.max())
        pad = 0.05 * (hi - lo or 1.0)
        self._val_lim = (lo - pad, hi + pad)
        ax_val.set_xlim(0, self.n + 1)
        ax_val.set_ylim(*self._val_lim)
        ax_val.set_xlabel("epoch")
        for a in (ax, ax_val):
            a.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_val.set_title("what the plateau schedule watches")
        ax_val.legend(loc="upper right")
        # Everything that moves is drawn on top of a cached background (blitting): the
        # axes, ticks and legends are rendered once, which keeps an update to a few ms.
        self._dynamic = [
            *self.lines.values(),
            self.tmax_line,
            self.cut_lines,
            self.cut_val,
            self.cut_marks,
        ]

    def dynamic_artists(self) -> list:
        return self._dynamic

    def _vlines(self, xs: list[int], lo: float, hi: float) -> tuple[list[float], list[float]]:
        x, y = [], []
        for e in xs:
            x += [e, e, np.nan]
            y += [lo, hi, np.nan]
        return x, y

    def draw(
        self,
        *,
        step: bool,
        multistep: bool,
        exponential: bool,
        cosine: bool,
        plateau: bool,
        step_size: int,
        gamma: float,
        milestones: tuple[int, int],
        gamma_exp: float,
        T_max: int,
        eta_min: float,
        patience: int,
        factor: float,
        cooldown: int,
    ) -> None:
        t = np.arange(self.n)
        notes = []
        shown = dict(
            step=step, multistep=multistep, exponential=exponential, cosine=cosine, plateau=plateau
        )
        ms = sorted(set(milestones))
        curves = {
            "step": lambda: schedules.step_decay(t, eta_0=1.0, step_size=step_size, gamma=gamma),
            "multistep": lambda: schedules.multistep(t, eta_0=1.0, milestones=ms, gamma=gamma),
            "exponential": lambda: schedules.exponential(t, eta_0=1.0, gamma=gamma_exp),
            "cosine": lambda: schedules.cosine_annealing(
                t, eta_max=1.0, T_max=T_max, eta_min=eta_min
            ),
        }
        reductions: list[int] = []
        for name in NAMES:
            line = self.lines[name]
            line.set_visible(shown[name])
            if not shown[name]:
                continue
            if name == "plateau":
                lrs, reductions = schedules.reduce_on_plateau(
                    self.val_curve,
                    eta_0=1.0,
                    patience=patience,
                    factor=factor,
                    cooldown=cooldown,
                    threshold=1e-4,
                )
                line.set_ydata(lrs)
            else:
                line.set_ydata(curves[name]())
        if multistep and len(ms) == 1:
            notes.append(f"both milestones at {ms[0]}: one decay")
        if exponential:
            notes.append(f"exponential ends at {gamma_exp ** (self.n - 1):.3g} η₀")
        self.tmax_line.set_visible(cosine)
        if cosine:
            self.tmax_line.set_xdata([T_max, T_max])
            if T_max < self.n - 1:
                notes.append(f"cosine reaches η_min at T_max = {T_max}, then climbs back up")
        if plateau:
            notes.append(
                "plateau cut the rate after epochs " + ", ".join(map(str, reductions))
                if reductions
                else "plateau never cut the rate"
            )
        cuts = reductions if plateau else []
        self.cut_lines.set_data(*self._vlines(cuts, 0.0, 1.05))
        self.cut_val.set_data(*self._vlines(cuts, *self._val_lim))
        self.cut_marks.set_data(cuts, [self.val_curve[e - 1] for e in cuts])
        if not any(shown.values()):
            notes.append("tick at least one schedule")
        self.say(" · ".join(notes))
