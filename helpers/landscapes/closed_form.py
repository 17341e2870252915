r"""The explorer's fast runner: closed-form gradients and the optimizers' updates in floats.

``run_many`` (``runner``) asks autograd for :math:`\nabla f` and calls each optimizer's
``step()``: general, but about 70 µs of PyTorch dispatch per optimizer and step on a
2-parameter problem. The explorer only ever runs the nine ``OPTIMIZERS`` on the six
``LANDSCAPES`` from one start, so ``run_closed_form`` does the same arithmetic on Python
floats: each gradient written out by hand (the chain rule in the order autograd applies
it), each update written as its optimizer's code computes it (``helpers.optim``'s tensor
code; ``torch.optim``'s single-tensor code, with ``lerp_`` for Adam's first moment and
the bias corrections in Python floats). Four optimizers x 200 steps take about 2 ms
instead of 60.

Every operation here is correctly rounded float64. PyTorch's CPU kernels round a few of
them differently: ``add_(g, alpha=-lr)`` is one fused multiply-add (a single rounding of
``w - lr*g``) on CPUs that have the instruction, and ``sqrt`` of a small tensor can land
one ulp below the correctly rounded root (``torch.tensor([28.960000000072]).sqrt()``). So
the two runners agree to about 1e-16 per step, and on every surface's default view to
6e-16 over 200 steps for all nine optimizers (``tests/test_landscapes.py``). Where the
dynamics amplify rounding (RMSProp with β = 0 bouncing across the saddle, GD at a
learning rate on the edge of stability), such differences grow until the paths part:
those runs are chaotic, and torch's own path there depends on the CPU it runs on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from helpers import args
from helpers.landscapes.optimizers import OPTIMIZERS
from helpers.landscapes.runner import Trajectory, _start_points
from helpers.landscapes.surfaces import LANDSCAPES, Landscape, get

__all__ = ["GRADIENTS", "run_closed_form"]

_C, _S = math.cos(math.pi / 4), math.sin(math.pi / 4)
_TILT_X, _TILT_Y = 0.3, 0.15
_PX, _PY = 0.5, 0.5


def _ravine(x: float, y: float) -> tuple[float, float, float]:
    r"""f = ½(0.2x² + 4y²); ∂f/∂x = (½·0.2)(2x), ∂f/∂y = (½·4)(2y)."""
    f = 0.5 * (0.2 * (x * x) + 4.0 * (y * y))
    return f, (0.5 * 0.2) * (2.0 * x), (0.5 * 4.0) * (2.0 * y)


def _rotated_ravine(x: float, y: float) -> tuple[float, float, float]:
    r"""The ravine at u = Cx + Sy, v = -Sx + Cy: ∂f/∂x = f_u C - f_v S, ∂f/∂y = f_u S + f_v C."""
    u = _C * x + _S * y
    v = -_S * x + _C * y
    f, f_u, f_v = _ravine(u, v)
    return f, f_u * _C + f_v * -_S, f_u * _S + f_v * _C


def _rosenbrock(x: float, y: float) -> tuple[float, float, float]:
    r"""f = (1-x)² + 100(y-x²)²; ∂f/∂x = -2(1-x) - 100·2(y-x²)·2x, ∂f/∂y = 100·2(y-x²)."""
    a = 1.0 - x
    c = y - x * x
    f = a * a + 100.0 * (c * c)
    g_c = 100.0 * (2.0 * c)
    return f, -(2.0 * a) + -g_c * (2.0 * x), g_c


def _saddle(x: float, y: float) -> tuple[float, float, float]:
    r"""f = x² + y⁴/4 - y²/2; ∂f/∂x = 2x, ∂f/∂y = ¼(4y³) - ½(2y)."""
    f = (x * x + y**4.0 / 4.0) - (y * y) / 2.0
    return f, 2.0 * x, 0.25 * (4.0 * (y * y * y)) + -0.5 * (2.0 * y)


def _wells(x: float, y: float) -> tuple[float, float, float]:
    r"""f = (x²-1)² + (y²-1)² + 0.3x + 0.15y; ∂f/∂x = 2(x²-1)·2x + 0.3, likewise y."""
    a = x * x - 1.0
    b = y * y - 1.0
    f = ((a * a + b * b) + _TILT_X * x) + _TILT_Y * y
    return f, (2.0 * a) * (2.0 * x) + _TILT_X, (2.0 * b) * (2.0 * y) + _TILT_Y


def _plateau(x: float, y: float) -> tuple[float, float, float]:
    r"""f = 1 - e^{-r²} + 0.002r², r² = (x-½)² + (y-½)²; ∂f/∂x = (e^{-r²} + 0.002)·2(x-½)."""
    dx, dy = x - _PX, y - _PY
    r2 = dx * dx + dy * dy
    e = math.exp(-r2)
    f = (1.0 - e) + 0.002 * r2
    g_r2 = e + 0.002
    return f, g_r2 * (2.0 * dx), g_r2 * (2.0 * dy)


#: surface name -> (x, y) -> (f, ∂f/∂x, ∂f/∂y), in floats
GRADIENTS: dict[str, Callable[[float, float], tuple[float, float, float]]] = {
    "ravine": _ravine,
    "rotated ravine": _rotated_ravine,
    "rosenbrock": _rosenbrock,
    "saddle": _saddle,
    "wells": _wells,
    "plateau": _plateau,
}

# An update takes (ω, g, state, t) for one coordinate and returns the new ω; ``state`` is a
# per-coordinate list, ``t`` the step number (1, 2, ...).
Update = Callable[[float, float, list, int], float]


def _updates(name: str, lr_gd: float, lr_ad: float, b1: float, b2: float) -> Update:
    if name == "GD":  # torch.optim.SGD: param.add_(grad, alpha=-lr)
        return lambda w, g, s, t: w + -lr_gd * g
    if name == "Momentum":  # V = V β + (1-β) g; ω = ω - η V

        def momentum(w: float, g: float, s: list, t: int) -> float:
            s[0] = s[0] * b1 + (1 - b1) * g
            return w - lr_gd * s[0]

        return momentum
    if name == "SGD momentum (torch)":  # B_1 = g; B = B μ + g; ω = ω - η' B
        lr = lr_gd * (1 - b1)

        def sgd(w: float, g: float, s: list, t: int) -> float:
            s[0] = g if t == 1 else s[0] * b1 + 1 * g
            return w + -lr * s[0]

        return sgd
    if name in ("AdaGrad", "Adagrad (torch)"):
        eps = 1e-10
        if name == "AdaGrad":  # G = G + g²; ω = ω - η g / (√G + ε)

            def adagrad(w: float, g: float, s: list, t: int) -> float:
                s[0] = s[0] + g * g
                return w - lr_ad * g / (math.sqrt(s[0]) + eps)

            return adagrad

        def adagrad_torch(w: float, g: float, s: list, t: int) -> float:
            s[0] = s[0] + 1 * g * g  # addcmul_(g, g, value=1)
            return w + -(lr_ad / (1 + (t - 1) * 0)) * g / (math.sqrt(s[0]) + eps)

        return adagrad_torch
    if name in ("RMSProp", "RMSprop (torch)"):
        eps = 1e-8
        if name == "RMSProp":  # V = V β + (1-β) g²; ω = ω - η g / (√V + ε)

            def rmsprop(w: float, g: float, s: list, t: int) -> float:
                s[0] = s[0] * b2 + (1 - b2) * g * g
                return w - lr_ad * g / (math.sqrt(s[0]) + eps)

            return rmsprop

        def rmsprop_torch(w: float, g: float, s: list, t: int) -> float:
            s[0] = s[0] * b2 + (1 - b2) * g * g  # mul_(α).addcmul_(g, g, value=1-α)
            return w + -lr_ad * g / (math.sqrt(s[0]) + eps)  # addcdiv_(g, √V + ε, value=-η)

        return rmsprop_torch
    eps = 1e-8
    if name == "Adam":  # m, v EMAs; ω = ω - η m̂ / (√v̂ + ε)

        def adam(w: float, g: float, s: list, t: int) -> float:
            s[0] = s[0] * b1 + (1 - b1) * g
            s[1] = s[1] * b2 + (1 - b2) * g * g
            m_hat = s[0] / (1 - b1**t)
            v_hat = s[1] / (1 - b2**t)
            return w - lr_ad * m_hat / (math.sqrt(v_hat) + eps)

        return adam
    weight = 1 - b1  # torch: exp_avg.lerp_(grad, 1 - β1)

    def adam_torch(w: float, g: float, s: list, t: int) -> float:
        m = s[0]
        s[0] = m + weight * (g - m) if abs(weight) < 0.5 else g - (g - m) * (1 - weight)
        s[1] = s[1] * b2 + (1 - b2) * g * g
        step = float(t)
        step_size = lr_ad / (1 - b1**step)
        denom = math.sqrt(s[1]) / (1 - b2**step) ** 0.5 + eps
        return w + -step_size * s[0] / denom

    return adam_torch


def run_closed_form(
    landscape: Landscape | str,
    names: Sequence[str],
    start: Sequence[float],
    steps: int = 200,
    *,
    lr_gd: float = 0.1,
    lr_adaptive: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.99,
) -> dict[str, Trajectory]:
    """``run_many(landscape, {n: optimizer_maker(n, ...)}, start, steps)`` for named
    optimizers from one start, computed in floats: a ``Trajectory`` per name (points,
    losses, gradients, where and why a run diverged), equal to ``run_many``'s up to the
    rounding the module docstring describes."""
    ls = (
        get(args.one_of("landscape", landscape, LANDSCAPES))
        if isinstance(landscape, str)
        else landscape
    )
    if not isinstance(ls, Landscape) or ls.name not in GRADIENTS:
        raise ValueError(f"landscape must be one of {LANDSCAPES}, got {landscape!r:.60}")
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise ValueError(f"names must be a sequence of optimizer names, got {names!r:.60}")
    for n in names:
        args.one_of("names", n, tuple(OPTIMIZERS))
    w0 = _start_points(ls, start)
    if w0.ndim != 1:
        raise ValueError(f"start must be one point (x, y), got shape {tuple(w0.shape)}")
    steps = args.integer("steps", steps, low=0)
    lr_gd = args.number("lr_gd", lr_gd, low=0)
    lr_adaptive = args.number("lr_adaptive", lr_adaptive, low=0)
    beta1 = args.fraction("beta1", beta1, open_high=True)
    beta2 = args.fraction("beta2", beta2, open_high=True)
    x0, y0 = (float(v) for v in w0)
    x_lo, x_hi, y_lo, y_hi = ls.limit()
    value_and_grad = GRADIENTS[ls.name]
    out = {}
    for name in names:
        update = _updates(name, lr_gd, lr_adaptive, beta1, beta2)
        sx, sy = [0.0, 0.0], [0.0, 0.0]
        x, y = x0, y0
        rows: list[tuple[float, float, float, float, float]] = []
        diverged_at, reason = None, None
        for t in range(steps + 1):
            if not (math.isfinite(x) and math.isfinite(y)):
                diverged_at, reason = t, "not finite"
                break
            if not (x_lo <= x <= x_hi and y_lo <= y <= y_hi):
                diverged_at, reason = t, "left the plot box"
                break
            f, gx, gy = value_and_grad(x, y)
            rows.append((x, y, f, gx, gy))
            if t < steps:
                x, y = update(x, gx, sx, t + 1), update(y, gy, sy, t + 1)
        a = np.array(rows, dtype=np.float64).reshape(-1, 5)
        out[name] = Trajectory(
            a[:, 0:2].copy(), a[:, 2].copy(), a[:, 3:5].copy(), steps, diverged_at, reason
        )
    return out
