"""Check a from-scratch computation against PyTorch's, one aligned table row at a time.

``compare`` prints a row such as::

    sigmoid vs torch.sigmoid                 (801,)        max|Δ| < 1e-07   ok (atol 1e-06)

The difference is printed as the power of ten it stays under, never as a raw float: the
last bits of a float depend on the number of threads, a bound does not, so stored notebook
outputs stay reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

__all__ = ["MismatchError", "compare", "max_abs_diff", "bound_label"]

NAME_WIDTH = 44
SHAPE_WIDTH = 14


class MismatchError(AssertionError):
    """Raised by ``compare`` when two results differ by more than the tolerance."""


def _as_tensor(value: object, role: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    if isinstance(value, np.ndarray | Sequence | int | float | np.number):
        try:
            return torch.as_tensor(np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError) as err:
            raise ValueError(f"{role} must be numeric, got {value!r}") from err
    raise ValueError(
        f"{role} must be a tensor, an array, a number or a sequence of numbers, "
        f"got {type(value).__name__}"
    )


def max_abs_diff(ours: object, reference: object) -> float:
    """max |ours - reference| over all entries (0.0 for empty inputs); NaNs must match."""
    a, b = _as_tensor(ours, "ours"), _as_tensor(reference, "reference")
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: ours {tuple(a.shape)} vs reference {tuple(b.shape)}")
    if a.numel() == 0:
        return 0.0
    nan_a, nan_b = torch.isnan(a), torch.isnan(b)
    if not torch.equal(nan_a, nan_b):
        return math.inf
    same_inf = torch.isinf(a) & (a == b)
    diff = (a - b).abs().masked_fill(nan_a | same_inf, 0.0)
    return float(diff.max())


def bound_label(diff: float) -> str:
    """'0 (exact)', '< 1e-07', ... : the smallest power of ten strictly above ``diff``."""
    if diff == 0.0:
        return "0 (exact)"
    if not math.isfinite(diff):
        return "inf"
    exponent = math.floor(math.log10(diff)) + 1
    return f"< 1e{exponent:+03d}"


def compare(
    name: str,
    ours: object,
    reference: object,
    *,
    atol: float = 1e-6,
    rtol: float = 0.0,
) -> None:
    """Print one row comparing ``ours`` with ``reference``; raise if they differ.

    Passes when every entry satisfies ``|ours - reference| <= atol + rtol * |reference|``
    (NaN where both are NaN, and equal infinities, count as equal). Shapes must match.

    Raises ``MismatchError`` (an ``AssertionError``) with the largest difference and where
    it occurs, and ``ValueError`` for bad input (negative tolerances, mismatched shapes,
    non-numeric values).
    """
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    if not (atol >= 0 and rtol >= 0):
        raise ValueError(f"atol and rtol must be >= 0, got atol={atol}, rtol={rtol}")
    a, b = _as_tensor(ours, "ours"), _as_tensor(reference, "reference")
    if a.shape != b.shape:
        raise ValueError(
            f"{name}: shapes differ: ours {tuple(a.shape)} vs reference {tuple(b.shape)}"
        )
    diff = max_abs_diff(a, b)
    if a.numel():
        both_nan = torch.isnan(a) & torch.isnan(b)
        same_inf = torch.isinf(a) & (a == b)
        allowed = atol + rtol * b.abs()
        bad = ((a - b).abs() > allowed) & ~both_nan & ~same_inf
        bad |= torch.isnan(a) ^ torch.isnan(b)
    else:
        bad = torch.zeros(0, dtype=torch.bool)
    shape = str(tuple(a.shape))
    tol = f"atol {atol:.0e}" + (f", rtol {rtol:.0e}" if rtol else "")
    verdict = "ok" if not bool(bad.any()) else "MISMATCH"
    print(
        f"{name:<{NAME_WIDTH}} {shape:<{SHAPE_WIDTH}} max|Δ| {bound_label(diff):<10} {verdict} ({tol})"
    )
    if verdict != "ok":
        where = tuple(int(i) for i in torch.nonzero(bad)[0])
        raise MismatchError(
            f"{name}: max |ours - reference| = {diff:.3g} exceeds {tol}; "
            f"first bad entry at index {where}: ours {float(a[where]):.6g}, "
            f"reference {float(b[where]):.6g}"
        )
