"""helpers.losses against PyTorch, its input checks, the line fits and the ch05 checkers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from helpers import losses
from helpers.exercises import ch05


@pytest.fixture
def batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    z = torch.randn(6, 4, generator=g, dtype=torch.float64) * 3
    t = torch.tensor([0, 3, 1, 2, 2, 0])
    return z, t


# -- softmax and multiclass cross-entropy ----------------------------------------------------
def test_softmax_and_log_softmax_match_torch_even_for_huge_logits(batch):
    z, _ = batch
    torch.testing.assert_close(losses.softmax(z), torch.softmax(z, dim=-1))
    torch.testing.assert_close(losses.log_softmax(z), F.log_softmax(z, dim=-1))
    big = torch.tensor([[1000.0, 0.0, -1000.0]], dtype=torch.float64)
    out = losses.log_softmax(big)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, F.log_softmax(big, dim=-1))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_formula_matches_nn_cross_entropy(batch, reduction):
    z, t = batch
    p = torch.softmax(z, dim=1)
    y = F.one_hot(t, 4)
    ours = losses.cross_entropy(p, y, reduction=reduction)
    torch.testing.assert_close(ours, nn.CrossEntropyLoss(reduction=reduction)(z, t))


def test_simplified_form_is_a_sum_and_equals_nll_loss(batch):
    z, t = batch
    p = torch.softmax(z, dim=1)
    simple = losses.cross_entropy_simplified(p, t)  # the notes' plain sum
    torch.testing.assert_close(simple, F.nll_loss(torch.log(p), t, reduction="sum"))
    mean = losses.cross_entropy(p, F.one_hot(t, 4))
    torch.testing.assert_close(simple, len(t) * mean)
    torch.testing.assert_close(
        losses.cross_entropy_simplified(p, t, reduction="mean"), F.nll_loss(torch.log(p), t)
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_logits_matches_torch(batch, reduction):
    z, t = batch
    torch.testing.assert_close(
        losses.cross_entropy_logits(z, t, reduction=reduction),
        F.cross_entropy(z, t, reduction=reduction),
    )


def test_cross_entropy_gradient_is_p_minus_y(batch):
    z, t = batch
    leaf = z.clone().requires_grad_(True)
    nn.CrossEntropyLoss()(leaf, t).backward()
    torch.testing.assert_close(losses.cross_entropy_logits_grad(z, t), leaf.grad)
    leaf.grad = None
    nn.CrossEntropyLoss(reduction="sum")(leaf, t).backward()
    torch.testing.assert_close(losses.cross_entropy_logits_grad(z, t, reduction="sum"), leaf.grad)


def test_cross_entropy_single_sample_and_zero_probability_of_a_wrong_class():
    assert float(losses.cross_entropy([0.25, 0.75, 0.0], [0, 1, 0])) == pytest.approx(-np.log(0.75))
    assert float(losses.cross_entropy([[0.0, 1.0]], [[0, 1]])) == 0.0  # 0 * log 0 counts as 0
    assert float(losses.cross_entropy([[1.0, 0.0]], [[0, 1]])) == float("inf")


def test_probabilities_passed_as_logits_give_a_loss_floor():
    """A perfect one-hot 'prediction' passed to CrossEntropyLoss still costs log(1 + 2/e)."""
    p = torch.eye(3, dtype=torch.float64)
    t = torch.arange(3)
    assert float(losses.cross_entropy_simplified(p, t)) == 0.0
    floor = float(nn.CrossEntropyLoss()(p, t))
    assert floor == pytest.approx(np.log(1 + 2 / np.e))


# -- binary cross-entropy ---------------------------------------------------------------------
def test_binary_cross_entropy_matches_bce_loss():
    g = torch.Generator().manual_seed(1)
    p = torch.rand(50, generator=g, dtype=torch.float64) * 0.98 + 0.01
    y = (torch.rand(50, generator=g) > 0.5).double()
    for reduction in ("mean", "sum", "none"):
        torch.testing.assert_close(
            losses.binary_cross_entropy(p, y, reduction=reduction),
            nn.BCELoss(reduction=reduction)(p, y),
        )


def test_binary_cross_entropy_at_zero_and_one():
    p = torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=torch.float64)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64)
    raw = losses.binary_cross_entropy(p, y, reduction="none")
    assert raw.tolist() == [float("inf"), 0.0, 0.0, float("inf")]
    clamped = losses.binary_cross_entropy(p, y, reduction="none", log_clamp=-100.0)
    torch.testing.assert_close(clamped, nn.BCELoss(reduction="none")(p, y))
    assert clamped.tolist() == [100.0, 0.0, 0.0, 100.0]


def test_binary_cross_entropy_logits_is_stable_and_matches_torch():
    z = torch.tensor([-800.0, -40.0, -3.0, 0.0, 2.5, 40.0, 800.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
    ours = losses.binary_cross_entropy_logits(z, y, reduction="none")
    assert torch.isfinite(ours).all()
    torch.testing.assert_close(ours, nn.BCEWithLogitsLoss(reduction="none")(z, y))
    assert float(ours[0]) == pytest.approx(800.0)
    assert float(ours[5]) == pytest.approx(40.0)


def test_soft_labels_are_allowed():
    p = torch.tensor([0.3, 0.6])
    y = torch.tensor([0.2, 0.9])
    torch.testing.assert_close(losses.binary_cross_entropy(p, y), nn.BCELoss()(p, y))


# -- regression losses ------------------------------------------------------------------------
@pytest.fixture
def regression() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(2)
    y_hat = torch.randn(200, generator=g, dtype=torch.float64) * 3
    y = torch.randn(200, generator=g, dtype=torch.float64)
    return y_hat, y


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mae_mse_match_torch(regression, reduction):
    y_hat, y = regression
    torch.testing.assert_close(
        losses.mae(y_hat, y, reduction=reduction), nn.L1Loss(reduction=reduction)(y_hat, y)
    )
    torch.testing.assert_close(
        losses.mse(y_hat, y, reduction=reduction), nn.MSELoss(reduction=reduction)(y_hat, y)
    )


@pytest.mark.parametrize("delta", [0.1, 0.5, 1.0, 2.0, 7.5])
def test_huber_and_smooth_l1_match_torch(regression, delta):
    y_hat, y = regression
    for reduction in ("mean", "sum", "none"):
        torch.testing.assert_close(
            losses.huber(y_hat, y, delta=delta, reduction=reduction),
            nn.HuberLoss(delta=delta, reduction=reduction)(y_hat, y),
        )
        torch.testing.assert_close(
            losses.smooth_l1(y_hat, y, beta=delta, reduction=reduction),
            nn.SmoothL1Loss(beta=delta, reduction=reduction)(y_hat, y),
        )
    torch.testing.assert_close(
        losses.smooth_l1(y_hat, y, beta=delta), losses.huber(y_hat, y, delta=delta) / delta
    )


def test_smooth_l1_equals_huber_at_one_and_l1_at_zero(regression):
    y_hat, y = regression
    assert torch.equal(losses.smooth_l1(y_hat, y, beta=1.0), losses.huber(y_hat, y, delta=1.0))
    torch.testing.assert_close(losses.smooth_l1(y_hat, y, beta=0.0), nn.L1Loss()(y_hat, y))
    torch.testing.assert_close(
        losses.smooth_l1(y_hat, y, beta=0.0), nn.SmoothL1Loss(beta=0.0)(y_hat, y)
    )


def test_huber_pieces_meet_at_delta():
    for delta in (0.5, 2.0):
        just_in = float(losses.huber([delta], [0.0], delta=delta))
        just_out = float(losses.huber([delta + 1e-9], [0.0], delta=delta))
        assert just_in == pytest.approx(0.5 * delta**2)
        assert just_out == pytest.approx(just_in, abs=1e-8)


def test_gradients_with_respect_to_the_prediction():
    e = torch.tensor([-4.0, -0.5, 0.0, 0.3, 2.0, 10.0], dtype=torch.float64)
    zeros = torch.zeros_like(e)
    g_l1 = losses.grad_wrt_prediction(losses.mae, e, zeros, reduction="sum")
    assert g_l1.tolist() == torch.sign(e).tolist()
    g_l2 = losses.grad_wrt_prediction(losses.mse, e, zeros, reduction="sum")
    torch.testing.assert_close(g_l2, 2 * e)
    g_h = losses.grad_wrt_prediction(losses.huber, e, zeros, delta=1.0, reduction="sum")
    torch.testing.assert_close(g_h, e.clamp(-1, 1))
    g_mean = losses.grad_wrt_prediction(losses.mse, e, zeros)
    torch.testing.assert_close(g_mean, 2 * e / len(e))
    # same as autograd through PyTorch's own loss
    leaf = e.clone().requires_grad_(True)
    nn.HuberLoss(delta=1.0, reduction="sum")(leaf, zeros).backward()
    torch.testing.assert_close(g_h, leaf.grad)


def test_curve_returns_loss_and_gradient_over_the_error():
    e = np.linspace(-3, 3, 61)
    for name in losses.REGRESSION_LOSSES:
        loss, grad = losses.curve(name, e, delta=0.7)
        assert loss.shape == grad.shape == (61,)
        assert float(loss[30]) == 0.0
    loss, grad = losses.curve("smooth_l1", e, delta=0.7)
    assert float(grad.abs().max()) == pytest.approx(1.0)
    loss, grad = losses.curve("huber", e, delta=0.7)
    assert float(grad.abs().max()) == pytest.approx(0.7)


# -- bad input ----------------------------------------------------------------------------------
def test_mismatched_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match="same shape"):
        losses.mse(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="same shape"):
        losses.huber(torch.zeros(3, 1), torch.zeros(3))
    with pytest.raises(ValueError, match="same shape.*cross_entropy_simplified"):
        losses.cross_entropy(torch.full((2, 3), 1 / 3), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="same shape"):
        losses.binary_cross_entropy(torch.full((2,), 0.5), torch.ones(3))
    with pytest.raises(ValueError, match=r"target must have shape \(2,\)"):
        losses.cross_entropy_simplified(torch.full((2, 3), 1 / 3), torch.tensor([0, 1, 2]))


def test_nan_probabilities_raise():
    bad = [0.5, float("nan")]
    for call in (
        lambda: losses.binary_cross_entropy(bad, [1.0, 0.0]),
        lambda: losses.cross_entropy([bad], [[1, 0]]),
        lambda: losses.cross_entropy_simplified([bad], [0]),
    ):
        with pytest.raises(ValueError, match="p must not hold NaN"):
            call()


@pytest.mark.parametrize("bad", [[0.5, 1.2], [-0.1, 0.5]])
def test_probabilities_outside_unit_interval_raise(bad):
    with pytest.raises(ValueError, match=r"p \(probabilities\) must hold values in \[0, 1\]"):
        losses.binary_cross_entropy(bad, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"\[0, 1\].*logits"):
        losses.cross_entropy([bad], [[1, 0]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        losses.cross_entropy_simplified([bad], [0])


def test_labels_outside_unit_interval_raise():
    with pytest.raises(ValueError, match=r"y \(labels\) must hold values in \[0, 1\]"):
        losses.binary_cross_entropy([0.5], [2.0])
    with pytest.raises(ValueError, match=r"y \(labels\)"):
        losses.binary_cross_entropy_logits([0.5], [-1.0])


@pytest.mark.parametrize("delta", [-1.0, 0.0, float("nan"), float("inf"), "big"])
def test_bad_delta_raises(delta):
    with pytest.raises(ValueError, match="delta must be a finite number > 0"):
        losses.huber([1.0], [0.0], delta=delta)
    with pytest.raises(ValueError, match="delta must be a finite number > 0"):
        losses.fit_line([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], loss="huber", delta=delta)


def test_negative_beta_raises_and_other_bad_arguments():
    with pytest.raises(ValueError, match="beta must be a finite number >= 0"):
        losses.smooth_l1([1.0], [0.0], beta=-0.5)
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.mae([1.0], [0.0], reduction="average")
    with pytest.raises(ValueError, match="class indices must be in"):
        losses.cross_entropy_logits(torch.zeros(2, 3), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="integer class indices"):
        losses.cross_entropy_logits(torch.zeros(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="log_clamp must be a finite number <= 0"):
        losses.binary_cross_entropy([0.5], [1.0], log_clamp=5.0)
    with pytest.raises(ValueError, match="must be numeric"):
        losses.mse("abc", [1.0])
    with pytest.raises(ValueError, match="name must be one of"):
        losses.curve("l3", [0.0])
    with pytest.raises(ValueError, match="reduction='none'"):
        losses.grad_wrt_prediction(losses.mse, [1.0], [0.0], reduction="none")
    with pytest.raises(ValueError, match=r"z must be 1-D or 2-D"):
        losses.cross_entropy_logits(torch.zeros(2, 3, 4), torch.tensor([0, 1]))


# -- line fits ------------------------------------------------------------------------------------
def _exact_l1_line(x: np.ndarray, y: np.ndarray) -> float:
    """Minimum mean |residual| over lines through two data points (an L1 optimum is one)."""
    best = np.inf
    for i, j in itertools.combinations(range(len(x)), 2):
        s = (y[j] - y[i]) / (x[j] - x[i])
        best = min(best, float(np.abs(y - s * x - (y[i] - s * x[i])).mean()))
    return best


def test_l2_fit_is_least_squares():
    x, y, _ = losses.line_with_outliers(n_outliers=4)
    fit = losses.fit_line(x, y, loss="l2")
    slope, intercept = np.polyfit(x, y, 1)
    assert fit.slope == pytest.approx(slope, abs=1e-10)
    assert fit.intercept == pytest.approx(intercept, abs=1e-10)
    assert fit(np.array([0.0, 1.0])).tolist() == pytest.approx([intercept, intercept + slope])


@pytest.mark.parametrize("n_outliers", [0, 3, 8])
def test_l1_fit_reaches_the_exact_minimum(n_outliers):
    x, y, _ = losses.line_with_outliers(n_outliers=n_outliers)
    fit = losses.fit_line(x, y, loss="l1")
    ours = losses.line_loss(x, y, fit.slope, fit.intercept, loss="l1")
    assert ours == pytest.approx(_exact_l1_line(x, y), abs=1e-7)


def test_huber_fit_is_a_minimum_and_moves_from_l1_to_l2_with_delta():
    x, y, _ = losses.line_with_outliers(n_outliers=3, magnitude=25.0)
    fit = losses.fit_line(x, y, loss="huber", delta=1.0)
    best = losses.line_loss(x, y, fit.slope, fit.intercept, loss="huber", delta=1.0)
    for ds, di in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert (
            best <= losses.line_loss(x, y, fit.slope + ds, fit.intercept + di, loss="huber") + 1e-12
        )
    # a delta above every residual is least squares, a tiny one approaches L1
    l2 = losses.fit_line(x, y, loss="l2").slope
    assert losses.fit_line(x, y, loss="huber", delta=100.0).slope == pytest.approx(l2, abs=1e-9)
    l1 = losses.fit_line(x, y, loss="l1").slope
    assert losses.fit_line(x, y, loss="huber", delta=1e-3).slope == pytest.approx(l1, abs=2e-3)


def test_the_notes_claim_l1_robust_mse_not():
    x, y, _ = losses.line_with_outliers(n_outliers=3, magnitude=25.0)
    err = {m: abs(losses.fit_line(x, y, loss=m).slope - 2.0) for m in losses.FIT_LOSSES}
    assert err["l2"] > 0.3
    assert err["l1"] < 0.1
    assert err["huber"] < 0.1


def test_line_with_outliers_is_deterministic_and_nested():
    a = losses.line_with_outliers(n_outliers=3)
    b = losses.line_with_outliers(n_outliers=3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    _, _, four = losses.line_with_outliers(n_outliers=4)
    assert four.sum() == 4 and (four & a[2]).sum() == 3
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global state)
    losses.line_with_outliers()
    assert np.array_equal(state, np.random.get_state()[1])  # noqa: NPY002


def test_fit_and_data_bad_input():
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.fit_line([0, 1], [0, 1], loss="l3")
    with pytest.raises(ValueError, match="same shape"):
        losses.fit_line([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="different x values"):
        losses.fit_line([1, 1, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="finite"):
        losses.fit_line([0, 1, 2], [0, float("nan"), 2])
    with pytest.raises(ValueError, match="max_iter"):
        losses.fit_line([0, 1, 2], [0, 1, 2], loss="l1", max_iter=0)
    with pytest.raises(ValueError, match=r"n_outliers must be an int >= 0 and <= 15"):
        losses.line_with_outliers(30, n_outliers=16)
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        losses.line_with_outliers(noise=-1.0)


def test_fit_line_accepts_tensors():
    x, y, _ = losses.line_with_outliers()
    a = losses.fit_line(torch.from_numpy(x), torch.from_numpy(y), loss="huber")
    b = losses.fit_line(x, y, loss="huber")
    assert a == b


# -- exercises ------------------------------------------------------------------------------------
def test_ex1(capsys):
    assert not ch05.ex1(None)
    assert "Hint" in capsys.readouterr().out
    assert not ch05.ex1(1.0)
    assert "not quite" in capsys.readouterr().out
    p = torch.tensor(ch05.EX1_P)
    t = torch.tensor(ch05.EX1_TARGET)
    assert ch05.ex1(losses.cross_entropy_simplified(p, t, reduction="mean"))
    assert "correct" in capsys.readouterr().out
    assert not ch05.ex1(losses.cross_entropy_simplified(p, t))  # the sum, not the mean


def test_ex2(capsys):
    assert not ch05.ex2(None)
    e = torch.tensor(ch05.EX2_ERRORS)
    g = losses.grad_wrt_prediction(
        losses.huber, e, torch.zeros(3), delta=ch05.EX2_DELTA, reduction="sum"
    )
    assert ch05.ex2(g)
    assert not ch05.ex2([1.0, 2.0])
    assert "shape" in capsys.readouterr().out.splitlines()[-1]


def test_ex3(capsys):
    assert not ch05.ex3(None)
    x, y, _ = losses.line_with_outliers(**ch05.EX3_SETTINGS)
    answer = losses.fit_line(x, y, loss="l1").slope - losses.fit_line(x, y, loss="l2").slope
    assert answer < 0
    assert ch05.ex3(answer)
    assert not ch05.ex3(-answer)
    assert not ch05.ex3("steep")
    assert "expected a number" in capsys.readouterr().out.splitlines()[-1]


def test_bce_gradient_by_autograd_without_warnings():
    import warnings

    p = torch.tensor([0.2, 0.7], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0.0, 1.0], dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = losses.grad_wrt_prediction(losses.binary_cross_entropy, p, y, reduction="sum")
    want = (p.detach() - y) / (p.detach() * (1 - p.detach()))
    torch.testing.assert_close(g, want)


def test_binary_cross_entropy_logits_gradient_at_exactly_zero():
    """A zero-initialised output layer gives logits exactly 0: dL/dz must be σ(0) - y there
    (the max/|z| form has the right value but autograd's one-sided kinks give 1 - y)."""
    z = torch.zeros(4, dtype=torch.float64)
    y = torch.tensor([0.0, 1.0, 0.5, 0.25], dtype=torch.float64)
    ours = losses.grad_wrt_prediction(losses.binary_cross_entropy_logits, z, y, reduction="sum")
    theirs = losses.grad_wrt_prediction(
        lambda z_, y_, reduction: nn.BCEWithLogitsLoss(reduction=reduction)(z_, y_),
        z,
        y,
        reduction="sum",
    )
    assert ours.tolist() == [0.5, -0.5, 0.0, 0.25] == theirs.tolist()
    value = losses.binary_cross_entropy_logits(z, y, reduction="none")
    torch.testing.assert_close(value, torch.full((4,), math.log(2.0), dtype=torch.float64))


def test_binary_cross_entropy_logits_gradient_is_sigmoid_minus_y_everywhere():
    z = torch.tensor(
        [-800.0, -40.0, -3.0, -1e-300, 0.0, 1e-300, 2.5, 40.0, 800.0], dtype=torch.float64
    )
    y = torch.tensor([1.0, 0.0, 1.0, 0.3, 1.0, 0.7, 0.0, 0.0, 1.0], dtype=torch.float64)
    grad = losses.grad_wrt_prediction(losses.binary_cross_entropy_logits, z, y, reduction="sum")
    torch.testing.assert_close(grad, torch.sigmoid(z) - y, atol=1e-15, rtol=0)
