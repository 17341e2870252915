r"""Classification losses of chapter 5, from probabilities :math:`p` or logits :math:`z`.

The softmax and log-softmax are those of ``helpers.activations`` (one source per formula).
"""

from __future__ import annotations

import torch

from helpers import args
from helpers.activations import log_softmax, softmax
from helpers.losses.core import REDUCTIONS, as_tensor, in_unit_interval, reduce, same_shape

LOGITS_HINT = "pass logits to cross_entropy_logits instead"


def _as_batch(p: torch.Tensor, name: str) -> torch.Tensor:
    """(C,) -> (1, C); (N, C) stays; anything else is an error."""
    p = args.tensor(name, p, ndim=(1, 2))
    return p.unsqueeze(0) if p.ndim == 1 else p


def _targets(target: object, n: int, c: int) -> torch.Tensor:
    """Integer class indices in [0, c), one per sample, as a long tensor of shape (n,)."""
    try:
        t = torch.as_tensor(target)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"target must hold integer class indices, got {target!r}") from err
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
    p = _as_batch(as_tensor(p, "p"), "p")
    y = _as_batch(as_tensor(y, "y").to(p.dtype), "y")
    same_shape(p, y, ("p", "y"), "for class indices use cross_entropy_simplified")
    in_unit_interval(p, "p (probabilities)", LOGITS_HINT)
    in_unit_interval(y, "y (one-hot labels)")
    per_sample = -torch.xlogy(y, p).sum(dim=1)
    return reduce(per_sample, reduction)


def cross_entropy_simplified(p: object, target: object, *, reduction: str = "sum") -> torch.Tensor:
    r"""The notes' simplified cross-entropy: only the true class's probability counts,

    .. math:: \mathcal{L} = -\sum_{n=1}^{N}\log\big(p_{n,t_n}\big)

    ``p`` (N, C) or (C,) probabilities, ``target`` (N,) integer class indices
    :math:`t_n`. The formula is a plain **sum** (the default here), N times the mean of
    ``cross_entropy``; ``reduction="mean"`` gives PyTorch's default instead.
    """
    p = _as_batch(as_tensor(p, "p"), "p")
    in_unit_interval(p, "p (probabilities)", LOGITS_HINT)
    t = _targets(target, p.shape[0], p.shape[1])
    p_true = p.gather(1, t.unsqueeze(1)).squeeze(1)
    return reduce(-torch.log(p_true), reduction)


def cross_entropy_logits(z: object, target: object, *, reduction: str = "mean") -> torch.Tensor:
    r"""What ``nn.CrossEntropyLoss`` computes: cross-entropy from **logits** :math:`z`.

    .. math:: \ell_n = -\log\mathrm{Softmax}(z_n)_{t_n} = -z_{n,t_n} + \log\sum_j e^{z_{n,j}}

    i.e. ``F.nll_loss(log_softmax(z), target)``: the softmax is inside the loss, so the
    model's last layer must output raw logits, not probabilities.
    """
    z = _as_batch(as_tensor(z, "z"), "z")
    t = _targets(target, z.shape[0], z.shape[1])
    log_p = log_softmax(z, dim=1)
    return reduce(-log_p.gather(1, t.unsqueeze(1)).squeeze(1), reduction)


def cross_entropy_logits_grad(
    z: object, target: object, *, reduction: str = "mean"
) -> torch.Tensor:
    r"""The gradient of ``cross_entropy_logits`` with respect to the logits, in closed form:

    .. math:: \frac{\partial \ell_n}{\partial z_{n,i}} = p_{n,i} - y_{n,i}

    with :math:`p = \mathrm{Softmax}(z)` and :math:`y` the one-hot label; divided by N for
    ``reduction="mean"``. (``"none"`` is treated like ``"sum"``: one gradient row a sample.)
    """
    reduction = args.one_of("reduction", reduction, REDUCTIONS)
    z = _as_batch(as_tensor(z, "z"), "z")
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
    p = as_tensor(p, "p")
    y = as_tensor(y, "y").to(p.dtype)
    same_shape(p, y, ("p", "y"))
    in_unit_interval(p, "p (probabilities)", "pass logits to binary_cross_entropy_logits instead")
    in_unit_interval(y, "y (labels)")
    if log_clamp is None:
        per_entry = -torch.xlogy(y, p) - torch.xlogy(1 - y, 1 - p)
    else:
        floor = args.number("log_clamp", log_clamp, high=0)  # a floor for log p
        log_p = torch.log(p).clamp(min=floor)
        log_1mp = torch.log(1 - p).clamp(min=floor)
        per_entry = -(y * log_p + (1 - y) * log_1mp)
    return reduce(per_entry, reduction)


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
    z = as_tensor(z, "z")
    y = as_tensor(y, "y").to(z.dtype)
    same_shape(z, y, ("z", "y"))
    in_unit_interval(y, "y (labels)")
    per_entry = (1 - y) * z - torch.nn.functional.logsigmoid(z)
    return reduce(per_entry, reduction)
