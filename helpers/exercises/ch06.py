"""Self-checks for chapter 6 (optimizers). Each ``exN(answer)`` prints one line of feedback
and returns a ``Verdict``, true only for a right answer; it never raises."""

from __future__ import annotations

import math

import torch

from helpers import data, optim
from helpers.exercises import Verdict, check_answer, is_stub

__all__ = ["ex1", "ex2", "ex3", "ex4", "ADAM_EXERCISE", "adam_by_optimizer"]

#: the numbers of exercise 2: one parameter, two given gradients, Adam's usual betas
ADAM_EXERCISE = {
    "omega_0": 1.0,
    "g": (2.0, -1.0),
    "lr": 0.1,
    "beta1": 0.9,
    "beta2": 0.999,
    "eps": 1e-8,
}


def _close(answer: object, value: float, tol: float = 1e-6) -> bool:
    """Whether ``answer`` is a number within ``tol`` of ``value`` (False for anything else)."""
    try:
        return abs(float(answer) - value) <= tol  # type: ignore[arg-type]
    except Exception:  # a learner's answer may be anything: never let it raise here
        return False


def ex1(answer: object) -> Verdict:
    """Iterations per epoch over the digits training split with batch size 100:
    ``(without drop_last, with drop_last)``."""
    n = len(data.digits_split()[0])
    expected = (math.ceil(n / 100), n // 100)
    return check_answer(
        "ex1",
        answer,
        expected,
        hint=f"N = {n} samples; one iteration per batch; the last, smaller batch counts "
        "unless drop_last=True. Answer with a tuple of two ints.",
    )


def adam_by_optimizer() -> float:
    """ω_2 of exercise 2, computed by ``helpers.optim.Adam`` fed the two given gradients."""
    p = ADAM_EXERCISE
    omega = torch.tensor([p["omega_0"]], dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([omega], lr=p["lr"], beta1=p["beta1"], beta2=p["beta2"], eps=p["eps"])
    for g in p["g"]:
        omega.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
    return float(omega.detach()[0])


def _adam_without_correction() -> float:
    p = ADAM_EXERCISE
    b1, b2, w, m, v = p["beta1"], p["beta2"], p["omega_0"], 0.0, 0.0
    for g in p["g"]:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= p["lr"] * m / (math.sqrt(v) + p["eps"])
    return w


def ex2(answer: object) -> Verdict:
    """Two Adam steps by hand: ω_2 from ``ADAM_EXERCISE``."""
    hint = (
        "m_t = β1 m_(t-1) + (1-β1) g_t, v_t = β2 v_(t-1) + (1-β2) g_t², m̂_t = m_t/(1-β1^t), "
        "v̂_t = v_t/(1-β2^t), ω_t = ω_(t-1) - η m̂_t/(√v̂_t + ε); do it for t = 1, then t = 2."
    )
    if not is_stub(answer) and _close(answer, _adam_without_correction()):
        print(
            "ex2: not quite: that is Adam without the bias correction (divide m_t by "
            "1 - β1^t and v_t by 1 - β2^t)."
        )
        return Verdict(False)
    return check_answer("ex2", answer, adam_by_optimizer(), hint=hint, atol=1e-6, rtol=0.0)


def ex3(answer: object) -> Verdict:
    """``[lr, momentum]`` for ``torch.optim.SGD`` that follows ``Momentum(lr=0.05, beta=0.95)``."""
    eta, beta = 0.05, 0.95
    expected = [eta * (1 - beta), beta]
    hint = "torch's buffer is B_t = V_t / (1 - β): scale the learning rate to undo that."
    pair = list(answer) if isinstance(answer, list | tuple) else []
    if len(pair) == 2 and _close(pair[0], eta) and _close(pair[1], beta):
        print(
            f"ex3: not quite: with lr = {eta} torch steps 1/(1-β) = {1 / (1 - beta):.0f} "
            f"times too far. Hint: {hint}"
        )
        return Verdict(False)
    return check_answer("ex3", answer, expected, hint=hint, atol=1e-9, rtol=1e-9)


def ex4(answer: object) -> Verdict:
    """AdaGrad's effective learning rate η/(√G_t + ε) after t = 100 steps of g = 2, η = 0.5."""
    eta, g, t, eps = 0.5, 2.0, 100, 1e-10
    expected = eta / (math.sqrt(t * g * g) + eps)
    return check_answer(
        "ex4",
        answer,
        expected,
        hint="G_t is the sum of the t squared gradients; the effective rate is η / (√G_t + ε).",
        atol=1e-9,
        rtol=1e-6,
    )
