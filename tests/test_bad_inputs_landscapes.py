"""helpers.landscapes rejects bad points, names, steps and optimizers, naming the argument."""

from __future__ import annotations

import math

import badinput
import numpy as np
import pytest
import torch
from badinput import FRACTION_BELOW_1, NONNEGATIVE, NONNEGATIVE_INT, Case, values

from helpers import landscapes

RAVINE = landscapes.get("ravine")


def sgd(params):
    return torch.optim.SGD(params, lr=0.1)


POINTS = values(
    ("None", None),
    ("str", "ab"),
    ("number", 1.0),
    ("bool", True),
    ("dict", {"x": 1.0}),
    ("3 coordinates", [1.0, 2.0, 3.0]),
    ("ragged", [[1.0, 2.0], [3.0]]),
    ("empty", lambda: torch.empty(0)),
    ("int tensor", lambda: torch.ones(2, dtype=torch.int64)),
    ("nan", [math.nan, 0.0]),
    ("inf", [0.0, math.inf]),
)
NAMES = values(("unknown", "himmelblau"), ("None", None), ("int", 3))
STARTS = values(
    ("None", None),
    ("str", "origin"),
    ("3 coordinates", (0.0, 0.0, 0.0)),
    ("empty", lambda: np.zeros((0, 2))),
    ("3-D", lambda: np.zeros((1, 1, 2))),
    ("nan", (math.nan, 0.0)),
    ("outside the box", (9.0, 0.0)),
)
MAKERS = values(
    ("empty", {}),
    ("list", lambda: [sgd]),
    ("not callable", {"a": "adam"}),
    ("returns None", lambda: {"a": lambda p: None}),
)
MAKE = values(("str", "adam"), ("None", None), ("returns None", lambda: lambda p: None))

CASES = [
    Case(landscapes.get, dict(name="ravine"), {"name": NAMES}),
    Case(RAVINE.__call__, dict(w=[0.5, 0.5]), {"w": POINTS}, names={"w": "w must"},
         id="Landscape.__call__"),
    Case(RAVINE.grad, dict(w=[[0.5, 0.5]]), {"w": POINTS}, names={"w": "w must"},
         id="Landscape.grad"),
    Case(RAVINE.grid, dict(n=5), {"n": values(("1", 1), ("2.5", 2.5), ("True", True),
                                              ("str", "10"), ("None", None))},
         names={"n": "n must"}, id="Landscape.grid"),
    Case(landscapes.run_many,
         dict(landscape="ravine", makers={"GD": sgd}, start=(1.0, 1.0), steps=3, check_every=2),
         {"landscape": NAMES, "makers": MAKERS, "start": STARTS, "steps": NONNEGATIVE_INT,
          "check_every": NONNEGATIVE_INT}),
    Case(landscapes.run,
         dict(landscape=RAVINE, make_optimizer=sgd, start=[(1.0, 1.0), (0.0, 1.0)], steps=3),
         {"landscape": NAMES + values(("object", object())), "make_optimizer": MAKE,
          "start": STARTS, "steps": NONNEGATIVE_INT}),
    Case(landscapes.run_closed_form,
         dict(landscape="ravine", names=["GD", "Adam"], start=(1.0, 1.0), steps=3, lr_gd=0.1,
              lr_adaptive=0.1, beta1=0.9, beta2=0.99),
         {"landscape": NAMES + values(("object", object())),
          "names": values(("str", "GD"), ("unknown", ["Lion"]), ("None", None), ("int", [3])),
          "start": STARTS + values(("2 points", [(0.0, 0.0), (1.0, 1.0)])),
          "steps": NONNEGATIVE_INT, "lr_gd": NONNEGATIVE, "lr_adaptive": NONNEGATIVE,
          "beta1": FRACTION_BELOW_1, "beta2": FRACTION_BELOW_1}),
    Case(landscapes.optimizer_maker,
         dict(name="Adam", lr_gd=0.1, lr_adaptive=0.1, beta1=0.9, beta2=0.99),
         {"name": values(("unknown", "Lion"), ("None", None)), "lr_gd": NONNEGATIVE,
          "lr_adaptive": NONNEGATIVE, "beta1": FRACTION_BELOW_1, "beta2": FRACTION_BELOW_1}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


def test_trajectory_at_takes_an_int_step():
    tr = landscapes.run(RAVINE, sgd, (1.0, 1.0), 3)
    assert tr.at(np.int64(2)) == 2 and tr.at(99) == 3 and tr.at(-5) == 0
    for bad in (1.5, "2", None, True):
        with pytest.raises(ValueError, match="k must be an int"):
            tr.at(bad)
