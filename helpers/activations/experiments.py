r"""The measurements chapter 3 makes with the activations: linear layers collapse, gradient
norms per layer of a deep stack (vanishing gradients), the sign pattern of a layer's weight
gradients (non-zero-centred inputs), and dead ReLU units.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from helpers import args
from helpers.activations.functions import as_tensor
from helpers.activations.table import NAMES, Activation, derivative_fn
from helpers.mlp import mlp

_INITS = ("default", "xavier", "kaiming")


def saturated_fraction(name: str, x: object, *, threshold: float = 0.01) -> float:
    r"""The fraction of ``x`` where the activation is saturated: :math:`f'(x)` below
    ``threshold`` times its largest value (0.25 for sigmoid, 1 for tanh and ReLU)."""
    name = args.one_of("name", name, NAMES)
    threshold = args.fraction("threshold", threshold, open_low=True, open_high=True)
    x = args.tensor("x", as_tensor(x), nonempty=True)
    peak = 0.25 if name == "sigmoid" else 1.0
    d = derivative_fn(name)(x)
    return float((d < threshold * peak).to(torch.float64).mean())


def make_mlp(
    sizes: Sequence[int],
    activation: str,
    *,
    init: str = "default",
    seed: int | None = 0,
) -> nn.Sequential:
    r"""``helpers.mlp.mlp`` with the from-scratch ``Activation(activation)`` after each hidden
    Linear and a final plain ``Linear``.

    ``sizes`` = (inputs, hidden..., outputs). ``init`` picks the weight initialization
    (biases start at 0 except for "default"):

    * ``"default"``: PyTorch's own, :math:`\omega \sim U(-1/\sqrt{fan_{in}}, 1/\sqrt{fan_{in}})`;
    * ``"xavier"``: :math:`\omega \sim \mathcal N(0, 2 / (fan_{in} + fan_{out}))`;
    * ``"kaiming"``: :math:`\omega \sim \mathcal N(0, 2 / fan_{in})` (chapter 4 explains both).

    ``seed`` seeds the initialization (``None`` uses the global generator).
    """
    activation = args.one_of("activation", activation, NAMES)
    init = args.one_of("init", init, _INITS)
    seed = None if seed is None else args.integer("seed", seed, low=0)

    def draw(linear: nn.Linear) -> None:
        n_in, n_out = linear.in_features, linear.out_features
        var = 2.0 / (n_in + n_out) if init == "xavier" else 2.0 / n_in
        with torch.no_grad():
            linear.weight.normal_(0.0, math.sqrt(var))
            linear.bias.zero_()

    ctx = torch.random.fork_rng(devices=[]) if seed is not None else contextlib.nullcontext()
    with ctx:
        if seed is not None:
            torch.manual_seed(seed)
        return mlp(sizes, lambda: Activation(activation), init=None if init == "default" else draw)


def collapse_linear(first: nn.Linear, second: nn.Linear) -> nn.Linear:
    r"""The single ``Linear`` equal to ``second(first(x))``: two affine maps compose into one,

    .. math:: W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2).
    """
    if not isinstance(first, nn.Linear) or not isinstance(second, nn.Linear):
        raise ValueError("first and second must both be nn.Linear layers")
    args.integer("second.in_features", second.in_features, low=first.out_features,
                 high=first.out_features)  # fmt: skip
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
    depth = args.integer("depth", depth, low=1, high=200)
    width = args.integer("width", width, low=1, high=1024)
    batch = args.integer("batch", batch, low=1, high=4096)
    gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0))
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
    g = args.tensor("grads", as_tensor(grads, "grads"), ndim=2, nonempty=True)
    args.integer("grads.shape[1] (weights)", g.shape[1], low=2)
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
    a = args.tensor("a", as_tensor(a, "a"), ndim=2, nonempty=True).detach().double()
    w_true = args.tensor("w_true", as_tensor(w_true, "w_true"), ndim=1).detach().double()
    lr = args.number("lr", lr, low=0, low_open=True)
    steps = args.integer("steps", steps, low=1)
    w = torch.zeros_like(w_true) if w0 is None else as_tensor(w0, "w0").detach().double().clone()
    args.same_shape(("a[0]", "w_true"), a[0], w_true)
    args.same_shape(("w0", "w_true"), w, w_true)
    y = a @ w_true
    path = [w.clone()]
    for t in range(steps):
        a_t = a[t % len(a)]
        w = w - lr * (w @ a_t - y[t % len(a)]) * a_t  # ω ← ω - η (ωᵀa_t - y_t) a_t
        path.append(w.clone())
    return torch.stack(path)


# --------------------------------------------------------------------------- dead ReLU
def preactivations(model: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The input ``z`` of every activation module in ``model`` (our ``Activation``,
    ``nn.ReLU``, ``nn.Sigmoid``, ``nn.Tanh``) for the batch ``x``, in forward order."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be an nn.Module, got {type(model).__name__}")
    x = args.tensor("x", x, floating=True, nonempty=True)
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
    z = args.tensor("z", as_tensor(z, "z"), ndim=2, nonempty=True)
    return int((z <= 0).all(dim=0).sum())
