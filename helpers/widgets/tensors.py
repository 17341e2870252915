"""Explorers of chapters 1-2: random sampling and the elementwise functions."""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
import torch

from helpers.tensors import ELEMENTWISE, domain_report
from helpers.widgets import Explorer

__all__ = ["SamplingExplorer", "ElementwiseExplorer"]


class SamplingExplorer(Explorer):
    """Histogram of ``torch.rand`` / ``torch.randn`` samples against the true density.

    More samples: the histogram settles on the density (the law of large numbers).
    """

    title = "sampling"
    BINS = np.linspace(-4, 4, 41)

    def __init__(self) -> None:
        super().__init__(
            {
                "sampler": widgets.Dropdown(
                    options=["rand", "randn"], value="randn", description="sampler"
                ),
                "n": widgets.IntSlider(
                    value=1000, min=10, max=100_000, step=10, description="samples"
                ),
                "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
            },
            figsize=(6.4, 3.2),
        )

    def setup(self) -> None:
        centers = (self.BINS[:-1] + self.BINS[1:]) / 2
        self.bars = self.ax.bar(
            centers,
            np.zeros_like(centers),
            width=self.BINS[1] - self.BINS[0],
            alpha=0.6,
            label="samples (density)",
        )
        grid = np.linspace(-4, 4, 400)
        (self.density,) = self.ax.plot(grid, grid * 0, color="black", label="true density")
        self.grid = grid
        self.ax.set_xlim(-4, 4)
        self.ax.set_ylim(0, 1.3)
        self.ax.set_xlabel("value")
        self.ax.legend(loc="upper right")

    def dynamic_artists(self) -> list:
        """Blitting: the bars, the density and the title change; the axes stay."""
        return [*self.bars, self.density, self.ax.title]

    def draw(self, sampler: str, n: int, seed: int) -> None:
        gen = torch.Generator().manual_seed(seed)
        samples = (torch.rand if sampler == "rand" else torch.randn)(n, generator=gen).numpy()
        heights, _ = np.histogram(samples, bins=self.BINS, density=True)
        for bar, h in zip(self.bars, heights, strict=True):
            bar.set_height(h)
        if sampler == "rand":
            true = ((self.grid >= 0) & (self.grid < 1)).astype(float)
        else:
            true = np.exp(-(self.grid**2) / 2) / math.sqrt(2 * math.pi)
        self.density.set_ydata(true)
        self.ax.set_title(
            f"torch.{sampler}({n}): mean {samples.mean():.3f}, std {samples.std():.3f}"
        )


class ElementwiseExplorer(Explorer):
    """One elementwise function over a movable x range, with its domain problems counted."""

    title = "elementwise functions"

    def __init__(self) -> None:
        super().__init__(
            {
                "function": widgets.Dropdown(
                    options=list(ELEMENTWISE), value="log", description="function"
                ),
                "x_min": widgets.FloatSlider(
                    value=-1.0, min=-10.0, max=10.0, step=0.5, description="x min"
                ),
                "x_max": widgets.FloatSlider(
                    value=5.0, min=-10.0, max=100.0, step=0.5, description="x max"
                ),
            },
            figsize=(6.4, 3.2),
        )

    def setup(self) -> None:
        (self.line,) = self.ax.plot([], [])
        self.ax.set_xlabel("x")

    def draw(self, function: str, x_min: float, x_max: float) -> None:
        if x_max <= x_min:
            self.say(f"x max ({x_max}) must be larger than x min ({x_min}): nothing to draw")
            self.line.set_data([], [])
            return
        fn = ELEMENTWISE[function][0]
        x = torch.linspace(x_min, x_max, 401)
        y = fn(x)
        self.line.set_data(x.numpy(), y.numpy())
        finite = y[torch.isfinite(y)]
        self.ax.set_xlim(x_min, x_max)
        if len(finite):
            lo, hi = float(finite.min()), float(finite.max())
            pad = 0.05 * (hi - lo) if hi > lo else 1.0
            self.ax.set_ylim(lo - pad, hi + pad)
        self.ax.set_title(f"torch.{function}(x), domain {ELEMENTWISE[function][2]}")
        self.say(f"401 points: {domain_report(y)}")
