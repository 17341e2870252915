"""Self-check exercises: the checker pattern every chapter's ``chNN`` module uses.

A checker never raises. Given

* a stub (``None`` or ``...``): it prints a hint;
* a wrong answer: it says what is off (type, shape, or how far), not the answer;
* a right answer: it confirms.

It returns a ``Verdict``: true only for a right answer, so a notebook can ``assert`` it,
and invisible as a cell's last value (the printed line is the feedback; an ``Out[]`` of
``False`` under it would only add noise, and a trailing ``;`` is not honoured by nbval).
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["Verdict", "check_answer", "is_stub"]


class Verdict:
    """The outcome of a check: truthy when right; displays nothing in a notebook."""

    def __init__(self, correct: bool) -> None:
        self.correct = bool(correct)

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"Verdict(correct={self.correct})"

    def _ipython_display_(self) -> None:  # the checker already printed its feedback
        pass


def is_stub(answer: object) -> bool:
    """True for the placeholders a notebook hands out: ``None`` and ``...``."""
    return answer is None or answer is Ellipsis


def _numeric(value: object) -> np.ndarray | None:
    if isinstance(value, bool | str | bytes):
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().double().numpy()
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr


def check_answer(
    name: str,
    answer: object,
    expected: object,
    *,
    hint: str,
    atol: float = 1e-6,
    rtol: float = 1e-6,
) -> Verdict:
    """Compare a learner's ``answer`` with ``expected`` and print one line of feedback.

    Numbers, sequences, arrays and tensors are compared entry by entry within
    ``atol + rtol * |expected|``; shapes must match. Anything else (strings, tuples of
    ints such as shapes, ``torch.Size``) must be equal.
    """
    if is_stub(answer):
        print(f"{name}: not answered yet. Hint: {hint}")
        return Verdict(False)
    if isinstance(expected, str | torch.Size) or (
        isinstance(expected, tuple) and all(isinstance(v, int) for v in expected)
    ):
        got = tuple(answer) if isinstance(answer, torch.Size | list) else answer
        want = tuple(expected) if isinstance(expected, torch.Size) else expected
        if type(got) is type(want) and got == want:  # an array's == is elementwise
            print(f"{name}: correct.")
            return Verdict(True)
        print(f"{name}: not quite: {answer!r} is not the expected value. Hint: {hint}")
        return Verdict(False)
    want = _numeric(expected)
    got = _numeric(answer)
    if want is None:
        raise TypeError(f"checker for {name} has a non-numeric expected value")  # author bug
    if got is None:
        print(
            f"{name}: expected a number or an array of numbers, got {type(answer).__name__}. "
            f"Hint: {hint}"
        )
        return Verdict(False)
    if got.shape != want.shape:
        print(
            f"{name}: expected shape {want.shape or 'scalar'}, got {got.shape or 'scalar'}. "
            f"Hint: {hint}"
        )
        return Verdict(False)
    if np.isnan(got).any():
        print(f"{name}: your answer contains NaN. Hint: {hint}")
        return Verdict(False)
    err = np.abs(got - want)
    allowed = atol + rtol * np.abs(want)
    if bool((err <= allowed).all()):
        print(f"{name}: correct.")
        return Verdict(True)
    worst = float(err.max())
    print(
        f"{name}: not quite: off by {worst:.3g} (allowed {float(allowed.max()):.1g}). Hint: {hint}"
    )
    return Verdict(False)
