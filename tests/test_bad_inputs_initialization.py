"""helpers.initialization rejects bad values with an error naming the argument (partial:
the formulas, spec/init_, the statistics and the deep-MLP builders)."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import FINITE, FLOAT_TENSOR, NONNEGATIVE, POSITIVE, POSITIVE_INT, Case, fresh, values

from helpers import initialization as init

ACT = values(("gelu", "gelu"), ("None", None))
SAMPLE = values(
    ("None", None),
    ("str", "12"),
    ("one value", [1.0]),
    ("nan", lambda: torch.tensor([1.0, float("nan")])),
)

CASES = [
    Case(init.kaiming_std, dict(fan_in=16, a=0.0), {"fan_in": POSITIVE_INT, "a": FINITE}),
    Case(init.kaiming_bound, dict(fan_in=16, a=0.0), {"fan_in": POSITIVE_INT, "a": FINITE}),
    Case(init.xavier_std, dict(fan_in=16, fan_out=8, gain=1.0),
         {"fan_in": POSITIVE_INT, "fan_out": POSITIVE_INT, "gain": FINITE}),
    Case(init.xavier_bound, dict(fan_in=16, fan_out=8, gain=1.0),
         {"fan_in": POSITIVE_INT, "fan_out": POSITIVE_INT, "gain": FINITE}),
    Case(init.uniform_std, dict(a=0.0, b=1.0), {"a": FINITE, "b": FINITE + values(("-1", -1.0))}),
    Case(init.calculate_gain, dict(nonlinearity="leaky_relu", param=0.1),
         {"nonlinearity": ACT, "param": [b for b in FINITE if b.label != "None"]}),
    Case(init.spec, dict(scheme="kaiming_normal", shape=(8, 4)),
         {"scheme": values(("he", "he"), ("None", None)),
          "shape": values(("1-D", (3,)), ("float", (2, 2.5)), ("str", "8x4"))}),
    Case(init.init_, dict(tensor=fresh(lambda: torch.empty(4, 3)), scheme="xavier_normal"),
         {"tensor": FLOAT_TENSOR[:3], "scheme": values(("he", "he"))}),
    Case(init.torch_init_, dict(tensor=fresh(lambda: torch.empty(4, 3)), scheme="xavier_normal"),
         {"tensor": FLOAT_TENSOR[:3], "scheme": values(("he", "he"))}),
    Case(init.mean_standard_error, dict(values=[1.0, 2.0, 4.0]), {"values": SAMPLE}),
    Case(init.std_standard_error, dict(values=[1.0, 2.0, 4.0]), {"values": SAMPLE}),
    Case(init.compare_statistic, dict(name="x", measured=1.0, expected=1.0, se=0.1, k=4.0),
         {"expected": FINITE, "se": NONNEGATIVE, "k": POSITIVE}),
    Case(init.build_mlp, dict(depth=3, width=8, activation="relu", gain=1.0, seed=0),
         {"depth": POSITIVE_INT, "width": POSITIVE_INT, "activation": ACT, "gain": FINITE,
          "seed": values(("-1", -1))}),
    Case(init.mlp_statistics, dict(scheme="kaiming_normal", activation="tanh", depth=3, width=8,
                                   batch=4),
         {"activation": ACT, "depth": POSITIVE_INT, "width": POSITIVE_INT,
          "batch": POSITIVE_INT}),
    Case(init.kaiming_derivation, dict(fan_in=8, batch=4, repeats=2),
         {"fan_in": POSITIVE_INT, "batch": POSITIVE_INT, "repeats": POSITIVE_INT + values(("1", 1))}),
    Case(init.distinct_rows, dict(weight=fresh(lambda: torch.ones(3, 2)), atol=0.0),
         {"weight": values(("None", None), ("1-D", lambda: torch.ones(3))), "atol": NONNEGATIVE}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
