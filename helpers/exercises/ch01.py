"""Self-check exercises of chapter 1 (tensor creation)."""

from __future__ import annotations

import numpy as np
import torch

from helpers.exercises import Verdict, check_answer, is_stub

__all__ = ["ex1", "ex2", "ex3"]


def ex1(answer: object) -> Verdict:
    """A float64 tensor holding 0, 0.25, 0.5, 0.75, 1 (hint: torch.linspace)."""
    hint = "torch.linspace(start, end, steps, dtype=...) includes both ends."
    if not is_stub(answer) and not isinstance(answer, torch.Tensor):
        print(f"ex1: expected a torch.Tensor, got {type(answer).__name__}. Hint: {hint}")
        return Verdict(False)
    if not is_stub(answer) and answer.dtype != torch.float64:
        print(f"ex1: right idea? The dtype is {answer.dtype}, expected torch.float64. Hint: {hint}")
        return Verdict(False)
    return check_answer("ex1", answer, torch.linspace(0, 1, 5, dtype=torch.float64), hint=hint)


def ex2(answer: object) -> Verdict:
    """How many elements has torch.arange(0, 1, 0.1)?"""
    return check_answer(
        "ex2",
        answer,
        float(torch.arange(0, 1, 0.1).numel()),
        hint="arange stops before `end`; count the values 0, 0.1, ... that are < 1.",
        atol=0,
        rtol=0,
    )


def ex3(answer: object) -> Verdict:
    """a = np.arange(6); t = torch.from_numpy(a); a[0] = 100. What is int(t[0])?"""
    a = np.arange(6)
    t = torch.from_numpy(a)
    a[0] = 100
    return check_answer(
        "ex3",
        answer,
        float(t[0]),
        hint="torch.from_numpy shares memory with the array; torch.tensor copies.",
        atol=0,
        rtol=0,
    )
