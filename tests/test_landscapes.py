"""helpers.landscapes: the test surfaces, their gradients and minima, and the trajectory runner."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
import torch

from helpers import landscapes, optim
from helpers.landscapes import LANDSCAPES, OPTIMIZERS

RNG = np.random.default_rng(0)
POINTS = torch.tensor(RNG.uniform(-1.9, 1.9, size=(25, 2)))


def sgd(lr):
    return lambda p: torch.optim.SGD(p, lr=lr)


@pytest.mark.parametrize("name", LANDSCAPES)
def test_autograd_gradient_matches_central_differences(name):
    ls = landscapes.get(name)
    g = ls.grad(POINTS)
    h = 1e-6
    for axis in range(2):
        e = torch.zeros(2, dtype=torch.float64)
        e[axis] = h
        fd = (ls(POINTS + e) - ls(POINTS - e)) / (2 * h)
        torch.testing.assert_close(g[:, axis], fd, atol=1e-5, rtol=1e-6)


def test_gradients_match_the_hand_derived_formulas():
    x, y = POINTS[:, 0], POINTS[:, 1]
    ravine = landscapes.get("ravine").grad(POINTS)
    torch.testing.assert_close(ravine, torch.stack([0.2 * x, 4.0 * y], dim=1))
    rosen = landscapes.get("rosenbrock").grad(POINTS)
    want = torch.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], dim=1)
    torch.testing.assert_close(rosen, want)
    saddle = landscapes.get("saddle").grad(POINTS)
    torch.testing.assert_close(saddle, torch.stack([2 * x, y**3 - y], dim=1))


def hessian(ls, point):
    return torch.autograd.functional.hessian(
        lambda w: ls(w), torch.tensor(point, dtype=torch.float64)
    )


@pytest.mark.parametrize("name", LANDSCAPES)
def test_minima_are_stationary_local_minima_and_the_first_is_global(name):
    ls = landscapes.get(name)
    for point in ls.minima:
        assert float(ls.grad(point).abs().max()) < 1e-9
        assert torch.linalg.eigvalsh(hessian(ls, point)).min() > 0
    values = [float(ls(p)) for p in ls.minima]
    assert values[0] == min(values) == pytest.approx(ls.f_min)
    _, _, Z = ls.grid(201)
    assert ls.f_min <= Z.min() + 1e-12  # nothing in the box lies lower
    for point in ls.saddles:
        assert float(ls.grad(point).abs().max()) < 1e-12
        eig = torch.linalg.eigvalsh(hessian(ls, point))
        assert eig.min() < 0 < eig.max()


def test_wells_have_four_minima_of_different_depths():
    ls = landscapes.get("wells")
    values = [float(ls(p)) for p in ls.minima]
    assert len(values) == 4 and len(set(np.round(values, 6))) == 4
    assert ls.minimum[0] < 0 and ls.minimum[1] < 0


@pytest.mark.parametrize("name", LANDSCAPES)
def test_presets_start_inside_the_box_and_converge_for_adam(name):
    ls = landscapes.get(name)
    x0, x1, y0, y1 = ls.box
    assert x0 <= ls.start[0] <= x1 and y0 <= ls.start[1] <= y1
    tr = landscapes.run(ls, lambda p: optim.Adam(p, lr=ls.lr_adaptive), ls.start, 100)
    assert not tr.diverged and tr.loss[-1] < tr.loss[0]


def test_run_records_points_losses_and_gradients_like_a_hand_loop():
    ls = landscapes.get("rosenbrock")
    tr = landscapes.run(ls, sgd(1e-3), ls.start, 30)
    w = torch.tensor(ls.start, dtype=torch.float64)
    for t in range(31):
        np.testing.assert_allclose(tr.path[t], w.numpy(), atol=1e-14)
        np.testing.assert_allclose(tr.loss[t], float(ls(w)), atol=1e-12)
        g = ls.grad(w)
        np.testing.assert_allclose(tr.grad[t], g.numpy(), atol=1e-12)
        w = w - 1e-3 * g
    assert tr.path.shape == (31, 2) and tr.status() == "ran 30 steps"


def test_several_starts_in_one_tensor_equal_separate_runs():
    ls = landscapes.get("wells")
    starts = [[-1.5, 1.5], [1.5, -1.5], [0.2, 0.1]]
    make = lambda p: optim.Adam(p, lr=0.05, beta1=0.9, beta2=0.99)  # noqa: E731
    together = landscapes.run(ls, make, starts, 80)
    for start, tr in zip(starts, together, strict=True):
        alone = landscapes.run(ls, make, start, 80)
        np.testing.assert_allclose(tr.path, alone.path, atol=1e-15)


def test_run_many_overlays_ours_and_torch_on_the_same_paths():
    for name in LANDSCAPES:
        ls = landscapes.get(name)
        hyper = {"lr_gd": ls.lr_gd, "lr_adaptive": ls.lr_adaptive, "beta1": 0.9, "beta2": 0.99}
        makers = {n: landscapes.optimizer_maker(n, **hyper) for n in OPTIMIZERS}
        res = landscapes.run_many(ls, makers, ls.start, 150)
        for ours, theirs in [
            ("Momentum", "SGD momentum (torch)"),
            ("AdaGrad", "Adagrad (torch)"),
            ("RMSProp", "RMSprop (torch)"),
            ("Adam", "Adam (torch)"),
        ]:
            a, b = res[ours], res[theirs]
            assert a.diverged_at == b.diverged_at, (name, ours)
            np.testing.assert_allclose(a.path, b.path, atol=1e-9, err_msg=f"{name}: {ours}")


def test_divergence_left_the_box_at_the_predicted_step():
    # GD on the ravine: y_t = y_0 (1 - 4η)^t; with η = 0.51 |y_t| = 1.04^t passes 4
    # (the divergence box is [-4, 4]²) first at t = 36.
    ls = landscapes.get("ravine")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = landscapes.run(ls, sgd(0.51), (-1.8, 1.0), 200)
    assert tr.diverged_at == 36 and tr.reason == "left the plot box"
    assert tr.status() == "diverged at step 36 (left the plot box)"
    assert len(tr.path) == len(tr.loss) == len(tr.grad) == 36
    assert np.isfinite(tr.path).all() and np.abs(tr.path).max() <= 4


def test_huge_learning_rates_diverge_quietly_and_stop_early():
    ls = landscapes.get("rosenbrock")
    makers = {n: landscapes.optimizer_maker(n, lr_gd=10.0, lr_adaptive=10.0) for n in OPTIMIZERS}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = landscapes.run_many(ls, makers, (-1.2, 1.0), 500)
    for name, tr in res.items():
        assert tr.diverged and tr.diverged_at <= 30, name
        assert np.isfinite(tr.path).all() and np.isfinite(tr.loss).all()


class NaNAfter(torch.optim.Optimizer):
    """Plain GD that writes NaN into the parameters on its third step."""

    def __init__(self, params):
        super().__init__(params, {"lr": 0.01})
        self.t = 0

    @torch.no_grad()
    def step(self, closure=None):
        self.t += 1
        for group in self.param_groups:
            for p in group["params"]:
                p.sub_(0.01 * p.grad)
                if self.t == 3:
                    p.fill_(float("nan"))


def test_non_finite_points_are_reported_as_such():
    tr = landscapes.run("saddle", NaNAfter, (-1.0, 0.5), 50)
    assert tr.diverged_at == 3 and tr.reason == "not finite"
    assert tr.status() == "diverged at step 3 (not finite)"


def test_zero_steps_and_a_stationary_start():
    tr = landscapes.run("saddle", sgd(0.1), (0.0, 0.0), 0)
    assert tr.path.shape == (1, 2) and not tr.diverged
    tr = landscapes.run("saddle", lambda p: optim.Adam(p, lr=0.1), (0.0, 0.0), 20)
    assert np.all(tr.path == 0.0)  # ∇f = 0 at the saddle: nothing moves, not even Adam


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: landscapes.get("himmelblau"), "unknown landscape name"),
        (lambda: landscapes.run("ravine", sgd(0.1), (0.0, 0.0), -1), "steps must be an int >= 0"),
        (lambda: landscapes.run("ravine", sgd(0.1), (0.0, 0.0), 2.5), "steps must be an int >= 0"),
        (lambda: landscapes.run("ravine", sgd(0.1), (0.0, 0.0, 0.0)), "shape"),
        (lambda: landscapes.run("ravine", sgd(0.1), "origin"), "start must be"),
        (lambda: landscapes.run("ravine", sgd(0.1), (9.0, 0.0)), "inside the divergence box"),
        (lambda: landscapes.run("ravine", sgd(0.1), (np.nan, 0.0)), "finite"),
        (lambda: landscapes.run("ravine", "adam", (0.0, 0.0)), "callable"),
        (lambda: landscapes.run("ravine", lambda p: None, (0.0, 0.0)), "torch.optim.Optimizer"),
        (lambda: landscapes.run(42, sgd(0.1), (0.0, 0.0)), "Landscape or a name"),
        (lambda: landscapes.run_many("ravine", {}, (0.0, 0.0)), "non-empty mapping"),
        (lambda: landscapes.optimizer_maker("Lion"), "name must be one of"),
        (
            lambda: landscapes.optimizer_maker("Adam", beta2=1.0),
            "beta2 must be a finite number >= 0 and < 1",
        ),
        (
            lambda: landscapes.optimizer_maker("GD", lr_gd=-1.0),
            "lr_gd must be a finite number >= 0",
        ),
        (lambda: landscapes.get("ravine").grid(1), "n must be an int >= 2"),
        (lambda: landscapes.get("ravine")([1.0, 2.0, 3.0]), "shape"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_custom_landscape_works_with_the_runner():
    ls = dataclasses.replace(
        landscapes.get("ravine"), name="bowl", f=lambda x, y: x**2 + y**2, minima=((0.0, 0.0),)
    )
    tr = landscapes.run(ls, sgd(0.25), (1.0, 1.0), 3)
    np.testing.assert_allclose(tr.path[:, 0], [1.0, 0.5, 0.25, 0.125])


def test_step_hooks_still_run_when_registered():
    calls = []

    def make(params):
        opt = torch.optim.SGD(params, lr=0.1)
        opt.register_step_post_hook(lambda o, args, kwargs: calls.append(1))
        return opt

    fast = landscapes.run("ravine", sgd(0.1), (1.0, 1.0), 5)
    hooked = landscapes.run("ravine", make, (1.0, 1.0), 5)
    assert len(calls) == 5
    np.testing.assert_array_equal(fast.path, hooked.path)


# -- the explorer's closed-form runner --------------------------------------------------------
@pytest.mark.parametrize("surface", landscapes.LANDSCAPES)
def test_closed_form_gradients_are_autograds_to_the_bit(surface):
    """The hand-written ∇f is the chain rule in autograd's order: the same bits on a grid
    (plateau's exp may differ from torch's by an ulp in f, so its loss is compared to 1e-15)."""
    ls = landscapes.get(surface)
    grid = np.linspace(-2.0, 2.0, 21)
    points = [(float(x), float(y)) for x in grid for y in grid]
    ours = np.array([landscapes.GRADIENTS[surface](x, y) for x, y in points])
    w = torch.tensor(points, dtype=torch.float64)
    torch_f = ls(w).numpy()
    torch_g = ls.grad(w).numpy()
    if surface == "plateau":
        np.testing.assert_allclose(ours[:, 0], torch_f, rtol=0, atol=1e-15)
        np.testing.assert_allclose(ours[:, 1:], torch_g, rtol=0, atol=1e-15)
    else:
        assert np.array_equal(ours[:, 0], torch_f)
        assert np.array_equal(ours[:, 1:], torch_g)


@pytest.mark.parametrize("surface", landscapes.LANDSCAPES)
def test_closed_form_runner_follows_run_many_on_every_default_view(surface):
    """All nine optimizers, 200 steps from the suggested start and learning rates: the float
    runner and autograd + optimizer.step() agree to rounding (torch fuses a + α·b into one
    rounding and its sqrt may land an ulp off; see landscapes.closed_form)."""
    ls = landscapes.get(surface)
    hyper = dict(lr_gd=ls.lr_gd, lr_adaptive=ls.lr_adaptive, beta1=0.9, beta2=0.99)
    names = list(landscapes.OPTIMIZERS)
    fast = landscapes.run_closed_form(ls, names, ls.start, 200, **hyper)
    for name in names:
        ref = landscapes.run_many(ls, {name: landscapes.optimizer_maker(name, **hyper)},
                                  ls.start, 200)[name]  # fmt: skip
        got = fast[name]
        assert (got.diverged_at, got.reason, got.steps) == (ref.diverged_at, ref.reason, ref.steps)
        assert got.path.shape == ref.path.shape, name
        np.testing.assert_allclose(got.path, ref.path, rtol=0, atol=1e-14, err_msg=name)
        np.testing.assert_allclose(got.grad, ref.grad, rtol=1e-12, atol=1e-13, err_msg=name)
        np.testing.assert_allclose(got.loss, ref.loss, rtol=1e-12, atol=1e-14, err_msg=name)


def test_closed_form_runner_reports_divergence_as_run_many_does():
    ls = landscapes.get("ravine")
    hyper = dict(lr_gd=0.6, lr_adaptive=0.1, beta1=0.9, beta2=0.99)
    fast = landscapes.run_closed_form(ls, ["GD", "Momentum"], ls.start, 200, **hyper)
    ref = landscapes.run_many(
        ls, {n: landscapes.optimizer_maker(n, **hyper) for n in ("GD", "Momentum")}, ls.start, 200
    )
    assert fast["GD"].status() == ref["GD"].status() == "diverged at step 5 (left the plot box)"
    assert fast["Momentum"].status() == ref["Momentum"].status()
    assert len(fast["GD"].path) == len(ref["GD"].path) == 5
    nan_start = landscapes.run_closed_form("saddle", ["GD"], (0.0, 1.9), 50, lr_gd=1e9)["GD"]
    assert nan_start.diverged and nan_start.reason in ("left the plot box", "not finite")


def test_closed_form_runner_calls_no_torch_op_per_step():
    """Not a timing assertion: counted with a dispatch-mode hook, the float runner's torch
    calls (checking the start) do not grow with the number of steps; run_many's do."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class Count(TorchDispatchMode):
        n = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            Count.n += 1
            return func(*args, **(kwargs or {}))

    def ops(run, steps):
        Count.n = 0
        with Count():
            run(steps)
        return Count.n

    ls = landscapes.get("ravine")
    fast = [ops(lambda s: landscapes.run_closed_form(ls, ["GD", "Adam"], ls.start, s), s)
            for s in (10, 100)]  # fmt: skip
    slow = [ops(lambda s: landscapes.run_many(ls, {"GD": landscapes.optimizer_maker("GD")},
                                              ls.start, s), s) for s in (10, 100)]  # fmt: skip
    assert fast[0] == fast[1] < 40, fast
    assert slow[1] > slow[0] + 90 * 5, slow
