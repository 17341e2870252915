"""helpers.tensors rejects bad shapes, tensors and dims, naming the argument."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import Case, values

from helpers import tensors

MATRIX = values(
    ("None", None),
    ("list", [[1.0, 2.0]]),
    ("1-D", lambda: torch.ones(3)),
    ("3-D", lambda: torch.ones(2, 3, 1)),
)
SHAPE_ENTRIES = values(("negative", (-1, 2)), ("float", (2.5,)), ("bool", (True,)), ("str", ("2",)))
SHAPES = values(("str", "23"), ("None", None), ("int", 3), ("tensor", lambda: torch.ones(2)))

CASES = [
    Case(tensors.broadcast_shape, dict(a=(2, 1), b=(3,)),
         {"a": SHAPE_ENTRIES, "b": SHAPE_ENTRIES}, names={"a": "a[0] must", "b": "b[0] must"},
         id="broadcast_shape entries"),
    Case(tensors.broadcast_shape, dict(a=(2, 1), b=(3,)), {"a": SHAPES, "b": SHAPES},
         names={"a": "a must", "b": "b must"}, id="broadcast_shape containers"),
    Case(tensors.matmul_loops, dict(a=torch.ones(2, 3), b=torch.ones(3, 2)),
         {"a": MATRIX, "b": MATRIX + values(("inner size", lambda: torch.ones(4, 2)))},
         names={"a": "a must", "b": "b must"}),
    Case(tensors.sum_loops, dict(x=torch.ones(2, 3), dim=0),
         {"x": MATRIX, "dim": values(("2", 2), ("-3", -3), ("str", "0"), ("None", None),
                                      ("bool", True), ("float", 0.0))},
         names={"x": "x must"}),
    Case(tensors.domain_report, dict(values=torch.tensor([1.0, math.nan])),
         {"values": values(("None", None), ("list", [1.0]))}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
