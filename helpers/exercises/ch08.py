"""Self-checks for chapter 8 (regularization). Each ``exN(answer)`` prints one line of
feedback and returns a ``Verdict``, true only for a right answer; it never raises."""

from __future__ import annotations

import numpy as np
import torch

from helpers.exercises import Verdict, check_answer, is_stub
from helpers.layers.regularization import batch_norm, batch_stats, dropout

__all__ = ["EX1", "EX2", "EX3", "ex1", "ex2", "ex3"]

#: exercise 1: inverted dropout of x with a given mask
EX1 = {
    "x": torch.tensor([2.0, -1.0, 0.5, 4.0, 3.0]),
    "mask": torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0]),
    "p": 0.25,
}
#: exercises 2 and 3: one feature over a batch of m = 4
EX2 = {"z": torch.tensor([1.0, 2.0, 3.0, 6.0]), "gamma": 2.0, "beta": 0.5, "eps": 1e-5}
#: exercise 3: the running variance after one training step
EX3 = {"running_var": 1.0, "momentum": 0.1}


def _as_array(answer: object) -> np.ndarray | None:
    """A float array of a numeric answer, or None (stub, text, anything else)."""
    if is_stub(answer) or isinstance(answer, bool | str | bytes):
        return None
    try:
        if isinstance(answer, torch.Tensor):
            return answer.detach().cpu().double().numpy()
        return np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        return None


def _expected_ex1() -> torch.Tensor:
    return dropout(EX1["x"], EX1["p"], mask=EX1["mask"])


def _expected_ex2() -> torch.Tensor:
    z = EX2["z"].unsqueeze(1)
    g, b = torch.tensor([EX2["gamma"]]), torch.tensor([EX2["beta"]])
    return batch_norm(z, g, b, eps=EX2["eps"]).squeeze(1)


def _ex3_values() -> tuple[float, float]:
    """(right answer with the unbiased variance, the tempting answer with the biased one)."""
    z = EX2["z"].unsqueeze(1)
    m = z.shape[0]
    _, sigma2_B = batch_stats(z)
    alpha, start = EX3["momentum"], EX3["running_var"]
    biased = float(sigma2_B[0])
    return (1 - alpha) * start + alpha * biased * m / (m - 1), (1 - alpha) * start + alpha * biased


def ex1(answer: object) -> Verdict:
    """Inverted dropout of ``EX1['x']`` with ``EX1['mask']`` and ``p = EX1['p']`` (a tensor)."""
    expected = _expected_ex1()
    got = _as_array(answer)
    if got is not None and got.shape == (5,) and np.allclose(got, (EX1["x"] * EX1["mask"]).numpy()):
        print(
            "exercise 1: not quite: you dropped the right units but forgot to scale the "
            "kept ones by 1 / (1 - p)."
        )
        return Verdict(False)
    return check_answer(
        "exercise 1",
        answer,
        expected,
        hint="multiply x by the mask, then divide by 1 - p (dropped units stay 0).",
        atol=1e-5,
    )


def ex2(answer: object) -> Verdict:
    """BatchNorm of ``EX2['z']`` (one feature, batch of 4) with gamma, beta and eps of EX2."""
    return check_answer(
        "exercise 2",
        answer,
        _expected_ex2(),
        hint="mu_B is the batch mean; sigma_B^2 divides by m (not m - 1); "
        "z_hat = (z - mu_B) / sqrt(sigma_B^2 + eps); y = gamma * z_hat + beta.",
        atol=1e-4,
    )


def ex3(answer: object) -> Verdict:
    """``running_var`` after one training step on ``EX2['z']``, starting from EX3's values."""
    right, biased = _ex3_values()
    got = _as_array(answer)
    if got is not None and got.size == 1:
        value = float(got.ravel()[0])
        if abs(value - biased) < 1e-4 and abs(value - right) > 1e-4:
            print(
                "exercise 3: not quite: that is the update with the biased variance. The "
                "running estimate uses the unbiased one, m / (m - 1) * sigma_B^2."
            )
            return Verdict(False)
    return check_answer(
        "exercise 3",
        answer,
        right,
        hint="running_var <- (1 - momentum) * running_var + momentum * (unbiased batch "
        "variance), with the unbiased variance = sum (z - mu_B)^2 / (m - 1).",
        atol=1e-4,
    )
