"""Self-checks for chapter 5 (loss functions). Each ``exN(answer)`` prints one line of
feedback and returns a ``Verdict``, true only for a right answer; a stub (``None``) prints
a hint. A checker never raises.
"""

from __future__ import annotations

import math

from helpers import losses
from helpers.exercises import Verdict, check_answer

__all__ = ["EX1_P", "EX1_TARGET", "EX2_ERRORS", "EX2_DELTA", "EX3_SETTINGS", "ex1", "ex2", "ex3"]

#: exercise 1: predicted probabilities (3 samples, 3 classes) and the true classes
EX1_P = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]
EX1_TARGET = [0, 1, 2]

#: exercise 2: errors e = y_hat - y and Huber's delta
EX2_ERRORS = [-5.0, 0.5, 3.0]
EX2_DELTA = 2.0

#: exercise 3: the outlier experiment (helpers.losses.line_with_outliers arguments) and delta
EX3_SETTINGS = {"n_outliers": 6, "magnitude": 20.0}


def ex1(answer: object) -> Verdict:
    """The mean multiclass cross-entropy of ``EX1_P`` against ``EX1_TARGET``."""
    expected = -sum(math.log(row[t]) for row, t in zip(EX1_P, EX1_TARGET, strict=True)) / len(EX1_P)
    return check_answer(
        "Exercise 1 (mean cross-entropy)",
        answer,
        expected,
        hint="only the true class's probability counts: average -log p[n, target[n]] over the "
        "3 samples (the mean, not the sum), e.g. losses.cross_entropy_simplified(..., "
        "reduction='mean').",
        atol=1e-4,
        rtol=0.0,
    )


def ex2(answer: object) -> Verdict:
    """The Huber gradients dL/dy_hat (reduction 'sum', delta = 2) at ``EX2_ERRORS``."""
    expected = [max(-EX2_DELTA, min(EX2_DELTA, e)) for e in EX2_ERRORS]
    return check_answer(
        "Exercise 2 (Huber gradient)",
        answer,
        expected,
        hint="inside |e| <= delta the gradient is e itself; outside it is delta times the sign "
        "of e. Or let autograd do it: losses.grad_wrt_prediction(losses.huber, e, "
        "torch.zeros(3), delta=2.0, reduction='sum'). Answer with 3 numbers.",
        atol=1e-6,
        rtol=0.0,
    )


def ex3(answer: object) -> Verdict:
    """The L1 slope minus the L2 slope on ``line_with_outliers(**EX3_SETTINGS)``."""
    x, y, _ = losses.line_with_outliers(**EX3_SETTINGS)
    expected = losses.fit_line(x, y, loss="l1").slope - losses.fit_line(x, y, loss="l2").slope
    return check_answer(
        "Exercise 3 (L1 slope - L2 slope)",
        answer,
        expected,
        hint="x, y, is_outlier = losses.line_with_outliers(**ch05.EX3_SETTINGS); fit twice with "
        "losses.fit_line(x, y, loss='l1') and loss='l2', then subtract the .slope values "
        "(L1 minus L2: a negative number).",
        atol=1e-3,
        rtol=0.0,
    )
