"""helpers.losses rejects bad values with an error naming the argument.

Losses take tensors, arrays or sequences of numbers (ints become floats), so their bad
values are the non-numbers, NaN and mismatched shapes."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import FINITE, NONNEGATIVE, POSITIVE, POSITIVE_INT, Case, fresh, values

from helpers import losses

NOT_NUMBERS = values(
    ("None", None),
    ("str", "1"),
    ("dict", lambda: {"a": 1.0}),
    ("nan tensor", lambda: torch.tensor([0.5, math.nan])),
)
#: a truth of another shape than the prediction's (3 entries in the regression cases)
PAIR_OF_3 = NOT_NUMBERS + values(("wrong shape", lambda: torch.ones(4)))
REDUCTION = values(("avg", "avg"), ("None", None), ("upper", "MEAN"))


def _p():
    return torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])


def _t():
    return torch.tensor([0, 1])


PAIR = NOT_NUMBERS + values(("wrong shape", lambda: torch.ones(3)))
PROBS = NOT_NUMBERS + values(
    ("above 1", lambda: torch.tensor([[1.5, -0.5, 0.0]] * 2)),
    ("3-D", lambda: torch.full((2, 3, 1), 0.3)),
)
TARGET = values(
    ("float", lambda: torch.tensor([0.0, 1.0])),
    ("out of range", lambda: torch.tensor([0, 3])),
    ("wrong length", lambda: torch.tensor([0])),
    ("None", None),
)

CASES = [
    Case(losses.softmax, dict(z=fresh(_p)), {"z": NOT_NUMBERS}),
    Case(losses.log_softmax, dict(z=fresh(_p)), {"z": NOT_NUMBERS}),
    Case(losses.cross_entropy, dict(p=fresh(_p), y=fresh(lambda: torch.eye(3)[:2]), reduction="mean"),
         {"p": PROBS, "y": PAIR, "reduction": REDUCTION}),
    Case(losses.cross_entropy_simplified, dict(p=fresh(_p), target=fresh(_t), reduction="sum"),
         {"p": PROBS, "target": TARGET, "reduction": REDUCTION}),
    Case(losses.cross_entropy_logits, dict(z=fresh(_p), target=fresh(_t), reduction="mean"),
         {"z": NOT_NUMBERS, "target": TARGET, "reduction": REDUCTION}),
    Case(losses.cross_entropy_logits_grad, dict(z=fresh(_p), target=fresh(_t), reduction="mean"),
         {"z": NOT_NUMBERS, "target": TARGET, "reduction": REDUCTION}),
    Case(losses.binary_cross_entropy,
         dict(p=fresh(lambda: torch.tensor([0.2, 0.9])), y=fresh(lambda: torch.tensor([0.0, 1.0])),
              reduction="mean", log_clamp=-100.0),
         {"p": NOT_NUMBERS + values(("above 1", lambda: torch.tensor([1.2, 0.5]))),
          "y": PAIR, "reduction": REDUCTION,
          "log_clamp": values(("5", 5.0), ("nan", math.nan), ("str", "-100"))}),
    Case(losses.binary_cross_entropy_logits,
         dict(z=fresh(lambda: torch.tensor([0.2, -3.0])), y=fresh(lambda: torch.tensor([0.0, 1.0])),
              reduction="mean"),
         {"z": NOT_NUMBERS, "y": PAIR + values(("2", lambda: torch.tensor([2.0, 0.0]))),
          "reduction": REDUCTION}),
] + [
    Case(fn, dict(y_hat=fresh(lambda: torch.tensor([1.0, 2.0, 3.0])),
                  y=fresh(lambda: torch.tensor([1.5, 2.0, 0.0])), reduction="mean"),
         {"y_hat": NOT_NUMBERS, "y": PAIR_OF_3, "reduction": REDUCTION})
    for fn in (losses.mae, losses.mse)
] + [
    Case(losses.huber, dict(y_hat=fresh(lambda: torch.ones(3)), y=fresh(lambda: torch.zeros(3)), delta=1.0),
         {"y_hat": NOT_NUMBERS, "y": PAIR_OF_3, "delta": POSITIVE}),
    Case(losses.smooth_l1, dict(y_hat=fresh(lambda: torch.ones(3)), y=fresh(lambda: torch.zeros(3)), beta=1.0),
         {"y_hat": NOT_NUMBERS, "y": PAIR_OF_3, "beta": NONNEGATIVE}),
    Case(losses.grad_wrt_prediction,
         dict(loss_fn=losses.mse, y_hat=fresh(lambda: torch.ones(3)), y=fresh(lambda: torch.zeros(3))),
         {"loss_fn": values(("None", None), ("str", "mse")), "y_hat": NOT_NUMBERS, "y": PAIR_OF_3}),
    Case(losses.curve, dict(name="huber", e=fresh(lambda: torch.linspace(-2, 2, 5)), delta=1.0),
         {"name": values(("l3", "l3"), ("None", None)), "e": NOT_NUMBERS, "delta": POSITIVE}),
    Case(losses.fit_line, dict(x=[0.0, 1.0, 2.0], y=[0.0, 1.0, 2.5], loss="huber", delta=1.0,
                               max_iter=10, tol=1e-10),
         {"x": NOT_NUMBERS + values(("2-D", [[0.0, 1.0]]), ("inf", [0.0, math.inf, 2.0])),
          "y": NOT_NUMBERS + values(("short", [0.0, 1.0])),
          "loss": values(("l3", "l3")), "delta": POSITIVE, "max_iter": POSITIVE_INT,
          "tol": NONNEGATIVE}),
    Case(losses.line_loss, dict(x=[0.0, 1.0, 2.0], y=[0.0, 1.0, 2.5], slope=1.0, intercept=0.0,
                                loss="l2", delta=1.0),
         {"x": NOT_NUMBERS, "y": NOT_NUMBERS, "slope": FINITE, "intercept": FINITE,
          "loss": values(("l3", "l3")), "delta": POSITIVE}),
    Case(losses.line_with_outliers, dict(n=10, slope=2.0, intercept=1.0, noise=1.0,
                                         n_outliers=2, magnitude=25.0, seed=0),
         {"n": POSITIVE_INT + values(("3", 3)), "slope": FINITE, "intercept": FINITE,
          "noise": NONNEGATIVE, "n_outliers": values(("6", 6), ("-1", -1), ("2.5", 2.5)),
          "magnitude": FINITE, "seed": values(("-1", -1), ("str", "0"))}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


def test_every_public_function_is_covered():
    covered = {c.fn for c in CASES}
    public = {getattr(losses, n) for n in losses.__all__ if callable(getattr(losses, n))}
    assert public - covered - {losses.LineFit} == set()
