"""Bad inputs to helpers.rnn_models are rejected with an error that names the argument."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import (
    FINITE,
    FINITE_TENSOR,
    FRACTION_BELOW_1,
    NONNEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    Case,
    fresh,
    values,
)
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers import rnn_models, text

MODEL = values(("None", None), ("str", "model"), ("list", [nn.Linear(2, 2)]))
IDS = values(
    ("list", [[1, 2]]),
    ("None", None),
    ("float tensor", lambda: torch.ones(2, 3)),
    ("1-D", lambda: torch.ones(3, dtype=torch.long)),
    ("out of range", lambda: torch.full((2, 3), 99, dtype=torch.long)),
)
VOCAB = text.char_vocab(["anna", "bob"])


def forecaster_forward(x):
    return rnn_models.Forecaster(4)(x)


def char_rnn_forward(ids):
    return rnn_models.CharRNN(len(VOCAB), embedding_dim=2, hidden_size=3)(ids)


def recall_forward(ids):
    return rnn_models.RecallClassifier("gru", n_symbols=4, hidden_size=3)(ids)


def name_loader():
    return DataLoader(TensorDataset(*text.pad_names(text.encode_names(["anna"], VOCAB))))


def nan(*shape):
    """A NaN tensor of a shape the helper accepts (the shared NaN value is 1-D)."""
    return values(("nan of the right shape", lambda: torch.full(shape, float("nan"))))


CASES = [
    Case(
        rnn_models.Forecaster,
        dict(hidden_size=4, num_layers=1, input_size=1),
        {"hidden_size": POSITIVE_INT, "num_layers": POSITIVE_INT, "input_size": POSITIVE_INT},
    ),
    Case(
        forecaster_forward,
        dict(x=fresh(lambda: torch.randn(2, 5, 1))),
        {"x": FINITE_TENSOR + nan(2, 5, 1) + values(("(B, T)", lambda: torch.ones(2, 5)))},
    ),
    Case(
        rnn_models.forecast_mse,
        dict(
            model=fresh(lambda: rnn_models.Forecaster(4)),
            x=fresh(lambda: torch.randn(3, 5, 1)),
            y=fresh(lambda: torch.randn(3, 1)),
        ),
        {
            "model": MODEL,
            "x": FINITE_TENSOR + nan(3, 5, 1),
            "y": FINITE_TENSOR
            + nan(3, 1)
            + values(
                ("(B,) against (B, 1)", lambda: torch.ones(3)), ("(B, 2)", lambda: torch.ones(3, 2))
            ),
        },
    ),
    Case(
        rnn_models.CharRNN,
        dict(
            vocab_size=8, embedding_dim=2, hidden_size=3, num_layers=1, padding_idx=0, dropout=0.1
        ),
        {
            "vocab_size": POSITIVE_INT,
            "embedding_dim": POSITIVE_INT,
            "hidden_size": POSITIVE_INT,
            "num_layers": POSITIVE_INT,
            "padding_idx": values(("-1", -1), ("2.5", 2.5), ("vocab_size", 8), ("str", "0")),
            "dropout": FRACTION_BELOW_1,
        },
    ),
    Case(
        char_rnn_forward, dict(ids=fresh(lambda: torch.ones(2, 3, dtype=torch.long))), {"ids": IDS}
    ),
    Case(
        rnn_models.sequence_cross_entropy,
        dict(
            logits=fresh(lambda: torch.randn(2, 3, 5)),
            targets=fresh(lambda: torch.ones(2, 3, dtype=torch.long)),
        ),
        {
            "logits": FINITE_TENSOR + nan(2, 3, 5) + values(("2-D", lambda: torch.ones(2, 3))),
            "targets": values(
                ("list", [[1]]),
                ("float tensor", lambda: torch.ones(2, 3)),
                ("wrong shape", lambda: torch.ones(2, 4, dtype=torch.long)),
            ),
        },
    ),
    Case(
        rnn_models.cross_entropy_per_token,
        dict(
            model=fresh(lambda: rnn_models.CharRNN(len(VOCAB), embedding_dim=2, hidden_size=3)),
            loader=fresh(name_loader),
        ),
        {"model": MODEL, "loader": values(("None", None), ("int", 3), ("no tokens", []))},
    ),
    Case(
        rnn_models.sample_names,
        dict(
            model=fresh(lambda: rnn_models.CharRNN(len(VOCAB), embedding_dim=2, hidden_size=3)),
            vocab=VOCAB,
            n=2,
            temperature=1.0,
            max_len=5,
            seed=0,
        ),
        {
            "model": MODEL + values(("not a CharRNN", lambda: nn.Linear(2, 2))),
            "vocab": values(("None", None), ("str", "abc")),
            "n": POSITIVE_INT,
            "temperature": POSITIVE,
            "max_len": POSITIVE_INT,
            "seed": NONNEGATIVE_INT,
        },
    ),
    Case(
        rnn_models.first_token_task,
        dict(n_distractors=3, n_samples=4, n_symbols=4, n_distractor_symbols=2, seed=0),
        {
            "n_distractors": NONNEGATIVE_INT,
            "n_samples": POSITIVE_INT,
            "n_symbols": POSITIVE_INT + values(("1", 1)),
            "n_distractor_symbols": NONNEGATIVE_INT,
            "seed": NONNEGATIVE_INT,
        },
    ),
    Case(
        rnn_models.RecallClassifier,
        dict(cell="lstm", n_symbols=4, n_inputs=6, hidden_size=3, embedding_dim=2, forget_bias=1.0),
        {
            "cell": values(("transformer", "transformer"), ("None", None), ("RNN", "RNN")),
            "n_symbols": POSITIVE_INT,
            "n_inputs": [b for b in POSITIVE_INT if b.label != "None"],
            "hidden_size": POSITIVE_INT,
            "embedding_dim": POSITIVE_INT,
            "forget_bias": FINITE,
        },
    ),
    Case(recall_forward, dict(ids=fresh(lambda: torch.ones(2, 3, dtype=torch.long))), {"ids": IDS}),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


def test_forecast_mse_no_longer_broadcasts():
    """The bug of issue 23: a (B,) target against (B, 1) predictions gave a (B, B) mean."""
    model = rnn_models.Forecaster(4)
    x, y = torch.randn(6, 5, 1), torch.randn(6, 1)
    assert rnn_models.forecast_mse(model, x, y) >= 0
    with pytest.raises(ValueError, match=r"model\(x\) and y must have the same shape"):
        rnn_models.forecast_mse(model, x, y[:, 0])
