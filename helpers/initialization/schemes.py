r"""The schemes of ``torch.nn.init`` from the notes' formulas: gains, standard deviations and
bounds, the distribution each scheme draws from (``spec``), and sampling from it from scratch
(``init_``) or with PyTorch's own function (``torch_init_``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from helpers import args
from helpers.initialization.fans import fan_in_and_fan_out, shape_of

#: plus ``linear_default``: what ``nn.Linear`` and ``nn.Conv2d`` do when they are created,
#: ``kaiming_uniform_(w, a=math.sqrt(5))``.
SCHEMES: tuple[str, ...] = (
    "zeros",
    "ones",
    "constant",
    "uniform",
    "normal",
    "kaiming_normal",
    "kaiming_uniform",
    "xavier_normal",
    "xavier_uniform",
    "linear_default",
)

_REQUIRED = object()
_KAIMING = {"a": 0.0, "mode": "fan_in", "nonlinearity": "leaky_relu"}
_PARAMS: dict[str, dict[str, object]] = {
    "zeros": {},
    "ones": {},
    "constant": {"val": _REQUIRED},
    "uniform": {"a": 0.0, "b": 1.0},
    "normal": {"mean": 0.0, "std": 1.0},
    "kaiming_normal": dict(_KAIMING),
    "kaiming_uniform": dict(_KAIMING),
    "xavier_normal": {"gain": 1.0},
    "xavier_uniform": {"gain": 1.0},
    "linear_default": {},
}
_NONLINEARITIES = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "selu",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The gain PyTorch recommends for a nonlinearity (``torch.nn.init.calculate_gain``).

    ``linear``, the convolutions and ``sigmoid``: 1; ``tanh``: 5/3; ``relu``: :math:`\sqrt 2`;
    ``leaky_relu`` with negative slope :math:`a` (``param``, default 0.01):
    :math:`\sqrt{2 / (1 + a^2)}`; ``selu``: 3/4. The ReLU value is the notes' factor 2:
    ReLU keeps half of the second moment, so the weights' variance is doubled to make up.
    """
    nonlinearity = args.one_of("nonlinearity", nonlinearity, _NONLINEARITIES)
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else args.number("param", param)
        return math.sqrt(2.0 / (1.0 + a**2))
    return 1.0


def kaiming_std(fan_in: int, *, a: float = 0.0) -> float:
    r"""He (Kaiming) normal: :math:`\sigma = \sqrt{2 / ((1 + a^2)\, fan_{in})}`.

    With :math:`a = 0` (ReLU) this is the notes' :math:`\omega \sim \mathcal N(0, 2/fan_{in})`:
    :math:`\mathrm{Var}(\omega) = 2 / fan_{in}`. ``a`` is the negative slope of a leaky ReLU.
    """
    fan_in = args.integer("fan_in", fan_in, low=1)
    a = args.number("a", a)
    return math.sqrt(2.0 / ((1.0 + a**2) * fan_in))


def kaiming_bound(fan_in: int, *, a: float = 0.0) -> float:
    r"""He (Kaiming) uniform: :math:`\omega \sim \mathcal U(-b, b)`, :math:`b = \sqrt{6 / ((1 + a^2) fan_{in})}`.

    A uniform :math:`\mathcal U(-b, b)` has variance :math:`b^2 / 3`, so :math:`b = \sqrt 3\,\sigma`
    with the normal version's :math:`\sigma`: the same variance :math:`2/fan_{in}` for ``a = 0``.
    """
    fan_in = args.integer("fan_in", fan_in, low=1)
    a = args.number("a", a)
    return math.sqrt(6.0 / ((1.0 + a**2) * fan_in))


def xavier_std(fan_in: int, fan_out: int, *, gain: float = 1.0) -> float:
    r"""Xavier (Glorot) normal: :math:`\sigma = \text{gain}\sqrt{2 / (fan_{in} + fan_{out})}`."""
    fan_in, fan_out = args.integer("fan_in", fan_in, low=1), args.integer("fan_out", fan_out, low=1)
    return args.number("gain", gain) * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_bound(fan_in: int, fan_out: int, *, gain: float = 1.0) -> float:
    r"""Xavier (Glorot) uniform: :math:`b = \text{gain}\sqrt{6 / (fan_{in} + fan_{out})}`, variance :math:`b^2/3`."""
    fan_in, fan_out = args.integer("fan_in", fan_in, low=1), args.integer("fan_out", fan_out, low=1)
    return args.number("gain", gain) * math.sqrt(6.0 / (fan_in + fan_out))


def uniform_std(a: float, b: float) -> float:
    r"""Standard deviation of :math:`\mathcal U(a, b)`: :math:`(b - a) / \sqrt{12}`."""
    a = args.number("a", a)
    b = args.number("b", b, low=a)
    return (b - a) / math.sqrt(12.0)


@dataclass(frozen=True)
class InitSpec:
    """The distribution a scheme draws each weight from.

    ``distribution`` is ``"constant"`` (every weight = ``mean``), ``"uniform"`` (on
    ``[low, high)``) or ``"normal"`` (``mean``, ``std``). ``bound`` is the half-width of a
    symmetric uniform (``None`` otherwise). ``fan_in``/``fan_out`` are those of the shape the
    spec was made for (``None`` for schemes that do not use them).
    """

    scheme: str
    distribution: str
    mean: float
    std: float
    low: float | None = None
    high: float | None = None
    fan_in: int | None = None
    fan_out: int | None = None

    @property
    def var(self) -> float:
        """The weights' variance, :math:`\\sigma^2`."""
        return self.std**2

    @property
    def bound(self) -> float | None:
        """``b`` of a symmetric :math:`\\mathcal U(-b, b)`; ``None`` for other distributions."""
        if self.distribution == "uniform" and self.low == -self.high:
            return self.high
        return None

    def sample(
        self,
        shape: Sequence[int],
        *,
        generator: torch.Generator | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> torch.Tensor:
        """Draw a tensor of ``dtype`` from scratch: ``low + (high - low) * U(0, 1)``,
        ``mean + std * N(0, 1)`` or a constant fill.

        The draws are made in ``dtype`` itself (a float32 draw cast to float64 would carry
        only float32's 24 bits and could fall outside a narrow ``[low, high)``), so with the
        same generator state they equal ``torch.nn.init``'s draw for draw.
        """
        shape = shape_of(shape)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise ValueError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
        if self.distribution == "constant":
            return torch.full(shape, self.mean, dtype=dtype)
        if self.distribution == "uniform":
            u = torch.rand(shape, generator=generator, dtype=dtype)
            return self.low + (self.high - self.low) * u
        return self.mean + self.std * torch.randn(shape, generator=generator, dtype=dtype)


def validate_params(scheme: str, params: Mapping[str, object]) -> dict[str, object]:
    """``params`` completed with ``scheme``'s defaults; ValueError for an unknown one."""
    allowed = _PARAMS[args.one_of("scheme", scheme, SCHEMES)]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        names = sorted(allowed) or "no parameters"
        raise ValueError(f"{scheme} takes {names}, got unexpected {unknown}")
    merged = {**allowed, **params}
    missing = [k for k, v in merged.items() if v is _REQUIRED]
    if missing:
        raise ValueError(f"{scheme} needs {missing} (e.g. {scheme}, val=0.1)")
    return merged


def spec(
    scheme: str, shape: torch.Tensor | Sequence[int] | nn.Module = (1, 1), **params: object
) -> InitSpec:
    r"""The distribution ``scheme`` uses for a weight of ``shape``, from the notes' formulas.

    * ``zeros``, ``ones``, ``constant`` (``val``): every weight is that constant;
    * ``uniform`` (``a=0, b=1``): :math:`\mathcal U(a, b)`;
    * ``normal`` (``mean=0, std=1``): :math:`\mathcal N(\text{mean}, \text{std}^2)`;
    * ``kaiming_normal`` (``a=0, mode="fan_in", nonlinearity="leaky_relu"``):
      :math:`\mathcal N(0, \text{gain}^2/fan)`, gain² = 2 for ReLU;
    * ``kaiming_uniform`` (same): :math:`\mathcal U(\pm\text{gain}\sqrt{3/fan})`;
    * ``xavier_normal`` (``gain=1``): :math:`\mathcal N(0, \text{gain}^2\, 2/(fan_{in}+fan_{out}))`;
    * ``xavier_uniform`` (``gain=1``): :math:`\mathcal U(\pm\text{gain}\sqrt{6/(fan_{in}+fan_{out})})`;
    * ``linear_default``: ``kaiming_uniform`` with :math:`a=\sqrt5`, i.e.
      :math:`\mathcal U(\pm 1/\sqrt{fan_{in}})`, what ``nn.Linear`` and ``nn.Conv2d`` start with.

    Kaiming's ``fan`` is :math:`fan_{in}` (``mode="fan_in"``, the default) or
    :math:`fan_{out}`; its gain comes from ``calculate_gain(nonlinearity, a)``, and PyTorch's
    default ``nonlinearity="leaky_relu"`` with ``a=0`` gives :math:`\sqrt 2`, the ReLU value.
    """
    p = validate_params(scheme, params)
    if scheme in ("zeros", "ones", "constant"):
        val = {"zeros": 0.0, "ones": 1.0}.get(scheme)
        val = args.number("val", p["val"]) if val is None else val
        return InitSpec(scheme, "constant", val, 0.0, val, val)
    if scheme == "uniform":
        a = args.number("a", p["a"])
        b = args.number("b", p["b"], low=a, low_open=True)
        return InitSpec(scheme, "uniform", (a + b) / 2, uniform_std(a, b), a, b)
    if scheme == "normal":
        std = args.number("std", p["std"], low=0)
        return InitSpec(scheme, "normal", args.number("mean", p["mean"]), std)
    fan_in, fan_out = fan_in_and_fan_out(shape)
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"{scheme} needs a non-empty weight, got shape {shape_of(shape)}")
    if scheme == "linear_default":
        b = kaiming_bound(fan_in, a=math.sqrt(5.0))  # = 1 / sqrt(fan_in)
        return InitSpec(scheme, "uniform", 0.0, b / math.sqrt(3.0), -b, b, fan_in, fan_out)
    if scheme.startswith("kaiming"):
        mode = args.one_of("mode", p["mode"], ("fan_in", "fan_out"))
        fan = fan_in if mode == "fan_in" else fan_out
        a = args.number("a", p["a"])
        nonlinearity = p["nonlinearity"]
        gain = calculate_gain(str(nonlinearity), a)  # validates the name
        if nonlinearity in ("leaky_relu", "relu"):  # the notes' closed form sqrt(2 / fan)
            std = kaiming_std(fan, a=a if nonlinearity == "leaky_relu" else 0.0)
        else:
            std = gain / math.sqrt(fan)
        if scheme == "kaiming_normal":
            return InitSpec(scheme, "normal", 0.0, std, None, None, fan_in, fan_out)
        b = math.sqrt(3.0) * std
        return InitSpec(scheme, "uniform", 0.0, std, -b, b, fan_in, fan_out)
    gain = args.number("gain", p["gain"], low=0)
    if scheme == "xavier_normal":
        std = xavier_std(fan_in, fan_out, gain=gain)
        return InitSpec(scheme, "normal", 0.0, std, None, None, fan_in, fan_out)
    b = xavier_bound(fan_in, fan_out, gain=gain)
    return InitSpec(scheme, "uniform", 0.0, b / math.sqrt(3.0), -b, b, fan_in, fan_out)


def init_(
    tensor: torch.Tensor, scheme: str, *, generator: torch.Generator | None = None, **params: object
) -> torch.Tensor:
    """Fill ``tensor`` in place from ``spec(scheme, tensor.shape, **params)``, from scratch.

    The draws are made in ``tensor``'s own floating dtype (float32, float64, ...).
    """
    tensor = args.tensor("tensor", tensor, floating=True)
    s = spec(scheme, tensor.shape, **params)
    with torch.no_grad():
        tensor.copy_(s.sample(tensor.shape, generator=generator, dtype=tensor.dtype))
    return tensor


def torch_init_(
    tensor: torch.Tensor, scheme: str, *, generator: torch.Generator | None = None, **params: object
) -> torch.Tensor:
    """Fill ``tensor`` in place with PyTorch's own ``torch.nn.init.<scheme>_``.

    ``linear_default`` calls ``kaiming_uniform_(tensor, a=math.sqrt(5))``, as
    ``nn.Linear.reset_parameters`` does. Parameters are validated as in ``spec``.
    """
    tensor = args.tensor("tensor", tensor, floating=True)
    spec(scheme, tensor.shape if tensor.dim() >= 2 else (1, 1), **params)  # validate
    p = validate_params(scheme, params)
    if scheme in ("zeros", "ones"):
        return getattr(nn.init, scheme + "_")(tensor)
    if scheme == "constant":
        return nn.init.constant_(tensor, float(p["val"]))
    if scheme == "linear_default":
        return nn.init.kaiming_uniform_(tensor, a=math.sqrt(5.0), generator=generator)
    if tensor.dim() < 2 and scheme not in ("uniform", "normal"):
        fan_in_and_fan_out(tensor)  # raises our clear ValueError
    return getattr(nn.init, scheme + "_")(tensor, generator=generator, **params)
