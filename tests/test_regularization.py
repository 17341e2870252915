"""Dropout and BatchNorm from scratch (helpers.layers.regularization) against torch.nn, plus
the chapter's plots and exercise checkers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers.exercises import ch08
from helpers.layers import regularization as reg
from helpers.plots import regularization as rplots


# ------------------------------------------------------------------------------ Dropout
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("shape", [(17,), (6, 9), (2, 3, 4, 5)])
def test_dropout_same_seed_matches_nn_dropout_exactly(p, shape):
    x = torch.randn(shape, requires_grad=True)
    torch.manual_seed(123)
    ref = nn.Dropout(p)(x)
    ours = reg.dropout(x, p, generator=torch.Generator().manual_seed(123))
    assert torch.equal(ours, ref)
    (g_ref,) = torch.autograd.grad(ref.sum(), x)
    (g_ours,) = torch.autograd.grad(ours.sum(), x)
    assert torch.equal(g_ours, g_ref)


def test_dropout_module_same_generator_state_matches_nn_dropout():
    x = torch.randn(8, 16)
    torch.manual_seed(5)
    ref = nn.Dropout(0.3)(x)
    torch.manual_seed(5)
    ours = reg.Dropout(0.3)(x)  # global generator, same state
    assert torch.equal(ours, ref)


def test_dropout_recovered_mask_matches_nn_dropout():
    x = torch.randn(32, 10)
    torch.manual_seed(0)
    ref = nn.Dropout(0.4)(x)
    mask = (ref != 0).float()
    assert torch.equal(reg.dropout(x, 0.4, mask=mask), ref)
    # bool masks work too
    assert torch.equal(reg.dropout(x, 0.4, mask=ref != 0), ref)


def test_dropout_kept_units_are_scaled_and_dropped_are_zero():
    x = torch.full((1000,), 2.0)
    y = reg.dropout(x, 0.75, generator=torch.Generator().manual_seed(1))
    assert set(torch.unique(y).tolist()) == {0.0, 8.0}


def test_dropout_preserves_expectation():
    x = torch.tensor([1.0, -2.0, 0.5, 3.0])
    g = torch.Generator().manual_seed(0)
    xs = x.expand(40_000, -1)
    mean = reg.dropout(xs, 0.3, generator=g).mean(0)
    # standard error <= 3 * sqrt(0.3 / 0.7) / 200 ~ 0.01
    assert torch.allclose(mean, x, atol=0.05)
    plain = (xs * reg.dropout_mask(xs, 0.3, generator=g)).mean(0)
    assert torch.allclose(plain, 0.7 * x, atol=0.05)


def test_dropout_module_train_vs_eval():
    layer = reg.Dropout(0.5, generator=torch.Generator().manual_seed(0))
    x = torch.randn(4, 50)
    y1, m1 = layer(x), layer.last_mask.clone()
    y2, m2 = layer(x), layer.last_mask.clone()
    assert not torch.equal(m1, m2)  # a different subnetwork each pass
    assert torch.equal(y1, x * m1 * 2.0)
    assert torch.equal(y2, x * m2 * 2.0)
    layer.eval()
    assert layer(x) is x
    assert "p=0.5" in repr(layer)


def test_dropout_p0_and_eval_draw_no_random_numbers():
    x = torch.randn(5, 5)
    state = torch.get_rng_state()
    assert reg.dropout(x, 0.0) is x
    assert reg.dropout(x, 0.5, training=False) is x
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan"), "0.5", True, None])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match="p must be a finite number >= 0 and < 1"):
        reg.dropout(torch.ones(3), p)
    with pytest.raises(ValueError, match="p must be a finite number >= 0 and < 1"):
        reg.Dropout(p)


def test_dropout_bad_input():
    with pytest.raises(ValueError, match="torch.Tensor"):
        reg.dropout([1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match="floating-point"):
        reg.dropout(torch.ones(3, dtype=torch.long), 0.5)
    with pytest.raises(ValueError, match="floating-point"):
        reg.Dropout(0.5)(torch.ones(3, dtype=torch.int32))
    with pytest.raises(ValueError, match="shape"):
        reg.dropout(torch.ones(3), 0.5, mask=torch.ones(4))
    with pytest.raises(ValueError, match="only 0"):
        reg.dropout(torch.ones(3), 0.5, mask=torch.tensor([1.0, 0.5, 0.0]))
    with pytest.raises(ValueError, match="generator"):
        reg.Dropout(0.5, generator=0)


# --------------------------------------------------------------------------- BatchNorm
def _pair(kind: str, c: int, **kw):
    ours = {"1d": reg.BatchNorm1d, "2d": reg.BatchNorm2d}[kind](c, **kw).double()
    theirs = {"1d": nn.BatchNorm1d, "2d": nn.BatchNorm2d}[kind](c, **kw).double()
    if ours.affine:
        with torch.no_grad():
            gamma, beta = (
                torch.rand(c, dtype=torch.float64) + 0.5,
                torch.randn(c, dtype=torch.float64),
            )
            for layer in (ours, theirs):
                layer.weight.copy_(gamma)
                layer.bias.copy_(beta)
    return ours, theirs


SHAPES = [("1d", (16, 5)), ("1d", (6, 4, 7)), ("2d", (4, 3, 5, 6))]


@pytest.mark.parametrize(("kind", "shape"), SHAPES)
def test_batchnorm_train_mode_outputs_and_gradients(kind, shape):
    torch.manual_seed(0)
    ours, theirs = _pair(kind, shape[1])
    for _ in range(3):
        z = (3 * torch.randn(shape, dtype=torch.float64) + 2).requires_grad_()
        z_ref = z.detach().clone().requires_grad_()
        upstream = torch.randn(shape, dtype=torch.float64)
        y, y_ref = ours(z), theirs(z_ref)
        torch.testing.assert_close(y, y_ref, atol=1e-10, rtol=0)
        (y * upstream).sum().backward()
        (y_ref * upstream).sum().backward()
        torch.testing.assert_close(z.grad, z_ref.grad, atol=1e-10, rtol=0)
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad, atol=1e-9, rtol=0)
    torch.testing.assert_close(ours.bias.grad, theirs.bias.grad, atol=1e-9, rtol=0)
    torch.testing.assert_close(ours.running_mean, theirs.running_mean, atol=1e-12, rtol=0)
    torch.testing.assert_close(ours.running_var, theirs.running_var, atol=1e-12, rtol=0)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 3


@pytest.mark.parametrize(("kind", "shape"), SHAPES)
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batchnorm_eval_mode_uses_running_stats(kind, shape, momentum):
    torch.manual_seed(1)
    ours, theirs = _pair(kind, shape[1], momentum=momentum)
    for _ in range(5):
        z = torch.randn(shape, dtype=torch.float64) * 2 + 1
        ours(z), theirs(z)
    torch.testing.assert_close(ours.running_mean, theirs.running_mean, atol=1e-12, rtol=0)
    torch.testing.assert_close(ours.running_var, theirs.running_var, atol=1e-12, rtol=0)
    ours.eval()
    theirs.eval()
    z = (torch.randn(shape, dtype=torch.float64) * 2 + 1).requires_grad_()
    z_ref = z.detach().clone().requires_grad_()
    y, y_ref = ours(z), theirs(z_ref)
    torch.testing.assert_close(y, y_ref, atol=1e-12, rtol=0)
    y.sum().backward()
    y_ref.sum().backward()
    torch.testing.assert_close(z.grad, z_ref.grad, atol=1e-12, rtol=0)
    # eval mode leaves the running statistics alone
    before = ours.running_mean.clone()
    ours(z)
    assert torch.equal(before, ours.running_mean)


def test_batchnorm_running_var_is_unbiased_normalization_biased():
    z = torch.tensor([[1.0], [2.0], [3.0], [6.0]], dtype=torch.float64)
    layer = reg.BatchNorm1d(1).double()
    y = layer(z)
    # biased sigma_B^2 = 14 / 4, unbiased = 14 / 3
    assert float(layer.running_var) == pytest.approx(0.9 + 0.1 * 14 / 3)
    expected = (z - 3.0) / math.sqrt(14 / 4 + 1e-5)
    torch.testing.assert_close(y, expected, atol=1e-12, rtol=0)


def test_batchnorm_float32_matches_torch():
    torch.manual_seed(2)
    ours, theirs = reg.BatchNorm2d(3), nn.BatchNorm2d(3)
    z = torch.randn(8, 3, 4, 4) * 5 - 2
    torch.testing.assert_close(ours(z), theirs(z), atol=1e-5, rtol=0)


@pytest.mark.parametrize(("kind", "shape"), SHAPES)
def test_batchnorm_no_affine_no_running_stats(kind, shape):
    torch.manual_seed(3)
    ours, theirs = _pair(kind, shape[1], affine=False, track_running_stats=False)
    assert ours.weight is None and ours.running_mean is None
    ours.eval()
    theirs.eval()  # without running statistics, eval mode uses the batch's
    z = torch.randn(shape, dtype=torch.float64)
    torch.testing.assert_close(ours(z), theirs(z), atol=1e-10, rtol=0)


def test_batchnorm_state_dict_round_trip():
    theirs = nn.BatchNorm2d(4)
    theirs(torch.randn(5, 4, 3, 3))
    ours = reg.BatchNorm2d(4)
    ours.load_state_dict(theirs.state_dict())
    back = nn.BatchNorm2d(4)
    back.load_state_dict(ours.state_dict())
    ours.eval()
    back.eval()
    z = torch.randn(2, 4, 3, 3)
    torch.testing.assert_close(ours(z), back(z), atol=1e-6, rtol=0)
    assert ours.gamma is ours.weight and ours.beta is ours.bias


def test_batchnorm_scale_invariance():
    z = torch.randn(64, 8, dtype=torch.float64)
    # exact up to eps: with eps = 1e-5 and sigma_B ~ 1 the difference is about eps/2 * |z_hat|
    torch.testing.assert_close(reg.batch_norm(100 * z), reg.batch_norm(z), atol=1e-4, rtol=0)
    torch.testing.assert_close(
        reg.batch_norm(100 * z, eps=1e-14), reg.batch_norm(z, eps=1e-14), atol=1e-10, rtol=0
    )


@pytest.mark.parametrize(
    ("layer", "shape", "match"),
    [
        (reg.BatchNorm1d(3), (2, 3, 4, 4), r"\(N, C\) or \(N, C, L\).*4-D"),
        (reg.BatchNorm1d(3), (3,), r"1-D"),
        (reg.BatchNorm2d(3), (2, 3), r"\(N, C, H, W\).*2-D"),
        (reg.BatchNorm2d(3), (2, 3, 4), r"3-D"),
        (reg.BatchNorm1d(3), (4, 5), r"5 channels"),
        (reg.BatchNorm2d(3), (4, 2, 5, 5), r"2 channels"),
    ],
)
def test_batchnorm_wrong_shape(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        layer(torch.randn(shape))


def test_batchnorm_batch_of_one_in_training():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        reg.BatchNorm1d(4)(torch.randn(1, 4))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        reg.BatchNorm2d(2)(torch.randn(1, 2, 1, 1))
    with pytest.raises(ValueError):  # torch agrees
        nn.BatchNorm1d(4)(torch.randn(1, 4))
    # one image still has H*W values per channel; eval mode takes a single sample
    assert reg.BatchNorm2d(2)(torch.randn(1, 2, 3, 3)).shape == (1, 2, 3, 3)
    assert reg.BatchNorm1d(4).eval()(torch.randn(1, 4)).shape == (1, 4)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"num_features": 0}, "num_features must be an int >= 1"),
        ({"num_features": 2.0}, "num_features must be an int >= 1"),
        ({"num_features": True}, "num_features must be an int >= 1"),
        ({"num_features": 3, "eps": 0}, "eps"),
        ({"num_features": 3, "eps": -1e-5}, "eps"),
        ({"num_features": 3, "momentum": 1.5}, "momentum"),
        ({"num_features": 3, "momentum": -0.1}, "momentum"),
        ({"num_features": 3, "momentum": "0.1"}, "momentum"),
    ],
)
def test_batchnorm_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        reg.BatchNorm1d(**kwargs)


def test_batchnorm_bad_input_types():
    with pytest.raises(ValueError, match="torch.Tensor"):
        reg.BatchNorm1d(2)([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="floating-point"):
        reg.BatchNorm1d(2)(torch.ones(3, 2, dtype=torch.long))


def test_batch_norm_functional_checks():
    z = torch.randn(5, 3)
    with pytest.raises(ValueError, match="both mean and var"):
        reg.batch_norm(z, mean=torch.zeros(3))
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        reg.batch_norm(z, torch.ones(4))
    with pytest.raises(ValueError, match="eps"):
        reg.batch_norm(z, eps=0.0)
    with pytest.raises(ValueError, match=r"\(N, C, ...\)"):
        reg.batch_norm(torch.randn(5))
    with pytest.raises(ValueError, match=r"\(N, C, ...\)"):
        reg.batch_stats(torch.randn(5))
    mu, var = reg.batch_stats(z)
    torch.testing.assert_close(mu, z.mean(0))
    torch.testing.assert_close(var, z.var(0, unbiased=False))


def test_batchnorm_trains_inside_a_model():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 8, bias=False), reg.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2)
    )
    x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    first = None
    for _ in range(30):
        loss = nn.functional.cross_entropy(model(x), y)
        first = first if first is not None else float(loss.detach())
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss.detach()) < first


# -------------------------------------------------------------------------------- plots
def test_plots_return_axes_and_check_input():
    import matplotlib.pyplot as plt

    ax = rplots.loss_gap([2.0, 1.0, 0.5], [2.1, 1.5, 1.7], logy=True)
    assert len(ax.lines) >= 3 and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="equal length"):
        rplots.loss_gap([1.0, 2.0], [1.0])
    ax = rplots.mask_image(torch.tensor([1.0, 0.0] * 8))
    assert ax.images[0].get_array().shape == (4, 4)
    with pytest.raises(ValueError, match="cannot show"):
        rplots.mask_image(np.ones(6), shape=(4, 4))
    ax = rplots.histograms({"a": torch.randn(100), "b": np.zeros(10)}, bins=10)
    assert len(ax.patches) == 2
    with pytest.raises(ValueError, match="empty"):
        rplots.histograms({"a": []})
    with pytest.raises(ValueError, match="at least one"):
        rplots.histograms({})
    ax = rplots.running_estimates({"est": [1.0, 2.0, 3.0]}, 2.0)
    assert len(ax.lines) == 2
    ax = rplots.grouped_bars({"a": [1.0, 2.0], "b": [0.5, -1.0]})
    assert len(ax.patches) == 4
    with pytest.raises(ValueError, match="same length"):
        rplots.grouped_bars({"a": [1.0], "b": [1.0, 2.0]})
    plt.close("all")


# ---------------------------------------------------------------------------- exercises
def _expected_answers():
    x, mask, p = ch08.EX1["x"], ch08.EX1["mask"], ch08.EX1["p"]
    z, gamma, beta, eps = (ch08.EX2[k] for k in ("z", "gamma", "beta", "eps"))
    mu = z.mean()
    var = ((z - mu) ** 2).mean()
    y = gamma * (z - mu) / torch.sqrt(var + eps) + beta
    rv = 0.9 * 1.0 + 0.1 * var * 4 / 3
    return x * mask / (1 - p), y, float(rv)


def test_exercises_return_verdicts_that_display_nothing(capsys):
    from helpers.exercises import Verdict

    for ex in (ch08.ex1, ch08.ex2, ch08.ex3):
        assert isinstance(ex(None), Verdict)
    x, mask = ch08.EX1["x"], ch08.EX1["mask"]
    assert isinstance(ch08.ex1(x * mask), Verdict)  # the special-case feedback too


def test_exercises_right_answers(capsys):
    a1, a2, a3 = _expected_answers()
    assert ch08.ex1(a1) and ch08.ex1(a1.tolist())
    assert ch08.ex2(a2)
    assert ch08.ex3(a3) and ch08.ex3(torch.tensor(a3))
    assert capsys.readouterr().out.count("correct.") == 5


@pytest.mark.parametrize("stub", [None, ...])
def test_exercises_stubs_give_hints(stub, capsys):
    for ex in (ch08.ex1, ch08.ex2, ch08.ex3):
        assert not ex(stub)
    assert capsys.readouterr().out.count("Hint:") == 3


@pytest.mark.parametrize("junk", ["text", {}, [1, 2], torch.zeros(7), float("nan"), [[1], [2, 3]]])
def test_exercises_never_raise(junk, capsys):
    for ex in (ch08.ex1, ch08.ex2, ch08.ex3):
        assert not ex(junk)
    assert "correct." not in capsys.readouterr().out


def test_exercises_name_the_typical_mistakes(capsys):
    x, mask = ch08.EX1["x"], ch08.EX1["mask"]
    assert not ch08.ex1(x * mask)
    assert "forgot to scale" in capsys.readouterr().out
    z = ch08.EX2["z"]
    biased = float(((z - z.mean()) ** 2).mean())
    assert not ch08.ex3(0.9 + 0.1 * biased)
    assert "biased variance" in capsys.readouterr().out
