r"""PyTorch's recursive cosine annealing, operation for operation, and a bound on its
distance from the closed form (first-order rounding analysis, :math:`u = 2^{-53}`)."""

from __future__ import annotations

import math

import numpy as np

from helpers import args
from helpers.schedules.decay import cosine_args

__all__ = ["UNIT_ROUNDOFF", "cosine_recursive", "cosine_gap_bound"]

#: u = 2^-53: the largest relative error of one correctly rounded float64 operation.
UNIT_ROUNDOFF = 2.0**-53


def cosine_recursive(
    n_steps: int, *, eta_max: float, T_max: int, eta_min: float = 0.0
) -> np.ndarray:
    r"""PyTorch's recursive cosine annealing for ``t = 0 .. n_steps - 1``, op for op.

    ``CosineAnnealingLR.get_lr`` never evaluates the closed form; it rescales the
    previous rate by the ratio of two consecutive cosine terms:

    .. math::
        \eta_t = \eta_{\min} + (\eta_{t-1} - \eta_{\min})
                 \frac{1 + \cos(\pi t / T_{\max})}{1 + \cos(\pi (t-1) / T_{\max})}

    At :math:`t - 1 = T_{\max}` (mod :math:`2T_{\max}`) the denominator is 0, so it adds
    the closed-form increment instead:
    :math:`\eta_t = \eta_{t-1} + \tfrac12(\eta_{\max}-\eta_{\min})(1 - \cos(\pi/T_{\max}))`.
    Every rounding error of a step is carried into the next one.
    """
    eta_max, T_max, eta_min = cosine_args(eta_max, T_max, eta_min)
    n_steps = args.integer("n_steps", n_steps, low=1)
    lr = eta_max
    out = [lr]
    for t in range(1, n_steps):
        if (t - 1 - T_max) % (2 * T_max) == 0:
            lr = lr + (eta_max - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        else:
            lr = (1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max)) * (
                lr - eta_min
            ) + eta_min
        out.append(lr)
    return np.asarray(out, dtype=np.float64)


def cosine_gap_bound(
    n_steps: int, *, eta_max: float, T_max: int, eta_min: float = 0.0
) -> np.ndarray:
    r"""A bound on |closed form - PyTorch's recursion| for ``t = 0 .. n_steps - 1``.

    First-order rounding analysis with :math:`u = 2^{-53}`, :math:`c_t = 1 + \cos(\pi t /
    T_{\max})`, :math:`\Delta = \eta_{\max} - \eta_{\min}`. Computing :math:`c_t` costs
    an absolute error :math:`a_t = u(3\pi t/T_{\max} + 3)` (the argument, ``cos`` itself
    and the sum). One recursive step, with ratio :math:`r_t = c_t / c_{t-1}`, carries the
    previous error :math:`e_{t-1}` forward and adds new rounding:

    .. math::
        e_t \le r_t\,e_{t-1} + \tfrac{\Delta}{2}\bigl(a_t + r_t a_{t-1} + 3u\,c_t\bigr)
              + u\,\eta_t .

    At :math:`t = T_{\max}` (mod :math:`2T_{\max}`) both sides are exactly
    :math:`\eta_{\min}` (the computed :math:`c_t` is exactly 0), so :math:`e_t = 0`. Past
    :math:`T_{\max}` the ratios :math:`r_t` exceed 1 and *amplify* earlier errors: the
    gap grows there. The closed form adds its own
    :math:`\tfrac{\Delta}{2} a_t + 2u\,\eta_t`. The result is doubled to cover
    second-order terms. With :math:`\eta_{\min} = 0` the bound is loose: the recursion is
    then a pure product in which each rounded :math:`c_s` appears as a numerator and again
    as a denominator, so its error cancels; the bound does not count on that.
    """
    eta_max, T_max, eta_min = cosine_args(eta_max, T_max, eta_min)
    n_steps = args.integer("n_steps", n_steps, low=1)
    u = UNIT_ROUNDOFF
    half = 0.5 * (eta_max - eta_min)

    def c(t: int) -> float:
        return 1.0 + math.cos(math.pi * t / T_max)

    def a(t: int) -> float:
        return u * (3.0 * math.pi * t / T_max + 3.0)

    e = 0.0  # PyTorch starts from eta_max itself
    bounds = [2.0 * (half * a(0) + 2.0 * u * eta_max)]
    for t in range(1, n_steps):
        eta_t = eta_min + half * c(t)
        if t % (2 * T_max) == T_max:
            e = 0.0
        elif (t - 1) % (2 * T_max) == T_max:
            e = half * (a(1) + 3.0 * u * c(t)) + u * eta_t
        else:
            r = c(t) / c(t - 1)
            e = r * e + half * (a(t) + r * a(t - 1) + 3.0 * u * c(t)) + u * eta_t
        ours = 0.0 if t % (2 * T_max) == T_max else half * a(t) + 2.0 * u * eta_t
        bounds.append(2.0 * (e + ours))
    return np.asarray(bounds, dtype=np.float64)
