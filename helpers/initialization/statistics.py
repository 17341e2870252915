r"""Sampling error: standard errors of a mean and of a standard deviation, and the one-row
comparison of a measured statistic with its formula."""

from __future__ import annotations

import math

import numpy as np
import torch

from helpers import args, check


def _sample(values: object) -> torch.Tensor:
    """``values`` as a flat float64 tensor of at least 2 finite numbers."""
    if not isinstance(values, torch.Tensor | np.ndarray | list | tuple):
        raise ValueError(f"values must be a tensor, array or list, got {type(values).__name__}")
    try:
        v = torch.as_tensor(values, dtype=torch.float64).flatten()
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"values must hold numbers, got {values!r}"[:200]) from err
    args.integer("the number of values", v.numel(), low=2)
    return args.tensor("values", v, finite=True)


def mean_standard_error(values: torch.Tensor | np.ndarray) -> float:
    r"""Standard error of a mean of :math:`n` independent values: :math:`s / \sqrt n`."""
    v = _sample(values)
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
    v = _sample(values)
    n = v.numel()
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
    measured = args.number("measured", measured, finite=False)
    expected, se = args.number("expected", expected), args.number("se", se, low=0)
    k = args.number("k", k, low=0, low_open=True)
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
