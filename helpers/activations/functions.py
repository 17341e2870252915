r"""The activation functions written from the notes' formulas, and their derivatives.

* :func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`identity`, :func:`softmax`,
  :func:`log_softmax`, each beside the notes' formula; :func:`sigmoid_naive`,
  :func:`tanh_naive` and :func:`softmax_naive` type the formula in literally, to show where
  it overflows in float32;
* their derivatives in closed form (:func:`sigmoid_derivative`, :func:`tanh_derivative`,
  :func:`relu_derivative`, :func:`identity_derivative`, :func:`softmax_jacobian`) and by
  autograd (:func:`autograd_derivative`).

Every function takes a tensor (or a number, or a sequence of numbers) and returns a tensor;
gradients flow through the from-scratch versions, so autograd can differentiate them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from helpers import args

#: float32's largest finite value is about e^88.72: exp of anything larger is inf.
FLOAT32_EXP_LIMIT = math.log(torch.finfo(torch.float32).max)


def as_tensor(x: object, name: str = "x") -> torch.Tensor:
    """``x`` (a tensor, a number or a sequence of numbers) as a floating tensor without NaN.

    Tensors keep their graph, dtype (if floating) and device; int and bool become floats.
    """
    if isinstance(x, bool | str | bytes) or x is None:
        raise ValueError(f"{name} must be a tensor, a number or a sequence of numbers, got {x!r}")
    try:
        t = x if isinstance(x, torch.Tensor) else torch.as_tensor(x)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(
            f"{name} must be a tensor, a number or a sequence of numbers, got {type(x).__name__}"
        ) from err
    if t.is_complex():
        raise ValueError(f"{name} must hold real numbers, got dtype {t.dtype}")
    t = t if t.is_floating_point() else t.to(torch.get_default_dtype())
    if bool(torch.isnan(t.detach()).any()):
        raise ValueError(f"{name} must not hold NaN")
    return t


def _dim(z: torch.Tensor, dim: int) -> int:
    """``dim`` checked against the scores ``z`` (softmax needs at least one dimension)."""
    if z.ndim == 0:
        raise ValueError("z must have at least one dimension (a vector of scores), got a scalar")
    return args.integer("dim", dim, low=-z.ndim, high=z.ndim - 1)


# --------------------------------------------------------------------------- sigmoid
def sigmoid_naive(x: object) -> torch.Tensor:
    r"""The notes' formula typed in literally: :math:`\sigma(x) = \frac{1}{1 + e^{-x}}`.

    Its forward value is fine everywhere, but for :math:`x < -88.7` (float32) the term
    :math:`e^{-x}` overflows to ``inf`` and autograd's backward pass computes
    :math:`0 \cdot \infty = \mathrm{NaN}`.
    """
    x = as_tensor(x)
    return 1.0 / (1.0 + torch.exp(-x))


def sigmoid(x: object) -> torch.Tensor:
    r"""Sigmoid, :math:`\sigma(x) = \frac{1}{1 + e^{-x}}`, range :math:`(0, 1)`.

    Computed without overflow: for :math:`x \ge 0` as :math:`1 / (1 + e^{-x})`, for
    :math:`x < 0` as the equal :math:`e^{x} / (1 + e^{x})`, so the exponent is never
    positive. The inputs of each branch are clamped to its half-line, so the branch that
    ``torch.where`` discards never produces an ``inf`` for autograd to multiply by 0.
    """
    x = as_tensor(x)
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
    x = as_tensor(x)
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))


def tanh(x: object) -> torch.Tensor:
    r"""Tanh, :math:`\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}`, range :math:`(-1, 1)`.

    Computed without overflow by multiplying numerator and denominator by
    :math:`e^{-x}` for :math:`x \ge 0` (giving :math:`\frac{1 - e^{-2x}}{1 + e^{-2x}}`) and by
    :math:`e^{x}` for :math:`x < 0` (giving :math:`\frac{e^{2x} - 1}{e^{2x} + 1}`).
    """
    x = as_tensor(x)
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
    x = as_tensor(x)
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_derivative(x: object, *, at_zero: float = 0.0) -> torch.Tensor:
    r"""The step :math:`\mathrm{ReLU}'(x) = 0` for :math:`x < 0`, :math:`1` for :math:`x > 0`.

    ReLU has no derivative at :math:`x = 0`; ``at_zero`` is the value chosen there, a
    number in [0, 1] (PyTorch uses 0).
    """
    at_zero = args.fraction("at_zero", at_zero)
    x = as_tensor(x)
    out = (x > 0).to(x.dtype)
    return torch.where(x == 0, torch.full_like(x, at_zero), out)


# --------------------------------------------------------------------------- identity
def identity(x: object) -> torch.Tensor:
    r"""The identity :math:`f(x) = x` (a linear layer's "no activation")."""
    return as_tensor(x)


def identity_derivative(x: object) -> torch.Tensor:
    r""":math:`f'(x) = 1` everywhere."""
    return torch.ones_like(as_tensor(x))


# --------------------------------------------------------------------------- from the output
# f'(z) written with the output a = f(z), for a backward pass that kept the outputs
def sigmoid_derivative_of_output(a: torch.Tensor) -> torch.Tensor:
    r""":math:`\sigma'(z) = a(1 - a)` with :math:`a = \sigma(z)`."""
    a = args.tensor("a", a, floating=True)
    return a * (1.0 - a)


def tanh_derivative_of_output(a: torch.Tensor) -> torch.Tensor:
    r""":math:`\tanh'(z) = 1 - a^2` with :math:`a = \tanh(z)`."""
    a = args.tensor("a", a, floating=True)
    return 1.0 - a * a


def relu_derivative_of_output(a: torch.Tensor) -> torch.Tensor:
    r""":math:`\mathrm{ReLU}'(z) = [a > 0]` (a boolean mask: multiplying keeps or zeroes)."""
    a = args.tensor("a", a, floating=True)
    return a > 0


def identity_derivative_of_output(a: torch.Tensor) -> torch.Tensor:
    r""":math:`f'(z) = 1`."""
    a = args.tensor("a", a, floating=True)
    return torch.ones_like(a)


# --------------------------------------------------------------------------- softmax
def softmax_naive(z: object, dim: int = -1, *, temperature: float = 1.0) -> torch.Tensor:
    r"""The notes' formula typed in literally:
    :math:`\mathrm{Softmax}(z_i) = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}` (scores divided by
    ``temperature`` first). In float32 any score above 88.7 overflows to ``inf`` and the
    ratio :math:`\infty / \infty` is NaN.
    """
    z = as_tensor(z, "z")
    dim = _dim(z, dim)
    z = z / args.number("temperature", temperature, low=0, low_open=True)
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
    z = as_tensor(z, "z")
    dim = _dim(z, dim)
    z = z / args.number("temperature", temperature, low=0, low_open=True)
    m = z.amax(dim=dim, keepdim=True).detach()  # a constant shift: no gradient needed
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    e = torch.exp(z - m)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(z: object, dim: int = -1) -> torch.Tensor:
    r""":math:`\log\mathrm{Softmax}(z_i) = z_i - \log\sum_j e^{z_j}`, computed stably.

    With :math:`m = \max_j z_j`: :math:`z_i - m - \log\sum_j e^{z_j - m}`; every exponent is
    <= 0, so nothing overflows, and the log never sees a 0 that underflowed.
    """
    z = as_tensor(z, "z")
    dim = _dim(z, dim)
    shifted = z - z.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def softmax_jacobian(z: object) -> torch.Tensor:
    r"""The Jacobian of softmax for one score vector :math:`z \in \mathbb{R}^K`:

    .. math:: \frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j), \quad
              J = \mathrm{diag}(p) - p\,p^\top.

    Every output depends on every input: the outputs compete (their sum is fixed at 1).
    """
    z = args.tensor("z", as_tensor(z, "z"), ndim=1, nonempty=True)
    p = softmax(z)
    return torch.diag(p) - torch.outer(p, p)


# --------------------------------------------------------------------------- autograd
def autograd_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: object) -> torch.Tensor:
    r""":math:`f'(x)` at every entry of ``x`` by autograd, for an element-wise ``f``.

    Because :math:`f` acts on each entry alone, the gradient of :math:`\sum_k f(x_k)` with
    respect to :math:`x` holds exactly the derivatives :math:`f'(x_k)`.
    """
    if not callable(f):
        raise ValueError(f"f must be a callable (an element-wise function), got {f!r}")
    x = as_tensor(x).detach().clone().requires_grad_(True)
    y = f(x)
    if not isinstance(y, torch.Tensor) or y.shape != x.shape:
        shape = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
        raise ValueError(f"f must be element-wise: output {shape} for input {tuple(x.shape)}")
    if not y.requires_grad:
        return torch.zeros_like(x).detach()
    (grad,) = torch.autograd.grad(y.sum(), x)
    return grad
