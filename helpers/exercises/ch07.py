"""Self-check exercises of chapter 7 (learning-rate schedules).

Each ``exN(answer)`` prints one line of feedback and returns a ``Verdict``, true only for
a right answer; it never raises. The expected values are written out here (and verified against
``torch.optim.lr_scheduler`` in tests/test_schedules.py), not computed with the helpers
the learner may use.
"""

from __future__ import annotations

from helpers.exercises import Verdict, check_answer, is_stub

__all__ = ["EX3_METRICS", "ex1", "ex2", "ex3", "ex4"]

#: the validation losses of exercise 3, one per epoch (epoch 1 first)
EX3_METRICS = (
    1.00,
    0.80,
    0.70,
    0.71,
    0.695,
    0.70,
    0.72,
    0.69,
    0.70,
    0.71,
    0.68,
    0.685,
    0.69,
    0.684,
)


def ex1(answer: object) -> Verdict:
    """StepLR(lr=0.1, step_size=10, gamma=0.5): the rate at step t = 35."""
    return check_answer(
        "ex1 (step decay at t = 35)",
        answer,
        0.0125,
        hint="eta_t = eta_0 * gamma ** (t // step_size): how many whole periods of 10 fit in 35?",
        atol=1e-12,
        rtol=1e-9,
    )


def ex2(answer: object) -> Verdict:
    """The gamma with which ExponentialLR reaches 1 % of its start after exactly 50 steps."""
    return check_answer(
        "ex2 (gamma for 1 % after 50 steps)",
        answer,
        0.01 ** (1 / 50),  # 0.912010839...
        hint="solve eta_0 * gamma ** 50 = eta_0 / 100 for gamma (a 50th root).",
        atol=0.0,
        rtol=1e-6,
    )


def ex3(answer: object) -> Verdict:
    """ReduceLROnPlateau(patience=2, factor=0.5, threshold=0.01, 'rel') on EX3_METRICS:
    the epochs (1-based) after which it cuts the rate, as a list of ints."""
    hint = (
        "an epoch improves only if its loss < best * (1 - 0.01); count the bad epochs "
        "since the last improvement and cut when the count exceeds 2 (then restart it)."
    )
    if not is_stub(answer):
        try:
            got = [int(v) for v in answer]  # type: ignore[union-attr]
        except Exception:  # a learner's answer may be anything: never let it raise here
            got = None
        if got == [14]:
            print(
                "ex3: not quite: that is what a threshold of 0 gives. With threshold=0.01, "
                "is 0.695 after epoch 5 a real improvement on 0.70?"
            )
            return Verdict(False)
    return check_answer("ex3 (plateau cuts)", answer, [6, 14], hint=hint, atol=0.0, rtol=0.0)


def ex4(answer: object) -> Verdict:
    """CosineAnnealingLR(lr=0.1, T_max=20, eta_min=0.001): the rate at step t = 30."""
    if not is_stub(answer):
        try:
            value = float(answer)  # type: ignore[arg-type]
        except Exception:  # a learner's answer may be anything: never let it raise here
            value = None
        if value is not None and abs(value - 0.001) < 1e-9:
            print(
                "ex4: not quite: PyTorch does not stop at eta_min after T_max. "
                "Evaluate the formula at t = 30 anyway."
            )
            return Verdict(False)
    return check_answer(
        "ex4 (cosine past T_max)",
        answer,
        0.0505,
        hint="use the closed form with t = 30 > T_max: cos(pi * 30 / 20) = cos(3 pi / 2) = 0.",
        atol=1e-12,
        rtol=1e-9,
    )
