"""Unit tests of helpers.activations, its plots, the chapter 3 exercises and figures."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from torch import nn

from helpers import activations as act
from helpers import figures
from helpers.exercises import ch03
from helpers.plots import activations as aplots

X32 = torch.linspace(-100.0, 100.0, 4001)
X64 = torch.linspace(-100.0, 100.0, 4001, dtype=torch.float64)
REFERENCE = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


# ----------------------------------------------------------------------------- forward
@pytest.mark.parametrize("name", act.NAMES)
@pytest.mark.parametrize("x", [X32, X64], ids=["float32", "float64"])
def test_forward_matches_torch(name, x):
    ours = act.activation_fn(name)(x)
    ref = REFERENCE[name](x)
    assert ours.dtype == x.dtype
    atol = 1e-6 if x.dtype == torch.float32 else 1e-14
    torch.testing.assert_close(ours, ref, atol=atol, rtol=0)
    assert torch.isfinite(ours).all()


def test_naive_forms_overflow_where_the_stable_ones_do_not():
    x = torch.tensor([-100.0, 0.0, 100.0])
    assert torch.isnan(act.tanh_naive(x)[[0, 2]]).all()
    torch.testing.assert_close(act.tanh(x), torch.tanh(x))
    z = torch.tensor([1000.0, 1001.0, 1002.0])
    assert torch.isnan(act.softmax_naive(z)).all()
    torch.testing.assert_close(act.softmax(z), torch.softmax(z, dim=0))
    # the naive sigmoid is fine forward but its autograd gradient is NaN far left
    g = act.autograd_derivative(act.sigmoid_naive, x)
    assert torch.isnan(g[0]) and g[1] == 0.25
    assert torch.isfinite(act.autograd_derivative(act.sigmoid, x)).all()


def test_naive_forms_agree_in_the_safe_range():
    x = torch.linspace(-20, 20, 201, dtype=torch.float64)
    torch.testing.assert_close(act.sigmoid_naive(x), torch.sigmoid(x))
    torch.testing.assert_close(act.tanh_naive(x), torch.tanh(x))
    torch.testing.assert_close(act.softmax_naive(x), torch.softmax(x, 0))


def test_lists_numbers_and_int_tensors_are_accepted():
    assert float(act.sigmoid(0)) == 0.5
    torch.testing.assert_close(act.relu([-1.0, 2.0]), torch.tensor([0.0, 2.0]))
    assert act.tanh(torch.tensor([1, 2])).is_floating_point()


@pytest.mark.parametrize("bad", ["text", None, True, [1.0, "a"], torch.tensor([1j])])
@pytest.mark.parametrize(
    "fn", [act.sigmoid, act.tanh, act.relu, act.softmax, act.sigmoid_derivative]
)
def test_bad_input_raises_value_error(fn, bad):
    with pytest.raises(ValueError, match="must"):
        fn(bad)


# ----------------------------------------------------------------------------- softmax
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_matches_torch_along_any_dim(dim):
    z = torch.randn(4, 5, generator=torch.Generator().manual_seed(0)) * 50
    torch.testing.assert_close(act.softmax(z, dim=dim), torch.softmax(z, dim=dim))
    assert torch.allclose(act.softmax(z, dim=dim).sum(dim=dim), torch.ones(1))


def test_softmax_temperature_and_shift_invariance():
    z = torch.tensor([2.0, 1.0, -1.0], dtype=torch.float64)
    torch.testing.assert_close(act.softmax(z, temperature=0.5), torch.softmax(z / 0.5, 0))
    torch.testing.assert_close(act.softmax(z + 1e4), act.softmax(z))
    assert act.softmax(z, temperature=1e-3)[0] == 1.0
    flat = act.softmax(z, temperature=1e6)
    assert float(flat.max() - flat.min()) < 1e-5


def test_softmax_handles_minus_infinity_and_gradients():
    z = torch.tensor([0.0, -math.inf, 1.0])
    torch.testing.assert_close(act.softmax(z), torch.softmax(z, 0))
    zz = torch.randn(6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: act.softmax(t), (zz,))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dim": 2}, "dim must be an int >= -2 and <= 1"),
        ({"dim": 1.0}, "dim must be an int"),
        ({"temperature": 0}, "temperature must be a finite number > 0"),
        ({"temperature": -1.0}, "temperature must be a finite number > 0"),
        ({"temperature": math.inf}, "temperature must be a finite number > 0"),
        ({"temperature": "hot"}, "temperature must be a finite number > 0"),
    ],
)
def test_softmax_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        act.softmax(torch.zeros(2, 3), **kwargs)
    with pytest.raises(ValueError, match=match):
        act.softmax_naive(torch.zeros(2, 3), **kwargs)


def test_softmax_of_a_scalar_raises():
    with pytest.raises(ValueError, match="at least one dimension"):
        act.softmax(torch.tensor(1.0))


def test_softmax_jacobian_matches_autograd():
    z = torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=torch.float64)
    ours = act.softmax_jacobian(z)
    ref = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), z)
    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(ours.sum(dim=0), torch.zeros(4, dtype=torch.float64))
    with pytest.raises(ValueError, match="1-D"):
        act.softmax_jacobian(torch.zeros(2, 2))


# ----------------------------------------------------------------------------- derivatives
@pytest.mark.parametrize("name", act.NAMES)
def test_closed_form_derivatives_match_autograd_of_torch(name):
    x = X64
    ours = act.derivative_fn(name)(x)
    ref = act.autograd_derivative(REFERENCE[name], x)
    torch.testing.assert_close(ours, ref, atol=1e-12, rtol=0)
    torch.testing.assert_close(
        act.autograd_derivative(act.activation_fn(name), x), ref, atol=1e-12, rtol=0
    )


def test_derivative_claims_of_the_notes():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)  # x = 0 is at index 1000
    ds = act.sigmoid_derivative(x)
    assert int(ds.argmax()) == 1000 and float(ds.max()) == pytest.approx(0.25)
    dt = act.tanh_derivative(x)
    assert int(dt.argmax()) == 1000 and float(dt.max()) == pytest.approx(1.0)
    assert float(act.sigmoid_derivative(torch.tensor(6.0))) < 0.01 * 0.25


def test_relu_derivative_at_zero():
    zero = torch.zeros(1)
    assert act.relu_derivative(zero) == 0
    assert act.relu_derivative(zero, at_zero=1.0) == 1
    assert act.autograd_derivative(act.relu, zero) == act.autograd_derivative(torch.relu, zero) == 0
    for bad in (-0.1, 2, "one", True):
        with pytest.raises(ValueError, match="at_zero"):
            act.relu_derivative(zero, at_zero=bad)


def test_autograd_derivative_bad_input():
    with pytest.raises(ValueError, match="callable"):
        act.autograd_derivative("sigmoid", torch.zeros(2))
    with pytest.raises(ValueError, match="element-wise"):
        act.autograd_derivative(lambda t: t.sum(), torch.zeros(3))
    # a function that ignores its input has derivative 0
    assert act.autograd_derivative(lambda t: torch.ones_like(t), torch.zeros(3)).sum() == 0


def test_saturated_fraction():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    frac = act.saturated_fraction("sigmoid", x)
    assert frac == pytest.approx(0.4, abs=0.002)  # |x| > 6 is 8 of the 20 units of range
    assert act.saturated_fraction("relu", x) == pytest.approx(0.5, abs=0.001)
    with pytest.raises(ValueError, match="threshold"):
        act.saturated_fraction("tanh", x, threshold=2)
    with pytest.raises(ValueError, match="name must be one of"):
        act.saturated_fraction("gelu", x)


def test_lookup_names():
    assert act.activation_fn("tanh") is act.tanh
    assert act.derivative_fn("relu") is act.relu_derivative
    with pytest.raises(ValueError, match="activation must be one of"):
        act.activation_fn("softplus")


# ----------------------------------------------------------------------------- networks
def test_activation_module_and_mlp():
    net = act.make_mlp([4, 8, 8, 2], "tanh", init="xavier", seed=1)
    assert [type(m).__name__ for m in net] == [
        "Linear",
        "Activation",
        "Linear",
        "Activation",
        "Linear",
    ]
    assert "tanh" in repr(net)
    again = act.make_mlp([4, 8, 8, 2], "tanh", init="xavier", seed=1)
    assert all(torch.equal(a, b) for a, b in zip(net.parameters(), again.parameters(), strict=True))
    state = torch.random.get_rng_state()
    act.make_mlp([4, 2], "relu", seed=5)
    assert torch.equal(
        state, torch.random.get_rng_state()
    )  # a seeded build leaves the global RNG alone
    kaiming = act.make_mlp([400, 400, 2], "relu", init="kaiming", seed=0)
    assert float(kaiming[0].weight.detach().var()) == pytest.approx(2 / 400, rel=0.02)
    assert float(kaiming[0].bias.detach().abs().sum()) == 0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([4],), {"activation": "relu"}, "sizes"),
        (([4, 0, 2],), {"activation": "relu"}, "sizes"),
        (([4, 2],), {"activation": "swish"}, "activation must be one of"),
        (([4, 2],), {"activation": "relu", "init": "orthogonal"}, "init must be one of"),
    ],
)
def test_make_mlp_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        act.make_mlp(*args, **kwargs)


def test_collapse_linear():
    torch.manual_seed(0)
    first, second = nn.Linear(3, 5), nn.Linear(5, 2)
    x = torch.randn(10, 3)
    torch.testing.assert_close(act.collapse_linear(first, second)(x), second(first(x)))
    with pytest.raises(ValueError, match="in_features"):
        act.collapse_linear(first, nn.Linear(4, 2))
    with pytest.raises(ValueError, match="nn.Linear"):
        act.collapse_linear(first, nn.ReLU())


def test_gradient_profile_shows_vanishing_sigmoid_gradients():
    sig = act.gradient_profile("sigmoid", 12)
    relu = act.gradient_profile("relu", 12, init="kaiming")
    assert sig.depth == relu.depth == 12
    assert sig.first_over_last < 1e-5
    assert 0.1 < relu.first_over_last < 10
    assert max(sig.mean_derivative) <= 0.25
    again = act.gradient_profile("sigmoid", 12)
    assert again.weight_grad_norms == sig.weight_grad_norms  # seeded
    for bad in ({"depth": 0}, {"depth": 2.5}, {"width": 0}, {"batch": True}):
        kwargs = {"depth": 3} | bad
        with pytest.raises(ValueError, match="must be an int"):
            act.gradient_profile("tanh", **kwargs)


def test_same_sign_fraction_and_sgd_path():
    g = torch.tensor([[1.0, 2.0], [-1.0, -3.0], [1.0, -1.0], [0.5, 0.0]])
    assert act.same_sign_fraction(g) == 0.5
    with pytest.raises(ValueError, match="grads"):
        act.same_sign_fraction(torch.ones(3))
    a = act.sigmoid(
        torch.randn(50, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    )
    w_true = torch.tensor([1.0, -1.0], dtype=torch.float64)
    path = act.sgd_path(a, w_true, lr=1.0, steps=300)
    assert path.shape == (301, 2)
    assert float((path[-1] - w_true).norm()) < 1e-3
    steps = path.diff(dim=0)
    assert act.same_sign_fraction(steps[(steps != 0).all(dim=1)]) == 1.0
    for kwargs, match in (({"lr": 0.0, "steps": 3}, "lr"), ({"lr": 0.1, "steps": 0}, "steps")):
        with pytest.raises(ValueError, match=match):
            act.sgd_path(a, w_true, **kwargs)
    with pytest.raises(ValueError, match="w_true"):
        act.sgd_path(a, torch.ones(3), lr=0.1, steps=3)
    with pytest.raises(ValueError, match="w0"):
        act.sgd_path(a, w_true, lr=0.1, steps=3, w0=[0.0])


def test_preactivations_and_dead_units():
    net = act.make_mlp([3, 6, 4, 2], "relu", seed=0)
    with torch.no_grad():
        net[0].bias.fill_(-100.0)
    x = torch.randn(20, 3)
    zs = act.preactivations(net, x)
    assert [tuple(z.shape) for z in zs] == [(20, 6), (20, 4)]
    assert act.dead_units(zs[0]) == 6
    assert act.dead_units(torch.tensor([[1.0, -1.0, 0.0], [-1.0, -2.0, 0.0]])) == 2
    torch_net = nn.Sequential(nn.Linear(3, 5), nn.ReLU())
    assert len(act.preactivations(torch_net, x)) == 1
    assert not torch_net[1]._forward_hooks  # hooks removed
    with pytest.raises(ValueError, match="no activation"):
        act.preactivations(nn.Linear(3, 2), x)
    with pytest.raises(ValueError, match="z must be 2-D"):
        act.dead_units(torch.zeros(3))


# ----------------------------------------------------------------------------- plots
def test_plots_return_axes_and_validate():
    x = torch.linspace(-5, 5, 11)
    ax = aplots.function_and_derivative(
        x, act.sigmoid(x), act.sigmoid_derivative(x), name="σ", saturation=3
    )
    assert isinstance(ax, Axes) and len(ax.lines) >= 2
    with pytest.raises(ValueError, match="shape"):
        aplots.function_and_derivative(x, x[:3])
    ax = aplots.gradient_norms({"a": [1e-6, 1e-3, 1.0], "b": [1.0, 1.0, 1.0]})
    assert ax.get_yscale() == "log"
    assert ax.lines[0].get_ydata()[-1] == 1.0
    with pytest.raises(ValueError, match="at least one"):
        aplots.gradient_norms({})
    ax = aplots.probabilities(act.softmax(torch.tensor([1.0, 2.0])), ["a", "b"])
    assert len(ax.patches) == 2
    with pytest.raises(ValueError, match="labels"):
        aplots.probabilities([0.5, 0.5], ["a"])
    ax = aplots.weight_paths({"p": torch.zeros(5, 2)}, [1.0, -1.0])
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="steps, 2"):
        aplots.weight_paths({"p": torch.zeros(5, 3)}, [1.0, -1.0])
    ax = aplots.curve_fit(x, x**2, {"fit": x**2})
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="prediction"):
        aplots.curve_fit(x, x, {"fit": x[:2]})
    ax = aplots.dead_unit_counts({"bias": (0, 10)}, total=16)
    assert len(ax.patches) == 2
    with pytest.raises(ValueError, match="total"):
        aplots.dead_unit_counts({"bias": (0, 10)}, total=0)
    plt.close("all")


# ----------------------------------------------------------------------------- exercises
def test_exercises(capsys):
    assert bool(ch03.ex1(None)) is False
    assert "Hint" in capsys.readouterr().out
    assert bool(ch03.ex1(0.5)) is False
    assert bool(ch03.ex1(1 - math.tanh(1.0) ** 2)) is True
    assert bool(ch03.ex1("0.42")) is False
    assert bool(ch03.ex2(...)) is False
    assert bool(ch03.ex2([1 / 3] * 3)) is False
    z = torch.tensor([1000.0, 1001.0, 1002.0])
    assert bool(ch03.ex2(torch.softmax(z / 0.5, 0))) is True
    assert bool(ch03.ex2([0.5, 0.5])) is False
    layer, x = ch03.ex3_data()
    count = int((layer(x) <= 0).all(dim=0).sum())
    assert bool(ch03.ex3(count)) is True
    assert bool(ch03.ex3(count + 1)) is False
    assert bool(ch03.ex3(2.5)) is False
    assert bool(ch03.ex3(None)) is False
    out = capsys.readouterr().out
    assert "correct" in out and "Traceback" not in out


# ----------------------------------------------------------------------------- figures
CH03_FIGURES = [
    "sigmoid.png",
    "sigmoid_derivative.png",
    "tanh.png",
    "tanh_derivative.png",
    "relu.png",
    "relu_derivative.png",
]


@pytest.mark.parametrize("name", CH03_FIGURES)
def test_figures_draw_the_helper_functions(name):
    """Each pic/ figure of the chapter plots the helpers.activations function of its name."""
    fig = figures.FIGURES[name]()
    line = fig.axes[0].lines[0]
    x = torch.as_tensor(line.get_xdata(), dtype=torch.float64)
    expected = getattr(act, name.removesuffix(".png"))(x).numpy()
    y = line.get_ydata()
    finite = ~np.isnan(y)  # relu_derivative.png breaks its line at the jump
    assert finite.sum() >= len(y) - 1
    np.testing.assert_allclose(y[finite], expected[finite], atol=1e-12)
    plt.close(fig)
