"""Explorers of chapter 8: what dropout's ``p`` does to a layer, and what BatchNorm does to
a batch of activations. Thin wiring of sliders to ``helpers.layers.regularization``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.artist import Artist
from matplotlib.ticker import MaxNLocator

from helpers.layers.regularization import batch_norm, batch_stats, dropout, dropout_mask
from helpers.plots.regularization import mask_image
from helpers.widgets import Explorer

__all__ = ["DropoutExplorer", "BatchNormExplorer"]


class DropoutExplorer(Explorer):
    """A slider for ``p``: one pass's mask, and the distribution of a next-layer input
    ``z = w . dropout(h)`` over many passes (its mean stays at the eval value ``w . h``, its
    spread grows with p)."""

    title = "dropout p"

    def __init__(self, *, n_units: int = 256, passes: int = 1000, p: float = 0.5) -> None:
        side = int(np.sqrt(n_units))
        if n_units < 4 or side * side != n_units:
            raise ValueError(f"n_units must be a square number >= 4, got {n_units}")
        if passes < 10:
            raise ValueError(f"passes must be >= 10, got {passes}")
        self.n_units, self.passes, self.side = n_units, passes, side
        g = torch.Generator().manual_seed(0)
        self.h = 0.5 + torch.rand(n_units, generator=g)  # positive activations, mean about 1
        self.w = torch.randn(n_units, generator=g) / np.sqrt(n_units)
        self.z_eval = float(self.h @ self.w)
        self.H = self.h.expand(passes, n_units)
        self.edges = np.linspace(self.z_eval - 8.0, self.z_eval + 8.0, 81)
        controls = {
            "p": widgets.FloatSlider(value=p, min=0.0, max=0.9, step=0.05, description="p"),
            "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
        }
        super().__init__(controls, figsize=(7.2, 3.0), ncols=2)

    def setup(self) -> None:
        ax_m, ax_h = self.axes
        mask_image(np.ones(self.n_units), ax_m, title="one pass (white = kept)")
        self.mask_artist = ax_m.images[0]
        self.stairs = ax_h.stairs(np.zeros(len(self.edges) - 1), self.edges, fill=True, alpha=0.6)
        ax_h.axvline(self.z_eval, color="0.2", ls="--", lw=1.2, label="eval: w·h")
        self.mean_line = ax_h.axvline(
            self.z_eval, color="#D55E00", ls=":", lw=2.0, label="mean over passes"
        )
        ax_h.set_xlim(self.edges[0], self.edges[-1])
        ax_h.set_ylim(0, 1.8)
        ax_h.set_title(f"z = w · dropout(h) over {self.passes} passes")
        ax_h.set_xlabel("z")
        ax_h.set_ylabel("density")
        ax_h.legend(loc="upper right")  # static: part of the cached background
        self.dynamic = [self.mask_artist, self.stairs, self.mean_line]

    def dynamic_artists(self) -> list[Artist]:
        """Blitting (base Explorer): only these are redrawn on a move."""
        return self.dynamic

    def draw(self, p: float, seed: int) -> None:
        g = torch.Generator().manual_seed(int(seed))
        m = dropout_mask(self.H, p, generator=g)
        y = dropout(self.H, p, mask=m)
        z = (y @ self.w).numpy()
        kept = int(m[0].sum())
        self.mask_artist.set_data(m[0].reshape(self.side, self.side).numpy())
        counts, _ = np.histogram(z, bins=self.edges, density=True)
        self.stairs.set_data(counts)
        mean, std = float(z.mean()), float(z.std())
        self.mean_line.set_xdata([mean, mean])
        self.stats = {"kept": kept, "mean": mean, "std": std}
        # the numbers go to the message line: text in the figure is what a redraw pays most for
        text = (
            f"one pass kept {kept}/{self.n_units} units; z over {self.passes} passes: "
            f"mean {mean:.3f} (eval w·h = {self.z_eval:.3f}), std {std:.3f}. "
        )
        outside = int(((z < self.edges[0]) | (z > self.edges[-1])).sum())
        if p == 0.0:
            text += "p = 0: no unit is dropped, every pass is the full network."
        elif outside:
            text += f"{outside} passes fall outside the plotted range."
        else:
            text += f"Kept units are scaled by 1 / (1 - p) = {1 / (1 - p):.3g}."
        self.say(text)


class BatchNormExplorer(Explorer):
    """Shift and scale a batch of incoming activations, then see BatchNorm's normalized
    ``z_hat`` (always mean 0, std 1) and its output ``y = gamma z_hat + beta``."""

    title = "batch norm"
    RANGES = ((-20.0, 20.0), (-4.0, 4.0), (-12.0, 12.0))

    def __init__(self, *, eps: float = 1e-5) -> None:
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.eps = eps
        g = torch.Generator().manual_seed(0)
        n = 256
        # a bimodal, skewed base sample: BN shifts and scales it, it does not reshape it
        base = torch.cat(
            [
                torch.randn(n // 2, generator=g) * 0.5 - 1.0,
                torch.randn(n // 2, generator=g) * 0.4 + 1.2,
            ]
        )
        base = base[torch.randperm(n, generator=g)]
        self.base = (base - base.mean()) / base.std(unbiased=False)
        self.edges = [np.linspace(lo, hi, 61) for lo, hi in self.RANGES]
        controls = {
            "shift": widgets.FloatSlider(
                value=3.0, min=-5.0, max=5.0, step=0.1, description="shift"
            ),
            "scale": widgets.FloatSlider(
                value=2.0, min=0.1, max=5.0, step=0.1, description="scale"
            ),
            "batch": widgets.IntSlider(value=64, min=2, max=256, description="batch m"),
            "gamma": widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, description="γ"),
            "beta": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1, description="β"),
        }
        super().__init__(controls, figsize=(8.4, 2.8), ncols=3)

    def setup(self) -> None:
        labels = ("incoming z", "normalized ẑ", "output y = γẑ + β")
        colors = ("#0072B2", "#009E73", "#D55E00")
        self.stairs = []
        for ax, edges, label, color in zip(self.axes, self.edges, labels, colors, strict=True):
            self.stairs.append(
                ax.stairs(np.zeros(len(edges) - 1), edges, fill=True, alpha=0.6, color=color)
            )
            ax.set_xlim(edges[0], edges[-1])
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.set_title(label)
            ax.set_yticks([])
        self.axes[0].set_ylabel("share of the batch")
        # the y axes rescale every update: no y ticks, so nothing static depends on them
        self.dynamic = list(self.stairs)

    def dynamic_artists(self) -> list[Artist]:
        """Blitting (base Explorer): only these are redrawn on a move."""
        return self.dynamic

    def draw(self, shift: float, scale: float, batch: int, gamma: float, beta: float) -> None:
        m = int(batch)
        z = (self.base[:m] * scale + shift).unsqueeze(1)  # (m, C=1)
        g = torch.tensor([float(gamma)])
        b = torch.tensor([float(beta)])
        z_hat = batch_norm(z, eps=self.eps)
        y = batch_norm(z, g, b, eps=self.eps)
        self.stats = []
        for i, (ax, values) in enumerate(zip(self.axes, (z, z_hat, y), strict=True)):
            v = values.squeeze(1)
            counts, _ = np.histogram(v.numpy(), bins=self.edges[i])
            share = counts / m
            self.stairs[i].set_data(share)
            ax.set_ylim(0, max(float(share.max()), 0.05) * 1.15)
            mu, var = batch_stats(values)
            # round before formatting: -0.000001 would print as "-0.00"
            self.stats.append((round(float(mu[0]), 2) + 0.0, round(float(var[0].sqrt()), 2)))
        # the numbers go to the message line: text in the figure is what a redraw pays most for
        text = " → ".join(
            f"{name}: mean {mean:+.2f}, std {std:.2f}"
            for name, (mean, std) in zip(("z", "ẑ", "y"), self.stats, strict=True)
        )
        if m == 2:
            text += ". Batch of 2: whatever the inputs, ẑ is -1 and +1."
        elif gamma == 0.0:
            text += ". γ = 0: every output equals β; this feature is switched off."
        self.say(text)
