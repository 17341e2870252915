"""helpers.schedules rejects bad steps, rates and decay factors, naming the argument.

The bug this file pins: ``gamma < 0`` (and ``gamma > 1``, ``T_max = 0``, ...) used to reach
``torch.optim.lr_scheduler`` unchecked through ``torch_schedule``, which then returned
rates that change sign (or divide by zero).
"""

from __future__ import annotations

import math

import badinput
import numpy as np
import pytest
import torch
from badinput import (
    NONNEGATIVE,
    NONNEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    Case,
    values,
)

from helpers import schedules

STEPS = values(
    ("-1", -1),
    ("2.5", 2.5),
    ("True", True),
    ("str", "3"),
    ("None", None),
    ("float list", [0.5, 1.0]),
    ("2-D", lambda: np.zeros((2, 2), int)),
    ("negative entry", [0, -2]),
    ("dict", {"a": 1}),
)
GAMMA = POSITIVE + values(("1.5", 1.5), ("-0.5", -0.5))
MILESTONES = values(
    ("unsorted", [30, 10]),
    ("repeated", [10, 10]),
    ("negative", [-1, 5]),
    ("float", [1.5, 3]),
    ("str", "10,20"),
    ("int", 10),
    ("None", None),
)
FACTOR = POSITIVE + values(("1", 1.0), ("1.5", 1.5))
BOOL = values(("None", None), ("int", 1), ("str", "yes"))
METRICS = values(
    ("str", "ab"),
    ("None", None),
    ("number", 1.0),
    ("2-D", [[1.0, 2.0]]),
    ("list of str", ["a"]),
    ("list of None", [None]),
)
PLATEAU_ARGS = {
    "eta_0": POSITIVE,
    "mode": values(("unknown", "maximum"), ("None", None), ("int", 1)),
    "factor": FACTOR,
    "patience": NONNEGATIVE_INT,
    "threshold": NONNEGATIVE,
    "threshold_mode": values(("unknown", "relative"), ("None", None)),
    "cooldown": NONNEGATIVE_INT,
    "min_lr": NONNEGATIVE,
    "eps": NONNEGATIVE,
}
PLATEAU_GOOD = dict(
    eta_0=0.1,
    mode="min",
    factor=0.5,
    patience=2,
    threshold=1e-4,
    threshold_mode="rel",
    cooldown=0,
    min_lr=0.0,
    eps=1e-8,
)
COSINE = dict(eta_max=0.1, T_max=10, eta_min=0.001)
COSINE_ARGS = {
    "eta_max": POSITIVE,
    "T_max": POSITIVE_INT,
    "eta_min": NONNEGATIVE + values(("> eta_max", 0.2)),
}
T_NAME = {"t": "t must"}

CASES = [
    Case(schedules.step_decay, dict(t=[0, 5], eta_0=0.1, step_size=3, gamma=0.5),
         {"t": STEPS, "eta_0": POSITIVE, "step_size": POSITIVE_INT, "gamma": GAMMA},
         names=T_NAME),
    Case(schedules.multistep, dict(t=4, eta_0=0.1, milestones=[2, 5], gamma=0.5),
         {"t": STEPS, "eta_0": POSITIVE, "milestones": MILESTONES, "gamma": GAMMA},
         names=T_NAME),
    Case(schedules.exponential, dict(t=np.arange(4), eta_0=0.1, gamma=0.9),
         {"t": STEPS, "eta_0": POSITIVE, "gamma": GAMMA}, names=T_NAME),
    Case(schedules.cosine_annealing, dict(t=[0, 3], hold=False, **COSINE),
         {"t": STEPS, "hold": BOOL, **COSINE_ARGS}, names=T_NAME),
    Case(schedules.cosine_recursive, dict(n_steps=5, **COSINE),
         {"n_steps": POSITIVE_INT, **COSINE_ARGS}),
    Case(schedules.cosine_gap_bound, dict(n_steps=5, **COSINE),
         {"n_steps": POSITIVE_INT, **COSINE_ARGS}),
    Case(schedules.ReduceLROnPlateau, PLATEAU_GOOD, PLATEAU_ARGS),
    Case(schedules.ReduceLROnPlateau(0.1).step, dict(metric=0.5),
         {"metric": values(("str", "low"), ("None", None), ("list", [1.0]), ("bool", True),
                           ("tensor (2,)", lambda: torch.ones(2)))},
         id="ReduceLROnPlateau.step"),
    Case(schedules.reduce_on_plateau, dict(metrics=[1.0, 0.9, 0.95], **PLATEAU_GOOD),
         {"metrics": METRICS, **PLATEAU_ARGS}),
    Case(schedules.torch_schedule, dict(name="StepLR", n_steps=5, lr=0.1, step_size=2, gamma=0.5),
         {"name": values(("unknown", "LambdaLR"), ("None", None)), "n_steps": POSITIVE_INT,
          "lr": POSITIVE, "step_size": POSITIVE_INT, "gamma": GAMMA}, id="torch_schedule StepLR"),
    Case(schedules.torch_schedule, dict(name="MultiStepLR", n_steps=5, lr=0.1, milestones=[2]),
         {"milestones": values(("negative", [-1]), ("float", [1.5]), ("str", "2"))},
         id="torch_schedule MultiStepLR"),
    Case(schedules.torch_schedule, dict(name="ExponentialLR", n_steps=5, lr=0.1, gamma=0.9),
         {"gamma": GAMMA}, id="torch_schedule ExponentialLR"),
    Case(schedules.torch_schedule,
         dict(name="CosineAnnealingLR", n_steps=5, lr=0.1, T_max=3, eta_min=0.0),
         {"T_max": POSITIVE_INT, "eta_min": NONNEGATIVE}, id="torch_schedule CosineAnnealingLR"),
    Case(schedules.torch_plateau, dict(metrics=[1.0, 0.9], lr=0.1, factor=0.5, patience=1),
         {"metrics": METRICS, "lr": POSITIVE, "factor": FACTOR, "patience": NONNEGATIVE_INT}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR"])
def test_a_negative_gamma_never_reaches_torch(name):
    kwargs = {"StepLR": {"step_size": 2}, "MultiStepLR": {"milestones": [2]}}.get(name, {})
    with pytest.raises(ValueError, match="gamma must be a finite number > 0 and <= 1, got -0.5"):
        schedules.torch_schedule(name, 5, lr=0.1, gamma=-0.5, **kwargs)


def test_torch_schedule_refuses_an_argument_its_scheduler_does_not_take():
    with pytest.raises(TypeError, match="'T_max'"):
        schedules.torch_schedule("StepLR", 5, lr=0.1, step_size=2, T_max=3)


def test_torch_schedule_still_shows_torch_accepting_unsorted_milestones():
    """Chapter 7 shows PyTorch sorting [80, 30] and counting [30, 30] twice: allowed here."""
    theirs = schedules.torch_schedule("MultiStepLR", 100, lr=0.1, milestones=[80, 30])
    assert np.array_equal(
        theirs, schedules.torch_schedule("MultiStepLR", 100, lr=0.1, milestones=[30, 80])
    )
    twice = schedules.torch_schedule("MultiStepLR", 31, lr=0.1, milestones=[30, 30])[30]
    assert twice == pytest.approx(0.001)


def test_a_nan_metric_is_a_bad_epoch_not_an_error():
    """A diverged epoch's NaN loss never improves (as in PyTorch): accepted, counted as bad."""
    lrs, cuts = schedules.reduce_on_plateau(
        [1.0, math.nan, np.float64("nan")], eta_0=1.0, patience=0
    )
    theirs, their_cuts = schedules.torch_plateau([1.0, math.nan, math.nan], lr=1.0, patience=0)
    assert cuts == their_cuts == [2, 3] and np.array_equal(lrs, theirs)
