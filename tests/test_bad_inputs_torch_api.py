"""Bad inputs to helpers.torch_api are rejected with an error that names the argument."""

from __future__ import annotations

import math

import badinput
import pytest
import torch
from badinput import (
    FINITE_TENSOR,
    NONNEGATIVE,
    NONNEGATIVE_INT,
    POSITIVE_INT,
    Case,
    fresh,
    values,
)
from torch import nn
from torch.utils.data import DataLoader

from helpers import torch_api

MODEL = values(("None", None), ("str", "model"))
LOADER = values(("None", None), ("int", 3))
A_BOOL = values(("None", None), ("1", 1), ("str", "yes"))
SIZE_OR_PAIR = POSITIVE_INT + values(("3 ints", (3, 3, 3)), ("pair with 0", (3, 0)))
NAMES = [(torch_api.encode(n), y) for n, y in (("anna", 0), ("bob", 1), ("eve", 0))]


def classifier_forward(batch):
    return torch_api.NameClassifier(hidden_size=3)(batch)


def names_loader():
    return DataLoader(
        torch_api.NamesDataset(["anna", "bob", "eve"], [0, 1, 0]),
        batch_size=2,
        collate_fn=torch_api.names_collate,
    )


def nan(*shape):
    """A NaN tensor of a shape the helper accepts (the shared NaN value is 1-D)."""
    return values(("nan of the right shape", lambda: torch.full(shape, float("nan"))))


CASES = [
    Case(
        torch_api.encode,
        dict(name="anna"),
        {"name": values(("empty", ""), ("capital", "Anna"), ("None", None), ("int", 3))},
    ),
    Case(
        torch_api.decode,
        dict(ids=[1, 14, 0]),
        {
            "ids": values(
                ("None", None),
                ("str", "ab"),
                ("27", [27]),
                ("-1", [-1]),
                ("1.5", [1.5]),
                ("2-D", torch.ones(2, 2, dtype=torch.long)),
            )
        },
    ),
    Case(
        torch_api.NamesDataset,
        dict(names=["al", "bo"], labels=[0, 1]),
        {
            "names": values(
                ("str", "al"),
                ("capital", ["Al", "bo"]),
                ("empty", ["", "bo"]),
                ("other length", ["al"]),
            ),
            "labels": values(("2", [0, 2]), ("0.5", [0, 0.5]), ("True", [True, 0]), ("str", "01")),
        },
    ),
    Case(
        torch_api.padding_fraction,
        dict(lengths=[[3, 1], [2, 2]]),
        {
            "lengths": values(
                ("no batches", []),
                ("empty batch", [[]]),
                ("0", [[0]]),
                ("1.5", [[1.5]]),
                ("None", None),
                ("str", "ab"),
            )
        },
    ),
    Case(
        torch_api.median_filter3,
        dict(rows=fresh(lambda: [[1.0, 2.0], [3.0, 4.0]])),
        {
            "rows": values(
                ("None", None),
                ("str", [[1.0, "a"]]),
                ("ragged", [[1.0, 2.0], [3.0]]),
                ("nan", [[math.nan]]),
            )
        },
    ),
    Case(
        torch_api.DenoisedDigits,
        dict(size=8, noise=0.3, seed=0, n=4, latency_ms=0.0),
        {
            "size": POSITIVE_INT + values(("7", 7)),
            "noise": NONNEGATIVE,
            "seed": NONNEGATIVE_INT,
            "n": [b for b in POSITIVE_INT if b.label != "None"] + values(("too many", 10**6)),
            "latency_ms": NONNEGATIVE + values(("2000", 2000.0)),
        },
    ),
    Case(
        torch_api.time_loader,
        dict(loader=[1, 2], epochs=1, keep=None),
        {"loader": LOADER, "epochs": POSITIVE_INT, "keep": values(("str", "x"), ("dict", {}))},
    ),
    Case(
        torch_api.same_padding,
        dict(F=3, D=1),
        {"F": POSITIVE_INT, "D": POSITIVE_INT},
    ),
    Case(
        torch_api.conv2d_parameter_count,
        dict(in_channels=4, out_channels=8, kernel_size=3, groups=2, bias=True),
        {
            "in_channels": POSITIVE_INT,
            "out_channels": POSITIVE_INT,
            "kernel_size": SIZE_OR_PAIR,
            "groups": POSITIVE_INT + values(("does not divide", 3)),
            "bias": A_BOOL,
        },
    ),
    Case(
        torch_api.conv2d_shapes,
        dict(
            input_shape=(1, 4, 8, 8),
            out_channels=8,
            kernel_size=3,
            stride=1,
            padding=1,
            dilation=1,
            groups=2,
            bias=True,
        ),
        {
            "input_shape": values(
                ("3-D", (4, 8, 8)), ("0", (1, 0, 8, 8)), ("None", None), ("2.5", (1, 4, 2.5, 8))
            ),
            "out_channels": POSITIVE_INT,
            "kernel_size": SIZE_OR_PAIR,
            "stride": SIZE_OR_PAIR,
            "padding": NONNEGATIVE_INT + values(("full", "full"), ("3 ints", (1, 1, 1))),
            "dilation": SIZE_OR_PAIR,
            "groups": POSITIVE_INT,
            "bias": A_BOOL,
        },
    ),
    Case(torch_api.adaptive_bins, dict(W=10, N=4), {"W": POSITIVE_INT, "N": POSITIVE_INT}),
    Case(
        torch_api.adaptive_avg_pool2d,
        dict(x=fresh(lambda: torch.randn(2, 6, 6)), output_size=(2, 3)),
        {
            "x": FINITE_TENSOR + nan(2, 6, 6) + values(("2-D", lambda: torch.ones(6, 6))),
            "output_size": SIZE_OR_PAIR,
        },
    ),
    Case(
        torch_api.char_vectors,
        dict(names=["anna", "bob", "eve"], dim=2, window=1),
        {
            "names": values(("None", None), ("int", 3), ("capital", ["Anna"]), ("no pairs", ["a"])),
            "dim": POSITIVE_INT + values(("27", 27)),
            "window": POSITIVE_INT,
        },
    ),
    Case(
        torch_api.nearest,
        dict(vectors=fresh(lambda: torch.randn(5, 3)), token=1, k=2),
        {
            "vectors": FINITE_TENSOR + nan(5, 3) + values(("1-D", lambda: torch.ones(3))),
            "token": NONNEGATIVE_INT + values(("5", 5)),
            "k": POSITIVE_INT,
        },
    ),
    Case(
        torch_api.NameClassifier,
        dict(num_embeddings=27, embedding_dim=4, hidden_size=3, n_classes=2),
        {
            "num_embeddings": POSITIVE_INT + values(("1", 1)),
            "embedding_dim": POSITIVE_INT,
            "hidden_size": POSITIVE_INT,
            "n_classes": POSITIVE_INT + values(("1", 1)),
        },
    ),
    Case(
        torch_api.NameClassifier,
        dict(pretrained=fresh(lambda: torch.randn(27, 4)), freeze=True),
        {
            "pretrained": [b for b in FINITE_TENSOR if b.label != "None"]
            + values(("1-D", lambda: torch.ones(4))),
            "freeze": A_BOOL,
        },
        id="NameClassifier-pretrained",
    ),
    Case(
        classifier_forward,
        dict(batch=fresh(lambda: torch_api.names_collate(NAMES)[0])),
        {
            "batch": values(("None", None), ("tensor", lambda: torch.ones(2, 3, dtype=torch.long))),
        },
    ),
    Case(
        torch_api.class_recall,
        dict(
            model=fresh(lambda: torch_api.NameClassifier(hidden_size=3)),
            loader=fresh(names_loader),
            n_classes=2,
        ),
        {"model": MODEL, "loader": LOADER, "n_classes": POSITIVE_INT},
    ),
    Case(
        torch_api.ShapeExample,
        dict(api="nn.ReLU()", fn=nn.ReLU(), inputs=(torch.zeros(2),), rule="same shape"),
        {
            "api": values(("None", None), ("int", 3)),
            "fn": values(("None", None), ("str", "relu")),
            "inputs": values(("empty", ()), ("list", [torch.zeros(2)]), ("None", None)),
            "rule": values(("None", None)),
        },
    ),
    Case(
        torch_api.shape_table,
        dict(examples=[torch_api.ShapeExample("relu", nn.ReLU(), (torch.zeros(2),), "same")]),
        {"examples": values(("empty", []), ("None", None), ("str", "ab"), ("not rows", [1]))},
    ),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)
