"""The one table of named activations: each name's function, derivative and ``nn.Module``.

``activation_fn(name)`` is the from-scratch function, ``derivative_fn(name)`` its closed-form
derivative, ``module(name)`` PyTorch's module (``nn.ReLU()``, ...) and ``Activation(name)``
an ``nn.Module`` around the from-scratch function. ``"identity"`` (alias ``"linear"``, as
``torch.nn.init.calculate_gain`` calls it) is there too, with derivative 1.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from helpers import args
from helpers.activations import functions as F

#: The element-wise activations of the chapter, by name.
NAMES = ("sigmoid", "tanh", "relu")

_Fn = Callable[..., torch.Tensor]

#: name -> (function, closed-form derivative f'(x), PyTorch module class, f' from a = f(z))
TABLE: dict[str, tuple[_Fn, _Fn, type[nn.Module], _Fn]] = {
    "sigmoid": (F.sigmoid, F.sigmoid_derivative, nn.Sigmoid, F.sigmoid_derivative_of_output),
    "tanh": (F.tanh, F.tanh_derivative, nn.Tanh, F.tanh_derivative_of_output),
    "relu": (F.relu, F.relu_derivative, nn.ReLU, F.relu_derivative_of_output),
    "identity": (F.identity, F.identity_derivative, nn.Identity, F.identity_derivative_of_output),
}
TABLE["linear"] = TABLE["identity"]  # torch.nn.init.calculate_gain's name for it


def activation_fn(name: str) -> Callable[[object], torch.Tensor]:
    """The from-scratch function called ``name`` (``NAMES``, or 'identity')."""
    return TABLE[args.one_of("activation", name, tuple(TABLE))][0]


def derivative_fn(name: str) -> Callable[[object], torch.Tensor]:
    """The closed-form derivative of the activation called ``name``."""
    return TABLE[args.one_of("activation", name, tuple(TABLE))][1]


def derivative_of_output_fn(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """f'(z) as a function of the output a = f(z) (what a hand-written backward pass keeps)."""
    return TABLE[args.one_of("activation", name, tuple(TABLE))][3]


def module(name: str) -> nn.Module:
    """PyTorch's module for ``name``: ``nn.Sigmoid()``, ``nn.Tanh()``, ``nn.ReLU()`` or
    ``nn.Identity()``."""
    return TABLE[args.one_of("activation", name, tuple(TABLE))][2]()


def name_of(model: nn.Module) -> str:
    """The name of the first PyTorch activation module in ``model``, else 'linear'."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be an nn.Module, got {type(model).__name__}")
    for m in model.modules():
        for name in NAMES:
            if isinstance(m, TABLE[name][2]):
                return name
    return "linear"


class Activation(nn.Module):
    """An ``nn.Module`` around one of the from-scratch activations."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.fn = activation_fn(name)
        self.name = name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return self.name


def module_factory(
    activation: str | Callable[[], nn.Module] | None,
) -> Callable[[], nn.Module] | None:
    """A zero-argument maker of activation modules: ``module(name)`` for a name, the
    callable itself, or ``None`` (no activation) for ``None``."""
    if activation is None or (callable(activation) and not isinstance(activation, str)):
        return activation
    name = args.one_of("activation", activation, tuple(TABLE))
    return lambda: module(name)
