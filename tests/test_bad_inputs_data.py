"""helpers.data rejects bad sizes, fractions, seeds, series and batches, naming the argument."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import (
    FINITE_TENSOR,
    FRACTION,
    NONNEGATIVE,
    NONNEGATIVE_INT,
    POSITIVE_INT,
    Case,
    values,
)
from torch.utils.data import TensorDataset

from helpers import data

BOOL = values(("None", None), ("int", 1), ("str", "yes"))
SEED = NONNEGATIVE_INT + values(("2**32", 2**32))
SPLIT = FRACTION + values(("0", 0.0), ("1", 1.0))
DATASET = TensorDataset(torch.arange(10.0))

CASES = [
    Case(data.digits, dict(flatten=True), {"flatten": BOOL}),
    Case(data.digits_split, dict(test_fraction=0.2, seed=0, flatten=False),
         {"test_fraction": SPLIT, "seed": SEED, "flatten": BOOL}),
    Case(data.digits_loaders, dict(batch_size=64, test_fraction=0.2, seed=0, flatten=True),
         {"batch_size": POSITIVE_INT, "test_fraction": SPLIT, "seed": SEED, "flatten": BOOL}),
    Case(data.make_loader,
         dict(dataset=DATASET, batch_size=4, shuffle=True, seed=0, drop_last=False,
              collate_fn=None),
         {"dataset": values(("None", None), ("int", 3), ("object", object())),
          "batch_size": POSITIVE_INT, "shuffle": BOOL,
          "seed": [b for b in NONNEGATIVE_INT if b.label != "None"], "drop_last": BOOL,
          "collate_fn": values(("str", "pad"), ("int", 1))}),
    Case(data.first_names, dict(which="male"),
         {"which": values(("unknown", "cats"), ("None", None), ("list", ["male"]))}),
    Case(data.sine_series,
         dict(n_steps=20, periods=(5.0, 3.0), amplitudes=(1.0, 0.5), noise=0.1, seed=0),
         {"n_steps": values(("1", 1), ("0", 0), ("2.5", 2.5), ("True", True), ("str", "10"),
                            ("None", None)),
          "periods": values(("empty", ()), ("None", None), ("str", "50"), ("number", 5.0),
                            ("0", [0.0, 1.0]), ("-1", [-1.0, 1.0]), ("nan", [math.nan, 1.0]),
                            ("str entry", [5.0, "x"])),
          "amplitudes": values(("None", None), ("nan", [math.nan, 1.0]), ("too short", [1.0]),
                               ("str", "1")),
          "noise": NONNEGATIVE, "seed": NONNEGATIVE_INT}),
    Case(data.windows, dict(series=torch.arange(10.0), length=3),
         {"series": FINITE_TENSOR + values(("2-D", lambda: torch.ones(3, 4))),
          "length": POSITIVE_INT + values(("len(series)", 10))}),
    Case(data.pad_collate, dict(batch=[(torch.tensor([1, 2]), 0), (torch.tensor([3]), 1)],
                                padding_value=0),
         {"batch": values(("empty", []), ("None", None), ("str", "ab"),
                          ("2-D sequence", lambda: [(torch.zeros(2, 2), 0)])),
          "padding_value": values(("None", None), ("1.5", 1.5), ("str", "0"), ("True", True))}),
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
