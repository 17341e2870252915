r"""The time-based schedules in closed form: step, multi-step, exponential, cosine.

``t`` is one step count (an int: the result is a float) or a 1-D sequence of them (the
result is a float64 array).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from helpers import args

__all__ = ["step_decay", "multistep", "exponential", "cosine_annealing"]

Steps = int | Sequence[int] | np.ndarray


def _steps(t: object) -> tuple[list[int], bool]:
    """The step counts as a list of Python ints, and whether ``t`` was a single int."""
    if isinstance(t, numbers.Integral) and not isinstance(t, bool):
        values, scalar = [int(t)], True
    else:
        if isinstance(t, str | bytes | bool) or t is None:
            raise ValueError(f"t must be a non-negative int or a sequence of them, got {t!r}")
        try:
            arr = np.asarray(t)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"t must be a non-negative int or a sequence of them, got {t!r}"
            ) from err
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise ValueError(
                "t must be a non-negative int or a 1-D sequence of ints (step counts), "
                f"got {'an array of ' + str(arr.dtype) if arr.ndim == 1 else f'shape {arr.shape}'}"
            )
        values, scalar = [int(v) for v in arr], False
    if any(v < 0 for v in values):
        raise ValueError(f"t must be >= 0 (it counts steps), got {min(values)}")
    return values, scalar


def _result(values: list[float], scalar: bool) -> float | np.ndarray:
    return values[0] if scalar else np.asarray(values, dtype=np.float64)


def gamma_arg(gamma: object) -> float:
    """A decay factor: a number in (0, 1] (a negative one would flip the rate's sign)."""
    return args.number("gamma", gamma, low=0, low_open=True, high=1)


def milestones_arg(milestones: object) -> list[int]:
    """Strictly increasing step counts >= 0 (torch sorts and counts repeats; we refuse)."""
    ms = list(args.sizes("milestones", milestones, low=0))
    if any(b <= a for a, b in zip(ms, ms[1:], strict=False)):
        raise ValueError(f"milestones must be strictly increasing (sorted, no repeats), got {ms}")
    return ms


def cosine_args(eta_max: object, T_max: object, eta_min: object) -> tuple[float, int, float]:
    """``eta_max > 0``, ``T_max >= 1`` and ``0 <= eta_min <= eta_max``, checked."""
    eta_max = args.number("eta_max", eta_max, low=0, low_open=True)
    T_max = args.integer("T_max", T_max, low=1)
    eta_min = args.number("eta_min", eta_min, low=0, high=eta_max)
    return eta_max, T_max, eta_min


def step_decay(t: Steps, *, eta_0: float, step_size: int, gamma: float = 0.1) -> float | np.ndarray:
    r"""Step decay (``StepLR``): multiply by :math:`\gamma` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}, \qquad s = \text{step\_size}
    """
    eta_0 = args.number("eta_0", eta_0, low=0, low_open=True)
    step_size = args.integer("step_size", step_size, low=1)
    gamma = gamma_arg(gamma)
    ts, scalar = _steps(t)
    return _result([eta_0 * gamma ** (t_ // step_size) for t_ in ts], scalar)


def multistep(
    t: Steps, *, eta_0: float, milestones: Sequence[int], gamma: float = 0.1
) -> float | np.ndarray:
    r"""Multi-step decay (``MultiStepLR``): multiply by :math:`\gamma` at each milestone.

    .. math:: \eta_t = \eta_0\,\gamma^{\,k(t)}, \qquad k(t) = |\{m \in M : m \le t\}|

    ``milestones`` (:math:`M`) must be strictly increasing non-negative ints.
    """
    eta_0 = args.number("eta_0", eta_0, low=0, low_open=True)
    gamma = gamma_arg(gamma)
    ms = milestones_arg(milestones)
    ts, scalar = _steps(t)
    return _result([eta_0 * gamma ** sum(m <= t_ for m in ms) for t_ in ts], scalar)


def exponential(t: Steps, *, eta_0: float, gamma: float) -> float | np.ndarray:
    r"""Exponential decay (``ExponentialLR``).

    .. math:: \eta_t = \eta_0\,\gamma^t
    """
    eta_0 = args.number("eta_0", eta_0, low=0, low_open=True)
    gamma = gamma_arg(gamma)
    ts, scalar = _steps(t)
    return _result([eta_0 * gamma**t_ for t_ in ts], scalar)


def cosine_annealing(
    t: Steps, *, eta_max: float, T_max: int, eta_min: float = 0.0, hold: bool = False
) -> float | np.ndarray:
    r"""Cosine annealing (``CosineAnnealingLR``) in closed form.

    .. math::
        \eta_t = \eta_{\min} + \tfrac12(\eta_{\max}-\eta_{\min})
                 \Bigl(1 + \cos\bigl(\tfrac{\pi t}{T_{\max}}\bigr)\Bigr)

    Past :math:`T_{\max}` the formula keeps going: the cosine climbs back to
    :math:`\eta_{\max}` at :math:`t = 2T_{\max}` (PyTorch does the same). ``hold=True``
    uses :math:`\min(t, T_{\max})` instead, so the rate stays at :math:`\eta_{\min}`.
    """
    eta_max, T_max, eta_min = cosine_args(eta_max, T_max, eta_min)
    hold = args.one_of("hold", hold, (False, True))
    ts, scalar = _steps(t)
    values = []
    for t_ in ts:
        t_ = min(t_, T_max) if hold else t_
        values.append(eta_min + 0.5 * (eta_max - eta_min) * (1.0 + math.cos(math.pi * t_ / T_max)))
    return _result(values, scalar)
