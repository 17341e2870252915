"""helpers.optim: the notes' optimizers against their formulas and against torch.optim."""

from __future__ import annotations

import copy
import math

import pytest
import torch
from torch import nn

from helpers import data, optim

STEPS = 200


@pytest.fixture(scope="module")
def digits64():
    x, y = data.digits(flatten=True)
    gen = torch.Generator().manual_seed(0)
    batches = [torch.randint(0, len(y), (64,), generator=gen) for _ in range(STEPS)]
    return x.double(), y, batches


def train(make_optimizer, digits64, steps=STEPS):
    """A small MLP on digits in float64: every run sees the same init and the same batches."""
    x, y, batches = digits64
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10)).double()
    opt = make_optimizer(model.parameters())
    losses = []
    for idx in batches[:steps]:
        loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return torch.cat([p.detach().flatten() for p in model.parameters()]), torch.tensor(losses)


PAIRS = {
    "AdaGrad defaults": (lambda p: optim.AdaGrad(p), lambda p: torch.optim.Adagrad(p)),
    "AdaGrad lr 0.05 eps 1e-6": (
        lambda p: optim.AdaGrad(p, lr=0.05, eps=1e-6),
        lambda p: torch.optim.Adagrad(p, lr=0.05, eps=1e-6),
    ),
    "RMSProp defaults": (lambda p: optim.RMSProp(p), lambda p: torch.optim.RMSprop(p)),
    "RMSProp beta 0.9": (
        lambda p: optim.RMSProp(p, lr=3e-3, beta=0.9, eps=1e-6),
        lambda p: torch.optim.RMSprop(p, lr=3e-3, alpha=0.9, eps=1e-6),
    ),
    "Adam defaults": (lambda p: optim.Adam(p), lambda p: torch.optim.Adam(p)),
    "Adam 3e-3 (0.8, 0.99)": (
        lambda p: optim.Adam(p, lr=3e-3, beta1=0.8, beta2=0.99, eps=1e-7),
        lambda p: torch.optim.Adam(p, lr=3e-3, betas=(0.8, 0.99), eps=1e-7),
    ),
    "Momentum lr 0.5 beta 0.9 = SGD lr 0.05": (
        lambda p: optim.Momentum(p, lr=0.5, beta=0.9),
        lambda p: torch.optim.SGD(p, lr=0.5 * (1 - 0.9), momentum=0.9),
    ),
    "Momentum lr 0.2 beta 0.5 = SGD lr 0.1": (
        lambda p: optim.Momentum(p, lr=0.2, beta=0.5),
        lambda p: torch.optim.SGD(p, lr=0.2 * (1 - 0.5), momentum=0.5),
    ),
    "Momentum beta 0 = plain SGD": (
        lambda p: optim.Momentum(p, lr=0.1, beta=0.0),
        lambda p: torch.optim.SGD(p, lr=0.1),
    ),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_matches_torch_over_hundreds_of_steps_on_a_real_model(name, digits64):
    ours, theirs = PAIRS[name]
    p_ours, loss_ours = train(ours, digits64)
    p_torch, loss_torch = train(theirs, digits64)
    assert loss_ours[-1] < loss_ours[0]  # it really trained
    torch.testing.assert_close(p_ours, p_torch, atol=1e-6, rtol=0)
    torch.testing.assert_close(loss_ours, loss_torch, atol=1e-6, rtol=0)


def feed(opt, p, grads):
    """Step ``opt`` with the given gradient sequence (no loss needed); return the params seen."""
    seen = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        seen.append(p.detach().clone())
    return torch.stack(seen)


def grad_sequence(n=50, shape=(3,), seed=1):
    gen = torch.Generator().manual_seed(seed)
    return [1.0 + torch.randn(shape, generator=gen, dtype=torch.float64) for _ in range(n)]


def test_momentum_is_the_ema_form_of_the_notes():
    grads = grad_sequence()
    eta, beta = 0.1, 0.8
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    got = feed(optim.Momentum([p], lr=eta, beta=beta), p, grads)
    w, V, want = torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), []
    for g in grads:
        V = beta * V + (1 - beta) * g
        w = w - eta * V
        want.append(w)
    torch.testing.assert_close(got, torch.stack(want), atol=1e-14, rtol=0)


def test_torch_dampening_beta_differs_by_beta_power_t_times_g1():
    """SGD(momentum=β, dampening=β) skips the dampening on step 1: B_t = V_t + β^t g_1."""
    grads = grad_sequence()
    beta = 0.9
    p1 = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    p2 = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    ours = optim.Momentum([p1], lr=1.0, beta=beta)
    theirs = torch.optim.SGD([p2], lr=1.0, momentum=beta, dampening=beta)
    for t, g in enumerate(grads, start=1):
        p1.grad, p2.grad = g.clone(), g.clone()
        ours.step()
        theirs.step()
        V_t = ours.state[p1]["V"]
        B_t = theirs.state[p2]["momentum_buffer"]
        torch.testing.assert_close(B_t - V_t, beta**t * grads[0], atol=1e-12, rtol=0)
    # the first step: torch moves 1/(1 - β) = 10 times as far
    q1 = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    q2 = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    s1 = feed(optim.Momentum([q1], lr=0.1, beta=beta), q1, [torch.ones(1, dtype=torch.float64)])
    s2 = feed(
        torch.optim.SGD([q2], lr=0.1, momentum=beta, dampening=beta),
        q2,
        [torch.ones(1, dtype=torch.float64)],
    )
    assert float(s2[0, 0] / s1[0, 0]) == pytest.approx(1 / (1 - beta))


def test_adam_first_moment_is_momentum_and_second_is_rmsprop():
    grads = grad_sequence(shape=(4,))
    pa, pm, pr = (torch.zeros(4, dtype=torch.float64, requires_grad=True) for _ in range(3))
    adam = optim.Adam([pa], lr=0.01, beta1=0.8, beta2=0.95)
    mom = optim.Momentum([pm], lr=0.01, beta=0.8)
    rms = optim.RMSProp([pr], lr=0.01, beta=0.95)
    for g in grads:
        for p, opt in ((pa, adam), (pm, mom), (pr, rms)):
            p.grad = g.clone()
            opt.step()
    torch.testing.assert_close(adam.state[pa]["m"], mom.state[pm]["V"], atol=1e-14, rtol=0)
    torch.testing.assert_close(adam.state[pa]["v"], rms.state[pr]["V"], atol=1e-14, rtol=0)
    assert adam.state[pa]["t"] == len(grads)


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_adam_first_step_is_about_lr_whatever_the_gradient_scale(scale):
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    seen = feed(optim.Adam([p], lr=0.01), p, [torch.tensor([scale, -scale], dtype=torch.float64)])
    step = 0.01 * scale / (scale + 1e-8)  # m̂_1 = g_1, √v̂_1 = |g_1|: η |g| / (|g| + ε)
    torch.testing.assert_close(
        seen[0], torch.tensor([-step, step], dtype=torch.float64), atol=1e-15, rtol=1e-12
    )
    assert step == pytest.approx(0.01, rel=1e-4)


def test_adagrad_step_shrinks_like_one_over_sqrt_t():
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = optim.AdaGrad([p], lr=1.0, eps=0.0)
    seen = feed(opt, p, [torch.full((1,), 2.0, dtype=torch.float64)] * 100)
    steps = -torch.diff(torch.cat([torch.zeros(1, 1, dtype=torch.float64), seen]), dim=0)[:, 0]
    t = torch.arange(1, 101, dtype=torch.float64)
    torch.testing.assert_close(steps, 1 / t.sqrt(), atol=1e-12, rtol=0)
    torch.testing.assert_close(opt.state[p]["G"], torch.tensor([400.0], dtype=torch.float64))


def test_rmsprop_step_settles_instead_of_shrinking():
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    seen = feed(
        optim.RMSProp([p], lr=1.0, beta=0.9, eps=0.0), p, [torch.ones(1, dtype=torch.float64)] * 200
    )
    last = float(seen[-2, 0] - seen[-1, 0])
    assert last == pytest.approx(1.0, rel=1e-6)  # √V_t → |g|: the step tends to η


def test_ema_matches_its_unrolled_sum_and_bias_correction():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(40, generator=gen, dtype=torch.float64)
    beta = 0.9
    v = optim.ema(x, beta)
    t = torch.arange(1, 41, dtype=torch.float64)
    k = torch.arange(1, 41, dtype=torch.float64)
    weights = torch.where(
        k[None, :] <= t[:, None], (1 - beta) * beta ** (t[:, None] - k[None, :]), 0.0
    )
    torch.testing.assert_close(v, weights @ x, atol=1e-13, rtol=0)
    ones = torch.ones(30, dtype=torch.float64)
    torch.testing.assert_close(optim.ema(ones, beta), 1 - beta ** torch.arange(1, 31).double())
    torch.testing.assert_close(optim.ema(ones, beta, bias_correction=True), ones)


def test_ema_class_and_vector_values():
    avg = optim.EMA(0.5)
    assert avg.v_hat == 0.0
    assert avg.update(2.0) == 1.0 and avg.v_hat == pytest.approx(2.0)
    assert avg.update(4.0) == 2.5 and avg.v_hat == pytest.approx(2.5 / 0.75)
    series = torch.arange(12, dtype=torch.float64).reshape(6, 2)
    out = optim.ema(series, 0.5)
    assert out.shape == (6, 2)
    torch.testing.assert_close(out[:, 0] + 1 * (1 - 0.5 ** torch.arange(1, 7)), out[:, 1])


def test_closure_and_parameters_without_gradient():
    w = torch.ones(2, dtype=torch.float64, requires_grad=True)
    frozen = torch.ones(2, dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([w, frozen], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss.detach()) == 2.0
    assert torch.all(w < 1) and torch.equal(frozen, torch.ones(2, dtype=torch.float64))


def test_sparse_gradients_are_refused_clearly():
    emb = nn.Embedding(5, 2, sparse=True)
    opt = optim.AdaGrad(emb.parameters())
    emb(torch.tensor([1, 2])).sum().backward()
    with pytest.raises(ValueError, match="sparse gradients"):
        opt.step()


def test_state_dict_round_trip_continues_the_same_path():
    grads = grad_sequence(n=20)
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([p], lr=0.05)
    feed(opt, p, grads[:10])
    saved_p, saved = p.detach().clone(), copy.deepcopy(opt.state_dict())
    end_a = feed(opt, p, grads[10:])[-1]
    q = saved_p.clone().requires_grad_(True)
    opt_b = optim.Adam([q], lr=0.05)
    opt_b.load_state_dict(saved)
    end_b = feed(opt_b, q, grads[10:])[-1]
    torch.testing.assert_close(end_a, end_b, atol=0, rtol=0)


def test_they_work_with_schedulers():
    p = torch.zeros(1, requires_grad=True)
    opt = optim.RMSProp([p], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05)


PARAMS = [torch.zeros(1, requires_grad=True)]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: optim.Momentum(PARAMS, lr=-0.1), "lr must be a finite number >= 0, got -0.1"),
        (lambda: optim.Momentum(PARAMS, lr=math.nan), "lr must be a finite number >= 0"),
        (lambda: optim.Momentum(PARAMS, lr="0.1"), "lr must be a finite number >= 0"),
        (lambda: optim.Momentum(PARAMS, lr=True), "lr must be a finite number >= 0"),
        (
            lambda: optim.Momentum(PARAMS, beta=1.0),
            "beta must be a finite number >= 0 and < 1, got 1.0",
        ),
        (lambda: optim.Momentum(PARAMS, beta=-0.1), "beta must be a finite number >= 0 and < 1"),
        (lambda: optim.AdaGrad(PARAMS, lr=-1), "lr must be a finite number >= 0"),
        (lambda: optim.AdaGrad(PARAMS, eps=-1e-8), "eps must be a finite number >= 0"),
        (lambda: optim.AdaGrad(PARAMS, eps=math.inf), "eps must be a finite number >= 0"),
        (lambda: optim.RMSProp(PARAMS, beta=1.5), "beta must be a finite number >= 0 and < 1"),
        (lambda: optim.RMSProp(PARAMS, eps=-1), "eps must be a finite number >= 0"),
        (lambda: optim.Adam(PARAMS, beta1=1.0), "beta1 must be a finite number >= 0 and < 1"),
        (lambda: optim.Adam(PARAMS, beta2=-0.5), "beta2 must be a finite number >= 0 and < 1"),
        (lambda: optim.Adam(PARAMS, lr=-3e-4), "lr must be a finite number >= 0"),
        (lambda: optim.EMA(beta=1.0), "beta must be a finite number >= 0 and < 1"),
        (lambda: optim.ema(torch.ones(3), beta=2.0), "beta must be a finite number >= 0 and < 1"),
        (lambda: optim.ema(torch.tensor(1.0)), "non-empty series"),
        (lambda: optim.Adam([], lr=0.1), "empty parameter list"),
    ],
)
def test_bad_hyperparameters_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()
