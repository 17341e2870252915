r"""Regression losses of chapter 5 (error :math:`e = \hat y - y`), and their gradients."""

from __future__ import annotations

from collections.abc import Callable

import torch

from helpers import args
from helpers.losses.core import as_tensor, reduce, same_shape


# -- regression losses ---------------------------------------------------------------------
def _pair(y_hat: object, y: object) -> tuple[torch.Tensor, torch.Tensor]:
    """Prediction and truth as tensors of one shape and dtype (no silent broadcasting)."""
    y_hat = as_tensor(y_hat, "y_hat")
    y = as_tensor(y, "y").to(y_hat.dtype)
    same_shape(y_hat, y, ("y_hat", "y"))
    return y_hat, y


def mae(y_hat: object, y: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""MAE / L1 loss :math:`\mathcal{L} = \frac{1}{n}\sum_{i=1}^{n} |y_i - \hat y_i|`.

    Its derivative is :math:`\mathrm{sign}(\hat y_i - y_i)/n`: the same size for every
    error, small or large (0 at an error of exactly 0, as in PyTorch).
    """
    y_hat, y = _pair(y_hat, y)
    return reduce((y - y_hat).abs(), reduction)


def mse(y_hat: object, y: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""MSE / L2 loss :math:`\mathcal{L} = \frac{1}{n}\sum_{i=1}^{n}(y_i - \hat y_i)^2`.

    Its derivative is :math:`2(\hat y_i - y_i)/n`: proportional to the error.
    """
    y_hat, y = _pair(y_hat, y)
    return reduce((y - y_hat) ** 2, reduction)


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
    delta = args.number("delta", delta, low=0, low_open=True)
    y_hat, y = _pair(y_hat, y)
    a = (y - y_hat).abs()
    per_entry = torch.where(a <= delta, 0.5 * a**2, delta * a - 0.5 * delta**2)
    return reduce(per_entry, reduction)


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
    beta = args.number("beta", beta, low=0)
    y_hat, y = _pair(y_hat, y)
    a = (y - y_hat).abs()
    if beta == 0.0:
        return reduce(a, reduction)
    per_entry = torch.where(a < beta, 0.5 * a**2 / beta, a - 0.5 * beta)
    return reduce(per_entry, reduction)


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
    leaf = as_tensor(y_hat, "y_hat").detach().clone().requires_grad_(True)
    loss = loss_fn(leaf, y, **kwargs)
    loss.backward()
    return leaf.grad.detach()


def curve(name: str, e: object, *, delta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""A regression loss and its derivative as functions of the error :math:`e = \hat y - y`.

    ``name``: ``"l1"``, ``"l2"``, ``"huber"`` (threshold ``delta``) or ``"smooth_l1"``
    (``beta = delta``). Returns ``(loss, grad)``, each of ``e``'s shape: the loss of a
    single prediction :math:`\hat y = e` against :math:`y = 0`, and its autograd derivative.
    """
    fn = REGRESSION_LOSSES[args.one_of("name", name, tuple(REGRESSION_LOSSES))]
    kwargs: dict[str, object] = {}
    if name == "huber":
        kwargs["delta"] = delta
    elif name == "smooth_l1":
        kwargs["beta"] = delta
    e = as_tensor(e, "e")
    zeros = torch.zeros_like(e)
    loss = fn(e, zeros, reduction="none", **kwargs).detach()
    grad = grad_wrt_prediction(fn, e, zeros, reduction="sum", **kwargs)
    return loss, grad
