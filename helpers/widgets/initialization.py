"""The explorer of chapter 4: what an initialization does to a deep MLP, layer by layer.

``InitExplorer`` has dropdowns for the scheme and the activation and sliders for depth,
width, gain and the layer whose histogram is shown. Each move reads the statistics from a
``DeepMLPProbe`` (random draws made once, results cached), then updates three panels in
place: the forward variance Var(a_l), the backward variance Var(dL/da_l), and the
histogram of one layer's activations. Axis limits never change: values that vanish or
overflow are pinned to the bottom or top edge and the message line says so.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from helpers import initialization as init
from helpers.plots import initialization as init_plots
from helpers.widgets import Explorer

__all__ = ["InitExplorer", "SCHEME_OPTIONS"]

#: dropdown label -> (scheme, parameters) of ``helpers.initialization.spec``
SCHEME_OPTIONS: dict[str, tuple[str, dict[str, float]]] = {
    "kaiming_normal": ("kaiming_normal", {}),
    "kaiming_uniform": ("kaiming_uniform", {}),
    "xavier_normal": ("xavier_normal", {}),
    "xavier_uniform": ("xavier_uniform", {}),
    "nn.Linear default": ("linear_default", {}),
    "normal(0, 0.01)": ("normal", {"std": 0.01}),
    "normal(0, 1)": ("normal", {"std": 1.0}),
    "uniform(0, 1)": ("uniform", {}),
    "zeros": ("zeros", {}),
}

_STYLE = {"description_width": "initial"}


class InitExplorer(Explorer):
    """Per-layer activation and gradient variance of a deep square MLP under an init scheme."""

    title = "initialization explorer (scheme, activation, depth, width, gain)"
    YLIM = (1e-8, 1e8)
    HIST_RANGE = (-3.0, 3.0)
    HIST_BINS = 48
    MAX_DEPTH = 50
    MAX_WIDTH = 256

    def __init__(
        self,
        scheme: str = "kaiming_normal",
        activation: str = "relu",
        depth: int = 20,
        width: int = 128,
        gain: float = 1.0,
        layer: int = 10,
        *,
        probe: init.DeepMLPProbe | None = None,
    ) -> None:
        if scheme not in SCHEME_OPTIONS:
            raise ValueError(f"unknown scheme {scheme!r}; choose one of {list(SCHEME_OPTIONS)}")
        if activation not in init.ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {init.ACTIVATIONS}")
        self.probe = probe or init.DeepMLPProbe(max_depth=self.MAX_DEPTH, max_width=self.MAX_WIDTH)
        controls = {
            "scheme": widgets.Dropdown(
                options=list(SCHEME_OPTIONS), value=scheme, description="scheme", style=_STYLE
            ),
            "activation": widgets.Dropdown(
                options=list(init.ACTIVATIONS),
                value=activation,
                description="activation",
                style=_STYLE,
            ),
            "gain": widgets.FloatLogSlider(
                value=gain, base=2, min=-2, max=2, step=0.125, description="gain ×", style=_STYLE
            ),
            "depth": widgets.IntSlider(
                value=depth, min=1, max=self.MAX_DEPTH, description="depth L", style=_STYLE
            ),
            "width": widgets.IntSlider(
                value=width, min=8, max=self.MAX_WIDTH, step=8, description="width", style=_STYLE
            ),
            "layer": widgets.IntSlider(
                value=layer, min=0, max=self.MAX_DEPTH, description="histogram layer", style=_STYLE
            ),
        }
        super().__init__(controls, figsize=(10.5, 3.4), dpi=72, ncols=3)

    def setup(self) -> None:
        ax_f, ax_b, ax_h = self.axes
        layers = np.arange(self.MAX_DEPTH + 1)
        ones = np.ones_like(layers, dtype=float)
        init_plots.layer_profile(
            {"Var(a_l)": ones, "E[a_l²]": ones},
            ax_f,
            ylim=self.YLIM,
            title="forward: activations a_l",
            ylabel="variance (log scale)",
            styles={
                "Var(a_l)": {"marker": None},
                "E[a_l²]": {"ls": "--", "lw": 1.2, "marker": None, "color": "#D55E00"},
            },
        )
        init_plots.layer_profile(
            {"Var(∂L/∂a_l)": ones},
            ax_b,
            ylim=self.YLIM,
            title="backward: gradients ∂L/∂a_l",
            styles={"Var(∂L/∂a_l)": {"marker": None, "color": "#009E73"}},
        )
        self.forward_line, self.second_moment_line = ax_f.get_lines()[:2]
        (self.backward_line,) = ax_b.get_lines()[:1]
        ax_f.legend(fontsize=8, loc="lower left")
        ax_b.legend([self.backward_line], ["Var(∂L/∂a_l)"], fontsize=8, loc="lower left")
        decades = [1e-8, 1e-4, 1.0, 1e4, 1e8]
        for ax in (ax_f, ax_b):
            ax.set_xlim(-0.5, self.MAX_DEPTH + 0.5)
            # few, plain tick labels: a log axis' default minor ticks and mathtext labels
            # would cost most of the update budget to render
            ax.yaxis.set_major_locator(FixedLocator(decades))
            ax.yaxis.set_major_formatter(FixedFormatter(["1e-8", "1e-4", "1", "1e4", "1e8"]))
            ax.yaxis.set_minor_locator(NullLocator())
        self.depth_marks = [ax.axvline(0, color="0.6", lw=0.8, ls="-.") for ax in (ax_f, ax_b)]
        edges = np.linspace(*self.HIST_RANGE, self.HIST_BINS + 1)
        self.stairs = ax_h.stairs(np.zeros(self.HIST_BINS), edges, fill=True, color="#56B4E9")
        ax_h.set_xlim(*self.HIST_RANGE)
        ax_h.set_yscale("function", functions=(np.sqrt, np.square))
        ax_h.set_ylim(0, 1)
        ax_h.set_yticks(
            [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0], ["0", ".01", ".05", ".1", ".25", ".5", "1"]
        )
        ax_h.yaxis.set_minor_locator(NullLocator())
        ax_h.set_xlabel("value of a_l")
        ax_h.set_ylabel("share per bin (√ scale)")
        ax_h.set_title("histogram of one layer's a_l")
        # Blitting: these change on every update; everything else is drawn once
        self.dynamic = [
            self.forward_line,
            self.second_moment_line,
            self.backward_line,
            *self.depth_marks,
            self.stairs,
        ]

    def draw(
        self, scheme: str, activation: str, gain: float, depth: int, width: int, layer: int
    ) -> None:
        name, params = SCHEME_OPTIONS[scheme]
        stats = self.probe.statistics(
            name, activation, int(depth), int(width), float(gain), **params
        )
        layers = stats.layers
        self.forward_line.set_data(layers, init_plots.clip_log(stats.a_var, self.YLIM))
        self.second_moment_line.set_data(layers, init_plots.clip_log(stats.a_sq, self.YLIM))
        self.backward_line.set_data(layers, init_plots.clip_log(stats.grad_a_var, self.YLIM))
        for mark in self.depth_marks:
            mark.set_xdata([depth, depth])
        shown = min(int(layer), int(depth))
        shares, _, outside = init.layer_histogram(
            stats.activations[shown], bins=self.HIST_BINS, value_range=self.HIST_RANGE
        )
        self.stairs.set_data(np.minimum(shares, 1.0))
        self.say(self._verdict(stats, scheme, activation, gain, width, shown, int(layer), outside))

    def dynamic_artists(self) -> list:
        """Blitting (base Explorer): the static figure (axes, ticks, labels) is rendered once;
        an update draws only these. Re-rendering every tick label would take most of the
        50 ms budget (text is the slow part of Agg: the numbers go to the message line)."""
        return self.dynamic

    def _verdict(
        self,
        stats: init.LayerStats,
        scheme: str,
        activation: str,
        gain: float,
        width: int,
        shown: int,
        layer: int,
        outside: float,
    ) -> str:
        name, params = SCHEME_OPTIONS[scheme]
        s = init.spec(name, (width, width), **params)
        var_w = (gain * s.std) ** 2
        parts = [
            f"<b>{scheme} × {gain:.3g}</b>, {activation}, L = {stats.depth}, width {width}: "
            f"Var(w) = {_fmt(var_w)}, fan_in·Var(w) = {_fmt(width * var_w)}"
            + (f", mean(w) = {_fmt(gain * s.mean)} ≠ 0" if s.mean != 0 else "")
            + "."
        ]
        lo, hi = self.YLIM
        bad = stats.first_nonfinite()
        fwd, bwd = stats.a_var[1:], stats.grad_a_var[:-1]
        if bad is not None:
            verdict = (
                f"<b>overflow</b>: float32 reached inf/nan in the {bad[0]} pass at layer {bad[1]}"
            )
        elif np.all(fwd == 0):
            verdict = "<b>dead</b>: every activation after the input is exactly 0"
        elif max(fwd.max(), bwd.max()) > hi:
            verdict = "<b>explodes</b>: a variance left the plot at the top"
        elif min(fwd.min(), bwd.min()) < lo:
            verdict = "<b>vanishes</b>: a variance left the plot at the bottom"
        else:
            verdict = "stays within the plot"
        parts.append(
            f"Var(a_L) = {_fmt(stats.a_var[-1])}, Var(∂L/∂a_0) = {_fmt(stats.grad_a_var[0])}: "
            f"{verdict}."
        )
        note = f" (the net has {stats.depth} layers)" if layer > shown else ""
        parts.append(f"Histogram: a_{shown}{note}, {100 * outside:.0f}% of it outside ±3.")
        return " ".join(parts)


def _fmt(value: float) -> str:
    """A variance for a title: 3 significant digits, scientific when far from 1."""
    if not math.isfinite(value):
        return "inf" if value > 0 else "nan"
    if value == 0:
        return "0"
    return f"{value:.3g}"
