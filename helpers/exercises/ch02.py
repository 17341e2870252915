"""Self-check exercises of chapter 2 (tensor operations)."""

from __future__ import annotations

import torch

from helpers.exercises import Verdict, check_answer
from helpers.tensors import broadcast_shape

__all__ = ["ex1", "ex2", "ex3"]


def ex1(answer: object) -> Verdict:
    """The shape of torch.zeros(2, 1, 3) + torch.zeros(4, 1), as a tuple."""
    return check_answer(
        "ex1",
        answer,
        broadcast_shape((2, 1, 3), (4, 1)),
        hint="align the shapes on the right, pad with 1s, take the larger size where one is 1.",
    )


def ex2(answer: object) -> Verdict:
    """x = torch.arange(6.).reshape(2, 3): the column sums, x.sum(dim=0), as a tensor."""
    x = torch.arange(6.0).reshape(2, 3)
    return check_answer(
        "ex2",
        answer,
        x.sum(dim=0),
        hint="dim=0 is the dimension that disappears: you add the rows together.",
    )


def ex3(answer: object) -> Verdict:
    """The largest float32 x for which torch.exp(x) is finite, to 2 decimals."""
    largest = float(torch.log(torch.tensor(torch.finfo(torch.float32).max)))
    return check_answer(
        "ex3",
        answer,
        round(largest, 2),
        hint="exp(x) overflows when it passes torch.finfo(torch.float32).max; invert with log.",
        atol=0.006,
        rtol=0,
    )
