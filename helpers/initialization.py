r"""Parameter initialization (chapter 4): the schemes' formulas, and what they do to a deep net.

Three parts:

* **fan-in and fan-out** of a weight, computed by hand (``fan_in_and_fan_out``): a Linear
  weight of shape ``(out_features, in_features)`` has :math:`fan_{in} =` ``in_features``;
  a Conv2d weight ``(out_channels, in_channels, kH, kW)`` has
  :math:`fan_{in} = in\_channels \times kH \times kW`.
* **the schemes** of ``torch.nn.init`` as distributions (``spec``): each scheme's standard
  deviation and, for the uniform ones, its bound, from the notes' formulas; ``init_`` samples
  from them from scratch and ``torch_init_`` calls PyTorch's own function, so the two can be
  compared draw for draw.
* **per-layer statistics** of a deep MLP (``propagate``, ``mlp_statistics``, ``DeepMLPProbe``):
  forward activation variance and backward gradient variance layer by layer, the picture of
  vanishing and exploding signals. ``propagate`` writes the backward pass out by hand
  (checked against autograd by ``autograd_statistics``); ``DeepMLPProbe`` caches random
  draws and results so an explorer can redraw a 50-layer, 256-wide net in about 15 ms.

Empirical statistics are compared with formulas by ``compare_statistic``: it accepts a
measured value within ``k`` standard errors of the expected one and prints one table row.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from helpers import check

__all__ = [
    "SCHEMES",
    "ACTIVATIONS",
    "fan_in_and_fan_out",
    "calculate_gain",
    "kaiming_std",
    "kaiming_bound",
    "xavier_std",
    "xavier_bound",
    "uniform_std",
    "InitSpec",
    "spec",
    "init_",
    "torch_init_",
    "std_standard_error",
    "mean_standard_error",
    "compare_statistic",
    "LayerStats",
    "propagate",
    "autograd_statistics",
    "build_mlp",
    "mlp_weights",
    "mlp_statistics",
    "DeepMLPProbe",
    "layer_histogram",
    "distinct_rows",
    "kaiming_derivation",
]

#: The schemes of the notes, by their ``torch.nn.init`` names (without the trailing ``_``),
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

#: Activations of the deep-MLP experiments.
ACTIVATIONS: tuple[str, ...] = ("linear", "relu", "tanh", "sigmoid")

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


# ----------------------------------------------------------------------------------------
# fan-in and fan-out
# ----------------------------------------------------------------------------------------
def _shape_of(weight: object) -> tuple[int, ...]:
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
        shape = tuple(weight)
        if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in shape):
            raise ValueError(f"a shape must be a sequence of ints, got {weight!r}")
        if any(s < 0 for s in shape):
            raise ValueError(f"a shape cannot have negative sizes, got {weight!r}")
        return tuple(int(s) for s in shape)
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
    shape = _shape_of(weight)
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


# ----------------------------------------------------------------------------------------
# the schemes' formulas
# ----------------------------------------------------------------------------------------
def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _positive_fan(name: str, fan: object) -> int:
    if isinstance(fan, bool) or not isinstance(fan, int | np.integer) or fan < 1:
        raise ValueError(f"{name} must be a positive int, got {fan!r}")
    return int(fan)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The gain PyTorch recommends for a nonlinearity (``torch.nn.init.calculate_gain``).

    ``linear``, the convolutions and ``sigmoid``: 1; ``tanh``: 5/3; ``relu``: :math:`\sqrt 2`;
    ``leaky_relu`` with negative slope :math:`a` (``param``, default 0.01):
    :math:`\sqrt{2 / (1 + a^2)}`; ``selu``: 3/4. The ReLU value is the notes' factor 2:
    ReLU keeps half of the second moment, so the weights' variance is doubled to make up.
    """
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}; choose one of {_NONLINEARITIES}")
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else _real("negative slope (param)", param)
        return math.sqrt(2.0 / (1.0 + a**2))
    return 1.0


def kaiming_std(fan_in: int, *, a: float = 0.0) -> float:
    r"""He (Kaiming) normal: :math:`\sigma = \sqrt{2 / ((1 + a^2)\, fan_{in})}`.

    With :math:`a = 0` (ReLU) this is the notes' :math:`\omega \sim \mathcal N(0, 2/fan_{in})`:
    :math:`\mathrm{Var}(\omega) = 2 / fan_{in}`. ``a`` is the negative slope of a leaky ReLU.
    """
    fan_in = _positive_fan("fan_in", fan_in)
    a = _real("a", a)
    return math.sqrt(2.0 / ((1.0 + a**2) * fan_in))


def kaiming_bound(fan_in: int, *, a: float = 0.0) -> float:
    r"""He (Kaiming) uniform: :math:`\omega \sim \mathcal U(-b, b)`, :math:`b = \sqrt{6 / ((1 + a^2) fan_{in})}`.

    A uniform :math:`\mathcal U(-b, b)` has variance :math:`b^2 / 3`, so :math:`b = \sqrt 3\,\sigma`
    with the normal version's :math:`\sigma`: the same variance :math:`2/fan_{in}` for ``a = 0``.
    """
    fan_in = _positive_fan("fan_in", fan_in)
    a = _real("a", a)
    return math.sqrt(6.0 / ((1.0 + a**2) * fan_in))


def xavier_std(fan_in: int, fan_out: int, *, gain: float = 1.0) -> float:
    r"""Xavier (Glorot) normal: :math:`\sigma = \text{gain}\sqrt{2 / (fan_{in} + fan_{out})}`."""
    fan_in, fan_out = _positive_fan("fan_in", fan_in), _positive_fan("fan_out", fan_out)
    return _real("gain", gain) * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_bound(fan_in: int, fan_out: int, *, gain: float = 1.0) -> float:
    r"""Xavier (Glorot) uniform: :math:`b = \text{gain}\sqrt{6 / (fan_{in} + fan_{out})}`, variance :math:`b^2/3`."""
    fan_in, fan_out = _positive_fan("fan_in", fan_in), _positive_fan("fan_out", fan_out)
    return _real("gain", gain) * math.sqrt(6.0 / (fan_in + fan_out))


def uniform_std(a: float, b: float) -> float:
    r"""Standard deviation of :math:`\mathcal U(a, b)`: :math:`(b - a) / \sqrt{12}`."""
    a, b = _real("a", a), _real("b", b)
    if b < a:
        raise ValueError(f"uniform needs a <= b, got a={a}, b={b}")
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
        shape = _shape_of(shape)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise ValueError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
        if self.distribution == "constant":
            return torch.full(shape, self.mean, dtype=dtype)
        if self.distribution == "uniform":
            u = torch.rand(shape, generator=generator, dtype=dtype)
            return self.low + (self.high - self.low) * u
        return self.mean + self.std * torch.randn(shape, generator=generator, dtype=dtype)


def _params(scheme: str, params: Mapping[str, object]) -> dict[str, object]:
    if scheme not in _PARAMS:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {SCHEMES}")
    allowed = _PARAMS[scheme]
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
    p = _params(scheme, params)
    if scheme in ("zeros", "ones", "constant"):
        val = {"zeros": 0.0, "ones": 1.0}.get(scheme)
        val = _real("val", p["val"]) if val is None else val
        return InitSpec(scheme, "constant", val, 0.0, val, val)
    if scheme == "uniform":
        a, b = _real("a", p["a"]), _real("b", p["b"])
        if not a < b:
            raise ValueError(f"uniform needs a < b, got a={a}, b={b}")
        return InitSpec(scheme, "uniform", (a + b) / 2, uniform_std(a, b), a, b)
    if scheme == "normal":
        std = _real("std", p["std"])
        if std < 0:
            raise ValueError(f"normal needs std >= 0, got {std}")
        return InitSpec(scheme, "normal", _real("mean", p["mean"]), std)
    fan_in, fan_out = fan_in_and_fan_out(shape)
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"{scheme} needs a non-empty weight, got shape {_shape_of(shape)}")
    if scheme == "linear_default":
        b = kaiming_bound(fan_in, a=math.sqrt(5.0))  # = 1 / sqrt(fan_in)
        return InitSpec(scheme, "uniform", 0.0, b / math.sqrt(3.0), -b, b, fan_in, fan_out)
    if scheme.startswith("kaiming"):
        mode = p["mode"]
        if mode not in ("fan_in", "fan_out"):
            raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
        fan = fan_in if mode == "fan_in" else fan_out
        a = _real("a", p["a"])
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
    gain = _real("gain", p["gain"])
    if gain < 0:
        raise ValueError(f"{scheme} needs gain >= 0, got {gain}")
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
    if not isinstance(tensor, torch.Tensor):
        raise ValueError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if not tensor.dtype.is_floating_point:
        raise ValueError(f"tensor must have a floating-point dtype, got {tensor.dtype}")
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
    if not isinstance(tensor, torch.Tensor):
        raise ValueError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    spec(scheme, tensor.shape if tensor.dim() >= 2 else (1, 1), **params)  # validate
    p = _params(scheme, params)
    if scheme in ("zeros", "ones"):
        return getattr(nn.init, scheme + "_")(tensor)
    if scheme == "constant":
        return nn.init.constant_(tensor, float(p["val"]))
    if scheme == "linear_default":
        return nn.init.kaiming_uniform_(tensor, a=math.sqrt(5.0), generator=generator)
    if tensor.dim() < 2 and scheme not in ("uniform", "normal"):
        fan_in_and_fan_out(tensor)  # raises our clear ValueError
    return getattr(nn.init, scheme + "_")(tensor, generator=generator, **params)


# ----------------------------------------------------------------------------------------
# sampling error
# ----------------------------------------------------------------------------------------
def mean_standard_error(values: torch.Tensor | np.ndarray) -> float:
    r"""Standard error of a mean of :math:`n` independent values: :math:`s / \sqrt n`."""
    v = torch.as_tensor(values, dtype=torch.float64).flatten()
    if v.numel() < 2:
        raise ValueError(f"need at least 2 values, got {v.numel()}")
    return float(v.std() / math.sqrt(v.numel()))


def std_standard_error(values: torch.Tensor | np.ndarray) -> float:
    r"""Standard error of the sample standard deviation :math:`s` of :math:`n` i.i.d. values.

    The sample variance has :math:`\mathrm{SE}(s^2) = \sqrt{(\mu_4 - \sigma^4)/n}`
    (:math:`\mu_4` the fourth central moment), and by the delta method
    :math:`\mathrm{SE}(s) \approx \mathrm{SE}(s^2) / (2 s)`. For a normal sample
    (:math:`\mu_4 = 3\sigma^4`) that is :math:`\sigma/\sqrt{2n}`, for a uniform one
    (:math:`\mu_4 = 9\sigma^4/5`) :math:`\sigma/\sqrt{5n}`. Here :math:`\mu_4` and
    :math:`\sigma` are estimated from the values themselves.
    """
    v = torch.as_tensor(values, dtype=torch.float64).flatten()
    n = v.numel()
    if n < 2:
        raise ValueError(f"need at least 2 values, got {n}")
    c = v - v.mean()
    m2, m4 = float((c**2).mean()), float((c**4).mean())
    if m2 == 0.0:
        return 0.0
    return math.sqrt(max(m4 - m2**2, 0.0) / n) / (2.0 * math.sqrt(m2))


def compare_statistic(
    name: str, measured: float, expected: float, se: float, *, k: float = 4.0
) -> float:
    r"""Print one row ``name  measured vs expected  |Δ|/SE``; raise if :math:`|Δ| > k\,\mathrm{SE}`.

    ``expected`` (a formula) is printed to 4 significant digits; ``measured`` and the
    distance in SE come from this run's draws, whose float32 sums depend on the CPU and the
    thread count, so they carry ``check.measured``'s mark. The verdict holds everywhere.

    Returns :math:`|Δ| / \mathrm{SE}` (``0.0`` when both the difference and the SE are 0).
    A formula error of a few per cent shows up as dozens of standard errors when the
    statistic comes from a million draws, while an honest estimate lands beyond 4 SE
    with probability :math:`6 \cdot 10^{-5}` (two-sided normal tail).
    """
    measured, expected, se = float(measured), float(expected), float(se)
    if not (se >= 0 and math.isfinite(se)) or k <= 0:
        raise ValueError(f"se must be finite and >= 0 and k > 0, got se={se}, k={k}")
    diff = abs(measured - expected)
    if diff == 0.0:
        z = 0.0
    elif se == 0.0 or not math.isfinite(diff):
        z = math.inf
    else:
        z = diff / se
    verdict = "ok" if z <= k else "MISMATCH"
    print(
        f"{name:<44} {check.measured(measured, '>10.4g')} vs {expected:<10.4g} "
        f"|Δ| = {check.measured(z, '5.2f')} SE  {verdict} (≤ {k:g} SE)"
    )
    if verdict != "ok":
        raise AssertionError(
            f"{name}: measured {measured:.6g}, expected {expected:.6g}: {z:.3g} standard "
            f"errors apart (SE {se:.3g}), more than {k:g}"
        )
    return z


# ----------------------------------------------------------------------------------------
# per-layer statistics of a deep MLP
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerStats:
    r"""Per-layer statistics of a forward and backward pass, index ``l = 0 .. L``.

    ``a_*[0]`` describe the input :math:`x = a_0`; ``a_*[l]`` the output
    :math:`a_l = f(z_l)` of layer :math:`l`. ``z_var[l]`` is :math:`\mathrm{Var}(z_l)`
    (``nan`` at 0). ``grad_a_var[l]`` is :math:`\mathrm{Var}(\partial L / \partial a_l)`
    (``grad_a_var[L] = Var(g)``, the readout), ``grad_w_var[l]`` is
    :math:`\mathrm{Var}(\partial L / \partial W_l)` (``nan`` at 0). Variances are population
    variances over every entry of the batch (all samples, all neurons); ``a_sq`` is the
    second moment :math:`E[a_l^2]`. ``activations`` (kept on request) holds every
    :math:`a_l` as one float32 tensor ``(L + 1, batch, width)`` when all layers are equally
    wide, else a list.
    """

    activation: str
    a_var: np.ndarray
    a_mean: np.ndarray
    a_sq: np.ndarray
    z_var: np.ndarray
    grad_a_var: np.ndarray
    grad_w_var: np.ndarray
    activations: torch.Tensor | list[torch.Tensor] | None = None

    @property
    def depth(self) -> int:
        return len(self.a_var) - 1

    @property
    def layers(self) -> np.ndarray:
        """``0, 1, ..., L``: the x values to plot the arrays against."""
        return np.arange(self.depth + 1)

    def first_nonfinite(self) -> tuple[str, int] | None:
        """Where the statistics first overflowed (inf or nan), in the order the passes run:
        ``("forward", l)`` for the first such layer going up, else ``("backward", l)`` for
        the first going down; ``None`` when every statistic is finite."""
        bad_forward = ~np.isfinite(self.a_var)
        if bad_forward.any():
            return "forward", int(np.argmax(bad_forward))
        bad_backward = ~np.isfinite(self.grad_a_var)
        if bad_backward.any():
            return "backward", int(len(bad_backward) - 1 - np.argmax(bad_backward[::-1]))
        return None


def _check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")
    return activation


def _apply(activation: str, z: torch.Tensor) -> torch.Tensor:
    if activation == "relu":
        return torch.relu(z)
    if activation == "tanh":
        return torch.tanh(z)
    if activation == "sigmoid":
        return torch.sigmoid(z)
    return z


def _derivative(activation: str, z: torch.Tensor, a: torch.Tensor) -> torch.Tensor | None:
    """f'(z) from z or a = f(z) (ReLU: the boolean mask z > 0); None for the identity."""
    if activation == "relu":
        return z > 0  # a mask: multiplying by it keeps or zeroes each entry
    if activation == "tanh":
        return 1.0 - a * a
    if activation == "sigmoid":
        return a * (1.0 - a)
    return None


def _floating(t: torch.Tensor) -> torch.Tensor:
    """float64 stays float64 (exact checks); everything else is computed in float32."""
    return t if t.dtype == torch.float64 else t.float()


def _scaled(stack: torch.Tensor) -> tuple[torch.Tensor, np.ndarray]:
    """Each row divided by its largest |value| (1 where that is 0 or not finite).

    Statistics of the scaled rows are computed in float32 (float64 for float64 input) and
    scaled back in float64: an exploding net's values square beyond float32's range, and
    converting whole stacks to float64 would cost most of an explorer's update.
    """
    amax = stack.abs().amax(dim=1)
    ok = torch.isfinite(amax) & (amax > 0)
    scale = torch.where(ok, amax, torch.ones_like(amax))
    return stack / scale[:, None], scale.double().numpy()


def _moments(tensors: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, population variance and second moment of each tensor (returned in float64)."""
    if all(t.shape == tensors[0].shape for t in tensors):
        rows = [_floating(torch.stack(list(tensors)).reshape(len(tensors), -1))]
    else:
        rows = [_floating(t.reshape(1, -1)) for t in tensors]
    means, variances, squares = [], [], []
    for stack in rows:
        y, scale = _scaled(stack)
        mean = y.mean(dim=1, keepdim=True)
        c = y - mean
        means.append(mean[:, 0].double().numpy() * scale)
        variances.append((c * c).mean(dim=1).double().numpy() * scale**2)
        squares.append((y * y).mean(dim=1).double().numpy() * scale**2)
    return np.concatenate(means), np.concatenate(variances), np.concatenate(squares)


def _weight_grad_var(deltas: Sequence[torch.Tensor], inputs: Sequence[torch.Tensor]) -> np.ndarray:
    r"""Var of the entries of each :math:`\partial L/\partial W_l = \delta_l^\top a_{l-1}`.

    When the batch is smaller than the layer, :math:`E[G^2] = \lVert\delta^\top a\rVert_F^2 / n`
    comes from the batch's Gram matrices,
    :math:`\sum_{b,b'} (\delta\delta^\top)_{bb'}(aa^\top)_{bb'}`, so the
    :math:`W \times W` gradient is never formed; :math:`E[G] = \sum_b (\sum_i
    \delta_{bi})(\sum_j a_{bj}) / n`.
    """
    homogeneous = all(d.shape == deltas[0].shape for d in deltas) and all(
        a.shape == inputs[0].shape for a in inputs
    )
    if not homogeneous:
        out = [np.nan]
        for dl, al in zip(deltas, inputs, strict=True):
            g = dl.double().T @ al.double()
            out.append(float(g.var(unbiased=False)))
        return np.array(out)
    n_layers, (batch, n_out) = len(deltas), deltas[0].shape
    n_in = inputs[0].shape[1]
    d, d_scale = _scaled(_floating(torch.stack(list(deltas)).reshape(n_layers, -1)))
    a, a_scale = _scaled(_floating(torch.stack(list(inputs)).reshape(n_layers, -1)))
    d, a = d.reshape(n_layers, batch, n_out), a.reshape(n_layers, batch, n_in)
    n = n_out * n_in
    if batch <= max(n_out, n_in):
        sq = (torch.bmm(d, d.transpose(1, 2)) * torch.bmm(a, a.transpose(1, 2))).sum(dim=(1, 2))
    else:
        sq = (torch.bmm(d.transpose(1, 2), a) ** 2).sum(dim=(1, 2))
    mean = (d.sum(dim=2) * a.sum(dim=2)).sum(dim=1)
    factor = d_scale * a_scale
    with np.errstate(all="ignore"):
        sq_np = sq.double().numpy() / n * factor**2
        mean_np = mean.double().numpy() / n * factor
        var = np.maximum(sq_np - mean_np**2, 0.0)
        var[~np.isfinite(sq_np)] = np.nan
    return np.concatenate([[np.nan], var])


def propagate(
    x: torch.Tensor,
    weights: Sequence[torch.Tensor],
    activation: str,
    grad_output: torch.Tensor | None = None,
    *,
    scales: Sequence[float] | None = None,
    keep_activations: bool = False,
) -> LayerStats:
    r"""One forward and one backward pass of a bias-free MLP, written out by hand.

    Forward, for :math:`l = 1..L`: :math:`z_l = a_{l-1} W_l^\top`, :math:`a_l = f(z_l)`,
    :math:`a_0 = x`. The loss is a fixed random readout :math:`L = \sum g \odot a_L`
    (``grad_output`` = :math:`g`; standard normal when ``None``), so
    :math:`\partial L/\partial a_L = g` has unit variance and the backward pass shows what
    the layers do to a gradient, independent of any task. Backward:

    .. math::
        \delta_l = \frac{\partial L}{\partial z_l} = \frac{\partial L}{\partial a_l} \odot f'(z_l),
        \quad \frac{\partial L}{\partial a_{l-1}} = \delta_l W_l,
        \quad \frac{\partial L}{\partial W_l} = \delta_l^\top a_{l-1}.

    ``scales`` multiplies each weight (layer ``l`` uses ``scales[l-1] * W_l``) without
    forming the product. Runs without autograd in the dtype of ``x``, so a float32 net
    overflows where a real one would (statistics then read inf or nan).
    """
    _check_activation(activation)
    if not isinstance(x, torch.Tensor) or x.dim() != 2:
        raise ValueError(
            f"x must be a 2-D tensor (batch, features), got {getattr(x, 'shape', x)!r}"
        )
    if len(weights) < 1:
        raise ValueError("weights must hold at least one (out, in) matrix")
    if scales is not None and len(scales) != len(weights):
        raise ValueError(f"got {len(scales)} scales for {len(weights)} weights")
    width_in = x.shape[1]
    for i, w in enumerate(weights, 1):
        if not isinstance(w, torch.Tensor) or w.dim() != 2 or w.shape[1] != width_in:
            raise ValueError(
                f"weight {i} has shape {tuple(getattr(w, 'shape', ()))}; expected (out, {width_in}) "
                "to follow the previous layer"
            )
        width_in = w.shape[0]
    batch = x.shape[0]
    if grad_output is None:
        gen = torch.Generator().manual_seed(1)
        grad_output = torch.randn(batch, width_in, generator=gen, dtype=x.dtype)
    if tuple(grad_output.shape) != (batch, width_in):
        raise ValueError(
            f"grad_output must have the output's shape {(batch, width_in)}, "
            f"got {tuple(grad_output.shape)}"
        )
    s = [1.0] * len(weights) if scales is None else [float(v) for v in scales]
    with torch.no_grad():
        zero = torch.zeros((), dtype=x.dtype)
        acts, pre = [x], []
        a = x
        for w, scale in zip(weights, s, strict=True):
            # the scale rides on the product (BLAS alpha): s * (a W^T) without forming s W
            z = a @ w.T if scale == 1.0 else torch.addmm(zero, a, w.T, beta=0.0, alpha=scale)
            a = _apply(activation, z)
            pre.append(z)
            acts.append(a)
        grads_a = [grad_output]
        deltas = []
        d_a = grad_output
        for layer in range(len(weights) - 1, -1, -1):
            f_prime = _derivative(activation, pre[layer], acts[layer + 1])
            delta = d_a if f_prime is None else d_a * f_prime
            deltas.append(delta)
            w, scale = weights[layer], s[layer]
            d_a = delta @ w if scale == 1.0 else torch.addmm(zero, delta, w, beta=0.0, alpha=scale)
            grads_a.append(d_a)
        grads_a.reverse()
        deltas.reverse()
        a_mean, a_var, a_sq = _moments(acts)
        _, z_var, _ = _moments(pre)
        _, ga_var, _ = _moments(grads_a)
        gw_var = _weight_grad_var(deltas, acts[:-1])
        kept = None
        if keep_activations:
            same = all(t.shape == x.shape for t in acts)
            kept = torch.stack(acts) if same else list(acts)
    z_var = np.concatenate([[np.nan], z_var])
    return LayerStats(activation, a_var, a_mean, a_sq, z_var, ga_var, gw_var, kept)


def layer_histogram(
    values: torch.Tensor, *, bins: int = 48, value_range: tuple[float, float] = (-3.0, 3.0)
) -> tuple[np.ndarray, np.ndarray, float]:
    """Share of ``values`` in each of ``bins`` equal bins over ``value_range``.

    Returns ``(shares, edges, outside)``: ``outside`` is the share that fell outside the
    range (or is inf/nan), so ``shares.sum() + outside == 1``.
    """
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    lo, hi = (float(v) for v in value_range)
    if not lo < hi:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range}")
    v = values.detach().reshape(-1).float()
    n = v.numel()
    if n == 0:
        raise ValueError("values is empty")
    counts = torch.histc(v.nan_to_num(nan=hi + 1.0), bins=bins, min=lo, max=hi)
    shares = counts.double().numpy() / n
    return shares, np.linspace(lo, hi, bins + 1), max(0.0, 1.0 - float(shares.sum()))


def autograd_statistics(
    model: nn.Sequential, x: torch.Tensor, grad_output: torch.Tensor | None = None
) -> LayerStats:
    """The same statistics as ``propagate``, but with PyTorch's autograd doing the backward.

    ``model`` alternates bias-free ``nn.Linear`` layers and activation modules
    (``build_mlp`` makes one); the loss is ``(g * model(x)).sum()``.
    """
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"model must be an nn.Sequential, got {type(model).__name__}")
    linears = [m for m in model if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model must contain nn.Linear layers")
    activation = _activation_name(model)
    if grad_output is None:
        gen = torch.Generator().manual_seed(1)
        grad_output = torch.randn(
            x.shape[0], linears[-1].out_features, generator=gen, dtype=x.dtype
        )
    outputs = [x.detach().clone().requires_grad_(True)]
    pre = []
    h = outputs[0]
    for module in model:
        h = module(h)
        h.retain_grad()
        if isinstance(module, nn.Linear):
            pre.append(h)
        else:
            outputs.append(h)
    if activation == "linear":
        outputs = [outputs[0], *pre]
    for m in linears:
        m.weight.grad = None
    (grad_output * h).sum().backward()
    a_mean, a_var, a_sq = _moments([t.detach() for t in outputs])
    _, z_var, _ = _moments([t.detach() for t in pre])
    _, ga_var, _ = _moments([t.grad.detach() for t in outputs])
    gw_var = [float(m.weight.grad.double().var(unbiased=False)) for m in linears]
    return LayerStats(
        activation,
        a_var,
        a_mean,
        a_sq,
        np.concatenate([[np.nan], z_var]),
        ga_var,
        np.concatenate([[np.nan], gw_var]),
    )


_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def _activation_name(model: nn.Sequential) -> str:
    for module in model:
        for name, cls in _MODULES.items():
            if isinstance(module, cls):
                return name
    return "linear"


def _positive_int(name: str, v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
        raise ValueError(f"{name} must be a positive int, got {v!r}")
    return int(v)


def build_mlp(
    depth: int,
    width: int,
    *,
    activation: str = "relu",
    scheme: str = "kaiming_normal",
    gain: float = 1.0,
    in_features: int | None = None,
    out_features: int | None = None,
    bias: bool = False,
    seed: int = 0,
    **params: object,
) -> nn.Sequential:
    """An MLP of ``depth`` Linear layers, each followed by ``activation``; every weight set by
    ``torch_init_(scheme, **params)`` and multiplied by ``gain``, biases (if any) set to 0.

    ``in_features`` defaults to ``width``. With ``out_features`` the last Linear maps to it
    and is a plain readout (no activation after it, e.g. for classification logits).
    The weights come from a generator seeded with ``seed``: same seed, same network.
    """
    _check_activation(activation)
    depth, width = _positive_int("depth", depth), _positive_int("width", width)
    gain = _real("gain", gain)
    _params(scheme, params)
    n_in = width if in_features is None else _positive_int("in_features", in_features)
    if out_features is not None:
        _positive_int("out_features", out_features)
    gen = torch.Generator().manual_seed(seed)
    layers: list[nn.Module] = []
    for i in range(depth):
        last = i == depth - 1
        n_out = out_features if (last and out_features is not None) else width
        linear = nn.Linear(n_in, n_out, bias=bias)
        torch_init_(linear.weight, scheme, generator=gen, **params)
        with torch.no_grad():
            linear.weight.mul_(gain)
            if bias:
                linear.bias.zero_()
        layers.append(linear)
        if activation != "linear" and not (last and out_features is not None):
            layers.append(_MODULES[activation]())
        n_in = n_out
    return nn.Sequential(*layers)


def mlp_weights(model: nn.Module) -> list[torch.Tensor]:
    """The weight matrices of the ``nn.Linear`` layers of ``model``, in order (detached)."""
    return [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]


def mlp_statistics(
    scheme: str,
    activation: str,
    *,
    depth: int = 30,
    width: int = 256,
    gain: float = 1.0,
    batch: int = 128,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
    **params: object,
) -> LayerStats:
    """Per-layer statistics of ``build_mlp(depth, width, ...)`` on standard-normal inputs.

    The inputs :math:`x` and the readout :math:`g` are standard normal and come from their
    own generator (seed ``seed + 1``): every scheme and activation sees the same data.
    The weights, inputs and readout are drawn in float32; ``dtype=torch.float64`` converts
    them and runs both passes in double precision, so that the statistics do not depend
    on how a CPU rounds float32 sums (a float64 net also overflows much later).
    """
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
    model = build_mlp(
        depth, width, activation=activation, scheme=scheme, gain=gain, seed=seed, **params
    )
    batch = _positive_int("batch", batch)
    gen = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, width, generator=gen).to(dtype)
    g = torch.randn(batch, width, generator=gen).to(dtype)
    weights = [w.to(dtype) for w in mlp_weights(model)]
    return propagate(x, weights, activation, g)


class DeepMLPProbe:
    r"""Per-layer statistics of square MLPs, fast enough to follow a slider.

    At construction it draws, once, ``max_depth`` standard-normal and ``max_depth``
    :math:`\mathcal U(-1, 1)` matrices of ``max_width`` x ``max_width``, an input batch and a
    readout. A net of width :math:`n` uses their top-left :math:`n \times n` blocks (still
    i.i.d.), scaled to the scheme: a normal scheme's :math:`W = \sigma Z`, a symmetric uniform
    one's :math:`W = b U` (the scale is applied after each product, never to the matrix).
    The batch holds ``max(min_batch, entries // width)`` samples, so each layer's statistics
    average over about ``entries`` numbers whatever the width. The last ``cache_size``
    results (with their activations, for histograms) are cached.
    """

    def __init__(
        self,
        *,
        max_depth: int = 50,
        max_width: int = 256,
        entries: int = 4096,
        min_batch: int = 16,
        seed: int = 0,
        cache_size: int = 32,
    ) -> None:
        self.max_depth = _positive_int("max_depth", max_depth)
        self.max_width = _positive_int("max_width", max_width)
        self.entries = _positive_int("entries", entries)
        self.min_batch = _positive_int("min_batch", min_batch)
        self.cache_size = _positive_int("cache_size", cache_size)
        gen = torch.Generator().manual_seed(seed)
        self._normal = torch.randn(max_depth, max_width, max_width, generator=gen)
        self._uniform = torch.rand(max_depth, max_width, max_width, generator=gen).mul_(2).sub_(1)
        self._max_batch = max(min_batch, entries)
        self._x = torch.randn(self._max_batch, max_width, generator=gen)
        self._g = torch.randn(self._max_batch, max_width, generator=gen)
        self._cache: OrderedDict[tuple, LayerStats] = OrderedDict()

    def batch_size(self, width: int) -> int:
        """Samples per batch at ``width``: about ``entries`` numbers per layer."""
        return min(self._max_batch, max(self.min_batch, -(-self.entries // width)))

    def statistics(
        self,
        scheme: str,
        activation: str,
        depth: int,
        width: int,
        gain: float = 1.0,
        **params: object,
    ) -> LayerStats:
        """Statistics of a ``depth``-layer, ``width``-wide net initialized by ``scheme`` x ``gain``."""
        _check_activation(activation)
        for name, v, top in (("depth", depth, self.max_depth), ("width", width, self.max_width)):
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or not 1 <= v <= top:
                raise ValueError(f"{name} must be an int in [1, {top}], got {v!r}")
        depth, width, gain = int(depth), int(width), _real("gain", gain)
        key = (scheme, activation, depth, width, gain, tuple(sorted(params.items())))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        s = spec(scheme, (width, width), **params)
        b = self.batch_size(width)
        x, g = self._x[:b, :width], self._g[:b, :width]
        if s.distribution == "normal" and s.mean == 0.0:
            weights = [self._normal[i, :width, :width] for i in range(depth)]
            scale = s.std * gain
        elif s.distribution == "uniform" and s.bound is not None:
            weights = [self._uniform[i, :width, :width] for i in range(depth)]
            scale = s.bound * gain
        else:  # a constant, or a distribution off zero: form W = gain * (c + h * base)
            if s.distribution == "constant":
                stack = torch.full((depth, width, width), gain * s.mean)
            elif s.distribution == "normal":
                stack = torch.add(
                    gain * s.mean, self._normal[:depth, :width, :width], alpha=gain * s.std
                )
            else:
                c, h = (s.low + s.high) / 2, (s.high - s.low) / 2
                stack = torch.add(gain * c, self._uniform[:depth, :width, :width], alpha=gain * h)
            weights, scale = list(stack), 1.0
        stats = propagate(x, weights, activation, g, scales=[scale] * depth, keep_activations=True)
        self._cache[key] = stats
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return stats


def kaiming_derivation(
    *, fan_in: int = 256, batch: int = 256, repeats: int = 32, seed: int = 0
) -> dict[str, np.ndarray]:
    r"""The steps of the notes' Kaiming derivation, measured ``repeats`` times independently.

    Each repeat draws :math:`x \sim \mathcal N(0, 1)` of shape ``(batch, fan_in)`` and two
    Kaiming-normal layers :math:`W_1, W_2` (``fan_in`` x ``fan_in``,
    :math:`\mathrm{Var}(\omega) = 2/fan_{in}`), then computes :math:`z_1 = x W_1^\top`,
    :math:`a_1 = \mathrm{relu}(z_1)`, :math:`z_2 = a_1 W_2^\top`. Returned, one value per
    repeat (statistics over all entries of a layer):

    * ``"z1"``: :math:`\mathrm{Var}(z_1) / (fan_{in}\,\mathrm{Var}(\omega)\,\mathrm{Var}(x))`
      with the formula values :math:`\mathrm{Var}(\omega) = 2/fan_{in}`, :math:`\mathrm{Var}(x) = 1`;
    * ``"relu_sq"``: :math:`E[a_1^2] / \mathrm{Var}(z_1)` (ReLU keeps half the second moment);
    * ``"relu_var"``: :math:`\mathrm{Var}(a_1) / \mathrm{Var}(z_1)` (the variance proper);
    * ``"z2_var"``: :math:`\mathrm{Var}(z_2) / (fan_{in}\,\mathrm{Var}(\omega)\,\mathrm{Var}(a_1))`,
      the formula read with the variance of the ReLU output;
    * ``"z2_sq"``: :math:`\mathrm{Var}(z_2) / (fan_{in}\,\mathrm{Var}(\omega)\,E[a_1^2])`,
      read with its second moment;
    * ``"layer"``: :math:`E[a_2^2] / E[x^2]`, one whole layer, :math:`a_2 = \mathrm{relu}(z_2)`.
    """
    fan_in = _positive_int("fan_in", fan_in)
    batch = _positive_int("batch", batch)
    repeats = _positive_int("repeats", repeats)
    if repeats < 2:
        raise ValueError("repeats must be >= 2 to estimate a standard error")
    gen = torch.Generator().manual_seed(seed)
    var_w = kaiming_std(fan_in) ** 2
    out: dict[str, list[float]] = {
        k: [] for k in ("z1", "relu_sq", "relu_var", "z2_var", "z2_sq", "layer")
    }
    for _ in range(repeats):
        x = torch.randn(batch, fan_in, generator=gen, dtype=torch.float64)
        w1 = (
            spec("kaiming_normal", (fan_in, fan_in))
            .sample((fan_in, fan_in), generator=gen)
            .double()
        )
        w2 = (
            spec("kaiming_normal", (fan_in, fan_in))
            .sample((fan_in, fan_in), generator=gen)
            .double()
        )
        z1 = x @ w1.T
        a1 = torch.relu(z1)
        z2 = a1 @ w2.T
        a2 = torch.relu(z2)
        var_z1 = float(z1.var(unbiased=False))
        var_a1, sq_a1 = float(a1.var(unbiased=False)), float((a1**2).mean())
        var_z2 = float(z2.var(unbiased=False))
        out["z1"].append(var_z1 / (fan_in * var_w * 1.0))
        out["relu_sq"].append(sq_a1 / var_z1)
        out["relu_var"].append(var_a1 / var_z1)
        out["z2_var"].append(var_z2 / (fan_in * var_w * var_a1))
        out["z2_sq"].append(var_z2 / (fan_in * var_w * sq_a1))
        out["layer"].append(float((a2**2).mean()) / float((x**2).mean()))
    return {k: np.array(v) for k, v in out.items()}


def distinct_rows(weight: torch.Tensor, *, atol: float = 0.0) -> int:
    """How many different rows (neurons) a weight matrix has: a row within ``atol`` (max
    absolute difference) of an earlier kept row counts as a copy of it."""
    if not isinstance(weight, torch.Tensor) or weight.dim() != 2:
        raise ValueError(f"weight must be a 2-D tensor, got {getattr(weight, 'shape', weight)!r}")
    kept: list[torch.Tensor] = []
    for row in weight.detach():
        if not any(float((row - k).abs().max()) <= atol for k in kept):
            kept.append(row)
    return len(kept)
