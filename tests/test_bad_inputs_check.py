"""helpers.check rejects bad names, values, tolerances and specs, naming the argument."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import NONNEGATIVE, Case, values

from helpers import check

NOT_NUMERIC = values(("str", "abc"), ("object", object()), ("None", None), ("dict", {"a": 1}))

CASES = [
    Case(check.compare, dict(name="x", ours=[1.0, 2.0], reference=[1.0, 2.0], atol=1e-6, rtol=0.0),
         {"name": values(("None", None), ("empty", ""), ("int", 3)),
          "ours": NOT_NUMERIC + values(("wrong shape", [1.0])),
          "reference": NOT_NUMERIC + values(("wrong shape", [1.0])),
          "atol": NONNEGATIVE, "rtol": NONNEGATIVE}),
    Case(check.max_abs_diff, dict(ours=[1.0], reference=[1.5]),
         {"ours": NOT_NUMERIC + values(("wrong shape", [1.0, 2.0])),
          "reference": NOT_NUMERIC + values(("wrong shape", [1.0, 2.0]))}),
    Case(check.bound_label, dict(diff=1e-7),
         {"diff": values(("nan", math.nan), ("-inf", -math.inf), ("-1", -1.0), ("str", "1"),
                         ("None", None), ("list", [1.0]))}),
    Case(check.measured, dict(value=0.5, spec=".2f"),
         {"value": values(("None", None), ("list", [1.0]), ("bool", True),
                          ("tensor (2,)", lambda: torch.ones(2))),
          "spec": values(("int", 3), ("None", None), ("unknown", "q"))}),
    Case(check.claim, dict(statement="it holds", holds=True),
         {"statement": values(("None", None), ("empty", ""), ("blank", "  "), ("int", 3))}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
