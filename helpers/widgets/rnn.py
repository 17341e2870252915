r"""Explorer of chapter 10: how the gradient fades (or blows up) with distance in an RNN.

Sliders set the sequence length :math:`T`, the recurrent weight scale :math:`\gamma`
(:math:`\omega_{hh} = \gamma Q`, :math:`Q` orthogonal) and the activation :math:`\phi`; the
figure shows :math:`\lVert \partial L / \partial x_{T-k} \rVert` against the distance
:math:`k` from ``helpers.layers.rnn.gradient_vs_distance``, beside the line
:math:`\gamma^k` that the identity activation would follow.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from helpers.layers.rnn import ACTIVATIONS, gradient_vs_distance
from helpers.widgets import Explorer

__all__ = ["VanishingGradientExplorer"]

Y_MIN, Y_MAX = 1e-30, 1e30


class VanishingGradientExplorer(Explorer):
    """Gradient magnitude against distance, for a sequence length, weight scale and activation."""

    title = "vanishing and exploding gradients"

    def __init__(
        self,
        *,
        seq_len: int = 50,
        scale: float = 1.0,
        activation: str = "tanh",
        max_len: int = 150,
        hidden_size: int = 32,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        if isinstance(max_len, bool) or not isinstance(max_len, int) or not 2 <= max_len <= 400:
            raise ValueError(f"max_len must be an int in [2, 400], got {max_len!r}")
        self.max_len = max_len
        self.hidden_size = hidden_size
        style = {"description_width": "initial"}
        controls = {
            "seq_len": widgets.IntSlider(
                value=min(max(seq_len, 2), max_len),
                min=2,
                max=max_len,
                step=1,
                description="sequence length T",
                style=style,
                continuous_update=False,
            ),
            "scale": widgets.FloatSlider(
                value=scale,
                min=0.1,
                max=3.0,
                step=0.05,
                description="weight scale γ",
                style=style,
                continuous_update=False,
            ),
            "activation": widgets.ToggleButtons(
                options=list(ACTIVATIONS),
                value=activation,
                description="φ",
                style=style,
            ),
        }
        super().__init__(controls, figsize=(7.0, 3.4), dpi=72, columns=3)

    def setup(self) -> None:
        ax = self.ax
        (self.line,) = ax.plot(
            [], [], color="#0072B2", lw=2, label=r"$\|\partial L/\partial x_{T-k}\|$"
        )
        (self.ref,) = ax.plot([], [], color="0.5", ls="--", lw=1.2, label=r"$\gamma^k$ (scaled)")
        ax.set_yscale("log")
        ax.set_xlim(0, self.max_len - 1)
        ax.set_ylim(Y_MIN, Y_MAX)
        # few fixed ticks: tick labels are most of the cost of a redraw
        ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(-30, 31, 10)]))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("distance k (steps before the last)")
        ax.set_ylabel("gradient norm")
        ax.legend(loc="upper left", fontsize=8)
        self.text = ax.text(0.99, 0.04, "", transform=ax.transAxes, ha="right", fontsize=9)
        self._dynamic = [self.line, self.ref, self.text, ax.title]

    def dynamic_artists(self) -> list:
        """Blitting (base Explorer): axes, ticks and labels are drawn once; an update draws
        only the curves and texts that change (tick labels are most of a full redraw)."""
        return self._dynamic

    def draw(self, seq_len: int, scale: float, activation: str) -> None:
        g = gradient_vs_distance(
            int(seq_len), scale=float(scale), activation=activation, hidden_size=self.hidden_size
        ).numpy()
        k = np.arange(len(g))
        finite = np.isfinite(g) & (g > 0)
        shown = np.clip(np.where(finite, g, np.nan), Y_MIN, Y_MAX)
        self.line.set_data(k, shown)
        g0 = g[0] if finite[0] else 1.0
        with np.errstate(over="ignore", divide="ignore"):
            ref = g0 * np.power(float(scale), k, dtype=float)
        self.ref.set_data(k, np.clip(np.where(ref > 0, ref, np.nan), Y_MIN, Y_MAX))
        last = g[-1]
        self.text.set_text(f"k = {len(g) - 1}: {last:.2g}" if math.isfinite(last) else "overflow")
        self.ax.set_title(f"T = {seq_len}, γ = {scale:.2f}, φ = {activation}")
        if not np.isfinite(g).all():
            self.say(
                "exploding: the gradient overflowed float64 (inf or NaN); those points are not drawn"
            )
        elif (g == 0).any():
            self.say(
                "vanishing: the gradient is exactly 0 at some distances (below float64's "
                "smallest number, or dead ReLU units); those points are not drawn"
            )
        elif g.max() > Y_MAX:
            self.say(
                f"exploding: the gradient exceeds {Y_MAX:.0e} (clipped at the top of the plot)"
            )
        elif g.min() < Y_MIN:
            self.say(f"vanishing: the gradient falls below {Y_MIN:.0e} (clipped at the bottom)")
        elif len(g) > 1 and g[-1] < 1e-6 * g[0]:
            self.say("vanishing: the first input barely affects the loss")
        elif len(g) > 1 and g[-1] > 1e6 * g[0]:
            self.say("exploding: the first input dominates the gradient")
