"""helpers.mlp.mlp rejects bad arguments with an error naming them."""

from __future__ import annotations

import badinput
import pytest
from badinput import FRACTION_BELOW_1, NONNEGATIVE, Case, values

from helpers.mlp import mlp

CASES = [
    Case(mlp, dict(sizes=[3, 4, 2], activation="relu", dropout=0.0, std=None),
         {"sizes": values(("one width", [3]), ("0", [3, 0, 2]), ("2.5", [3, 2.5]),
                          ("str", "32"), ("None", None), ("True", [3, True])),
          "activation": values(("gelu", "gelu"), ("int", 1)),
          "dropout": FRACTION_BELOW_1,
          "std": [b for b in NONNEGATIVE if b.label != "None"]}),  # None: keep the init
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
