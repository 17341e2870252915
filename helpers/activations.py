r"""Activation functions written from the notes' formulas, their derivatives, and the
measurements chapter 3 makes with them.

* the functions: :func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`softmax`, each beside
  the notes' formula; :func:`sigmoid_naive`, :func:`tanh_naive` and :func:`softmax_naive`
  type the formula in literally, to show where it overflows in float32;
* their derivatives in closed form (:func:`sigmoid_derivative`, :func:`tanh_derivative`,
  :func:`relu_derivative`, :func:`softmax_jacobian`) and by autograd
  (:func:`autograd_derivative`);
* the measurements: gradient norms per layer of a deep stack (vanishing gradients), the sign
  pattern of a layer's weight gradients (non-zero-centred inputs) and dead ReLU units.

Every function takes a tensor (or a number, or a sequence of numbers) and returns a tensor;
gradients flow through the from-scratch versions, so autograd can differentiate them.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

__all__ = [
    "NAMES",
    "Activation",
    "GradientProfile",
    "activation_fn",
    "autograd_derivative",
    "collapse_linear",
    "dead_units",
    "derivative_fn",
    "gradient_profile",
    "make_mlp",
    "preactivations",
    "relu",
    "relu_derivative",
    "same_sign_fraction",
    "saturated_fraction",
    "sigmoid",
    "sigmoid_derivative",
    "sigmoid_naive",
    "softmax",
    "softmax_jacobian",
    "softmax_naive",
    "sgd_path",
    "tanh",
    "tanh_derivative",
    "tanh_naive",
]

#: The element-wise activations of the chapter, by name.
NAMES = ("sigmoid", "tanh", "relu")

#: float32's largest finite value is about e^88.72: exp of anything larger is inf.
FLOAT32_EXP_LIMIT = math.log(torch.finfo(torch.float32).max)


def _tensor(x: object, name: str = "x") -> torch.Tensor:
    """``x`` as a floating tensor; tensors keep their graph, dtype (if floating) and device."""
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise ValueError(f"{name} must be real, got a complex tensor")
        if x.dtype == torch.bool or not x.is_floating_point():
            return x.to(torch.get_default_dtype())
        return x
    if isinstance(x, bool | str | bytes) or x is None:
        raise ValueError(f"{name} must be a tensor, a number or a sequence of numbers, got {x!r}")
    try:
        t = torch.as_tensor(x)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(
            f"{name} must be a tensor, a number or a sequence of numbers, got {type(x).__name__}"
        ) from err
    if t.is_complex() or t.dtype == torch.bool:
        raise ValueError(f"{name} must hold real numbers, got dtype {t.dtype}")
    return t.to(torch.get_default_dtype()) if not t.is_floating_point() else t


# --------------------------------------------------------------------------- sigmoid
def sigmoid_naive(x: object) -> torch.Tensor:
    r"""The notes' formula typed in literally: :math:`\sigma(x) = \frac{1}{1 + e^{-x}}`.

    Its forward value is fine everywhere, but for :math:`x < -88.7` (float32) the term
    :math:`e^{-x}` overflows to ``inf`` and autograd's backward pass computes
    :math:`0 \cdot \infty = \mathrm{NaN}`.
    """
    x = _tensor(x)
    return 1.0 / (1.0 + torch.exp(-x))


def sigmoid(x: object) -> torch.Tensor:
    r"""Sigmoid, :math:`\sigma(x) = \frac{1}{1 + e^{-x}}`, range :math:`(0, 1)`.

    Computed without overflow: for :math:`x \ge 0` as :math:`1 / (1 + e^{-x})`, for
    :math:`x < 0` as the equal :math:`e^{x} / (1 + e^{x})`, so the exponent is never
    positive. The inputs of each branch are clamped to its half-line, so the branch that
    ``torch.where`` discards never produces an ``inf`` for autograd to multiply by 0.
    """
    x = _tensor(x)
    e_neg = torch.exp(-x.clamp(min=0))  # e^{-x} for x >= 0, in (0, 1]
    e_pos = torch.exp(x.clamp(max=0))  # e^{x} for x < 0, in (0, 1]
    return torch.where(x >= 0, 1.0 / (1.0 + e_neg), e_pos / (1.0 + e_pos))


def sigmoid_derivative(x: object) -> torch.Tensor:
    r"""The closed form :math:`\sigma'(x) = \sigma(x)\bigl(1 - \sigma(x)\bigr)`; at most 0.25, at x = 0."""
    s = sigmoid(x)
    return s * (1.0 - s)


# --------------------------------------------------------------------------- tanh
def tanh_naive(x: object) -> torch.Tensor:
    r"""The notes' formula typed in literally: :math:`\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}`.

    In float32 both exponentials overflow once :math:`|x| > 88.7`, and
    :math:`\infty / \infty` is NaN.
    """
    x = _tensor(x)
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))


def tanh(x: object) -> torch.Tensor:
    r"""Tanh, :math:`\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}`, range :math:`(-1, 1)`.

    Computed without overflow by multiplying numerator and denominator by
    :math:`e^{-x}` for :math:`x \ge 0` (giving :math:`\frac{1 - e^{-2x}}{1 + e^{-2x}}`) and by
    :math:`e^{x}` for :math:`x < 0` (giving :math:`\frac{e^{2x} - 1}{e^{2x} + 1}`).
    """
    x = _tensor(x)
    e_neg = torch.exp(-2.0 * x.clamp(min=0))  # e^{-2x} for x >= 0
    e_pos = torch.exp(2.0 * x.clamp(max=0))  # e^{2x} for x < 0
    return torch.where(x >= 0, (1.0 - e_neg) / (1.0 + e_neg), (e_pos - 1.0) / (e_pos + 1.0))


def tanh_derivative(x: object) -> torch.Tensor:
    r"""The closed form :math:`\tanh'(x) = 1 - \tanh^2(x)`; at most 1, at x = 0."""
    t = tanh(x)
    return 1.0 - t * t


# --------------------------------------------------------------------------- ReLU
def relu(x: object) -> torch.Tensor:
    r""":math:`\mathrm{ReLU}(x) = \max(0, x)`, range :math:`[0, +\infty)`.

    Written as a selection (``x`` where ``x > 0``, else 0), so autograd's gradient at
    exactly :math:`x = 0` is 0, the value ``torch.relu`` uses.
    """
    x = _tensor(x)
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_derivative(x: object, *, at_zero: float = 0.0) -> torch.Tensor:
    r"""The step :math:`\mathrm{ReLU}'(x) = 0` for :math:`x < 0`, :math:`1` for :math:`x > 0`.

    ReLU has no derivative at :math:`x = 0`; ``at_zero`` is the value chosen there, a
    number in [0, 1] (PyTorch uses 0).
    """
    if isinstance(at_zero, bool) or not isinstance(at_zero, int | float) or not 0 <= at_zero <= 1:
        raise ValueError(f"at_zero must be a number in [0, 1] (PyTorch uses 0), got {at_zero!r}")
    x = _tensor(x)
    out = (x > 0).to(x.dtype)
    return torch.where(x == 0, torch.full_like(x, float(at_zero)), out)


# --------------------------------------------------------------------------- softmax
def _check_dim(z: torch.Tensor, dim: int) -> None:
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise ValueError(f"dim must be an int, got {dim!r}")
    if z.ndim == 0:
        raise ValueError(
            "softmax needs at least one dimension (a vector of scores z), got a scalar"
        )
    if not -z.ndim <= dim < z.ndim:
        raise ValueError(
            f"dim must be in [{-z.ndim}, {z.ndim - 1}] for a {z.ndim}-D input, got {dim}"
        )


def _check_temperature(temperature: float) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, int | float):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature must be a positive, finite number, got {temperature}")
    return float(temperature)


def softmax_naive(z: object, dim: int = -1, *, temperature: float = 1.0) -> torch.Tensor:
    r"""The notes' formula typed in literally:
    :math:`\mathrm{Softmax}(z_i) = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}` (scores divided by
    ``temperature`` first). In float32 any score above 88.7 overflows to ``inf`` and the
    ratio :math:`\infty / \infty` is NaN.
    """
    z = _tensor(z, "z")
    _check_dim(z, dim)
    z = z / _check_temperature(temperature)
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


def softmax(z: object, dim: int = -1, *, temperature: float = 1.0) -> torch.Tensor:
    r"""Numerically stable softmax along ``dim``:

    .. math:: \mathrm{Softmax}(z_i) = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}
              = \frac{e^{z_i - m}}{\sum_{j=1}^{K} e^{z_j - m}}, \qquad m = \max_j z_j.

    Subtracting the largest score changes nothing mathematically (:math:`e^{-m}` cancels)
    but keeps every exponent :math:`\le 0`, so nothing overflows and the largest term is
    exactly 1. With a ``temperature`` :math:`T`, the scores are :math:`z / T` first:
    :math:`T > 1` flattens the distribution, :math:`T < 1` sharpens it.
    """
    z = _tensor(z, "z")
    _check_dim(z, dim)
    z = z / _check_temperature(temperature)
    m = z.amax(dim=dim, keepdim=True).detach()  # a constant shift: no gradient needed
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    e = torch.exp(z - m)
    return e / e.sum(dim=dim, keepdim=True)


def softmax_jacobian(z: object) -> torch.Tensor:
    r"""The Jacobian of softmax for one score vector :math:`z \in \mathbb{R}^K`:

    .. math:: \frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j), \quad
              J = \mathrm{diag}(p) - p\,p^\top.

    Every output depends on every input: the outputs compete (their sum is fixed at 1).
    """
    z = _tensor(z, "z")
    if z.ndim != 1 or z.numel() == 0:
        raise ValueError(f"z must be a non-empty 1-D score vector, got shape {tuple(z.shape)}")
    p = softmax(z)
    return torch.diag(p) - torch.outer(p, p)


# --------------------------------------------------------------------------- lookup
_FUNCTIONS: dict[str, Callable[[object], torch.Tensor]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
}
_DERIVATIVES: dict[str, Callable[[object], torch.Tensor]] = {
    "sigmoid": sigmoid_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
}


def _check_name(name: object) -> str:
    if name not in _FUNCTIONS:
        raise ValueError(f"activation must be one of {list(NAMES)}, got {name!r}")
    return name  # type: ignore[return-value]


def activation_fn(name: str) -> Callable[[object], torch.Tensor]:
    """The from-scratch function called ``name`` ('sigmoid', 'tanh' or 'relu')."""
    return _FUNCTIONS[_check_name(name)]


def derivative_fn(name: str) -> Callable[[object], torch.Tensor]:
    """The closed-form derivative of the activation called ``name``."""
    return _DERIVATIVES[_check_name(name)]


def autograd_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: object) -> torch.Tensor:
    r""":math:`f'(x)` at every entry of ``x`` by autograd, for an element-wise ``f``.

    Because :math:`f` acts on each entry alone, the gradient of :math:`\sum_k f(x_k)` with
    respect to :math:`x` holds exactly the derivatives :math:`f'(x_k)`.
    """
    if not callable(f):
        raise ValueError(f"f must be a callable (an element-wise function), got {f!r}")
    x = _tensor(x).detach().clone().requires_grad_(True)
    y = f(x)
    if not isinstance(y, torch.Tensor) or y.shape != x.shape:
        shape = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
        raise ValueError(f"f must be element-wise: output {shape} for input {tuple(x.shape)}")
    if not y.requires_grad:
        return torch.zeros_like(x).detach()
    (grad,) = torch.autograd.grad(y.sum(), x)
    return grad


def saturated_fraction(name: str, x: object, *, threshold: float = 0.01) -> float:
    r"""The fraction of ``x`` where the activation is saturated: :math:`f'(x)` below
    ``threshold`` times its largest value (0.25 for sigmoid, 1 for tanh and ReLU)."""
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    x = _tensor(x)
    if x.numel() == 0:
        raise ValueError("x must not be empty")
    peak = 0.25 if name == "sigmoid" else 1.0
    d = derivative_fn(name)(x)
    return float((d < threshold * peak).to(torch.float64).mean())


# --------------------------------------------------------------------------- networks
class Activation(nn.Module):
    """An ``nn.Module`` around one of this module's from-scratch activations."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = _check_name(name)
        self.fn = _FUNCTIONS[self.name]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return self.name


_INITS = ("default", "xavier", "kaiming")


def make_mlp(
    sizes: Sequence[int],
    activation: str,
    *,
    init: str = "default",
    seed: int | None = 0,
) -> nn.Sequential:
    r"""``Linear -> Activation`` for every hidden layer, then a final ``Linear`` (no activation).

    ``sizes`` = (inputs, hidden..., outputs). ``init`` picks the weight initialization
    (biases start at 0 except for "default"):

    * ``"default"``: PyTorch's own, :math:`\omega \sim U(-1/\sqrt{fan_{in}}, 1/\sqrt{fan_{in}})`;
    * ``"xavier"``: :math:`\omega \sim \mathcal N(0, 2 / (fan_{in} + fan_{out}))`;
    * ``"kaiming"``: :math:`\omega \sim \mathcal N(0, 2 / fan_{in})` (chapter 4 explains both).

    ``seed`` seeds the initialization (``None`` uses the global generator).
    """
    _check_name(activation)
    sizes = list(sizes)
    if len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(
            f"sizes must be at least two positive ints (inputs, ..., outputs), got {sizes}"
        )
    if init not in _INITS:
        raise ValueError(f"init must be one of {list(_INITS)}, got {init!r}")
    ctx = torch.random.fork_rng(devices=[]) if seed is not None else contextlib.nullcontext()
    with ctx:
        if seed is not None:
            torch.manual_seed(seed)
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            linear = nn.Linear(n_in, n_out)
            if init != "default":
                gain_var = 2.0 / (n_in + n_out) if init == "xavier" else 2.0 / n_in
                with torch.no_grad():
                    linear.weight.normal_(0.0, math.sqrt(gain_var))
                    linear.bias.zero_()
            layers.append(linear)
            if i < len(sizes) - 2:
                layers.append(Activation(activation))
    return nn.Sequential(*layers)


def collapse_linear(first: nn.Linear, second: nn.Linear) -> nn.Linear:
    r"""The single ``Linear`` equal to ``second(first(x))``: two affine maps compose into one,

    .. math:: W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2).
    """
    if not isinstance(first, nn.Linear) or not isinstance(second, nn.Linear):
        raise ValueError("first and second must both be nn.Linear layers")
    if second.in_features != first.out_features:
        raise ValueError(
            f"second.in_features ({second.in_features}) must equal first.out_features "
            f"({first.out_features})"
        )
    out = nn.Linear(first.in_features, second.out_features, dtype=first.weight.dtype)
    with torch.no_grad():
        out.weight.copy_(second.weight @ first.weight)
        b1 = first.bias if first.bias is not None else torch.zeros(first.out_features)
        b2 = second.bias if second.bias is not None else torch.zeros(second.out_features)
        out.bias.copy_(second.weight @ b1 + b2)
    return out


@dataclass
class GradientProfile:
    """Per-layer measurements of one backward pass through a deep stack (first layer first)."""

    activation: str
    init: str
    weight_grad_norms: list[float]  # ||dL/dW_l||, l = 1 (next to the input) ... depth
    mean_derivative: list[float]  # mean of f'(z_l) over the batch and units of layer l

    @property
    def depth(self) -> int:
        return len(self.weight_grad_norms)

    @property
    def first_over_last(self) -> float:
        """||dL/dW_1|| / ||dL/dW_depth||: how much the gradient shrank on its way down."""
        last = self.weight_grad_norms[-1]
        return self.weight_grad_norms[0] / last if last > 0 else math.nan


def gradient_profile(
    activation: str,
    depth: int,
    *,
    width: int = 32,
    batch: int = 64,
    init: str = "xavier",
    seed: int = 0,
) -> GradientProfile:
    r"""Send one random gradient down a stack of ``depth`` hidden layers and measure it.

    The stack is ``depth`` times ``Linear(width, width) -> activation``. A batch of inputs
    :math:`x \sim \mathcal N(0, 1)` goes forward; the loss is
    :math:`\mathcal L = \frac{1}{B}\sum g \odot a_{depth}` with a fixed random
    :math:`g \sim \mathcal N(0, 1)`, so every activation gets the same kind of upstream
    gradient. By the chain rule each layer multiplies the gradient by
    :math:`W^\top \mathrm{diag}(f'(z))` on its way down; the profile holds
    :math:`\lVert \partial \mathcal L / \partial W_l \rVert` and the mean :math:`f'(z_l)` of
    every layer. Computed in float64, so even a factor of 1e-40 does not underflow.
    """
    _check_name(activation)
    for label, value, lo, hi in (
        ("depth", depth, 1, 200),
        ("width", width, 1, 1024),
        ("batch", batch, 1, 4096),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(f"{label} must be an int in [{lo}, {hi}], got {value!r}")
    gen = torch.Generator().manual_seed(seed)
    net = make_mlp([width] * (depth + 1) + [width], activation, init=init, seed=seed).double()
    hidden = net[:-1]  # depth x (Linear, Activation); the last Linear is not used here
    x = torch.randn(batch, width, generator=gen, dtype=torch.float64)
    g = torch.randn(batch, width, generator=gen, dtype=torch.float64)
    zs: list[torch.Tensor] = []
    a = x
    for layer in hidden:
        a = layer(a)
        if isinstance(layer, nn.Linear):
            zs.append(a.detach())
    loss = (g * a).sum() / batch
    linears = [m for m in hidden if isinstance(m, nn.Linear)]
    grads = torch.autograd.grad(loss, [m.weight for m in linears])
    d = derivative_fn(activation)
    return GradientProfile(
        activation=activation,
        init=init,
        weight_grad_norms=[float(gw.norm()) for gw in grads],
        mean_derivative=[float(d(z).mean()) for z in zs],
    )


# --------------------------------------------------------------------------- zig-zag
def same_sign_fraction(grads: object) -> float:
    r"""The fraction of rows of ``grads`` (one weight-gradient vector per sample) whose
    entries all share one sign.

    For a unit :math:`z = \sum_i \omega_i a_i + b`, :math:`\partial \mathcal L / \partial
    \omega_i = \delta\, a_i` with :math:`\delta = \partial \mathcal L / \partial z`. When every
    input :math:`a_i` is positive (sigmoid outputs), all :math:`\omega_i` move in the same
    direction at each step: the fraction is 1.
    """
    g = _tensor(grads, "grads")
    if g.ndim != 2 or g.shape[0] == 0 or g.shape[1] < 2:
        raise ValueError(
            f"grads must be (samples, weights) with >= 2 weights, got {tuple(g.shape)}"
        )
    same = (g > 0).all(dim=1) | (g < 0).all(dim=1)
    return float(same.to(torch.float64).mean())


def sgd_path(
    a: object,
    w_true: object,
    *,
    lr: float,
    steps: int,
    w0: object | None = None,
) -> torch.Tensor:
    r"""Plain per-sample SGD on a linear unit :math:`\hat y = \omega^\top a`, squared error.

    Targets are :math:`y = \omega_*^\top a`; step :math:`t` uses sample :math:`t \bmod N`:
    :math:`\omega \leftarrow \omega - \eta\,(\omega^\top a_t - y_t)\, a_t`. Returns the path
    of :math:`\omega`, shape ``(steps + 1, d)``: with all-positive inputs every step moves
    every weight the same way, and the path zig-zags.
    """
    a = _tensor(a, "a").detach().to(torch.float64)
    w_true = _tensor(w_true, "w_true").detach().to(torch.float64)
    if a.ndim != 2 or a.shape[0] == 0 or w_true.shape != (a.shape[1],):
        raise ValueError(
            f"a must be (N, d) and w_true (d,), got {tuple(a.shape)} and {tuple(w_true.shape)}"
        )
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive number, got {lr}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    w = (
        torch.zeros_like(w_true)
        if w0 is None
        else _tensor(w0, "w0").detach().to(torch.float64).clone()
    )
    if w.shape != w_true.shape:
        raise ValueError(f"w0 must have shape {tuple(w_true.shape)}, got {tuple(w.shape)}")
    y = a @ w_true
    path = [w.clone()]
    for t in range(steps):
        a_t = a[t % len(a)]
        w = w - lr * (w @ a_t - y[t % len(a)]) * a_t
        path.append(w.clone())
    return torch.stack(path)


# --------------------------------------------------------------------------- dead ReLU
def preactivations(model: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The input ``z`` of every activation module in ``model`` (our ``Activation``,
    ``nn.ReLU``, ``nn.Sigmoid``, ``nn.Tanh``) for the batch ``x``, in forward order."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be an nn.Module, got {type(model).__name__}")
    kinds = (Activation, nn.ReLU, nn.Sigmoid, nn.Tanh)
    found: list[torch.Tensor] = []
    hooks = [
        m.register_forward_hook(lambda _m, inp, _out: found.append(inp[0].detach()))
        for m in model.modules()
        if isinstance(m, kinds)
    ]
    if not hooks:
        raise ValueError(
            "model has no activation module (Activation, nn.ReLU, nn.Sigmoid, nn.Tanh)"
        )
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return found


def dead_units(z: object) -> int:
    r"""How many units (columns of ``z``, shape (samples, units)) are dead on this batch:
    :math:`z \le 0` for every sample, so ReLU outputs 0 and passes back gradient 0."""
    z = _tensor(z, "z")
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(
            f"z must be (samples, units) with at least one sample, got {tuple(z.shape)}"
        )
    return int((z <= 0).all(dim=0).sum())
