"""helpers.runtime rejects bad seeds and device names, naming the argument."""

from __future__ import annotations

import badinput
import pytest
from badinput import NONNEGATIVE_INT, Case, values

from helpers import runtime

CASES = [
    Case(runtime.seed_everything, dict(seed=0),
         {"seed": NONNEGATIVE_INT + values(("2**32", 2**32))}),
    Case(runtime.device, dict(prefer="cpu"),
         {"prefer": values(("unknown", "tpu"), ("int", 1), ("bool", True))}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
