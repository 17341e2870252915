"""Explorers of chapter 5: the shape of the regression losses, and robust line fitting.

* ``LossShapeExplorer``: a ``delta`` slider; L1, L2, Huber and Smooth L1 with their
  autograd gradients, the Huber switch points marked.
* ``RobustFitExplorer``: sliders for the number and size of outliers and for Huber's
  ``delta``; it refits a line under L1, L2 and Huber on every move (closed form and
  IRLS, a few ms) and redraws the three lines in place.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist

from helpers import losses
from helpers.plots import losses as loss_plots
from helpers.widgets import Explorer

__all__ = ["LossShapeExplorer", "RobustFitExplorer"]

_SLIDER = {"continuous_update": True, "style": {"description_width": "initial"}}


class LossShapeExplorer(Explorer):
    """Regression losses and their gradients over the error, with a ``delta`` slider."""

    title = "loss shapes (L1, L2, Huber, Smooth L1)"
    E_RANGE = (-3.0, 3.0)
    LOSS_YLIM = (-0.2, 4.5)
    GRAD_YLIM = (-3.5, 3.5)
    NAMES = {"l1": "L1 (MAE)", "l2": "L2 (MSE)", "huber": "Huber", "smooth_l1": "Smooth L1"}

    def __init__(self, delta: float = 1.0) -> None:
        controls = {
            "delta": widgets.FloatSlider(
                value=delta, min=0.1, max=3.0, step=0.05, description="delta δ", **_SLIDER
            ),
        }
        self.e = np.linspace(*self.E_RANGE, 601)
        super().__init__(controls, figsize=(8.4, 3.3), ncols=2)

    def _curves(self, delta: float) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        loss_values, grad_values = {}, {}
        for key, label in self.NAMES.items():
            value, grad = losses.curve(key, self.e, delta=delta)
            loss_values[label], grad_values[label] = value.numpy(), grad.numpy()
        return loss_values, grad_values

    def setup(self) -> None:
        delta = float(self.controls["delta"].value)
        loss_values, grad_values = self._curves(delta)
        styles = {"Smooth L1": {"ls": "--"}}
        loss_plots.loss_and_gradient(
            self.e,
            loss_values,
            grad_values,
            self.axes,
            loss_ylim=self.LOSS_YLIM,
            grad_ylim=self.GRAD_YLIM,
            styles=styles,
        )
        self.lines = {
            side: {
                ln.get_label(): ln for ln in ax.get_lines() if ln.get_label() in self.NAMES.values()
            }
            for side, ax in (("loss", self.axes[0]), ("grad", self.axes[1]))
        }
        self.marks = [
            ax.axvline(s * delta, color="#009E73", lw=0.8, ls=":")
            for ax in self.axes
            for s in (-1, 1)
        ]
        for ax in self.axes:
            ax.set_xlim(*self.E_RANGE)
        self.axes[0].set_title("loss")
        self.label = self.axes[1].text(
            0.03, 0.95, "", transform=self.axes[1].transAxes, va="top", fontsize=9
        )

    def dynamic_artists(self) -> list[Artist]:
        return [*self.lines["loss"].values(), *self.lines["grad"].values(), *self.marks, self.label]

    def draw(self, delta: float) -> None:
        loss_values, grad_values = self._curves(delta)
        for label in self.NAMES.values():
            self.lines["loss"][label].set_ydata(loss_values[label])
            self.lines["grad"][label].set_ydata(grad_values[label])
        for k, mark in enumerate(self.marks):
            x = delta if k % 2 else -delta
            mark.set_xdata([x, x])
        self.label.set_text(f"δ = {delta:.2f}\nHuber: ±δ\nSmooth L1: ±1")
        self.say(
            f"δ = {delta:.2f}: Huber is ½e² for |e| ≤ δ, then δ|e| − ½δ²; its gradient is "
            f"clamped to ±{delta:.2f}. Smooth L1 = Huber / δ (gradient clamped to ±1)."
        )


class RobustFitExplorer(Explorer):
    """Lines fitted under L1, L2 and Huber to data with movable outliers."""

    title = "robust line fitting (L1, L2, Huber)"
    N = 30
    TRUE = (2.0, 1.0)
    YLIM = (-4.0, 55.0)

    def __init__(self, n_outliers: int = 3, magnitude: float = 25.0, delta: float = 1.0) -> None:
        half = self.N - self.N // 2
        controls = {
            "n_outliers": widgets.IntSlider(
                value=n_outliers, min=0, max=half, step=1, description="outliers", **_SLIDER
            ),
            "magnitude": widgets.FloatSlider(
                value=magnitude, min=0.0, max=30.0, step=0.5, description="outlier shift", **_SLIDER
            ),
            "delta": widgets.FloatSlider(
                value=delta, min=0.1, max=10.0, step=0.1, description="Huber δ", **_SLIDER
            ),
        }
        super().__init__(controls, figsize=(7.0, 3.8))

    def _fit(self, n_outliers: int, magnitude: float, delta: float) -> tuple:
        x, y, mask = losses.line_with_outliers(
            self.N,
            slope=self.TRUE[0],
            intercept=self.TRUE[1],
            n_outliers=int(n_outliers),
            magnitude=float(magnitude),
        )
        fits = {
            "L2 (MSE)": losses.fit_line(x, y, loss="l2"),
            "L1 (MAE)": losses.fit_line(x, y, loss="l1"),
            "Huber": losses.fit_line(x, y, loss="huber", delta=float(delta)),
        }
        return x, y, mask, fits

    def setup(self) -> None:
        x, y, mask, fits = self._fit(**self.values)
        loss_plots.line_fits(
            x,
            y,
            {k: (f.slope, f.intercept) for k, f in fits.items()},
            self.ax,
            is_outlier=mask,
            true_line=self.TRUE,
            ylim=self.YLIM,
            title=" ",
        )
        self.ax.set_xlim(-0.5, 10.5)
        by_label = {ln.get_label(): ln for ln in self.ax.get_lines()}
        self.points, self.outliers = by_label["data"], by_label["outliers"]
        self.fit_lines = {k: by_label[k] for k in fits}
        self.xs = np.array([x.min(), x.max()])
        self.label = self.ax.text(
            0.98,
            0.04,
            "",
            transform=self.ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )

    def dynamic_artists(self) -> list[Artist]:
        return [self.points, self.outliers, *self.fit_lines.values(), self.label]

    def draw(self, n_outliers: int, magnitude: float, delta: float) -> None:
        x, y, mask, fits = self._fit(n_outliers, magnitude, delta)
        self.points.set_data(x[~mask], y[~mask])
        self.outliers.set_data(x[mask], y[mask])
        for name, fit in fits.items():
            self.fit_lines[name].set_data(self.xs, fit(self.xs))
        s = {k: f.slope for k, f in fits.items()}
        self.label.set_text(
            f"fitted slopes (true {self.TRUE[0]:.2f})\nL2 {s['L2 (MSE)']:.3f}\n"
            f"L1 {s['L1 (MAE)']:.3f}\nHuber {s['Huber']:.3f}"
        )
        half = self.N - self.N // 2
        if abs(s["L1 (MAE)"] - self.TRUE[0]) > 0.5:
            self.say(
                f"{n_outliers} of the {half} right-hand points are outliers: there they outnumber "
                "the good points, and even the L1 line follows them."
            )
        else:
            self.say(f"{n_outliers} outlier(s) shifted by {magnitude:.1f}; Huber δ = {delta:.1f}.")
