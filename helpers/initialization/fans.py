r"""Fan-in and fan-out of a weight, by hand (chapter 4)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from helpers import args


def shape_of(weight: object) -> tuple[int, ...]:
    """The shape of a weight tensor, of a layer's ``.weight``, or a shape itself."""
    if isinstance(weight, nn.Module):
        w = getattr(weight, "weight", None)
        if not isinstance(w, torch.Tensor):
            raise ValueError(
                f"{type(weight).__name__} has no .weight tensor; pass a weight tensor or a "
                "layer such as nn.Linear or nn.Conv2d"
            )
        return tuple(w.shape)
    if isinstance(weight, torch.Tensor | np.ndarray):
        return tuple(int(s) for s in weight.shape)
    if isinstance(weight, Sequence) and not isinstance(weight, str | bytes):
        return args.sizes("shape", weight, low=0)
    raise ValueError(
        "expected a weight tensor, a shape (tuple of ints) or a layer with a .weight, "
        f"got {type(weight).__name__}"
    )


def fan_in_and_fan_out(weight: torch.Tensor | Sequence[int] | nn.Module) -> tuple[int, int]:
    r""":math:`(fan_{in}, fan_{out})` of a weight, by hand.

    A weight is stored as ``(out, in, *kernel)``: ``nn.Linear`` as
    ``(out_features, in_features)``, ``nn.Conv2d`` as ``(out_channels, in_channels, kH, kW)``.
    Every output neuron (or output channel at one position) sums over one input slice, so

    .. math::
        fan_{in} = in \times \prod \text{kernel}, \qquad
        fan_{out} = out \times \prod \text{kernel}

    (``Linear``: :math:`fan_{in} =` ``in_features``; ``Conv2d``:
    :math:`fan_{in} = in\_channels \times kH \times kW`). A tensor with fewer than two
    dimensions (a bias, a scalar) has no input/output axes: ``ValueError``.
    """
    shape = shape_of(weight)
    if len(shape) < 2:
        raise ValueError(
            f"fan_in and fan_out need a weight with at least 2 dimensions, (out_features, "
            f"in_features) or (out_channels, in_channels, *kernel); got shape {shape} "
            f"({len(shape)}-D). A 1-D tensor such as a bias has no fan-in."
        )
    receptive_field = math.prod(shape[2:])  # 1 for a Linear weight
    fan_in = shape[1] * receptive_field
    fan_out = shape[0] * receptive_field
    return fan_in, fan_out
