r"""Fitting a straight line under L1, L2 or Huber loss, and the data with outliers that the
robustness experiments of chapter 5 use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from helpers import args
from helpers.losses.regression import REGRESSION_LOSSES, huber

FIT_LOSSES = ("l1", "l2", "huber")


# -- robust line fitting --------------------------------------------------------------------
@dataclass(frozen=True)
class LineFit:
    """A fitted line :math:`\\hat y = w x + b` and how it was found."""

    slope: float
    intercept: float
    loss: str
    iterations: int

    def __call__(self, x: object) -> np.ndarray:
        return self.slope * np.asarray(x, dtype=np.float64) + self.intercept


def _xy(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    def arr(v: object, name: str) -> np.ndarray:
        if isinstance(v, torch.Tensor):
            v = v.detach().cpu().double().numpy()
        try:
            a = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name} must be numeric, got {v!r}") from err
        if a.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError(f"{name} must be finite (no NaN or inf)")
        return a

    xa, ya = arr(x, "x"), arr(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same shape, got x {xa.shape} and y {ya.shape}")
    if xa.size < 2 or np.ptp(xa) == 0:
        raise ValueError("a line needs at least two points with different x values")
    return xa, ya


def _weighted_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Minimise :math:`\\sum_i w_i (y_i - w x_i - b)^2` in closed form."""
    sw = w.sum()
    xm, ym = (w * x).sum() / sw, (w * y).sum() / sw
    dx = x - xm
    slope = (w * dx * (y - ym)).sum() / (w * dx * dx).sum()
    return float(slope), float(ym - slope * xm)


def fit_line(
    x: object,
    y: object,
    *,
    loss: str = "l2",
    delta: float = 1.0,
    max_iter: int = 300,
    tol: float = 1e-10,
) -> LineFit:
    r"""Fit :math:`\hat y = w x + b` by minimising the mean ``loss`` of the residuals.

    * ``"l2"``: least squares in closed form,
      :math:`w = \sum_i (x_i-\bar x)(y_i-\bar y) / \sum_i (x_i-\bar x)^2`, :math:`b = \bar y - w\bar x`.
    * ``"l1"`` and ``"huber"``: iteratively reweighted least squares (IRLS), started from
      the L2 line. Each step solves a weighted least-squares problem in closed form with
      weights :math:`1/|r_i|` (L1) or :math:`\min(1, \delta/|r_i|)` (Huber) of the current
      residuals :math:`r_i`; every step lowers the loss (a majorise-minimise method). It
      stops when the line moves by less than ``tol`` or after ``max_iter`` steps, a few
      milliseconds for tens of points.
    """
    loss = args.one_of("loss", loss, FIT_LOSSES)
    delta = args.number("delta", delta, low=0, low_open=True)
    max_iter = args.integer("max_iter", max_iter, low=1)
    tol = args.number("tol", tol, low=0)
    xa, ya = _xy(x, y)
    ones = np.ones_like(xa)
    slope, intercept = _weighted_line(xa, ya, ones)
    if loss == "l2":
        return LineFit(slope, intercept, loss, 0)
    # residual floor for the L1 weights: relative to the data's scale, so 1/|r| stays finite
    eps = 1e-9 * max(1.0, float(np.abs(ya).max()))
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        r = np.abs(ya - (slope * xa + intercept))
        if loss == "l1":
            w = 1.0 / np.maximum(r, eps)
        else:
            w = np.minimum(1.0, delta / np.maximum(r, 1e-300))
        new_slope, new_intercept = _weighted_line(xa, ya, w)
        moved = abs(new_slope - slope) + abs(new_intercept - intercept)
        slope, intercept = new_slope, new_intercept
        if moved <= tol * (1.0 + abs(slope) + abs(intercept)):
            break
    return LineFit(slope, intercept, loss, iterations)


def line_loss(
    x: object, y: object, slope: float, intercept: float, *, loss: str = "l2", delta: float = 1.0
) -> float:
    """The mean ``loss`` ("l1", "l2" or "huber") of the line ``slope * x + intercept`` on (x, y)."""
    loss = args.one_of("loss", loss, FIT_LOSSES)
    slope, intercept = args.number("slope", slope), args.number("intercept", intercept)
    delta = args.number("delta", delta, low=0, low_open=True)
    xa, ya = _xy(x, y)
    y_hat = torch.as_tensor(slope * xa + intercept, dtype=torch.float64)
    target = torch.as_tensor(ya, dtype=torch.float64)
    if loss == "huber":
        return float(huber(y_hat, target, delta=delta))
    return float(REGRESSION_LOSSES[loss](y_hat, target))


def line_with_outliers(
    n: int = 30,
    *,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 1.0,
    n_outliers: int = 3,
    magnitude: float = 25.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Points on :math:`y = \text{slope}\cdot x + \text{intercept}` plus noise, with outliers.

    ``x`` is evenly spaced on [0, 10]; the noise is Gaussian with standard deviation
    ``noise`` (its own generator, seeded with ``seed``, so the global random state is left
    alone). ``n_outliers`` points of the right half (where they tilt a line the most) get
    ``magnitude`` added to their y. The outliers are nested: k + 1 outliers are the k
    outliers of the same seed plus one more. Returns ``(x, y, is_outlier)``.
    """
    n = args.integer("n", n, low=4)
    n_outliers = args.integer("n_outliers", n_outliers, low=0, high=n - n // 2)  # right half
    noise = args.number("noise", noise, low=0)
    slope, intercept = args.number("slope", slope), args.number("intercept", intercept)
    magnitude = args.number("magnitude", magnitude)
    seed = args.integer("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 10.0, n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    right = np.arange(n // 2, n)
    order = right[rng.permutation(right.size)]
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[order[:n_outliers]] = True
    y = y + magnitude * is_outlier
    return x, y, is_outlier
