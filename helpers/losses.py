r"""The loss functions of chapter 5, written from scratch, their gradients, and robust fits.

Every loss takes the prediction first and the truth second, like PyTorch's
``loss(input, target)``, and a ``reduction`` of ``"mean"``, ``"sum"`` or ``"none"``.

Classification (probabilities :math:`p`, one-hot labels :math:`y`):

* ``cross_entropy``: :math:`\mathcal{L} = -\frac{1}{N}\sum_{n=1}^{N}\sum_{i=1}^{C} y_{n,i}\log p_{n,i}`
* ``cross_entropy_simplified``: :math:`\mathcal{L} = -\sum_{n=1}^{N}\log p_{n,t_n}` (a plain sum)
* ``cross_entropy_logits``: what ``nn.CrossEntropyLoss`` computes, from logits :math:`z`
* ``binary_cross_entropy``: :math:`\mathcal{L} = -y\log p - (1-y)\log(1-p)`
* ``binary_cross_entropy_logits``: the same from a logit, in the stable form

Regression (prediction :math:`\hat y`, truth :math:`y`, error :math:`e = \hat y - y`):

* ``mae`` (L1): :math:`\mathcal{L} = \frac{1}{n}\sum_i |y_i - \hat y_i|`
* ``mse`` (L2): :math:`\mathcal{L} = \frac{1}{n}\sum_i (y_i - \hat y_i)^2`
* ``huber``: :math:`\tfrac12 e^2` for :math:`|e| \le \delta`, else :math:`\delta|e| - \tfrac12\delta^2`
* ``smooth_l1``: PyTorch's Smooth L1, which is ``huber / delta`` (equal at :math:`\delta = 1`)

``grad_wrt_prediction`` differentiates any of them with autograd; ``curve`` gives a loss
and its derivative as functions of the error, for plots; ``fit_line`` fits a straight line
under L1, L2 or Huber (closed form or iteratively reweighted least squares, a few ms), and
``line_with_outliers`` makes the data the robustness experiments use.

Bad input (mismatched shapes, probabilities outside [0, 1], a negative ``delta``, an
unknown ``reduction``) raises a ``ValueError`` that says what is wrong and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

__all__ = [
    "REDUCTIONS",
    "REGRESSION_LOSSES",
    "FIT_LOSSES",
    "LineFit",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "cross_entropy_simplified",
    "cross_entropy_logits",
    "cross_entropy_logits_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_logits",
    "mae",
    "mse",
    "huber",
    "smooth_l1",
    "grad_wrt_prediction",
    "curve",
    "fit_line",
    "line_loss",
    "line_with_outliers",
]

REDUCTIONS = ("mean", "sum", "none")
FIT_LOSSES = ("l1", "l2", "huber")


# -- input checks -------------------------------------------------------------------------
def _tensor(value: object, name: str) -> torch.Tensor:
    """A floating tensor from a tensor, array, number or sequence (floats keep their dtype)."""
    if isinstance(value, torch.Tensor):
        return value if value.is_floating_point() else value.to(torch.get_default_dtype())
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must be numeric (a tensor, array or numbers), got {value!r}"
        ) from err
    return torch.as_tensor(arr, dtype=torch.get_default_dtype())


def _same_shape(a: torch.Tensor, b: torch.Tensor, names: tuple[str, str], hint: str = "") -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {names[0]} "
            f"{tuple(a.shape)} and {names[1]} {tuple(b.shape)}" + (f"; {hint}" if hint else "")
        )


def _in_unit_interval(t: torch.Tensor, name: str, hint: str = "") -> None:
    if t.numel() == 0:
        return
    t = t.detach()
    lo, hi = float(t.min()), float(t.max())
    if torch.isnan(t).any() or lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name} must hold values in [0, 1], got values from {lo:.4g} to {hi:.4g}"
            + (" (and NaN)" if torch.isnan(t).any() else "")
            + (f"; {hint}" if hint else "")
        )


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _check_delta(delta: float, name: str = "delta", allow_zero: bool = False) -> float:
    message = f"{name} must be a finite number {'>= 0' if allow_zero else '> 0'}, got {delta!r}"
    try:
        value = float(delta)
    except (TypeError, ValueError) as err:
        raise ValueError(message) from err
    if not np.isfinite(value) or value < 0.0 or (value == 0.0 and not allow_zero):
        raise ValueError(message)
    return value


def _reduce(per_entry: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return per_entry.mean()
    if reduction == "sum":
        return per_entry.sum()
    return per_entry


def _as_batch(p: torch.Tensor, name: str) -> torch.Tensor:
    """(C,) -> (1, C); (N, C) stays; anything else is an error."""
    if p.ndim == 1:
        return p.unsqueeze(0)
    if p.ndim != 2:
        raise ValueError(f"{name} must have shape (N, C) or (C,), got {tuple(p.shape)}")
    return p


def _targets(target: object, n: int, c: int) -> torch.Tensor:
    t = torch.as_tensor(target)
    if t.is_floating_point() or t.dtype == torch.bool:
        raise ValueError(
            f"target must hold integer class indices (dtype long), got dtype {t.dtype}; "
            "for one-hot labels use cross_entropy"
        )
    t = t.reshape(-1) if t.ndim == 0 else t
    if t.shape != (n,):
        raise ValueError(f"target must have shape ({n},) for {n} samples, got {tuple(t.shape)}")
    if n and (int(t.min()) < 0 or int(t.max()) >= c):
        raise ValueError(
            f"target class indices must be in [0, {c - 1}] for {c} classes, "
            f"got values from {int(t.min())} to {int(t.max())}"
        )
    return t.long()


# -- softmax ------------------------------------------------------------------------------
def softmax(z: object, dim: int = -1) -> torch.Tensor:
    r"""Softmax :math:`\mathrm{Softmax}(z_i) = e^{z_i} / \sum_{j=1}^{K} e^{z_j}` along ``dim``.

    The maximum is subtracted first (it cancels in the ratio), so large logits do not
    overflow.
    """
    z = _tensor(z, "z")
    e = torch.exp(z - z.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(z: object, dim: int = -1) -> torch.Tensor:
    r""":math:`\log\mathrm{Softmax}(z_i) = z_i - \log\sum_j e^{z_j}`, computed stably.

    With :math:`m = \max_j z_j`: :math:`z_i - m - \log\sum_j e^{z_j - m}`; every exponent is
    <= 0, so nothing overflows, and the log never sees a 0 that underflowed.
    """
    z = _tensor(z, "z")
    shifted = z - z.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


# -- multiclass cross-entropy --------------------------------------------------------------
def cross_entropy(p: object, y: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""Multiclass cross-entropy from probabilities and one-hot labels, the notes' formula:

    .. math:: \mathcal{L} = -\frac{1}{N}\sum_{n=1}^{N}\sum_{i=1}^{C} y_{n,i}\,\log(p_{n,i})

    ``p`` (N, C) or (C,): predicted probabilities (each row a distribution); ``y`` the
    same shape: one-hot (or soft) labels. Terms with :math:`y_{n,i} = 0` count as 0 even
    where :math:`p_{n,i} = 0` (``torch.xlogy``), so only the true class contributes.
    ``reduction="mean"`` divides by N as the formula does; ``"sum"`` drops the
    :math:`1/N`; ``"none"`` returns one loss per sample.
    """
    _check_reduction(reduction)
    p = _as_batch(_tensor(p, "p"), "p")
    y = _as_batch(_tensor(y, "y").to(p.dtype), "y")
    _same_shape(p, y, ("p", "y"), "for class indices use cross_entropy_simplified")
    _in_unit_interval(p, "p (probabilities)", "pass logits to cross_entropy_logits instead")
    _in_unit_interval(y, "y (one-hot labels)")
    per_sample = -torch.xlogy(y, p).sum(dim=1)
    return _reduce(per_sample, reduction)


def cross_entropy_simplified(p: object, target: object, *, reduction: str = "sum") -> torch.Tensor:
    r"""The notes' simplified cross-entropy: only the true class's probability counts,

    .. math:: \mathcal{L} = -\sum_{n=1}^{N}\log\big(p_{n,t_n}\big)

    ``p`` (N, C) or (C,) probabilities, ``target`` (N,) integer class indices
    :math:`t_n`. The formula is a plain **sum** (the default here), N times the mean of
    ``cross_entropy``; ``reduction="mean"`` gives PyTorch's default instead.
    """
    _check_reduction(reduction)
    p = _as_batch(_tensor(p, "p"), "p")
    _in_unit_interval(p, "p (probabilities)", "pass logits to cross_entropy_logits instead")
    t = _targets(target, p.shape[0], p.shape[1])
    p_true = p.gather(1, t.unsqueeze(1)).squeeze(1)
    return _reduce(-torch.log(p_true), reduction)


def cross_entropy_logits(z: object, target: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""What ``nn.CrossEntropyLoss`` computes: cross-entropy from **logits** :math:`z`.

    .. math:: \ell_n = -\log\mathrm{Softmax}(z_n)_{t_n} = -z_{n,t_n} + \log\sum_j e^{z_{n,j}}

    i.e. ``F.nll_loss(log_softmax(z), target)``: the softmax is inside the loss, so the
    model's last layer must output raw logits, not probabilities.
    """
    _check_reduction(reduction)
    z = _as_batch(_tensor(z, "z"), "z")
    t = _targets(target, z.shape[0], z.shape[1])
    log_p = log_softmax(z, dim=1)
    return _reduce(-log_p.gather(1, t.unsqueeze(1)).squeeze(1), reduction)


def cross_entropy_logits_grad(
    z: object, target: object, *, reduction: str = "mean"
) -> torch.Tensor:
    r"""The gradient of ``cross_entropy_logits`` with respect to the logits, in closed form:

    .. math:: \frac{\partial \ell_n}{\partial z_{n,i}} = p_{n,i} - y_{n,i}

    with :math:`p = \mathrm{Softmax}(z)` and :math:`y` the one-hot label; divided by N for
    ``reduction="mean"``. (``"none"`` is treated like ``"sum"``: one gradient row a sample.)
    """
    _check_reduction(reduction)
    z = _as_batch(_tensor(z, "z"), "z")
    t = _targets(target, z.shape[0], z.shape[1])
    y = torch.nn.functional.one_hot(t, z.shape[1]).to(z.dtype)
    g = softmax(z, dim=1) - y
    return g / z.shape[0] if reduction == "mean" else g


# -- binary cross-entropy ------------------------------------------------------------------
def binary_cross_entropy(
    p: object, y: object, *, reduction: str = "mean", log_clamp: float | None = None
) -> torch.Tensor:
    r"""Binary cross-entropy :math:`\mathcal{L} = -y\log(p) - (1-y)\log(1-p)`.

    ``p``: predicted probabilities of the positive class, in [0, 1]; ``y``: labels in
    [0, 1] (0 or 1, or soft labels), same shape. Written with ``torch.xlogy`` so that
    :math:`0\cdot\log 0 = 0`: a confident **right** answer costs 0, a confident **wrong**
    one (p = 0 with y = 1) costs :math:`+\infty`, exactly as the formula says.

    ``log_clamp``: if given (PyTorch's ``nn.BCELoss`` uses -100), every :math:`\log` is
    clamped from below to it, so the loss of one entry is at most ``-log_clamp``.
    """
    _check_reduction(reduction)
    p = _tensor(p, "p")
    y = _tensor(y, "y").to(p.dtype)
    _same_shape(p, y, ("p", "y"))
    _in_unit_interval(p, "p (probabilities)", "pass logits to binary_cross_entropy_logits instead")
    _in_unit_interval(y, "y (labels)")
    if log_clamp is None:
        per_entry = -torch.xlogy(y, p) - torch.xlogy(1 - y, 1 - p)
    else:
        floor = float(log_clamp)
        if not floor <= 0:
            raise ValueError(f"log_clamp must be <= 0 (a floor for log p), got {log_clamp!r}")
        log_p = torch.log(p).clamp(min=floor)
        log_1mp = torch.log(1 - p).clamp(min=floor)
        per_entry = -(y * log_p + (1 - y) * log_1mp)
    return _reduce(per_entry, reduction)


def binary_cross_entropy_logits(z: object, y: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""Binary cross-entropy from a logit :math:`z` (:math:`p = \sigma(z)`), the stable way.

    Substituting :math:`p = 1/(1+e^{-z})` into :math:`-y\log p - (1-y)\log(1-p)`, with
    :math:`\log(1-p) = \log p - z`, gives

    .. math:: \ell = (1 - y)\,z - \log\sigma(z) = \max(z, 0) - z\,y + \log\big(1 + e^{-|z|}\big)

    which never exponentiates a large positive number and never takes the log of a
    probability that rounded to 0 or 1. This is what ``nn.BCEWithLogitsLoss`` computes.
    Its gradient is :math:`\partial\ell/\partial z = \sigma(z) - y`.

    Both forms have the same values, but autograd differentiates them differently at
    :math:`z = 0` exactly: ``max`` and ``|z|`` have kinks there, and their one-sided
    derivatives (``clamp`` passes 1, ``abs`` passes 0) give :math:`1 - y` instead of
    :math:`\sigma(0) - y = 1/2 - y`. The first form is smooth (``logsigmoid`` is computed
    stably by PyTorch), so it is the one computed here.
    """
    _check_reduction(reduction)
    z = _tensor(z, "z")
    y = _tensor(y, "y").to(z.dtype)
    _same_shape(z, y, ("z", "y"))
    _in_unit_interval(y, "y (labels)")
    per_entry = (1 - y) * z - torch.nn.functional.logsigmoid(z)
    return _reduce(per_entry, reduction)


# -- regression losses ---------------------------------------------------------------------
def _pair(y_hat: object, y: object) -> tuple[torch.Tensor, torch.Tensor]:
    y_hat = _tensor(y_hat, "y_hat")
    y = _tensor(y, "y").to(y_hat.dtype)
    _same_shape(y_hat, y, ("y_hat", "y"))
    return y_hat, y


def mae(y_hat: object, y: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""MAE / L1 loss :math:`\mathcal{L} = \frac{1}{n}\sum_{i=1}^{n} |y_i - \hat y_i|`.

    Its derivative is :math:`\mathrm{sign}(\hat y_i - y_i)/n`: the same size for every
    error, small or large (0 at an error of exactly 0, as in PyTorch).
    """
    _check_reduction(reduction)
    y_hat, y = _pair(y_hat, y)
    return _reduce((y - y_hat).abs(), reduction)


def mse(y_hat: object, y: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""MSE / L2 loss :math:`\mathcal{L} = \frac{1}{n}\sum_{i=1}^{n}(y_i - \hat y_i)^2`.

    Its derivative is :math:`2(\hat y_i - y_i)/n`: proportional to the error.
    """
    _check_reduction(reduction)
    y_hat, y = _pair(y_hat, y)
    return _reduce((y - y_hat) ** 2, reduction)


def huber(y_hat: object, y: object, *, delta: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    r"""Huber loss with threshold :math:`\delta > 0` (``nn.HuberLoss(delta=...)``):

    .. math::
        L = \begin{cases}
            \tfrac12 (y - \hat y)^2, & |y - \hat y| \le \delta \\
            \delta |y - \hat y| - \tfrac12\delta^2, & |y - \hat y| > \delta
        \end{cases}

    Quadratic like MSE (half of it) for small errors, linear like MAE (times
    :math:`\delta`) for large ones; the two pieces meet with equal value and slope at
    :math:`|e| = \delta`. Derivative: :math:`\mathrm{clamp}(\hat y - y, -\delta, \delta)`.
    """
    _check_reduction(reduction)
    delta = _check_delta(delta)
    y_hat, y = _pair(y_hat, y)
    a = (y - y_hat).abs()
    per_entry = torch.where(a <= delta, 0.5 * a**2, delta * a - 0.5 * delta**2)
    return _reduce(per_entry, reduction)


def smooth_l1(
    y_hat: object, y: object, *, beta: float = 1.0, reduction: str = "mean"
) -> torch.Tensor:
    r"""PyTorch's Smooth L1 loss (``nn.SmoothL1Loss(beta=...)``):

    .. math::
        L = \begin{cases}
            \tfrac{1}{2\beta} (y - \hat y)^2, & |y - \hat y| < \beta \\
            |y - \hat y| - \tfrac12\beta, & \text{otherwise}
        \end{cases}

    This is ``huber(delta=beta) / beta``: the same shape, scaled so that the linear part
    has slope 1 whatever :math:`\beta` is. At :math:`\beta = \delta = 1` the two are equal.
    ``beta = 0`` is allowed and gives exactly the L1 loss.
    """
    _check_reduction(reduction)
    beta = _check_delta(beta, "beta", allow_zero=True)
    y_hat, y = _pair(y_hat, y)
    a = (y - y_hat).abs()
    if beta == 0.0:
        return _reduce(a, reduction)
    per_entry = torch.where(a < beta, 0.5 * a**2 / beta, a - 0.5 * beta)
    return _reduce(per_entry, reduction)


#: the regression losses by short name, as ``curve`` and the explorers use them
REGRESSION_LOSSES: dict[str, Callable[..., torch.Tensor]] = {
    "l1": mae,
    "l2": mse,
    "huber": huber,
    "smooth_l1": smooth_l1,
}


# -- gradients ------------------------------------------------------------------------------
def grad_wrt_prediction(
    loss_fn: Callable[..., torch.Tensor], y_hat: object, y: object, **kwargs: object
) -> torch.Tensor:
    r"""The gradient :math:`\partial\mathcal{L}/\partial\hat y` of ``loss_fn(y_hat, y, **kwargs)``.

    Computed with autograd (``backward``) on a fresh copy of ``y_hat``. Pass
    ``reduction="sum"`` to get each entry's own derivative :math:`d\ell_i/d\hat y_i`; with
    ``"mean"`` every entry is divided by n.
    """
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a loss function, got {loss_fn!r}")
    if kwargs.get("reduction") == "none":
        raise ValueError("reduction='none' gives no scalar to differentiate; use 'sum' or 'mean'")
    leaf = _tensor(y_hat, "y_hat").detach().clone().requires_grad_(True)
    loss = loss_fn(leaf, y, **kwargs)
    loss.backward()
    return leaf.grad.detach()


def curve(name: str, e: object, *, delta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""A regression loss and its derivative as functions of the error :math:`e = \hat y - y`.

    ``name``: ``"l1"``, ``"l2"``, ``"huber"`` (threshold ``delta``) or ``"smooth_l1"``
    (``beta = delta``). Returns ``(loss, grad)``, each of ``e``'s shape: the loss of a
    single prediction :math:`\hat y = e` against :math:`y = 0`, and its autograd derivative.
    """
    if name not in REGRESSION_LOSSES:
        raise ValueError(f"name must be one of {tuple(REGRESSION_LOSSES)}, got {name!r}")
    fn = REGRESSION_LOSSES[name]
    kwargs: dict[str, object] = {}
    if name == "huber":
        kwargs["delta"] = delta
    elif name == "smooth_l1":
        kwargs["beta"] = delta
    e = _tensor(e, "e")
    zeros = torch.zeros_like(e)
    loss = fn(e, zeros, reduction="none", **kwargs).detach()
    grad = grad_wrt_prediction(fn, e, zeros, reduction="sum", **kwargs)
    return loss, grad


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
    if loss not in FIT_LOSSES:
        raise ValueError(f"loss must be one of {FIT_LOSSES}, got {loss!r}")
    delta = _check_delta(delta)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter must be an int >= 1, got {max_iter!r}")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
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
    if loss not in FIT_LOSSES:
        raise ValueError(f"loss must be one of {FIT_LOSSES}, got {loss!r}")
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
    if isinstance(n, bool) or not isinstance(n, int) or n < 4:
        raise ValueError(f"n must be an int >= 4, got {n!r}")
    if isinstance(n_outliers, bool) or not isinstance(n_outliers, int):
        raise ValueError(f"n_outliers must be an int, got {n_outliers!r}")
    half = n - n // 2
    if not 0 <= n_outliers <= half:
        raise ValueError(
            f"n_outliers must be in [0, {half}] (the right half of {n} points), got {n_outliers}"
        )
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    for name, v in (("slope", slope), ("intercept", intercept), ("magnitude", magnitude)):
        if not np.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 10.0, n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    right = np.arange(n // 2, n)
    order = right[rng.permutation(right.size)]
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[order[:n_outliers]] = True
    y = y + magnitude * is_outlier
    return x, y, is_outlier
