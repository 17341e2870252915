"""Bad inputs to helpers.layers.rnn are rejected with an error that names the argument."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import (
    FINITE,
    FINITE_TENSOR,
    NONNEGATIVE,
    NONNEGATIVE_INT,
    POSITIVE_INT,
    Case,
    fresh,
    values,
)
from torch import nn

from helpers.layers import rnn

OPTIONAL_FINITE_TENSOR = [b for b in FINITE_TENSOR if b.label != "None"]
ACTIVATION = values(("gelu", "gelu"), ("None", None), ("1", 1), ("sigmoid", "sigmoid"))
A_BOOL = values(("None", None), ("1", 1), ("str", "yes"))


def t(*shape):
    return fresh(lambda: torch.randn(*shape))


def rnn_forward(x, h0=None):
    return rnn.RNN(3, 4, 2)(x, h0)


def nan(*shape):
    """A NaN tensor of a shape the helper accepts (the shared NaN value is 1-D)."""
    return values(("nan of the right shape", lambda: torch.full(shape, float("nan"))))


CASES = [
    Case(
        rnn.rnn_cell,
        dict(x_t=t(2, 3), h_prev=t(2, 4), w_xh=t(4, 3), w_hh=t(4, 4), b_h=t(4), activation="tanh"),
        {
            "x_t": FINITE_TENSOR + nan(2, 3) + values(("5 features", lambda: torch.ones(2, 5))),
            "h_prev": FINITE_TENSOR + nan(2, 4) + values(("5 units", lambda: torch.ones(2, 5))),
            "w_xh": FINITE_TENSOR + values(("1-D", lambda: torch.ones(4))),
            "w_hh": FINITE_TENSOR + nan(4, 4) + values(("not square", lambda: torch.ones(4, 3))),
            "b_h": OPTIONAL_FINITE_TENSOR + values(("wrong shape", lambda: torch.ones(3))),
            "activation": ACTIVATION,
        },
    ),
    Case(
        rnn.RNN,
        dict(
            input_size=3,
            hidden_size=4,
            num_layers=2,
            activation="relu",
            bias=True,
            batch_first=True,
        ),
        {
            "input_size": POSITIVE_INT,
            "hidden_size": POSITIVE_INT,
            "num_layers": POSITIVE_INT,
            "activation": ACTIVATION,
            "bias": A_BOOL,
            "batch_first": A_BOOL,
        },
    ),
    Case(
        rnn_forward,
        dict(x=t(5, 2, 3), h0=t(2, 2, 4)),
        {
            "x": FINITE_TENSOR
            + nan(5, 2, 3)
            + values(
                ("4-D", lambda: torch.ones(5, 2, 3, 1)),
                ("wrong features", lambda: torch.ones(5, 2, 7)),
                ("no time step", lambda: torch.ones(0, 2, 3)),
            ),
            "h0": OPTIONAL_FINITE_TENSOR + values(("wrong shape", lambda: torch.ones(1, 2, 4))),
        },
    ),
    Case(
        rnn.RNN.from_torch,
        dict(rnn=nn.RNN(2, 3)),
        {
            "rnn": values(
                ("GRU", lambda: nn.GRU(2, 3)),
                ("bidirectional", lambda: nn.RNN(2, 3, bidirectional=True)),
                ("None", None),
                ("str", "rnn"),
            )
        },
    ),
    Case(
        rnn.recurrent_weights,
        dict(hidden_size=4, scale=0.9, seed=0),
        {"hidden_size": POSITIVE_INT, "scale": NONNEGATIVE, "seed": NONNEGATIVE_INT},
    ),
    Case(
        rnn.distance_problem,
        dict(seq_len=5, scale=1.0, hidden_size=4, input_size=2, input_scale=1.0, seed=0),
        {
            "seq_len": POSITIVE_INT,
            "scale": NONNEGATIVE,
            "hidden_size": POSITIVE_INT,
            "input_size": POSITIVE_INT,
            "input_scale": NONNEGATIVE,
            "seed": NONNEGATIVE_INT,
        },
    ),
    Case(
        rnn.gradient_vs_distance,
        dict(seq_len=5, scale=1.0, activation="tanh", hidden_size=4, input_size=2, seed=0),
        {
            "seq_len": POSITIVE_INT,
            "scale": NONNEGATIVE,
            "activation": ACTIVATION,
            "hidden_size": POSITIVE_INT,
            "input_size": POSITIVE_INT,
            "seed": NONNEGATIVE_INT,
        },
    ),
    Case(
        rnn.graph_depth,
        dict(output=fresh(lambda: torch.ones(3, requires_grad=True) * 2)),
        {"output": values(("None", None), ("no graph", lambda: torch.ones(3)), ("list", [1.0]))},
    ),
    Case(
        rnn.pulse_response,
        dict(scale=0.9, steps=10, at=3, pulse=3.0, hidden_size=4, noise=0.1, seed=0),
        {
            "scale": NONNEGATIVE,
            "steps": POSITIVE_INT,
            "at": POSITIVE_INT + values(("after the last step", 11)),
            "pulse": FINITE,
            "hidden_size": POSITIVE_INT,
            "noise": NONNEGATIVE,
            "seed": NONNEGATIVE_INT,
        },
    ),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
