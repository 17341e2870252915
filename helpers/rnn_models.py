r"""The recurrent models of chapter 10 and the small tasks they are measured on.

* ``Forecaster``: one-step-ahead regression, :math:`\hat{y}_t = \omega_{hy} h_t + b_y` read
  from the last hidden state of an ``nn.RNN`` over a window of the series;
* ``CharRNN``: a character-level language model, Embedding -> RNN -> Linear, with
  :math:`\hat{y}_t = \mathrm{Softmax}(\omega_{hy} h_t + b_y)` over the next character at
  every step; ``sample_names`` draws new names from it;
* ``first_token_task`` and ``RecallClassifier``: the long-range test, remember the first
  token after ``n`` distractors, with a plain RNN, an LSTM or a GRU.

The losses take the shapes ``helpers.train.fit`` hands them: ``sequence_cross_entropy``
flattens (B, T, V) logits and (B, T) targets for ``F.cross_entropy`` (padding targets, -100,
are ignored).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers import args
from helpers.text import BOUNDARY, IGNORE_INDEX, PAD, Vocab, decode_name

__all__ = [
    "Forecaster",
    "CharRNN",
    "RecallClassifier",
    "sequence_cross_entropy",
    "cross_entropy_per_token",
    "sample_names",
    "first_token_task",
    "forecast_mse",
]


def _module(name: str, model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise ValueError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")
    return model


class Forecaster(nn.Module):
    r"""Predict the next value of a series from a window: :math:`\hat{y} = \omega_{hy} h_T + b_y`.

    Input (B, T, 1) (``batch_first``), output (B, 1): the linear read-out of the last
    hidden state :math:`h_T` of a one- or multi-layer ``nn.RNN``.
    """

    def __init__(self, hidden_size: int = 32, *, num_layers: int = 1, input_size: int = 1) -> None:
        super().__init__()
        args.integer("hidden_size", hidden_size, low=1)
        args.integer("num_layers", num_layers, low=1)
        args.integer("input_size", input_size, low=1)
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
        if x.ndim != 3 or x.shape[-1] != self.rnn.input_size:
            raise ValueError(f"x must be (B, T, {self.rnn.input_size}), got {tuple(x.shape)}")
        _, h_n = self.rnn(x)  # h_n: (num_layers, B, H)
        return self.head(h_n[-1])


@torch.no_grad()
def forecast_mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Mean squared error of ``model(x)`` against ``y`` (eval mode, no gradients).

    ``y`` must have the shape of the predictions, (B, 1) for a ``Forecaster``: a (B,)
    target would broadcast against (B, 1) into a (B, B) grid of wrong differences."""
    _module("model", model)
    x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
    y = args.tensor("y", y, floating=True, nonempty=True, finite=True)
    was_training = model.training
    model.eval()
    try:
        y_hat = model(x)
        args.same_shape(("model(x)", "y"), y_hat, y)
        return float(F.mse_loss(y_hat, y))
    finally:
        model.train(was_training)


class CharRNN(nn.Module):
    r"""Embedding -> RNN -> Linear: next-character logits at every step.

    ``forward(ids)`` maps (B, T) ids to (B, T, V) logits
    :math:`\omega_{hy} h_t + b_y`; the softmax over the last axis (inside the
    cross-entropy) turns them into :math:`P(\text{next char} \mid \text{chars so far})`.
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        embedding_dim: int = 16,
        hidden_size: int = 64,
        num_layers: int = 1,
        padding_idx: int | None = 0,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        args.integer("vocab_size", vocab_size, low=1)
        args.integer("embedding_dim", embedding_dim, low=1)
        args.integer("hidden_size", hidden_size, low=1)
        args.integer("num_layers", num_layers, low=1)
        args.fraction("dropout", dropout, open_high=True)
        if padding_idx is not None:
            padding_idx = args.integer("padding_idx", padding_idx, low=0, high=vocab_size - 1)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.rnn = nn.RNN(embedding_dim, hidden_size, num_layers, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        logits, _ = self.step(ids, h0)
        return logits

    def step(
        self, ids: torch.Tensor, h0: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (B, T, V) and the final hidden state (L, B, H), to carry on sampling."""
        ids = args.tensor("ids", ids)
        if ids.ndim != 2 or ids.dtype != torch.long:
            raise ValueError(
                f"ids must be a (B, T) long tensor, got {tuple(ids.shape)} {ids.dtype}"
            )
        if ids.numel() and (ids.min() < 0 or ids.max() >= self.embedding.num_embeddings):
            raise ValueError(f"ids must lie in [0, {self.embedding.num_embeddings})")
        out, h_n = self.rnn(self.embedding(ids), h0)
        return self.head(self.drop(out)), h_n


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every non-padding position of (B, T, V) logits and (B, T) targets."""
    logits = args.tensor("logits", logits, floating=True, nonempty=True, finite=True)
    targets = args.tensor("targets", targets)
    if targets.dtype != torch.long:
        raise ValueError(f"targets must be a long tensor of class ids, got {targets.dtype}")
    if logits.ndim != 3 or targets.shape != logits.shape[:2]:
        raise ValueError(
            f"logits must be (B, T, V) and targets (B, T), got {tuple(logits.shape)} and {tuple(targets.shape)}"
        )
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE_INDEX
    )


@torch.no_grad()
def cross_entropy_per_token(model: nn.Module, loader: DataLoader) -> float:
    """Exact held-out cross-entropy in nats per predicted token (padding excluded).

    Sums the loss over every token of every batch and divides by their number, so batches
    of different sizes or lengths weigh exactly by their token count.
    """
    _module("model", model)
    if not isinstance(loader, Iterable):
        raise ValueError(
            f"loader must be an iterable of (x, y) batches, got {type(loader).__name__}"
        )
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        for x, y in loader:
            logits = model(x)
            total += float(
                F.cross_entropy(
                    logits.reshape(-1, logits.shape[-1]).double(),
                    y.reshape(-1),
                    ignore_index=IGNORE_INDEX,
                    reduction="sum",
                )
            )
            count += int((y != IGNORE_INDEX).sum())
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError("the loader holds no target tokens")
    return total / count


@torch.no_grad()
def sample_names(
    model: CharRNN,
    vocab: Vocab,
    n: int,
    *,
    temperature: float = 1.0,
    max_len: int = 20,
    seed: int = 0,
) -> list[str]:
    r"""Draw ``n`` names: start from ``.``, sample each next character from
    :math:`\mathrm{Softmax}(z / \tau)` and stop at the next ``.`` (or after ``max_len``).

    Padding and ``<unk>`` are never drawn. Seeded by its own generator, so the same model
    and seed give the same names.
    """
    if not isinstance(model, CharRNN):
        raise ValueError(f"model must be a CharRNN, got {type(model).__name__}")
    if not isinstance(vocab, Vocab):
        raise ValueError(f"vocab must be a text.Vocab, got {type(vocab).__name__}")
    n = args.integer("n", n, low=1)
    max_len = args.integer("max_len", max_len, low=1)
    temperature = args.number("temperature", temperature, low=0, low_open=True)
    gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0))
    was_training = model.training
    model.eval()
    banned = torch.tensor([vocab[PAD], vocab[Vocab.UNK]])
    boundary = vocab[BOUNDARY]
    ids = torch.full((n, 1), boundary, dtype=torch.long)
    out = torch.full((n, max_len), boundary, dtype=torch.long)
    h = None
    try:
        for t in range(max_len):
            logits, h = model.step(ids, h)
            z = logits[:, -1].double() / temperature
            z[:, banned] = -math.inf
            ids = torch.multinomial(torch.softmax(z, dim=-1), 1, generator=gen)
            out[:, t] = ids[:, 0]
    finally:
        model.train(was_training)
    return [decode_name(row, vocab) for row in out]


def first_token_task(
    n_distractors: int,
    n_samples: int,
    *,
    n_symbols: int = 4,
    n_distractor_symbols: int = 0,
    seed: int = 0,
) -> TensorDataset:
    """Sequences of ``1 + n_distractors`` random symbols; the label is the *first* one.

    The cue (step 0) is one of ``n_symbols`` symbols (ids ``0 .. n_symbols - 1``), drawn
    uniformly; it is also the label, so chance accuracy is ``1 / n_symbols``. The
    distractors are drawn uniformly from ``n_distractor_symbols`` other symbols (ids from
    ``n_symbols`` on), or, when that is 0, from the cue's own symbols, so they look exactly
    like the cue. Returns a TensorDataset of (ids (N, 1 + n), labels (N,)); a model's
    embedding needs ``n_symbols + n_distractor_symbols`` entries.
    """
    n_distractors = args.integer("n_distractors", n_distractors, low=0)
    n_samples = args.integer("n_samples", n_samples, low=1)
    n_symbols = args.integer("n_symbols", n_symbols, low=2)
    n_distractor_symbols = args.integer("n_distractor_symbols", n_distractor_symbols, low=0)
    gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0))
    y = torch.randint(0, n_symbols, (n_samples,), generator=gen)
    if n_distractor_symbols:
        rest = n_symbols + torch.randint(
            0, n_distractor_symbols, (n_samples, n_distractors), generator=gen
        )
    else:
        rest = torch.randint(0, n_symbols, (n_samples, n_distractors), generator=gen)
    return TensorDataset(torch.cat([y[:, None], rest], dim=1), y)


class RecallClassifier(nn.Module):
    """Embedding -> recurrent layer (``"rnn"``, ``"lstm"`` or ``"gru"``) -> Linear on :math:`h_T`."""

    CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

    def __init__(
        self,
        cell: str = "rnn",
        *,
        n_symbols: int = 4,
        n_inputs: int | None = None,
        hidden_size: int = 32,
        embedding_dim: int = 8,
        forget_bias: float = 0.0,
    ) -> None:
        super().__init__()
        args.one_of("cell", cell, tuple(self.CELLS))
        args.integer("n_symbols", n_symbols, low=1)
        args.integer("hidden_size", hidden_size, low=1)
        args.integer("embedding_dim", embedding_dim, low=1)
        self.cell = cell
        n_inputs = n_symbols if n_inputs is None else args.integer("n_inputs", n_inputs, low=1)
        forget_bias = args.number("forget_bias", forget_bias)
        self.embedding = nn.Embedding(n_inputs, embedding_dim)
        self.rnn = self.CELLS[cell](embedding_dim, hidden_size, batch_first=True)
        if cell != "rnn" and forget_bias:
            # LSTM gates are (i, f, g, o), GRU gates (r, z, n): the 2nd block keeps memory
            with torch.no_grad():
                self.rnn.bias_ih_l0[hidden_size : 2 * hidden_size].fill_(forget_bias)
                self.rnn.bias_hh_l0[hidden_size : 2 * hidden_size].fill_(0.0)
        self.head = nn.Linear(hidden_size, n_symbols)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        ids = args.tensor("ids", ids, ndim=2, nonempty=True)
        n = self.embedding.num_embeddings
        if ids.dtype != torch.long or ids.min() < 0 or ids.max() >= n:
            raise ValueError(f"ids must be a (B, T) long tensor of ids in [0, {n})")
        out, _ = self.rnn(self.embedding(ids))
        return self.head(out[:, -1])
