r"""The one multilayer-perceptron builder of the course.

For ``sizes`` :math:`= (n_0, n_1, \dots, n_L)` it stacks :math:`L` linear layers,
:math:`z_l = a_{l-1} W_l^\top + b_l` with :math:`W_l \in \mathbb{R}^{n_l \times n_{l-1}}`, and
after each hidden one (optionally) batch normalization, the activation :math:`f` and dropout:

.. math:: a_0 = x, \qquad a_l = \mathrm{Dropout}\bigl(f(\mathrm{BN}(z_l))\bigr), \qquad
          \hat y = z_L \quad (\text{a plain readout, no activation}).

A batch ``x`` of shape ``(B, n_0)`` gives an output of shape ``(B, n_L)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from helpers import activations, args

__all__ = ["mlp"]


def mlp(
    sizes: Sequence[int],
    activation: str | Callable[[], nn.Module] | None = "relu",
    *,
    bias: bool = True,
    readout: bool = True,
    dropout: float = 0.0,
    batch_norm: bool = False,
    init: Callable[[nn.Linear], object] | None = None,
    std: float | None = None,
    dtype: torch.dtype | None = None,
) -> nn.Sequential:
    r"""``Linear -> [BatchNorm1d] -> activation -> [Dropout]`` per hidden layer, then ``Linear``.

    * ``sizes``: :math:`(n_0, \dots, n_L)`, at least two widths;
    * ``activation``: a name of ``helpers.activations`` (``activations.module(name)``, e.g.
      ``nn.ReLU()``), a zero-argument factory of a module, or ``None`` for no activation;
    * ``bias``: every Linear has a bias, except the hidden ones under ``batch_norm`` (BN's
      shift :math:`\beta` replaces it: ``Linear(bias=False) -> BN -> f``);
    * ``readout=False`` puts the activation after the last Linear too;
    * ``dropout`` :math:`p > 0` adds ``regularization.Dropout(p)`` after each hidden activation;
    * ``init(linear)`` runs on each Linear right after it is created (PyTorch's default init
      has already drawn from the global generator);
    * ``std``: once the whole net exists, every weight is redrawn from
      :math:`\mathcal N(0, \mathrm{std}^2)` and every bias set to 0, layer by layer;
    * ``dtype``: the finished net is converted (``.to(dtype)``), so its values are the
      float32 draws, whatever the dtype.
    """
    from helpers.layers import regularization as reg  # helpers.layers imports activations

    sizes = args.sizes("sizes", sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must hold at least two widths (inputs, outputs), got {sizes}")
    make_activation = activations.module_factory(activation)
    dropout = args.fraction("dropout", dropout, open_high=True)
    std = None if std is None else args.number("std", std, low=0)
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        hidden = i < len(sizes) - 2
        linear = nn.Linear(n_in, n_out, bias=bias and not (batch_norm and hidden))
        if init is not None:
            init(linear)
        layers.append(linear)
        if hidden and batch_norm:
            layers.append(reg.BatchNorm1d(n_out))
        if (hidden or not readout) and make_activation is not None:
            layers.append(make_activation())
        if hidden and dropout > 0:
            layers.append(reg.Dropout(dropout))
    model = nn.Sequential(*layers)
    if std is not None:
        for module in model:
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, 0.0, std)  # ω ~ N(0, std²)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
    return model if dtype is None else model.to(dtype)
