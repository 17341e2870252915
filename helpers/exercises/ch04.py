"""Self-check exercises of chapter 4 (parameter initialization).

Each checker accepts a number rounded to 3 significant digits (relative tolerance 2e-3)
and recognizes the usual slips (the wrong fan, a bound for a standard deviation, ...).
"""

from __future__ import annotations

import math

import torch

from helpers.exercises import Verdict, check_answer, is_stub

__all__ = ["ex1", "ex2", "ex3", "ex4"]

RTOL = 2e-3


def _slip(name: str, answer: object, slips: dict[float, str], hint: str) -> Verdict | None:
    """If ``answer`` is one of the known wrong values, say which slip it is."""
    if is_stub(answer) or isinstance(answer, bool):
        return None
    if isinstance(answer, torch.Tensor):
        answer = answer.detach()
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError, RuntimeError, OverflowError):  # not one number
        return None
    for wrong, why in slips.items():
        if math.isfinite(value) and math.isclose(value, wrong, rel_tol=RTOL):
            print(f"{name}: not quite: {why} Hint: {hint}")
            return Verdict(False)
    return None


def ex1(answer: object) -> Verdict:
    """The Kaiming-uniform bound b of nn.Conv2d(3, 16, kernel_size=5)'s weight."""
    hint = "b = sqrt(6 / fan_in), and a Conv2d's fan_in is in_channels × kH × kW."
    fan_in, fan_out = 3 * 5 * 5, 16 * 5 * 5
    slips = {
        math.sqrt(6 / 3): "that fan_in counts the input channels only, not the 5 × 5 kernel.",
        math.sqrt(6 / fan_out): "that is fan_out (out_channels × kH × kW); Kaiming uses fan_in.",
        math.sqrt(2 / fan_in): "that is the standard deviation of kaiming_normal_, not the bound.",
        math.sqrt(6 / (fan_in + fan_out)): "that is the Xavier bound (fan_in + fan_out).",
        6 / fan_in: "that is b², the bound before the square root.",
    }
    verdict = _slip("ex1", answer, slips, hint)
    if verdict is not None:
        return verdict
    return check_answer("ex1", answer, math.sqrt(6 / fan_in), hint=hint, atol=0.0, rtol=RTOL)


def ex2(answer: object) -> Verdict:
    """The standard deviation of xavier_normal_ for nn.Linear(300, 100)'s weight."""
    hint = "σ = sqrt(2 / (fan_in + fan_out)); for a Linear, fan_in = in_features."
    slips = {
        2 / 400: "that is the variance σ²; the question asks for σ.",
        math.sqrt(6 / 400): "that is the bound of xavier_uniform_, not the normal's σ.",
        math.sqrt(2 / 300): "that is Kaiming's sqrt(2 / fan_in); Xavier averages both fans.",
        math.sqrt(1 / 400): "the numerator of Xavier's variance is 2, not 1.",
    }
    verdict = _slip("ex2", answer, slips, hint)
    if verdict is not None:
        return verdict
    return check_answer("ex2", answer, math.sqrt(2 / 400), hint=hint, atol=0.0, rtol=RTOL)


def ex3(answer: object) -> Verdict:
    """The variance of the weights nn.Linear(64, 32) starts with (PyTorch's default)."""
    hint = (
        "nn.Linear calls kaiming_uniform_(w, a=sqrt(5)): U(-b, b) with b = 1/sqrt(fan_in); "
        "a uniform U(-b, b) has variance b² / 3."
    )
    slips = {
        1 / 8: "that is the bound b = 1/sqrt(64), not the variance.",
        1 / 64: "that is b²; the variance of U(-b, b) is b² / 3.",
        2 / 64: "that is Kaiming's 2 / fan_in; the default uses a = sqrt(5), six times less.",
        1 / (3 * 32): "fan_in of nn.Linear(64, 32) is in_features = 64.",
    }
    verdict = _slip("ex3", answer, slips, hint)
    if verdict is not None:
        return verdict
    return check_answer("ex3", answer, 1 / (3 * 64), hint=hint, atol=0.0, rtol=RTOL)


def ex4(answer: object) -> Verdict:
    """E[a_10²] after 10 square ReLU layers with xavier_normal_ weights, if E[x²] = 1."""
    hint = (
        "each layer multiplies E[a²] by ½ · fan_in · Var(w); with Xavier and square layers "
        "Var(w) = 2 / (2 fan_in)."
    )
    slips = {
        1.0: "Xavier keeps the variance of a linear (or tanh) layer; ReLU halves it each time.",
        (1 / 6) ** 10: "that is the factor 1/6 of nn.Linear's default, not Xavier's ½.",
        0.5: "that is one layer; the factor applies once per layer.",
    }
    verdict = _slip("ex4", answer, slips, hint)
    if verdict is not None:
        return verdict
    return check_answer("ex4", answer, 0.5**10, hint=hint, atol=0.0, rtol=RTOL)
