"""helpers.schedules against torch.optim.lr_scheduler, step by step, plus bad input.

Tolerances come from the arithmetic, not from a guess:

* StepLR, MultiStepLR and ExponentialLR update recursively, ``lr = lr * gamma`` at each
  decay; after k decays that is k correctly rounded products, a relative error of at most
  k*u (u = 2**-53). Our closed form ``eta_0 * gamma ** k`` has ``pow`` (under 1 ulp, so
  2u) and one product (u). So ``|ours - torch| <= (k + 3) * u * |torch|`` (to first
  order), and the tests assert exactly that, per step.
* CosineAnnealingLR multiplies by a ratio of cosines each step; its error analysis is in
  ``schedules.cosine_gap_bound`` (it also grows past T_max, where the ratios exceed 1).
* ReduceLROnPlateau performs the same operations as ours: rates must be bit-identical
  and the reductions must fall on the same epochs.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
import torch

from helpers import schedules
from helpers.exercises import ch07
from helpers.plots import schedules as splots

u = schedules.UNIT_ROUNDOFF
TINY = 1e-290  # stay clear of subnormal numbers, where relative bounds do not hold


def _assert_within_decay_bound(ours: np.ndarray, theirs: np.ndarray, k: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    ok = theirs > TINY
    assert ok.any()
    bound = (k[ok] + 3) * u * theirs[ok]
    gap = np.abs(ours[ok] - theirs[ok])
    worst = int(np.argmax(gap / bound))
    assert np.all(gap <= bound), f"step {worst}: gap {gap[worst]:.3g} > bound {bound[worst]:.3g}"


# -- closed forms vs torch, many random parameters ----------------------------------
@pytest.mark.parametrize("seed", range(40))
def test_step_decay_matches_steplr(seed):
    rng = np.random.default_rng(seed)
    eta_0 = float(10 ** rng.uniform(-5, 1))
    gamma = float(rng.uniform(0.05, 1.0))
    step_size = int(rng.integers(1, 40))
    n = int(rng.integers(2, 400))
    t = np.arange(n)
    ours = schedules.step_decay(t, eta_0=eta_0, step_size=step_size, gamma=gamma)
    theirs = schedules.torch_schedule("StepLR", n, lr=eta_0, step_size=step_size, gamma=gamma)
    _assert_within_decay_bound(ours, theirs, t // step_size)


@pytest.mark.parametrize("seed", range(40))
def test_multistep_matches_multisteplr(seed):
    rng = np.random.default_rng(100 + seed)
    eta_0 = float(10 ** rng.uniform(-5, 1))
    gamma = float(rng.uniform(0.05, 1.0))
    n = int(rng.integers(2, 300))
    milestones = sorted(set(rng.integers(0, n + 5, size=int(rng.integers(0, 8))).tolist()))
    t = np.arange(n)
    ours = schedules.multistep(t, eta_0=eta_0, milestones=milestones, gamma=gamma)
    theirs = schedules.torch_schedule(
        "MultiStepLR", n, lr=eta_0, milestones=milestones, gamma=gamma
    )
    k = np.array([sum(m <= t_ for m in milestones) for t_ in t])
    _assert_within_decay_bound(ours, theirs, k)


@pytest.mark.parametrize("seed", range(40))
def test_exponential_matches_exponentiallr(seed):
    rng = np.random.default_rng(200 + seed)
    eta_0 = float(10 ** rng.uniform(-5, 1))
    gamma = float(rng.uniform(0.8, 1.0)) if seed % 2 else float(rng.uniform(0.1, 0.8))
    n = int(rng.integers(2, 500))
    t = np.arange(n)
    ours = schedules.exponential(t, eta_0=eta_0, gamma=gamma)
    theirs = schedules.torch_schedule("ExponentialLR", n, lr=eta_0, gamma=gamma)
    _assert_within_decay_bound(ours, theirs, t)


def test_decay_bound_is_not_vacuous():
    """Many steps differ from torch in the last bits, and the bound is within 10x of them."""
    t = np.arange(400)
    ours = schedules.exponential(t, eta_0=0.1, gamma=0.97)
    theirs = schedules.torch_schedule("ExponentialLR", 400, lr=0.1, gamma=0.97)
    assert (ours != theirs).sum() > 50
    ratio = np.abs(ours - theirs) / ((t + 3) * u * theirs)
    assert 0.02 < ratio.max() <= 1.0


@pytest.mark.parametrize("seed", range(40))
def test_cosine_closed_form_matches_cosineannealinglr_within_rounding_bound(seed):
    rng = np.random.default_rng(300 + seed)
    T_max = int(rng.integers(1, 400))
    eta_max = float(10 ** rng.uniform(-5, 1))
    eta_min = 0.0 if seed % 3 == 0 else float(eta_max * rng.uniform(0, 1))
    n = 3 * T_max + 2  # well past T_max: down, back up, and down again
    t = np.arange(n)
    ours = schedules.cosine_annealing(t, eta_max=eta_max, T_max=T_max, eta_min=eta_min)
    theirs = schedules.torch_schedule(
        "CosineAnnealingLR", n, lr=eta_max, T_max=T_max, eta_min=eta_min
    )
    bound = schedules.cosine_gap_bound(n, eta_max=eta_max, T_max=T_max, eta_min=eta_min)
    gap = np.abs(ours - theirs)
    worst = int(np.argmax(gap - bound))
    assert np.all(gap <= bound), f"t={worst}: gap {gap[worst]:.3g} > bound {bound[worst]:.3g}"
    # PyTorch's recursion, repeated op for op, is bit-identical
    recursive = schedules.cosine_recursive(n, eta_max=eta_max, T_max=T_max, eta_min=eta_min)
    assert np.array_equal(recursive, theirs)


def test_cosine_hits_eta_min_exactly_at_T_max_and_climbs_back():
    T = 50
    t = np.arange(2 * T + 1)
    ours = schedules.cosine_annealing(t, eta_max=0.1, T_max=T, eta_min=0.001)
    theirs = schedules.torch_schedule(
        "CosineAnnealingLR", 2 * T + 1, lr=0.1, T_max=T, eta_min=0.001
    )
    assert ours[T] == 0.001 and theirs[T] == 0.001
    assert ours[2 * T] == pytest.approx(0.1, rel=1e-12)
    assert theirs[2 * T] == pytest.approx(0.1, rel=1e-12)
    assert np.all(np.diff(ours[T:]) > 0)  # rising again past T_max
    held = schedules.cosine_annealing(t, eta_max=0.1, T_max=T, eta_min=0.001, hold=True)
    assert np.array_equal(held[: T + 1], ours[: T + 1]) and np.all(held[T:] == 0.001)


def test_cosine_gap_grows_past_T_max_with_eta_min():
    """The measured gap is larger after T_max than before (the recursion amplifies)."""
    T, n = 1000, 2001
    ours = schedules.cosine_annealing(np.arange(n), eta_max=0.1, T_max=T, eta_min=0.05)
    theirs = schedules.torch_schedule("CosineAnnealingLR", n, lr=0.1, T_max=T, eta_min=0.05)
    gap = np.abs(ours - theirs)
    assert gap[T + 1 :].max() > 100 * gap[: T + 1].max()


def test_scalar_and_array_inputs():
    assert isinstance(schedules.step_decay(5, eta_0=0.1, step_size=2), float)
    assert schedules.step_decay(5, eta_0=0.1, step_size=2, gamma=0.5) == 0.1 * 0.5**2
    assert schedules.exponential(np.int64(3), eta_0=1.0, gamma=0.5) == 0.125
    arr = schedules.multistep([0, 1, 2, 3], eta_0=1.0, milestones=[1, 3], gamma=0.5)
    assert isinstance(arr, np.ndarray) and arr.tolist() == [1.0, 0.5, 0.5, 0.25]
    assert schedules.cosine_annealing(torch.arange(3).numpy(), eta_max=1.0, T_max=2).tolist() == [
        1.0,
        0.5,
        0.0,
    ]
    assert schedules.exponential([], eta_0=1.0, gamma=0.5).shape == (0,)


# -- bad input -----------------------------------------------------------------------
@pytest.mark.parametrize("gamma", [0, 0.0, -0.5, math.nan, math.inf, "0.1", True, None])
def test_gamma_must_be_positive(gamma):
    for fn, kw in [
        (schedules.step_decay, {"step_size": 3}),
        (schedules.multistep, {"milestones": [2]}),
        (schedules.exponential, {}),
    ]:
        with pytest.raises(ValueError, match="gamma must be"):
            fn(3, eta_0=0.1, gamma=gamma, **kw)


@pytest.mark.parametrize(
    "milestones, match",
    [
        ([30, 10], "strictly increasing"),
        ([10, 10], "strictly increasing"),
        ([10, 20, 15], "strictly increasing"),
        ([-1, 5], r"milestones\[0\] must be an int >= 0"),
        ([1.5, 3], r"milestones\[0\] must be an int >= 0"),
        ("10,20", "sequence of ints"),
        (10, "sequence of ints"),
    ],
)
def test_milestones_must_be_sorted_ints(milestones, match):
    with pytest.raises(ValueError, match=match):
        schedules.multistep(3, eta_0=0.1, milestones=milestones)


@pytest.mark.parametrize("T_max", [0, -5, 2.5, "10", None, True])
def test_T_max_must_be_positive_int(T_max):
    with pytest.raises(ValueError, match="T_max must be an int >= 1"):
        schedules.cosine_annealing(3, eta_max=0.1, T_max=T_max)
    with pytest.raises(ValueError, match="T_max must be an int >= 1"):
        schedules.cosine_recursive(5, eta_max=0.1, T_max=T_max)
    with pytest.raises(ValueError, match="T_max must be an int >= 1"):
        schedules.cosine_gap_bound(5, eta_max=0.1, T_max=T_max)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: schedules.step_decay(3, eta_0=0.1, step_size=0),
            "step_size must be an int >= 1",
        ),
        (
            lambda: schedules.step_decay(3, eta_0=0.0, step_size=2),
            "eta_0 must be a finite number > 0",
        ),
        (
            lambda: schedules.exponential(3, eta_0=-1.0, gamma=0.5),
            "eta_0 must be a finite number > 0",
        ),
        (
            lambda: schedules.cosine_annealing(3, eta_max=0.1, T_max=5, eta_min=0.2),
            "eta_min must be a finite number >= 0 and <= 0.1",
        ),
        (
            lambda: schedules.cosine_annealing(3, eta_max=0.1, T_max=5, eta_min=-0.1),
            "eta_min must be a finite number >= 0",
        ),
        (
            lambda: schedules.exponential(-1, eta_0=1.0, gamma=0.5),
            r"t must be >= 0 \(it counts steps\)",
        ),
        (lambda: schedules.exponential([0, -2], eta_0=1.0, gamma=0.5), "must be >= 0"),
        (lambda: schedules.exponential([0.5, 1.0], eta_0=1.0, gamma=0.5), "1-D sequence of ints"),
        (
            lambda: schedules.exponential(np.zeros((2, 2), int), eta_0=1.0, gamma=0.5),
            "1-D sequence",
        ),
        (lambda: schedules.exponential(1.5, eta_0=1.0, gamma=0.5), "1-D sequence of ints"),
        (lambda: schedules.exponential("3", eta_0=1.0, gamma=0.5), "non-negative int"),
        (lambda: schedules.torch_schedule("LambdaLR", 3, lr=0.1), "name must be one of"),
        (
            lambda: schedules.torch_schedule("StepLR", 0, lr=0.1, step_size=1),
            "n_steps must be an int >= 1",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- ReduceLROnPlateau ---------------------------------------------------------------
def _random_plateau_case(rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    n = int(rng.integers(1, 90))
    kind = int(rng.integers(0, 3))
    if kind == 0:  # a noisy decaying loss
        metrics = 0.3 + np.exp(-np.arange(n) / 8) + 0.03 * rng.standard_normal(n)
    elif kind == 1:  # a random walk, rounded so that ties occur
        metrics = np.round(50 + np.cumsum(rng.standard_normal(n)), 0)
    else:  # an accuracy-like curve for mode="max"
        metrics = 1 - 0.5 * np.exp(-np.arange(n) / 5) + 0.01 * rng.standard_normal(n)
    kwargs = dict(
        mode="max" if kind == 2 else str(rng.choice(["min", "max"])),
        factor=float(rng.uniform(0.05, 0.95)),
        patience=int(rng.integers(0, 6)),
        threshold=float(rng.choice([0.0, 1e-4, 0.01, 0.2])),
        threshold_mode=str(rng.choice(["rel", "abs"])),
        cooldown=int(rng.integers(0, 4)),
        min_lr=float(rng.choice([0.0, 1e-3, 0.02])),
    )
    return metrics, kwargs


@pytest.mark.parametrize("seed", range(60))
def test_plateau_matches_torch_reductions_and_rates(seed):
    rng = np.random.default_rng(400 + seed)
    metrics, kwargs = _random_plateau_case(rng)
    eta_0 = float(10 ** rng.uniform(-3, 0))
    ours, ours_cuts = schedules.reduce_on_plateau(metrics, eta_0=eta_0, **kwargs)
    theirs, their_cuts = schedules.torch_plateau(metrics, lr=eta_0, **kwargs)
    assert ours_cuts == their_cuts
    assert np.array_equal(ours, theirs)  # the same operations: bit-identical


def test_plateau_cases_do_reduce():
    """The random cases above are not trivially quiet: most of them cut the rate."""
    cuts = 0
    for seed in range(60):
        metrics, kwargs = _random_plateau_case(np.random.default_rng(400 + seed))
        cuts += len(schedules.reduce_on_plateau(metrics, eta_0=0.1, **kwargs)[1])
    assert cuts > 60


def test_plateau_class_state_by_hand():
    sched = schedules.ReduceLROnPlateau(1.0, patience=1, factor=0.5, threshold=0.0, cooldown=1)
    lrs = [sched.step(m) for m in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0]]
    # epoch 3: 1 bad; epoch 4: 2 bad > 1 -> cut; epoch 5: cooldown; 6: 1 bad; 7: better
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    assert sched.reductions == [4] and sched.best == 1.0 and sched.epoch == 7
    assert "reductions=[4]" in repr(sched)


def test_plateau_min_lr_and_eps():
    sched = schedules.ReduceLROnPlateau(0.1, patience=0, factor=0.1, min_lr=0.05)
    for m in [1.0, 1.0, 1.0, 1.0]:
        sched.step(m)
    assert sched.lr == 0.05 and sched.reductions == [2]  # later cuts would be 0: skipped
    ours = schedules.reduce_on_plateau([1, 1, 1, 1], eta_0=0.1, patience=0, factor=0.1, min_lr=0.05)
    assert (
        ours[0].tolist()
        == schedules.torch_plateau([1, 1, 1, 1], lr=0.1, patience=0, factor=0.1, min_lr=0.05)[
            0
        ].tolist()
    )


def test_plateau_accepts_tensors_and_nan():
    sched = schedules.ReduceLROnPlateau(1.0, patience=0)
    sched.step(torch.tensor(2.0))
    sched.step(float("nan"))  # never an improvement
    assert sched.reductions == [2]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"factor": 1.0}, "factor must be a finite number > 0 and < 1"),
        ({"factor": 0.0}, "factor must be a finite number > 0 and < 1"),
        ({"factor": -0.5}, "factor must be a finite number > 0 and < 1"),
        ({"mode": "maximum"}, "mode must be one of \\('min', 'max'\\)"),
        ({"threshold_mode": "relative"}, "threshold_mode must be one of"),
        ({"patience": -1}, "patience must be an int >= 0"),
        ({"patience": 2.5}, "patience must be an int >= 0"),
        ({"cooldown": -1}, "cooldown must be an int >= 0"),
        ({"threshold": -1e-4}, "threshold must be a finite number >= 0"),
        ({"min_lr": -1.0}, "min_lr must be a finite number >= 0"),
    ],
)
def test_plateau_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        schedules.ReduceLROnPlateau(0.1, **kwargs)


def test_plateau_bad_metric():
    sched = schedules.ReduceLROnPlateau(0.1)
    with pytest.raises(ValueError, match="metric must be a number"):
        sched.step("low")
    with pytest.raises(ValueError, match=r"metrics\[0\] must be a number"):
        schedules.reduce_on_plateau([[1.0, 2.0]], eta_0=0.1)
    with pytest.raises(ValueError, match=r"metrics\[0\] must be a number"):
        schedules.reduce_on_plateau(["a", "b"], eta_0=0.1)
    with pytest.raises(ValueError, match="metrics must be a sequence of numbers"):
        schedules.reduce_on_plateau("ab", eta_0=0.1)


def test_reduce_on_plateau_conventions():
    lrs, cuts = schedules.reduce_on_plateau([1.0, 1.0, 1.0], eta_0=1.0, patience=0, factor=0.5)
    # cut after epoch 2 (epoch 3 runs at 0.5) and after epoch 3 (for an epoch 4 not run)
    assert cuts == [2, 3] and lrs.tolist() == [1.0, 1.0, 0.5]
    assert schedules.reduce_on_plateau([], eta_0=1.0)[0].shape == (0,)


# -- exercises -----------------------------------------------------------------------
def test_exercise_answers_agree_with_torch():
    assert schedules.torch_schedule("StepLR", 36, lr=0.1, step_size=10, gamma=0.5)[
        35
    ] == pytest.approx(0.0125, rel=1e-12)
    gamma = 0.01 ** (1 / 50)
    assert schedules.torch_schedule("ExponentialLR", 51, lr=1.0, gamma=gamma)[50] == pytest.approx(
        0.01, rel=1e-12
    )
    _, cuts = schedules.torch_plateau(
        list(ch07.EX3_METRICS), lr=0.1, patience=2, factor=0.5, threshold=0.01
    )
    assert cuts == [6, 14]
    _, cuts0 = schedules.torch_plateau(
        list(ch07.EX3_METRICS), lr=0.1, patience=2, factor=0.5, threshold=0.0
    )
    assert cuts0 == [14]  # the "forgot the threshold" answer ex3 recognises
    lr30 = schedules.torch_schedule("CosineAnnealingLR", 31, lr=0.1, T_max=20, eta_min=0.001)[30]
    assert lr30 == pytest.approx(0.0505, rel=1e-12)


@pytest.mark.parametrize(
    "ex, right, wrong",
    [
        (ch07.ex1, 0.0125, 0.025),
        (ch07.ex2, 0.01 ** (1 / 50), 0.9),
        (ch07.ex3, [6, 14], [14]),
        (ch07.ex3, [6, 14], [6]),
        (ch07.ex4, 0.0505, 0.001),
        (ch07.ex4, 0.0505, 0.1),
    ],
)
def test_exercise_checkers(ex, right, wrong, capsys):
    assert not ex(None)
    assert "Hint" in capsys.readouterr().out
    assert not ex(wrong)
    out = capsys.readouterr().out
    assert "not quite" in out or "expected shape" in out
    assert ex(right)
    assert "correct" in capsys.readouterr().out
    for odd in ["abc", {"a": 1}, [[1, 2]], float("nan"), ...]:
        assert not ex(odd)  # never raises


# -- plots ---------------------------------------------------------------------------
def test_plots_return_axes_and_check_shapes():
    matplotlib.use("Agg")
    t = np.arange(10)
    ax = splots.lr_curves(
        t, {"a": schedules.exponential(t, eta_0=1.0, gamma=0.9), "b": np.ones(10)}
    )
    assert len(ax.get_lines()) == 2 and ax.get_lines()[0].get_drawstyle() == "steps-post"
    with pytest.raises(ValueError, match="shape"):
        splots.lr_curves(t, {"a": np.ones(3)})
    with pytest.raises(ValueError, match="at least one"):
        splots.lr_curves(t, {})
    ax = splots.gap(t, np.r_[0.0, np.full(9, 1e-17)], bound=np.full(10, 1e-15), T_max=5)
    assert ax.get_yscale() == "log"
    lrs, cuts = schedules.reduce_on_plateau(
        np.r_[np.linspace(1, 0.5, 5), np.full(5, 0.5)], eta_0=1.0, patience=1
    )
    ax = splots.plateau(np.r_[np.linspace(1, 0.5, 5), np.full(5, 0.5)], lrs, cuts)
    assert len(ax.get_lines()) == 1 + len(cuts)
    with pytest.raises(ValueError, match="one length"):
        splots.plateau(np.ones(3), np.ones(4), [])

    class Run:
        train_loss = [1.0, 0.5]
        val_loss = [1.1, 0.6]
        lr = [0.1, 0.05]

    axes = splots.loss_and_lr({"run": Run()})
    assert len(axes) == 3 and axes[-1].get_lines()[0].get_ydata().tolist() == [0.1, 0.05]
    with pytest.raises(ValueError, match="needs per-epoch lists"):
        splots.loss_and_lr({"run": object()})
