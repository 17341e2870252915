"""Self-check exercises of chapter 11 (the PyTorch APIs). Each expected value is
computed with PyTorch itself when the checker runs, not typed in."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from helpers.data import pad_collate
from helpers.exercises import Verdict, check_answer
from helpers.torch_api import NamesDataset, encode

__all__ = ["ex1", "ex2", "ex3", "ex4", "EX3_NET", "EX4_NAMES"]

#: ex3's stack, applied to a (1, 3, 106, 160) input
EX3_NET = (
    "nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2)",
    "nn.MaxPool2d(3, ceil_mode=True)",
    "nn.Conv2d(16, 8, kernel_size=3, dilation=2)",
)
#: ex4's batch of names
EX4_NAMES = ("anna", "bob", "eve")


def _plain(answer: object) -> object:
    """A numpy array or tensor as nested lists (a shape answer is compared as a tuple)."""
    return answer.tolist() if isinstance(answer, np.ndarray | torch.Tensor) else answer


def ex1(answer: object) -> Verdict:
    """(number of batches, size of the last batch) of
    ``DataLoader(NamesDataset(), batch_size=100, collate_fn=pad_collate)`` (drop_last=False)."""
    answer = _plain(answer)  # an array or tensor answer compares as a list
    loader = DataLoader(NamesDataset(), batch_size=100, collate_fn=pad_collate)
    sizes = [len(labels) for _, _, labels in loader]
    return check_answer(
        "ex1",
        answer,
        (len(sizes), sizes[-1]),
        hint="len(dataset) is 4,832; with drop_last=False the number of batches is "
        "ceil(N / B) and the last batch holds what is left over. Answer a tuple of two ints.",
    )


def ex2(answer: object) -> Verdict:
    """The number of parameters of ``nn.Conv2d(32, 64, kernel_size=5, groups=4)``."""
    layer = nn.Conv2d(32, 64, kernel_size=5, groups=4)
    return check_answer(
        "ex2",
        answer,
        float(sum(p.numel() for p in layer.parameters())),
        hint="C_out * (C_in / groups) * k_H * k_W weights, plus one bias per output channel.",
        atol=0,
        rtol=0,
    )


def ex3(answer: object) -> Verdict:
    """The output shape (N, C, H, W) of ``EX3_NET`` on an input of shape (1, 3, 106, 160)."""
    answer = _plain(answer)  # an array or tensor answer compares as a list
    net = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2),
        nn.MaxPool2d(3, ceil_mode=True),
        nn.Conv2d(16, 8, kernel_size=3, dilation=2),
    )
    with torch.no_grad():
        shape = tuple(net(torch.zeros(1, 3, 106, 160)).shape)
    return check_answer(
        "ex3",
        answer,
        shape,
        hint="layer by layer, floor((W + 2P - D(F-1) - 1) / S) + 1 for H and W; the pooling "
        "stride defaults to its kernel size and ceil_mode=True rounds up instead of down.",
    )


def ex4(answer: object) -> Verdict:
    """How many rows of ``emb.weight.grad`` are non-zero after
    ``emb(padded).sum().backward()``, with ``emb = nn.Embedding(27, 4, padding_idx=0)`` and
    ``padded`` the ``pad_collate`` batch of ``EX4_NAMES`` (encoded with ``encode``)?"""
    emb = nn.Embedding(27, 4, padding_idx=0)
    padded, _, _ = pad_collate([(encode(n), 0) for n in EX4_NAMES])
    emb(padded).sum().backward()
    rows = int((emb.weight.grad.abs().sum(dim=1) > 0).sum())
    return check_answer(
        "ex4",
        answer,
        float(rows),
        hint="a row gets a gradient when its id is looked up; the padding id is looked up "
        "too, but padding_idx keeps its gradient at zero.",
        atol=0,
        rtol=0,
    )
