"""Bad inputs to helpers.layers.conv are rejected with an error that names the argument."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import (
    FINITE_TENSOR,
    FLOAT_TENSOR,
    NONNEGATIVE_INT,
    POSITIVE_INT,
    Case,
    fresh,
    values,
)

from helpers.layers import conv

#: an int >= 1 where None means "the default" (a pooling stride)
OPTIONAL_POSITIVE_INT = [b for b in POSITIVE_INT if b.label != "None"]
#: an optional tensor (a bias): every bad tensor but None
OPTIONAL_FINITE_TENSOR = [b for b in FINITE_TENSOR if b.label != "None"]
AN_INT = values(("2.5", 2.5), ("True", True), ("str", "1"), ("None", None), ("nan", math.nan))


def image(*shape):
    return fresh(lambda: torch.randn(*shape))


def nan(*shape):
    """A NaN tensor of a shape the helper accepts (the shared NaN value is 1-D)."""
    return values(("nan of the right shape", lambda: torch.full(shape, float("nan"))))


CASES = [
    Case(
        conv.conv_output_size,
        dict(W=8, F=3, P=1, S=1, D=1),
        {
            "W": POSITIVE_INT,
            "F": POSITIVE_INT + values(("F > W + 2P", 11)),
            "P": NONNEGATIVE_INT,
            "S": POSITIVE_INT,
            "D": POSITIVE_INT + values(("span > W + 2P", 5)),
        },
    ),
    Case(
        conv.pool_output_size,
        dict(W=8, F=3, P=1, S=2, D=1, ceil_mode=True),
        {
            "W": POSITIVE_INT,
            "F": POSITIVE_INT + values(("no window fits", 13)),
            "P": NONNEGATIVE_INT + values(("P > F // 2", 2)),
            "S": OPTIONAL_POSITIVE_INT,
            "D": POSITIVE_INT,
            "ceil_mode": values(("None", None), ("1", 1), ("str", "yes")),
        },
    ),
    Case(
        conv.pad2d,
        dict(x=image(2, 3), P=1, value=0.0),
        {
            "x": FLOAT_TENSOR + values(("1-D", lambda: torch.ones(3))),
            "P": NONNEGATIVE_INT,
            "value": values(("nan", math.nan), ("str", "0"), ("None", None), ("True", True)),
        },
    ),
    Case(
        conv.conv2d,
        dict(x=image(1, 2, 6, 6), weight=image(3, 2, 3, 3), bias=image(3), stride=1, padding=0),
        {
            "x": FINITE_TENSOR + nan(1, 2, 6, 6) + values(("2-D", lambda: torch.ones(6, 6))),
            "weight": FINITE_TENSOR
            + nan(3, 2, 3, 3)
            + values(
                ("3-D", lambda: torch.ones(3, 3, 3)),
                ("channel mismatch", lambda: torch.ones(3, 1, 3, 3)),
            ),
            "bias": OPTIONAL_FINITE_TENSOR
            + nan(3)
            + values(("wrong shape", lambda: torch.ones(2))),
            "stride": POSITIVE_INT,
            "padding": NONNEGATIVE_INT,
        },
    ),
    Case(
        conv.flip_kernel,
        dict(weight=image(2, 3, 3)),
        {"weight": FLOAT_TENSOR + values(("1-D", lambda: torch.ones(3)))},
    ),
    Case(
        conv.window,
        dict(x=image(2, 7, 7), i=1, j=2, F=3, stride=2, padding=1),
        {
            "x": FINITE_TENSOR + nan(2, 7, 7) + values(("4-D", lambda: torch.ones(1, 2, 7, 7))),
            "i": NONNEGATIVE_INT + values(("outside", 4)),
            "j": NONNEGATIVE_INT + values(("outside", 4)),
            "F": POSITIVE_INT,
            "stride": POSITIVE_INT,
            "padding": NONNEGATIVE_INT,
        },
    ),
    *(
        Case(
            pool,
            dict(x=image(2, 3, 8, 8), kernel_size=3, stride=2, padding=1),
            {
                "x": FINITE_TENSOR + nan(3, 8, 8) + values(("2-D", lambda: torch.ones(8, 8))),
                "kernel_size": POSITIVE_INT,
                "stride": OPTIONAL_POSITIVE_INT,
                "padding": NONNEGATIVE_INT + values(("over half the window", 2)),
            },
        )
        for pool in (conv.max_pool2d, conv.avg_pool2d)
    ),
    # the window too large for the input: the message speaks of the kernel's size
    Case(
        conv.conv2d,
        dict(x=image(1, 2, 6, 6), weight=image(3, 2, 3, 3)),
        {"weight": values(("larger than the input", lambda: torch.ones(3, 2, 9, 9)))},
        names={"weight": "kernel height 9"},
        id="conv2d-too-large",
    ),
    *(
        Case(
            pool,
            dict(x=image(2, 3, 8, 8), kernel_size=3),
            {"kernel_size": values(("larger than the input", 11))},
            names={"kernel_size": "kernel size F=11"},
            id=f"{pool.__name__}-too-large",
        )
        for pool in (conv.max_pool2d, conv.avg_pool2d)
    ),
    Case(
        conv.shift2d,
        dict(x=image(1, 4, 4), dy=1, dx=-1),
        {
            "x": values(
                ("list", [[1.0]]),
                ("None", None),
                ("empty", torch.empty(0, 0)),
                ("1-D", torch.ones(3)),
            ),
            "dy": AN_INT,
            "dx": AN_INT,
        },
    ),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
