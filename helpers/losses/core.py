"""What every loss shares: turning its inputs into tensors and reducing per-entry losses."""

from __future__ import annotations

import numpy as np
import torch

from helpers import args

REDUCTIONS = ("mean", "sum", "none")


def as_tensor(value: object, name: str) -> torch.Tensor:
    """A floating tensor without NaN from a tensor, array, number or sequence (floats keep
    their dtype, ints become the default float dtype)."""
    if isinstance(value, str | bytes | bool) or value is None:
        raise ValueError(f"{name} must be numeric (a tensor, array or numbers), got {value!r}")
    if isinstance(value, torch.Tensor):
        t = value if value.is_floating_point() else value.to(torch.get_default_dtype())
    else:
        try:
            t = torch.as_tensor(
                np.asarray(value, dtype=np.float64), dtype=torch.get_default_dtype()
            )
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{name} must be numeric (a tensor, array or numbers), got {value!r}"
            ) from err
    if bool(torch.isnan(t.detach()).any()):
        raise ValueError(f"{name} must not hold NaN")
    return t


def same_shape(a: torch.Tensor, b: torch.Tensor, names: tuple[str, str], hint: str = "") -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {names[0]} "
            f"{tuple(a.shape)} and {names[1]} {tuple(b.shape)}" + (f"; {hint}" if hint else "")
        )


def in_unit_interval(t: torch.Tensor, name: str, hint: str = "") -> None:
    """ValueError unless every entry of ``t`` is a probability in [0, 1]."""
    if t.numel() == 0:
        return
    t = t.detach()
    lo, hi = float(t.min()), float(t.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name} must hold values in [0, 1], got values from {lo:.4g} to {hi:.4g}"
            + (f"; {hint}" if hint else "")
        )


def reduce(per_entry: torch.Tensor, reduction: str) -> torch.Tensor:
    """``mean``, ``sum`` or ``none`` (every entry) of the per-entry losses."""
    reduction = args.one_of("reduction", reduction, REDUCTIONS)
    if reduction == "mean":
        return per_entry.mean()
    if reduction == "sum":
        return per_entry.sum()
    return per_entry
