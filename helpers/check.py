"""Check a from-scratch computation against PyTorch's, one aligned table row at a time.

``compare`` prints a row such as::

    sigmoid vs torch.sigmoid                 (801,)        max|Δ| < 1e-07   ok (atol 1e-06)

The verdict (``ok``) holds on every machine; the difference itself is a measurement of
this run (its last bits depend on the CPU's vector width, the thread count and the GPU), so
it is printed as the power of ten it stays under, in the run-specific mark of ``measured``.

Two kinds of printed output, one convention:

* facts that hold everywhere (formula values at 6 significant digits or fewer, shapes,
  exact integer results, the verdict of a tolerance check) are printed plainly and
  compared strictly by the notebook tests;
* measurements of one run (training losses and accuracies, counts of misclassified
  samples, max |Δ| magnitudes, bit-identity counts, timings, the device) are printed
  through ``measured``, which wraps them in ``‹ ›``. ``tests/sanitize.cfg`` masks exactly
  what stands between the marks, so a learner sees the stored run's number while a re-run
  on another CPU or a GPU still passes. The claim such a number supports is printed as a
  robust check with ``claim`` ("held-out accuracy >= 98 %: yes").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from helpers import args

__all__ = ["MismatchError", "claim", "compare", "max_abs_diff", "bound_label", "measured"]

NAME_WIDTH = 44
SHAPE_WIDTH = 14
# The run-specific mark: tests/sanitize.cfg masks "‹...›" (and the spaces around it).
MARK_OPEN, MARK_CLOSE = "‹", "›"


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
    diff = args.number("diff", diff, low=0, finite=False)
    if diff == 0.0:
        return "0 (exact)"
    if not math.isfinite(diff):
        return "inf"
    exponent = math.floor(math.log10(diff)) + 1
    return f"< 1e{exponent:+03d}"


def measured(value: object, spec: str = "") -> str:
    """``value`` formatted with ``spec`` and marked as this run's measurement: ``‹0.0562›``.

    Use it for every printed number that legitimately varies with the CPU, the GPU or the
    thread count: ``print(f"val loss {check.measured(loss, '.4f')}")``. Strings (a device
    name, a ``bound_label``) are marked as they are, without ``spec``. The stored notebook
    output keeps the number; the notebook tests compare everything around it.
    """
    if not isinstance(spec, str):
        raise ValueError(f"spec must be a format spec string such as '.4f', got {spec!r:.60}")
    if isinstance(value, str):
        if spec:
            raise ValueError(f"spec applies to numbers only, got spec={spec!r} for a string")
        text = value
    elif isinstance(value, bool) or not isinstance(value, int | float | np.number | torch.Tensor):
        raise ValueError(
            f"value must be a number, a 0-d tensor or a string, got {type(value).__name__}"
        )
    else:
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise ValueError(
                    f"value must be a single number, got a tensor of shape {tuple(value.shape)}"
                )
            value = value.item()
        try:
            text = format(value, spec)
        except ValueError as err:
            raise ValueError(f"spec {spec!r} does not format {value!r}: {err}") from err
    if MARK_OPEN in text or MARK_CLOSE in text or "\n" in text:
        raise ValueError(f"a measured value cannot hold {MARK_OPEN!r}, {MARK_CLOSE!r} or a newline")
    return f"{MARK_OPEN}{text}{MARK_CLOSE}"


def claim(statement: str, holds: object) -> None:
    """Print ``statement: yes`` (or ``NO``): the robust check a measured number supports.

    ``statement`` must be true on every machine for the stored ``yes`` to be honest (give
    margins: "held-out accuracy >= 98 %", not "= 98.89 %"). It returns nothing, so a claim
    that ends a notebook cell leaves no ``True`` behind it.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("statement must be a non-empty string")
    print(f"{statement}: {'yes' if holds else 'NO'}")


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
    atol = args.number("atol", atol, low=0)
    rtol = args.number("rtol", rtol, low=0)
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
        f"{name:<{NAME_WIDTH}} {shape:<{SHAPE_WIDTH}} max|Δ| {measured(bound_label(diff)):<12} "
        f"{verdict} ({tol})"
    )
    if verdict != "ok":
        where = tuple(int(i) for i in torch.nonzero(bad)[0])
        raise MismatchError(
            f"{name}: max |ours - reference| = {diff:.3g} exceeds {tol}; "
            f"first bad entry at index {where}: ours {float(a[where]):.6g}, "
            f"reference {float(b[where]):.6g}"
        )
