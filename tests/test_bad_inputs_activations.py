"""helpers.activations rejects bad values with an error naming the argument.

The element-wise functions take a tensor, a number or a sequence of numbers (an int input
becomes a float one), so their bad values are the non-numbers and NaN."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import FRACTION, POSITIVE, POSITIVE_INT, Case, fresh, values
from torch import nn

from helpers import activations as act

NOT_NUMBERS = values(
    ("None", None),
    ("str", "1"),
    ("bool", True),
    ("dict", lambda: {"x": 1.0}),
    ("nan tensor", lambda: torch.tensor([1.0, math.nan])),
    ("nan", math.nan),
    ("complex tensor", lambda: torch.tensor([1 + 2j])),
)
NAME = values(("gelu", "gelu"), ("None", None), ("int", 1), ("upper", "ReLU"))
DIM = values(("2.0", 2.0), ("out of range", 5), ("-4", -4), ("True", True), ("None", None))
#: an element-wise map is defined on an empty tensor too (it returns an empty one)
ELEMENTWISE_TENSOR = [b for b in badinput.FLOAT_TENSOR if b.label != "empty"]
SCORES = NOT_NUMBERS + values(("0-d", lambda: torch.tensor(1.0)))


def _vec():
    return torch.linspace(-3, 3, 7)


def _mlp():
    return act.make_mlp([3, 4, 2], "relu")


ELEMENTWISE = [
    act.sigmoid,
    act.sigmoid_naive,
    act.sigmoid_derivative,
    act.tanh,
    act.tanh_naive,
    act.tanh_derivative,
    act.relu,
    act.identity,
    act.identity_derivative,
]

CASES = [Case(f, dict(x=fresh(_vec)), {"x": NOT_NUMBERS}) for f in ELEMENTWISE] + [
    Case(act.relu_derivative, dict(x=fresh(_vec), at_zero=0.0),
         {"x": NOT_NUMBERS, "at_zero": FRACTION}),
    Case(act.as_tensor, dict(x=1.0), {"x": NOT_NUMBERS}),
    Case(act.softmax, dict(z=fresh(_vec), dim=-1, temperature=1.0),
         {"z": SCORES, "dim": DIM, "temperature": POSITIVE}),
    Case(act.softmax_naive, dict(z=fresh(_vec), dim=-1, temperature=1.0),
         {"z": SCORES, "dim": DIM, "temperature": POSITIVE}),
    Case(act.log_softmax, dict(z=fresh(_vec), dim=-1), {"z": SCORES, "dim": DIM}),
    Case(act.softmax_jacobian, dict(z=fresh(_vec)),
         {"z": SCORES + values(("2-D", lambda: torch.ones(2, 2)), ("empty", torch.empty(0)))}),
    Case(act.autograd_derivative, dict(f=torch.tanh, x=fresh(_vec)),
         {"f": values(("None", None), ("str", "tanh"), ("not element-wise", lambda: torch.sum)),
          "x": NOT_NUMBERS}),
    Case(act.activation_fn, dict(name="relu"), {"name": NAME}, names={"name": "activation"}),
    Case(act.derivative_fn, dict(name="relu"), {"name": NAME}, names={"name": "activation"}),
    Case(act.derivative_of_output_fn, dict(name="relu"), {"name": NAME},
         names={"name": "activation"}),
    Case(act.module, dict(name="identity"), {"name": NAME}, names={"name": "activation"}),
    Case(act.Activation, dict(name="tanh"), {"name": NAME}, names={"name": "activation"}),
    Case(act.module_factory, dict(activation="relu"), {"activation": NAME[:1] + NAME[2:]}),
    Case(act.name_of, dict(model=fresh(_mlp)),
         {"model": values(("None", None), ("str", "relu"), ("tensor", torch.ones(2)))}),
] + [
    Case(f, dict(a=fresh(_vec)), {"a": ELEMENTWISE_TENSOR})
    for f in (act.sigmoid_derivative_of_output, act.tanh_derivative_of_output,
              act.relu_derivative_of_output, act.identity_derivative_of_output)
] + [
    Case(act.saturated_fraction, dict(name="sigmoid", x=fresh(_vec), threshold=0.01),
         {"name": NAME + values(("identity", "identity")),
          "x": NOT_NUMBERS + values(("empty", torch.empty(0))),
          "threshold": FRACTION + values(("0", 0.0), ("1", 1.0))}),
    Case(act.make_mlp, dict(sizes=[3, 4, 2], activation="relu", init="default", seed=0),
         {"sizes": values(("too short", [3]), ("0 width", [3, 0, 2]), ("float", [3, 2.5]),
                          ("str", "32"), ("None", None)),
          "activation": NAME, "init": values(("he", "he"), ("None", None)),
          "seed": values(("-1", -1), ("2.5", 2.5), ("str", "0"))}),
    Case(act.collapse_linear, dict(first=nn.Linear(3, 4), second=nn.Linear(4, 2)),
         {"first": values(("None", None), ("ReLU", lambda: nn.ReLU())),
          "second": values(("None", None), ("mismatched", lambda: nn.Linear(5, 2)))}),
    Case(act.gradient_profile,
         dict(activation="tanh", depth=3, width=8, batch=4, init="xavier", seed=0),
         {"activation": NAME, "depth": POSITIVE_INT + values(("201", 201)),
          "width": POSITIVE_INT, "batch": POSITIVE_INT,
          "init": values(("he", "he")), "seed": values(("-1", -1), ("str", "0"))}),
    Case(act.same_sign_fraction, dict(grads=fresh(lambda: torch.randn(5, 3))),
         {"grads": NOT_NUMBERS + values(("1-D", lambda: torch.ones(3)),
                                        ("one weight", lambda: torch.ones(5, 1)),
                                        ("no rows", lambda: torch.ones(0, 3)))}),
    Case(act.sgd_path, dict(a=fresh(lambda: torch.rand(6, 2)),
                            w_true=fresh(lambda: torch.tensor([1.0, -1.0])),
                            lr=0.5, steps=3, w0=None),
         {"a": NOT_NUMBERS + values(("1-D", lambda: torch.ones(2)),
                                    ("3 features", lambda: torch.ones(6, 3))),
          "w_true": NOT_NUMBERS + values(("2-D", lambda: torch.ones(2, 1))),
          "lr": POSITIVE, "steps": POSITIVE_INT,
          "w0": values(("str", "0"), ("wrong shape", lambda: torch.zeros(3)))}),
    Case(act.preactivations, dict(model=fresh(_mlp), x=fresh(lambda: torch.randn(5, 3))),
         {"model": values(("None", None), ("no activation", lambda: nn.Linear(3, 2)),
                          ("function", lambda: torch.relu)),
          "x": badinput.FLOAT_TENSOR}),
    Case(act.dead_units, dict(z=fresh(lambda: torch.randn(5, 3))),
         {"z": NOT_NUMBERS + values(("1-D", lambda: torch.ones(3)),
                                    ("no samples", lambda: torch.ones(0, 3)))}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


def test_every_public_function_is_covered():
    covered = {c.fn for c in CASES}
    public = {getattr(act, n) for n in act.__all__ if callable(getattr(act, n))}
    exempt = {act.GradientProfile}  # a record of results, built only by gradient_profile
    assert public - covered - exempt == set()
