"""Self-check exercises of chapter 9 (convolutional networks)."""

from __future__ import annotations

import numpy as np
import torch

from helpers.exercises import Verdict, check_answer
from helpers.layers.conv import conv_output_size

__all__ = ["ex1", "ex2", "ex3"]


def _plain(answer: object) -> object:
    """A numpy array or tensor as nested lists (a shape answer is compared as a tuple)."""
    return answer.tolist() if isinstance(answer, np.ndarray | torch.Tensor) else answer


def ex1(answer: object) -> Verdict:
    """The output shape of a stack, as a tuple (N, C, H, W).

    Input (1, 3, 32, 32) -> Conv2d(3, 8, kernel_size=5, padding=2) -> MaxPool2d(2)
    -> Conv2d(8, 16, kernel_size=3, stride=2).
    """
    answer = _plain(answer)  # an array or tensor answer compares as a list
    side = conv_output_size(32, 5, 2, 1)  # 32: padding 2 keeps a 5x5 kernel's output size
    side = conv_output_size(side, 2, 0, 2)  # 16: pooling halves it
    side = conv_output_size(side, 3, 0, 2)  # 7: floor((16 - 3) / 2) + 1
    return check_answer(
        "ex1",
        answer,
        (1, 16, side, side),
        hint="apply N = floor((W - F + 2P) / S) + 1 layer by layer (pooling: F = S = 2, P = 0); "
        "the channel count is the number of kernels of the last conv layer.",
    )


def ex2(answer: object) -> Verdict:
    """The number of learnable parameters of nn.Conv2d(3, 8, kernel_size=5)."""
    return check_answer(
        "ex2",
        answer,
        float(8 * (5 * 5 * 3 + 1)),
        hint="each of the 8 kernels has 5 x 5 weights per input channel (3 channels), plus "
        "one bias; the image size does not matter (weight sharing).",
        atol=0,
        rtol=0,
    )


def ex3(answer: object) -> Verdict:
    """The padding P that keeps a 28-pixel input at 28 pixels with F = 5 and S = 1."""
    matches = [P for P in range(10) if conv_output_size(28, 5, P, 1) == 28]
    return check_answer(
        "ex3",
        answer,
        float(matches[0]),
        hint="solve 28 = (28 - 5 + 2P) / 1 + 1 for P ('same' padding is (F - 1) / 2).",
        atol=0,
        rtol=0,
    )
