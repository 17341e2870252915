"""Self-check exercises of chapter 10 (recurrent networks)."""

from __future__ import annotations

import numpy as np
import torch

from helpers.exercises import Verdict, check_answer, is_stub
from helpers.text import TOY_CORPUS, Vocab, tokenize

__all__ = ["ex1", "ex2", "ex3", "ex4", "EX3_SENTENCE"]

#: the sentence exercise 3 asks to encode
EX3_SENTENCE = "The cat bites the bird."


def _plain(answer: object) -> object:
    """A numpy array or tensor as nested lists (a shape answer is compared as a tuple)."""
    return answer.tolist() if isinstance(answer, np.ndarray | torch.Tensor) else answer


def ex1(answer: object) -> Verdict:
    """The shape of ``h_n`` from ``nn.RNN(8, 16, num_layers=2, batch_first=True)`` on x (4, 10, 8)."""
    answer = _plain(answer)  # an array or tensor answer compares as a list
    return check_answer(
        "ex1",
        answer,
        (2, 4, 16),
        hint="h_n holds the last hidden state of every layer: (num_layers, batch, hidden_size). "
        "batch_first changes the layout of the input and the output, not of h_n.",
    )


def ex2(answer: object) -> Verdict:
    """The number of learnable parameters of ``nn.RNN(10, 20)`` (one layer)."""
    d, h = 10, 20
    return check_answer(
        "ex2",
        answer,
        float(h * d + h * h + h + h),
        hint="ω_xh is (hidden, input), ω_hh is (hidden, hidden); PyTorch keeps two bias vectors "
        "(b_ih and b_hh) of size hidden each, where the notes have one b_h.",
        atol=0,
        rtol=0,
    )


def ex3(answer: object) -> Verdict:
    """The ids of ``EX3_SENTENCE`` under ``Vocab(tokenize(TOY_CORPUS))``, as a list of ints."""
    vocab = Vocab(tokenize(TOY_CORPUS))
    expected = vocab.encode(tokenize(EX3_SENTENCE))
    hint = (
        "tokenize the sentence (lower-case words and punctuation), then vocab.encode(tokens); "
        "'bird' never occurs in the corpus, so it maps to vocab.unk_id."
    )
    if not is_stub(answer):
        answer = _plain(answer)
        if not isinstance(answer, list | tuple):
            print(f"ex3: expected a list of ids (ints), got {type(answer).__name__}. Hint: {hint}")
            return Verdict(False)
        if len(answer) != len(expected):
            print(
                f"ex3: expected {len(expected)} ids (one per token), got {len(answer)}. Hint: {hint}"
            )
            return Verdict(False)
    return check_answer("ex3", answer, [float(i) for i in expected], hint=hint, atol=0, rtol=0)


def ex4(answer: object) -> Verdict:
    """An upper bound of the gradient factor 20 steps back with tanh and ω_hh = 0.8 Q."""
    return check_answer(
        "ex4",
        answer,
        0.8**20,
        hint="each step back multiplies by diag(φ'(a_t)) ω_hh; tanh' <= 1 and every singular "
        "value of 0.8 Q is 0.8, so each step shrinks the norm by at most 0.8.",
        atol=0,
        rtol=1e-6,
    )
