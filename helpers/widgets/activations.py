"""Explorers of chapter 3: an activation's curve under w*x + b, vanishing gradients by
depth, and softmax's temperature. Each is an ``Explorer``: set ``ex.controls[name].value``
from code, or move the sliders in JupyterLab."""

from __future__ import annotations

import math
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.artist import Artist

from helpers import activations
from helpers.widgets import Explorer

__all__ = ["ActivationExplorer", "DepthExplorer", "SoftmaxTemperatureExplorer"]

_PEAK = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


_YLIM = {"sigmoid": (-0.1, 1.1), "tanh": (-1.15, 1.15)}


class ActivationExplorer(Explorer):
    r"""One activation :math:`f(wx + b)` over :math:`x \in [-r, r]`, and the local gradient
    :math:`f'(wx + b)` it passes back (dashed). The grey band at the bottom marks where the
    unit is saturated (sigmoid, tanh: :math:`f'` below 1 % of its peak) or inactive (ReLU)."""

    title = "activation f(w·x + b)"

    def __init__(self, *, function: str = "sigmoid", points: int = 401) -> None:
        activations.activation_fn(function)  # validates the name
        if isinstance(points, bool) or not isinstance(points, int) or not 11 <= points <= 5001:
            raise ValueError(f"points must be an int in [11, 5001], got {points!r}")
        self._unit = torch.linspace(-1.0, 1.0, points, dtype=torch.float64)
        style = {"description_width": "70px"}
        controls = {
            "function": widgets.Dropdown(
                options=list(activations.NAMES), value=function, description="function", style=style
            ),
            "w": widgets.FloatSlider(
                value=1.0, min=-5.0, max=5.0, step=0.1, description="scale w", style=style
            ),
            "b": widgets.FloatSlider(
                value=0.0, min=-10.0, max=10.0, step=0.1, description="shift b", style=style
            ),
            "x_range": widgets.FloatSlider(
                value=8.0, min=1.0, max=20.0, step=0.5, description="x range ±", style=style
            ),
            "derivative": widgets.Checkbox(value=True, description="show f'(w·x + b)"),
        }
        self._shape: tuple[str, float] | None = None
        super().__init__(controls, figsize=(7.0, 3.4))

    def setup(self) -> None:
        ax = self.ax
        (self.line_f,) = ax.plot([], [], label="f(w·x + b)")
        (self.line_d,) = ax.plot([], [], "--", label="f'(w·x + b)")
        (self.line_sat,) = ax.plot(
            [],
            [],
            color="0.5",
            lw=6,
            alpha=0.5,
            solid_capstyle="butt",
            label="saturated / inactive",
        )
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_xlabel("x")
        ax.legend(loc="upper left", fontsize=8)

    def dynamic_artists(self) -> list[Artist]:
        return [self.line_f, self.line_d, self.line_sat, self.ax.title]

    def draw(self, function: str, w: float, b: float, x_range: float, derivative: bool) -> None:
        r = max(float(x_range), 1e-3)
        x = r * self._unit
        z = w * x + b
        f = activations.activation_fn(function)(z)
        d = activations.derivative_fn(function)(z)
        xn = x.numpy()
        self.line_f.set_data(xn, f.numpy())
        self.line_d.set_data(xn, d.numpy())
        self.line_d.set_visible(bool(derivative))
        dead = (d < 0.01 * _PEAK[function]).numpy()
        lo, hi = _YLIM.get(function, (-0.05 * max(r, 1.2), max(r, 1.2)))
        self.line_sat.set_data(xn, np.where(dead, lo + 0.03 * (hi - lo), np.nan))
        if self._shape != (function, r):  # limits move only with the function or the range
            self.ax.set_xlim(-r, r)
            self.ax.set_ylim(lo, hi)
            self._shape = (function, r)
            self.invalidate()
        self.ax.set_title(f"{function}(w·x + b),  w = {w:.1f},  b = {b:.1f}")
        frac = float(dead.mean())
        what = (
            "inactive (w·x + b ≤ 0, gradient 0)"
            if function == "relu"
            else "saturated (f' < 1 % of its peak)"
        )
        note = f"{what} on {frac:.0%} of the shown x range"
        if w == 0:
            note = "w = 0: the output no longer depends on x; " + note
        self.say(note)


class DepthExplorer(Explorer):
    r"""Vanishing gradients: the gradient norm of every layer of a deep stack, relative to
    the last layer (log scale, left), and the mean local gradient :math:`f'(z_l)` of each
    layer (right), from :func:`helpers.activations.gradient_profile`."""

    title = "gradient norm per layer"
    MAX_DEPTH = 50
    FLOOR = 1e-45

    def __init__(self, *, width: int = 32, batch: int = 64, seed: int = 0) -> None:
        activations.gradient_profile("relu", 1, width=width, batch=batch)  # validates sizes
        self._kw = {"width": width, "batch": batch, "seed": seed}
        self._cache: dict[tuple[str, int, str], activations.GradientProfile] = {}
        controls = {
            "depth": widgets.IntSlider(value=10, min=1, max=self.MAX_DEPTH, description="depth"),
            "activation": widgets.Dropdown(
                options=list(activations.NAMES), value="sigmoid", description="activation"
            ),
            "init": widgets.Dropdown(
                options=["default", "xavier", "kaiming"], value="xavier", description="init"
            ),
        }
        super().__init__(controls, figsize=(8.0, 3.3), ncols=2)

    def setup(self) -> None:
        left, right = self.axes
        (self.line_norm,) = left.plot([], [], ".-", ms=4)
        left.set_yscale("log")
        left.set_xlim(0.5, self.MAX_DEPTH + 0.5)
        left.set_ylim(self.FLOOR, 1e3)
        left.set_yticks([10.0**k for k in range(-40, 1, 10)])  # few labels: cheaper to draw
        left.minorticks_off()
        left.set_xlabel("layer (1 = next to the input)")
        left.set_title("‖∂L/∂W_l‖ / ‖∂L/∂W_last‖")
        (self.line_deriv,) = right.plot([], [], ".-", ms=4, color="#D55E00")
        right.axhline(0.25, color="0.5", lw=0.8, ls=":")
        right.text(1, 0.27, "0.25 = max of σ'", fontsize=8, color="0.4")
        right.set_xlim(0.5, self.MAX_DEPTH + 0.5)
        right.set_ylim(0, 1.05)
        right.set_xlabel("layer")
        right.set_title("mean f'(z_l) over the batch")

    def dynamic_artists(self) -> list[Artist]:
        return [self.line_norm, self.line_deriv]

    def draw(self, depth: int, activation: str, init: str) -> None:
        depth = int(min(max(depth, 1), self.MAX_DEPTH))
        key = (activation, depth, init)
        if key not in self._cache:  # seeded, so a revisited setting gives the same profile
            self._cache[key] = activations.gradient_profile(
                activation, depth, init=init, **self._kw
            )
        profile = self._cache[key]
        layers = np.arange(1, depth + 1)
        norms = np.asarray(profile.weight_grad_norms)
        rel = norms / norms[-1] if norms[-1] > 0 else np.full(depth, np.nan)
        self.line_norm.set_data(layers, np.maximum(rel, self.FLOOR))
        self.line_deriv.set_data(layers, profile.mean_derivative)
        ratio = profile.first_over_last
        note = f"{activation}, {init} init, depth {depth}: the first layer's gradient is {ratio:.2g} × the last layer's"
        if math.isfinite(ratio) and ratio < self.FLOOR:
            note += " (below the plot's floor)"
        self.say(note)


class SoftmaxTemperatureExplorer(Explorer):
    r"""Softmax of a fixed score vector at temperature :math:`T`: :math:`\mathrm{Softmax}(z/T)`.
    Small :math:`T` sharpens towards the arg-max, large :math:`T` flattens towards uniform."""

    title = "softmax temperature"

    def __init__(
        self,
        logits: Sequence[float] = (3.0, 1.0, 0.2, -1.0, -2.5),
        labels: Sequence[str] | None = None,
    ) -> None:
        try:
            z = torch.as_tensor(np.asarray(logits, dtype=np.float64))
        except (TypeError, ValueError) as err:
            raise ValueError(f"logits must be a sequence of numbers, got {logits!r}") from err
        if z.ndim != 1 or not 2 <= len(z) <= 20 or not bool(torch.isfinite(z).all()):
            raise ValueError(
                f"logits must be a 1-D vector of 2 to 20 finite numbers, got {np.atleast_1d(z.numpy()).tolist()}"
            )
        if labels is not None and len(labels) != len(z):
            raise ValueError(f"got {len(labels)} labels for {len(z)} logits")
        self.logits = z
        self.labels = (
            list(labels)
            if labels is not None
            else [f"z{i + 1}={v:g}" for i, v in enumerate(z.tolist())]
        )
        controls = {
            "temperature": widgets.FloatLogSlider(
                value=1.0, base=10, min=-2, max=2, step=0.05, description="T", readout_format=".3g"
            ),
        }
        super().__init__(controls, figsize=(6.0, 3.2))

    def setup(self) -> None:
        ax = self.ax
        k = len(self.logits)
        self.bars = ax.bar(range(k), np.zeros(k), color="#0072B2")
        self.texts = [ax.text(i, 0.0, "", ha="center", fontsize=8) for i in range(k)]
        ax.axhline(1.0 / k, color="0.5", lw=0.8, ls=":")
        ax.text(k - 0.6, 1.0 / k + 0.02, "uniform 1/K", fontsize=8, color="0.4", ha="right")
        ax.set_xticks(range(k), self.labels)
        ax.set_ylim(0, 1.12)
        ax.set_ylabel("probability")

    def dynamic_artists(self) -> list[Artist]:
        return [*self.bars, *self.texts, self.ax.title]

    def draw(self, temperature: float) -> None:
        t = float(min(max(temperature, 1e-2), 1e2))
        p = activations.softmax(self.logits, temperature=t).numpy()
        for bar, text, v in zip(self.bars, self.texts, p, strict=True):
            bar.set_height(v)
            text.set_y(v + 0.02)
            text.set_text(f"{v:.2f}")
        self.ax.set_title(f"Softmax(z / T),  T = {t:.3g}")
        entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
        note = (
            f"max p = {p.max():.3f}, entropy {entropy:.3f} nats (uniform: {math.log(len(p)):.3f})"
        )
        if float(self.logits.abs().max()) / t > activations.FLOAT32_EXP_LIMIT:
            note += (
                "; the naive exp(z/T) would overflow float32 here, the max-shift keeps it finite"
            )
        self.say(note)
