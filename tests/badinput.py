"""Property-style bad-input checks: every helper rejects bad values with an error naming them.

A module's test declares, per helper, one good call and the kind of each argument; the
harness then substitutes every bad value of that kind, one argument at a time, and demands
a ``ValueError`` or ``TypeError`` whose message names the argument::

    CASES = [
        Case(losses.huber, dict(y_hat=vec(), y=vec(), delta=1.0),
             {"y_hat": FLOAT_TENSOR, "y": FLOAT_TENSOR, "delta": POSITIVE}),
    ]

    @pytest.mark.parametrize(*badinput.params(CASES))
    def test_bad_input_is_rejected(case, arg, bad):
        badinput.check(case, arg, bad)

The good call itself is run too (``badinput.check_good``): a case whose good call fails
would make every bad-value check meaningless.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch


class Bad:
    """A named bad value, so the test id says what was fed (``nan``, ``int tensor``)."""

    def __init__(self, label: str, make: Callable[[], Any]) -> None:
        self.label = label
        self.make = make  # a fresh value per use: a helper may not mutate a shared one

    def __repr__(self) -> str:
        return self.label


def _bad(label: str, value: Any) -> Bad:
    return Bad(label, value if callable(value) and not isinstance(value, type) else lambda: value)


NOT_A_NUMBER = [_bad("str", "1"), _bad("None", None), _bad("list", [1.0])]
NON_FINITE = [_bad("nan", math.nan), _bad("inf", math.inf), _bad("-inf", -math.inf)]
#: a real number, any sign (a bound, an offset)
FINITE = NON_FINITE + NOT_A_NUMBER
#: a number >= 0 (a weight decay, a momentum coefficient's lower end)
NONNEGATIVE = FINITE + [_bad("-1", -1.0), _bad("-1e-9", -1e-9)]
#: a number > 0 (a learning rate, a temperature, a delta)
POSITIVE = NONNEGATIVE + [_bad("0", 0.0)]
#: a probability or fraction in [0, 1]
FRACTION = NONNEGATIVE + [_bad("1.5", 1.5)]
#: a probability in [0, 1) (dropout p, a momentum beta)
FRACTION_BELOW_1 = FRACTION + [_bad("1", 1.0)]
#: an int >= 1 (a size, a step count, an epoch count)
POSITIVE_INT = [
    _bad("0", 0),
    _bad("-1", -1),
    _bad("2.5", 2.5),
    _bad("nan", math.nan),
    _bad("True", True),
    _bad("str", "2"),
    _bad("None", None),
]
#: an int >= 0
NONNEGATIVE_INT = [b for b in POSITIVE_INT if b.label != "0"]
#: a floating tensor with finite values, any non-empty shape
FLOAT_TENSOR = [
    _bad("list", lambda: [[1.0, 2.0]]),
    _bad("None", None),
    _bad("int tensor", lambda: torch.ones(2, 3, dtype=torch.int64)),
    _bad("empty", lambda: torch.empty(0)),
]
#: as FLOAT_TENSOR, and NaN/inf entries are rejected too
FINITE_TENSOR = FLOAT_TENSOR + [
    _bad("nan tensor", lambda: torch.tensor([1.0, math.nan])),
    _bad("inf tensor", lambda: torch.tensor([1.0, math.inf])),
]


def values(*labels_and_values: tuple[str, Any]) -> list[Bad]:
    """Bad values specific to one argument: ``values(("3-D", torch.ones(2, 2, 2)), ...)``.

    A callable is called for a fresh value each time."""
    return [_bad(label, value) for label, value in labels_and_values]


@dataclass
class Case:
    """One helper, one good call (keyword arguments), and the bad values for each argument.

    ``args`` maps an argument name to a list of ``Bad`` values; ``names`` optionally maps
    it to what the error message must contain instead of the argument's own name (for
    a helper whose message speaks of ``p[0]`` or ``sizes``)."""

    fn: Callable[..., Any]
    good: Mapping[str, Any]
    args: Mapping[str, Iterable[Bad]]
    names: Mapping[str, str] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        self.args = {k: list(v) for k, v in self.args.items()}
        self.id = self.id or getattr(self.fn, "__qualname__", repr(self.fn))


def _good_kwargs(case: Case) -> dict[str, Any]:
    return {k: (v() if isinstance(v, _Fresh) else v) for k, v in case.good.items()}


class _Fresh:
    """Wrap a zero-argument factory in ``good`` to get a new object per call (a tensor a
    helper may modify in place): ``good=dict(x=fresh(lambda: torch.randn(3)))``."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make

    def __call__(self) -> Any:
        return self.make()


def fresh(make: Callable[[], Any]) -> _Fresh:
    return _Fresh(make)


def params(cases: Iterable[Case]) -> tuple[str, list[Any]]:
    """``pytest.mark.parametrize`` arguments: one test per (case, argument, bad value)."""
    out = []
    for case in cases:
        for arg, bads in case.args.items():
            for bad in bads:
                out.append(pytest.param(case, arg, bad, id=f"{case.id}-{arg}={bad.label}"))
    return "case, arg, bad", out


def good_params(cases: Iterable[Case]) -> tuple[str, list[Any]]:
    return "case", [pytest.param(c, id=c.id) for c in cases]


def check_good(case: Case) -> None:
    """The good call runs (the baseline that makes the bad-value checks meaningful)."""
    case.fn(**_good_kwargs(case))


def check(case: Case, arg: str, bad: Bad) -> None:
    """``case.fn`` with ``arg`` replaced by ``bad`` raises ValueError/TypeError naming it."""
    if arg not in case.good:
        raise AssertionError(f"{case.id}: {arg!r} is not in the good call {sorted(case.good)}")
    kwargs = _good_kwargs(case)
    kwargs[arg] = bad.make()
    with pytest.raises((ValueError, TypeError)) as info:
        case.fn(**kwargs)
    wanted = case.names.get(arg, arg)
    assert wanted in str(info.value), (
        f"{case.id}({arg}={bad.label}) raised {type(info.value).__name__} "
        f"without naming {wanted!r}: {info.value}"
    )
