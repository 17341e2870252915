"""Bad inputs to helpers.layers.regularization are rejected with an error naming the argument."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import (
    FINITE_TENSOR,
    FRACTION,
    FRACTION_BELOW_1,
    POSITIVE,
    POSITIVE_INT,
    Case,
    fresh,
    values,
)

from helpers.layers import regularization as reg

P = FRACTION_BELOW_1 + values(("True", True))
OPTIONAL_FINITE_TENSOR = [b for b in FINITE_TENSOR if b.label != "None"]
A_BOOL = values(("None", None), ("1", 1), ("str", "yes"))
GENERATOR = values(("int", 3), ("str", "seed"))


def batch(*shape):
    return fresh(lambda: torch.randn(*shape))


def dropout_layer(p=0.5, x=None):
    return reg.Dropout(p)(x)


def batchnorm1d_forward(input):
    return reg.BatchNorm1d(3)(input)


def batchnorm2d_forward(input):
    return reg.BatchNorm2d(3)(input)


ONE_SAMPLE = values(("one value per channel", lambda: torch.randn(1, 3)))


def nan(*shape):
    """A NaN tensor of a shape the helper accepts (the shared NaN value is 1-D)."""
    return values(("nan of the right shape", lambda: torch.full(shape, float("nan"))))


CASES = [
    Case(reg.check_p, dict(p=0.5), {"p": P}),
    Case(
        reg.dropout_mask,
        dict(like=batch(2, 3), p=0.5, generator=torch.Generator()),
        {"like": FINITE_TENSOR[:4], "p": P, "generator": GENERATOR},
    ),
    Case(
        reg.dropout,
        dict(
            x=batch(2, 3),
            p=0.5,
            training=True,
            generator=None,
            mask=fresh(lambda: torch.ones(2, 3)),
        ),
        {
            "x": FINITE_TENSOR + nan(2, 3),
            "p": P,
            "training": A_BOOL,
            "generator": GENERATOR,
            "mask": values(
                ("list", [[1.0]]),
                ("wrong shape", lambda: torch.ones(3)),
                ("not 0/1", lambda: torch.full((2, 3), 0.5)),
                ("nan", lambda: torch.full((2, 3), float("nan"))),
            ),
        },
    ),
    Case(reg.Dropout, dict(p=0.5, generator=None), {"p": P, "generator": GENERATOR}),
    Case(dropout_layer, dict(p=0.5, x=batch(2, 3)), {"x": FINITE_TENSOR}),
    Case(
        reg.batch_stats,
        dict(z=batch(4, 3)),
        {"z": FINITE_TENSOR + nan(4, 3) + values(("1-D", lambda: torch.ones(3)))},
    ),
    Case(
        reg.batch_norm,
        dict(z=batch(4, 3), gamma=fresh(lambda: torch.ones(3)), beta=batch(3), eps=1e-5),
        {
            "z": FINITE_TENSOR + nan(4, 3) + values(("1-D", lambda: torch.ones(3))) + ONE_SAMPLE,
            "gamma": OPTIONAL_FINITE_TENSOR + values(("wrong shape", lambda: torch.ones(4))),
            "beta": OPTIONAL_FINITE_TENSOR + values(("wrong shape", lambda: torch.ones(4))),
            "eps": POSITIVE,
        },
        id="batch_norm-batch-statistics",
    ),
    Case(
        reg.batch_norm,
        dict(z=batch(1, 3), mean=batch(3), var=fresh(lambda: torch.ones(3))),
        {
            "mean": OPTIONAL_FINITE_TENSOR + values(("wrong shape", lambda: torch.ones(4))),
            "var": OPTIONAL_FINITE_TENSOR
            + values(("wrong shape", lambda: torch.ones(4)), ("negative", lambda: -torch.ones(3))),
        },
        id="batch_norm-running-statistics",
    ),
    *(
        Case(
            cls,
            dict(num_features=3, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True),
            {
                "num_features": POSITIVE_INT,
                "eps": POSITIVE,
                "momentum": [b for b in FRACTION if b.label != "None"],
                "affine": A_BOOL,
                "track_running_stats": A_BOOL,
            },
        )
        for cls in (reg.BatchNorm1d, reg.BatchNorm2d)
    ),
    Case(
        batchnorm1d_forward,
        dict(input=batch(4, 3)),
        {
            "input": FINITE_TENSOR
            + nan(4, 3)
            + values(("5 channels", lambda: torch.ones(4, 5)))
            + ONE_SAMPLE
        },
    ),
    Case(
        batchnorm2d_forward,
        dict(input=batch(2, 3, 4, 4)),
        {
            "input": FINITE_TENSOR
            + values(
                ("2-D", lambda: torch.ones(4, 3)),
                ("one value per channel", lambda: torch.ones(1, 3, 1, 1)),
            )
        },
    ),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


def test_batch_norm_of_one_sample_raises_like_torch():
    """The bug of issue 23: batch statistics of m = 1 value per channel gave all zeros."""
    z = torch.randn(1, 3)
    with pytest.raises(ValueError):  # torch: "Expected more than 1 value per channel"
        torch.nn.functional.batch_norm(z, None, None, training=True)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        reg.batch_norm(z)
    mu, var = reg.batch_stats(z)  # the statistics themselves are defined: mu = z, var = 0
    y = reg.batch_norm(z, torch.ones(3), torch.arange(3.0), mean=mu, var=var)
    torch.testing.assert_close(y, torch.arange(3.0)[None])  # the formula: y = beta
