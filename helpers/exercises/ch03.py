"""Self-checks for chapter 3 (activation functions). Each ``exN(answer)`` prints one line
of feedback and returns a ``Verdict``, true only for a right answer; it never raises."""

from __future__ import annotations

import torch

from helpers import activations
from helpers.exercises import Verdict, check_answer

__all__ = ["ex1", "ex2", "ex3", "ex3_data"]


def ex1(answer: object) -> Verdict:
    r"""The derivative of tanh at x = 1, from the closed form :math:`1 - \tanh^2(x)`."""
    expected = float(activations.tanh_derivative(torch.tensor(1.0, dtype=torch.float64)))
    return check_answer(
        "ex1",
        answer,
        expected,
        hint="tanh'(x) = 1 - tanh(x)**2; evaluate it at x = 1 (a single number).",
        atol=1e-5,
        rtol=0.0,
    )


def ex2(answer: object) -> Verdict:
    """Softmax of z = (1000, 1001, 1002) at temperature T = 0.5, without overflow."""
    z = torch.tensor([1000.0, 1001.0, 1002.0], dtype=torch.float64)
    expected = activations.softmax(z, temperature=0.5).tolist()
    return check_answer(
        "ex2",
        answer,
        expected,
        hint="divide z by T, subtract the largest entry, then exponentiate and normalize "
        "(three probabilities that sum to 1).",
        atol=1e-5,
        rtol=0.0,
    )


def ex3_data() -> tuple[torch.nn.Linear, torch.Tensor]:
    """The exercise's layer (16 inputs, 32 ReLU units, a shifted bias) and a batch of 200 inputs."""
    gen = torch.Generator().manual_seed(3)
    layer = torch.nn.Linear(16, 32)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(32, 16, generator=gen) * 0.25)
        layer.bias.copy_(torch.linspace(-3.0, 1.0, 32))
    x = torch.randn(200, 16, generator=gen)
    return layer, x


def ex3(answer: object) -> Verdict:
    """How many of the 32 units of ``ex3_data()``'s layer are dead on its batch."""
    layer, x = ex3_data()
    with torch.no_grad():
        expected = activations.dead_units(layer(x))
    if isinstance(answer, float) and not answer.is_integer():
        print(
            f"ex3: expected a whole number of units, got {answer}. Hint: count units, not a fraction."
        )
        return Verdict(False)
    return check_answer(
        "ex3",
        answer,
        float(expected),
        hint="a unit is dead on the batch when its pre-activation z = layer(x) is <= 0 for "
        "every sample (every row); count those columns.",
        atol=0.0,
        rtol=0.0,
    )
