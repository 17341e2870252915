"""Bad inputs to helpers.cnn are rejected with an error that names the argument."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import FINITE_TENSOR, POSITIVE_INT, Case, fresh, values
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers import cnn

MODEL = values(("None", None), ("str", "model"), ("list", [nn.Linear(2, 2)]))
LABELS = values(
    ("list", [0, 1]),
    ("None", None),
    ("float tensor", lambda: torch.zeros(4)),
    ("2-D", lambda: torch.zeros(4, 1, dtype=torch.long)),
    ("empty", lambda: torch.zeros(0, dtype=torch.long)),
)


def digits_loader():
    return DataLoader(TensorDataset(torch.randn(6, 1, 8, 8), torch.arange(6) % 3), batch_size=4)


def nan(*shape):
    """A NaN tensor of a shape the helper accepts (the shared NaN value is 1-D)."""
    return values(("nan of the right shape", lambda: torch.full(shape, float("nan"))))


CASES = [
    Case(
        cnn.conv_block,
        dict(c_in=1, c_out=4, kernel_size=3, pool=2),
        {
            "c_in": POSITIVE_INT,
            "c_out": POSITIVE_INT,
            "kernel_size": POSITIVE_INT + values(("even", 2)),
            "pool": POSITIVE_INT,
        },
    ),
    Case(
        cnn.DigitCNN,
        dict(channels=(4, 8), n_classes=10, size=8),
        {
            "channels": values(
                ("empty", ()),
                ("str", "16"),
                ("None", None),
                ("0 channels", (4, 0)),
                ("2.5 channels", (4, 2.5)),
                ("True", (True, 4)),
            ),
            "n_classes": POSITIVE_INT + values(("1", 1)),
            "size": POSITIVE_INT + values(("not divisible by 4", 6)),
        },
    ),
    Case(
        cnn.MLP,
        dict(n_in=64, hidden=8, n_classes=10),
        {"n_in": POSITIVE_INT, "hidden": POSITIVE_INT, "n_classes": POSITIVE_INT},
    ),
    Case(cnn.count_parameters, dict(model=nn.Linear(2, 3)), {"model": MODEL}),
    Case(
        cnn.conv_vs_dense_parameters,
        dict(C=1, H=8, W=8, K=4, F=3),
        {k: POSITIVE_INT for k in "CHWKF"},
    ),
    Case(
        cnn.predict,
        dict(model=fresh(lambda: cnn.DigitCNN((2, 2))), loader=fresh(digits_loader), device="cpu"),
        {
            "model": MODEL,
            "loader": values(("None", None), ("int", 3), ("empty", [])),
            "device": values(("unknown", "gpu7"), ("list", [0])),
        },
    ),
    Case(
        cnn.hardest,
        dict(
            model=fresh(lambda: cnn.DigitCNN((2, 2))),
            x=fresh(lambda: torch.randn(4, 1, 8, 8)),
            y=fresh(lambda: torch.tensor([0, 1, 2, 3])),
            pred=fresh(lambda: torch.tensor([0, 1, 1, 3])),
            k=2,
            device="cpu",
        ),
        {
            "model": MODEL,
            "x": FINITE_TENSOR + nan(4, 1, 8, 8),
            "y": LABELS,
            "pred": LABELS + values(("other length", lambda: torch.tensor([0, 1]))),
            "k": POSITIVE_INT + values(("more than the samples", 5)),
            "device": values(("unknown", "gpu7")),
        },
    ),
    Case(
        cnn.confusion_counts,
        dict(
            y_true=fresh(lambda: torch.tensor([0, 1, 2])),
            y_pred=fresh(lambda: torch.tensor([0, 2, 2])),
            n_classes=3,
        ),
        {
            "y_true": LABELS + values(("out of range", lambda: torch.tensor([0, 1, 5]))),
            "y_pred": LABELS + values(("other length", lambda: torch.tensor([0, 1]))),
            "n_classes": POSITIVE_INT,
        },
    ),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
