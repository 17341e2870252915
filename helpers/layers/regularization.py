r"""Regularization layers from scratch: inverted Dropout and Batch Normalization (chapter 8).

Dropout (inverted). In training, every activation :math:`x_i` is kept with probability
:math:`1 - p` and scaled so that its expectation does not change:

.. math::

    m_i \sim \mathrm{Bernoulli}(1 - p), \qquad y_i = \frac{m_i \, x_i}{1 - p},
    \qquad \mathbb{E}[y_i] = x_i .

At inference dropout is switched off: :math:`y = x`.

Batch Normalization. For a mini-batch :math:`B` of :math:`m` values of one feature
(channel), :math:`z_1, \dots, z_m`:

.. math::

    \mu_B = \frac{1}{m} \sum_{i=1}^{m} z_i, \qquad
    \sigma_B^2 = \frac{1}{m} \sum_{i=1}^{m} (z_i - \mu_B)^2, \qquad
    \hat z_i = \frac{z_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad
    y_i = \gamma \hat z_i + \beta .

For an input of shape (N, C) the batch of feature c is the column ``z[:, c]`` (m = N); for
(N, C, L) and (N, C, H, W) it is every value of channel c (m = N L or m = N H W).

Running statistics (what eval mode uses), updated once per training step with momentum
:math:`\alpha` (PyTorch's convention, default 0.1):

.. math::

    \hat\mu \leftarrow (1 - \alpha)\,\hat\mu + \alpha\,\mu_B, \qquad
    \hat\sigma^2 \leftarrow (1 - \alpha)\,\hat\sigma^2 + \alpha\,\frac{m}{m - 1}\,\sigma_B^2 .

The normalization uses the *biased* batch variance :math:`\sigma_B^2`; the running estimate
uses the *unbiased* one, :math:`\frac{m}{m-1}\sigma_B^2`, exactly as ``torch.nn.BatchNorm*d``.
Gradients come from autograd through these formulas.
"""

from __future__ import annotations

import torch
from torch import nn

from helpers import args

__all__ = [
    "check_p",
    "dropout_mask",
    "dropout",
    "Dropout",
    "batch_stats",
    "batch_norm",
    "BatchNorm1d",
    "BatchNorm2d",
]


# --------------------------------------------------------------------------- Dropout
def check_p(p: object) -> float:
    """``p`` as a float if it is a drop probability in [0, 1) (p = 1 would drop every unit
    and make the inverted scale 1 / (1 - p) undefined); a ``ValueError`` otherwise."""
    return args.fraction("dropout probability p", p, open_high=True)


def _generator(generator: object) -> torch.Generator | None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    return generator


def dropout_mask(
    like: torch.Tensor, p: float = 0.5, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""A keep-mask :math:`m_i \sim \mathrm{Bernoulli}(1 - p)` of ``like``'s shape and dtype.

    Drawn as ``torch.empty_like(like).bernoulli_(1 - p)``, the same call ``nn.Dropout``
    makes on the CPU: with a generator in the same state, the masks are identical.
    """
    p = check_p(p)
    like = args.tensor("like", like, floating=True, nonempty=True)
    return torch.empty_like(like).bernoulli_(1.0 - p, generator=_generator(generator))


def dropout(
    x: torch.Tensor,
    p: float = 0.5,
    *,
    training: bool = True,
    generator: torch.Generator | None = None,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Inverted dropout: :math:`y_i = m_i x_i / (1 - p)` in training, :math:`y = x` otherwise.

    ``mask`` (0/1 values, ``x``'s shape) fixes :math:`m`; without it a fresh mask is drawn
    from ``generator`` (the global generator if ``None``). With ``training=False`` or
    ``p = 0`` the input is returned unchanged and no random number is drawn (as in PyTorch).
    """
    p = check_p(p)
    x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
    training = args.one_of("training", training, (True, False))
    generator = _generator(generator)
    if mask is not None:
        mask = args.tensor("mask", mask).to(x.dtype)
        args.same_shape(("mask", "x"), mask, x)
        if not bool(((mask == 0) | (mask == 1)).all()):
            raise ValueError("mask must hold only 0 (dropped) and 1 (kept)")
    if not training or p == 0.0:
        return x
    m = mask if mask is not None else dropout_mask(x, p, generator=generator)
    # scale the mask first, then multiply: the same order of float operations as PyTorch
    return x * m.div(1.0 - p)


class Dropout(nn.Module):
    r"""Inverted dropout as a module: drop with probability ``p`` in ``train()``, identity in
    ``eval()``. The last mask drawn is kept in ``last_mask`` (``None`` before any draw).

    ``generator`` (optional) gives the layer its own random stream.
    """

    def __init__(self, p: float = 0.5, *, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.p = check_p(p)
        self.generator = _generator(generator)
        self.last_mask: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
        if not self.training or self.p == 0.0:
            return x
        self.last_mask = dropout_mask(x, self.p, generator=self.generator)
        return dropout(x, self.p, mask=self.last_mask)

    def extra_repr(self) -> str:
        return f"p={self.p}"


# --------------------------------------------------------------------- Batch Normalization
def _reduce_dims(z: torch.Tensor) -> list[int]:
    """Every dimension except the channel dimension 1."""
    return [0, *range(2, z.ndim)]


def _per_channel(v: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """A (C,) vector shaped to broadcast against z: (1, C), (1, C, 1) or (1, C, 1, 1)."""
    return v.reshape(1, -1, *([1] * (z.ndim - 2)))


def _activations(z: object) -> torch.Tensor:
    """``z`` checked to be a finite float tensor of shape (N, C, ...)."""
    z = args.tensor("z", z, floating=True, nonempty=True, finite=True)
    if z.ndim < 2:
        raise ValueError(f"z must have shape (N, C, ...), got {tuple(z.shape)}")
    return z


def _per_channel_vector(name: str, v: object, C: int) -> torch.Tensor:
    v = args.tensor(name, v, floating=True, finite=True)
    if tuple(v.shape) != (C,):
        raise ValueError(f"{name} must have shape ({C},) for {C} channels, got {tuple(v.shape)}")
    return v


def _more_than_one_value(z: torch.Tensor, who: str) -> None:
    """Batch statistics of m = 1 value per channel normalize everything to 0 (torch refuses)."""
    if z.numel() // z.shape[1] < 2:
        raise ValueError(
            f"{who} in training mode needs more than 1 value per channel, "
            f"got input of shape {tuple(z.shape)}: with m = 1 every z_i equals mu_B, so "
            "z_hat = 0 and the output is beta whatever the input. Use a batch of 2 or "
            "more, or call .eval() to use the running statistics."
        )


def batch_stats(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-channel :math:`\mu_B` and the *biased* :math:`\sigma_B^2` of ``z`` (N, C, ...).

    .. math:: \mu_B = \frac{1}{m}\sum_i z_i, \qquad \sigma_B^2 = \frac{1}{m}\sum_i (z_i - \mu_B)^2
    """
    z = _activations(z)
    dims = _reduce_dims(z)
    mu_B = z.mean(dim=dims)
    sigma2_B = ((z - _per_channel(mu_B, z)) ** 2).mean(dim=dims)
    return mu_B, sigma2_B


def batch_norm(
    z: torch.Tensor,
    gamma: torch.Tensor | None = None,
    beta: torch.Tensor | None = None,
    *,
    eps: float = 1e-5,
    mean: torch.Tensor | None = None,
    var: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Normalize ``z`` per channel, then scale and shift:
    :math:`y = \gamma\,(z - \mu)/\sqrt{\sigma^2 + \varepsilon} + \beta`.

    Without ``mean``/``var`` the batch's own :math:`\mu_B` and biased :math:`\sigma_B^2` are
    used (training mode); with them (the running estimates), eval mode. ``gamma``/``beta``
    default to 1 and 0 (no affine transform).
    """
    z = _activations(z)
    eps = args.number("eps", eps, low=0, low_open=True)
    if (mean is None) != (var is None):
        raise ValueError("give both mean and var (eval mode) or neither (batch statistics)")
    for name, v in (("gamma", gamma), ("beta", beta), ("mean", mean), ("var", var)):
        if v is not None:
            _per_channel_vector(name, v, z.shape[1])
    if var is not None and bool((var < 0).any()):
        raise ValueError("var must be >= 0 in every channel")
    if mean is None:
        _more_than_one_value(z, "batch_norm")
        mu, sigma2 = batch_stats(z)
    else:
        mu, sigma2 = mean, var
    z_hat = (z - _per_channel(mu, z)) / torch.sqrt(_per_channel(sigma2, z) + eps)
    y = z_hat
    if gamma is not None:
        y = _per_channel(gamma, z) * y
    if beta is not None:
        y = y + _per_channel(beta, z)
    return y


class _BatchNorm(nn.Module):
    """The shared machinery of ``BatchNorm1d`` and ``BatchNorm2d``.

    Parameter and buffer names follow PyTorch (``weight`` = gamma, ``bias`` = beta,
    ``running_mean``, ``running_var``, ``num_batches_tracked``), so a ``state_dict`` moves
    between this layer and ``nn.BatchNorm*d`` unchanged.
    """

    allowed_ndims: tuple[int, ...] = ()
    shape_text = ""

    def __init__(
        self,
        num_features: int,
        *,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = args.integer("num_features", num_features, low=1)  # the channels C
        self.eps = args.number("eps", eps, low=0, low_open=True)
        # momentum None: the cumulative average, alpha = 1 / (batches tracked)
        self.momentum = None if momentum is None else args.fraction("momentum", momentum)
        self.affine = args.one_of("affine", affine, (True, False))
        self.track_running_stats = args.one_of(
            "track_running_stats", track_running_stats, (True, False)
        )
        if self.affine:
            self.weight = nn.Parameter(torch.ones(num_features))  # gamma
            self.bias = nn.Parameter(torch.zeros(num_features))  # beta
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    @property
    def gamma(self) -> torch.Tensor | None:
        return self.weight

    @property
    def beta(self) -> torch.Tensor | None:
        return self.bias

    def _check_input(self, z: object) -> torch.Tensor:
        z = args.tensor("input", z, floating=True, nonempty=True, finite=True)
        name = type(self).__name__
        if z.ndim not in self.allowed_ndims:
            raise ValueError(
                f"{name} expects input of shape {self.shape_text}, got a {z.ndim}-D tensor "
                f"of shape {tuple(z.shape)}"
            )
        if z.shape[1] != self.num_features:
            raise ValueError(
                f"{name}({self.num_features}) got {z.shape[1]} channels in dimension 1 "
                f"(input shape {tuple(z.shape)})"
            )
        return z

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = self._check_input(z)
        use_batch = self.training or not self.track_running_stats
        if not use_batch:
            return batch_norm(
                z,
                self.weight,
                self.bias,
                eps=self.eps,
                mean=self.running_mean,
                var=self.running_var,
            )
        m = z.numel() // z.shape[1]
        if self.training:
            _more_than_one_value(z, type(self).__name__)
        mu_B, sigma2_B = batch_stats(z)
        if self.training and self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked += 1
                alpha = (
                    1.0 / float(self.num_batches_tracked)
                    if self.momentum is None
                    else self.momentum
                )
                unbiased = sigma2_B * (m / (m - 1))
                self.running_mean.mul_(1.0 - alpha).add_(alpha * mu_B)
                self.running_var.mul_(1.0 - alpha).add_(alpha * unbiased)
        return batch_norm(z, self.weight, self.bias, eps=self.eps, mean=mu_B, var=sigma2_B)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """BatchNorm over (N, C) or (N, C, L) inputs: statistics per channel over N (and L)."""

    allowed_ndims = (2, 3)
    shape_text = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """BatchNorm over (N, C, H, W) inputs: statistics per channel over N, H and W."""

    allowed_ndims = (4,)
    shape_text = "(N, C, H, W)"
