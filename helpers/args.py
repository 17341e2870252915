"""Argument checks shared by every helper: one line per check in the code a learner reads.

Each check returns the value it accepted (converted: a float, an int, a tensor) or raises a
``ValueError`` that names the argument, says what is allowed and shows what was given, in
torch.optim's style::

    lr = args.number("lr", lr, low=0)               # lr must be a finite number >= 0, got nan
    n = args.integer("n", n, low=1)                 # n must be an int >= 1, got 2.5
    reduction = args.one_of("reduction", reduction, ("mean", "sum", "none"))
    x = args.tensor("x", x, ndim=(2, 4), floating=True)

``bool`` is never accepted where a number is asked for (``True`` is an ``int`` in Python,
but ``lr=True`` is a bug). NaN and infinity are rejected unless ``finite=False``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Iterable
from typing import Any, TypeVar

import torch

__all__ = ["number", "integer", "one_of", "tensor", "same_shape", "fraction", "sizes"]

T = TypeVar("T")


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return " and ".join(parts)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """``value`` as a float; ValueError unless it is a real number (not a bool) in range.

    ``low``/``high`` bound it (closed unless ``low_open``/``high_open``); NaN is always
    rejected, infinity unless ``finite=False``. A 0-d tensor or numpy scalar is accepted.
    """
    wanted = "a finite number" if finite else "a number"
    bounds = _interval(low, high, low_open, high_open)
    message = f"{name} must be {wanted}{' ' + bounds if bounds else ''}, got {_shown(value)}"
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.dtype == torch.bool or value.is_complex():
            raise ValueError(message)
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(message)
    x = float(value)
    if math.isnan(x) or (finite and math.isinf(x)):
        raise ValueError(message)
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(message)
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(message)
    return x


def integer(name: str, value: object, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int; ValueError unless it is an integer (not a bool, not 2.0) in range."""
    bounds = _interval(low, high, False, False)
    message = f"{name} must be an int{' ' + bounds if bounds else ''}, got {_shown(value)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(message)
    n = int(value)
    if (low is not None and n < low) or (high is not None and n > high):
        raise ValueError(message)
    return n


def fraction(name: str, value: object, *, open_low: bool = False, open_high: bool = False) -> float:
    """A number in [0, 1] (ends excluded on request): a probability, a split, a decay."""
    return number(name, value, low=0.0, high=1.0, low_open=open_low, high_open=open_high)


def one_of(name: str, value: T, allowed: Collection[T]) -> T:
    """``value`` unchanged; ValueError unless it is one of ``allowed``."""
    ok = any(type(value) is type(a) and value == a for a in allowed)  # True is not 1
    if not ok:
        raise ValueError(f"{name} must be one of {tuple(allowed)}, got {_shown(value)}")
    return value


def tensor(
    name: str,
    value: object,
    *,
    ndim: int | Iterable[int] | None = None,
    floating: bool = False,
    nonempty: bool = False,
    finite: bool = False,
) -> torch.Tensor:
    """``value`` itself if it is a torch.Tensor meeting the demands, else ValueError.

    ``ndim``: the allowed number(s) of dimensions; ``floating``: a float dtype (an int or
    bool tensor cannot carry a gradient or a fractional value); ``nonempty``: at least one
    element; ``finite``: no NaN or infinity.
    """
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if value.ndim not in allowed:
            dims = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {dims}, got shape {tuple(value.shape)} ({value.ndim}-D)"
            )
    if floating and not value.is_floating_point():
        raise ValueError(
            f"{name} must be a floating-point tensor, got dtype {value.dtype} "
            f"(convert it with {name}.float())"
        )
    if nonempty and value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if finite and value.is_floating_point() and not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} must hold finite values, got NaN or infinity")
    return value


def same_shape(names: tuple[str, str], a: torch.Tensor, b: torch.Tensor) -> None:
    """ValueError unless ``a`` and ``b`` have the same shape (no silent broadcasting)."""
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got "
            f"{tuple(a.shape)} and {tuple(b.shape)}"
        )


def sizes(name: str, value: Any, *, length: int | None = None, low: int = 1) -> tuple[int, ...]:
    """A sequence of ints >= ``low`` (layer widths, a kernel shape) as a tuple."""
    if isinstance(value, str | bytes | torch.Tensor) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a sequence of ints, got {_shown(value)}")
    items = tuple(value)
    if length is not None and len(items) != length:
        raise ValueError(f"{name} must hold {length} ints, got {len(items)}: {_shown(value)}")
    return tuple(integer(f"{name}[{i}]", v, low=low) for i, v in enumerate(items))
