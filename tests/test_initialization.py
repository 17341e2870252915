"""helpers.initialization (chapter 4): formulas against torch.nn.init, statistics, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers import initialization as init
from helpers.exercises import ch04
from helpers.plots import initialization as init_plots

SHAPES = [(30, 20), (7, 1), (16, 3, 5, 3), (8, 4, 3), (2, 3, 2, 2, 2)]
SCHEMES_WITH_PARAMS = [
    ("kaiming_normal", {}),
    ("kaiming_uniform", {}),
    ("kaiming_normal", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_uniform", {"a": 0.2, "nonlinearity": "leaky_relu"}),
    ("kaiming_normal", {"nonlinearity": "tanh"}),
    ("xavier_normal", {}),
    ("xavier_uniform", {"gain": 5 / 3}),
    ("linear_default", {}),
    ("uniform", {"a": -0.3, "b": 0.7}),
    ("normal", {"mean": 0.2, "std": 0.05}),
]


# -- fan-in and fan-out ----------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
def test_fans_match_pytorch(shape):
    w = torch.empty(shape)
    assert init.fan_in_and_fan_out(w) == nn.init._calculate_fan_in_and_fan_out(w)
    assert init.fan_in_and_fan_out(shape) == nn.init._calculate_fan_in_and_fan_out(w)


def test_fans_of_layers_follow_the_notes():
    assert init.fan_in_and_fan_out(nn.Linear(20, 30)) == (20, 30)
    conv = nn.Conv2d(3, 16, kernel_size=(5, 3))
    assert init.fan_in_and_fan_out(conv) == (3 * 5 * 3, 16 * 5 * 3)


@pytest.mark.parametrize("bad", [torch.empty(5), torch.tensor(1.0), (5,), ()])
def test_fan_of_fewer_than_two_dims_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.fan_in_and_fan_out(bad)


@pytest.mark.parametrize("bad", ["abc", (2.5, 3), (3, -1), nn.ReLU(), 3.0])
def test_fan_rejects_things_that_are_not_weights(bad):
    with pytest.raises(ValueError):
        init.fan_in_and_fan_out(bad)


# -- gains and closed forms ------------------------------------------------------------
@pytest.mark.parametrize(
    "name,param",
    [
        ("linear", None),
        ("conv2d", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
    ],
)
def test_gain_matches_pytorch(name, param):
    assert init.calculate_gain(name, param) == pytest.approx(
        nn.init.calculate_gain(name, param), rel=1e-15
    )


def test_unknown_gain_and_bad_values_raise():
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="fan_in must be an int >= 1"):
        init.kaiming_std(0)
    with pytest.raises(ValueError, match="gain must be a finite number"):
        init.xavier_bound(3, 4, gain="big")
    with pytest.raises(ValueError, match="b must be a finite number >= "):
        init.uniform_std(1.0, 0.0)


def test_closed_forms_are_the_notes_formulas():
    assert init.kaiming_std(50) == pytest.approx(math.sqrt(2 / 50))
    assert init.kaiming_bound(50) == pytest.approx(math.sqrt(6 / 50))
    assert init.xavier_std(30, 70) == pytest.approx(math.sqrt(2 / 100))
    assert init.xavier_bound(30, 70) == pytest.approx(math.sqrt(6 / 100))
    assert init.uniform_std(-1, 1) == pytest.approx(1 / math.sqrt(3))
    # a uniform bound is sqrt(3) standard deviations
    assert init.kaiming_bound(50) == pytest.approx(math.sqrt(3) * init.kaiming_std(50))
    s = init.spec("linear_default", (32, 64))
    assert s.bound == pytest.approx(1 / 8) and s.var == pytest.approx(1 / (3 * 64))


# -- schemes against torch.nn.init -------------------------------------------------------
@pytest.mark.parametrize("scheme,params", SCHEMES_WITH_PARAMS)
def test_same_seed_same_weights_as_torch(scheme, params):
    ours, theirs = torch.empty(64, 48), torch.empty(64, 48)
    init.init_(ours, scheme, generator=torch.Generator().manual_seed(3), **params)
    init.torch_init_(theirs, scheme, generator=torch.Generator().manual_seed(3), **params)
    torch.testing.assert_close(ours, theirs, atol=1e-7, rtol=0)


def test_uniform_draws_are_bit_identical():
    ours, theirs = torch.empty(1000), torch.empty(1000)
    init.init_(ours, "uniform", generator=torch.Generator().manual_seed(0), a=-0.3, b=0.7)
    nn.init.uniform_(theirs, -0.3, 0.7, generator=torch.Generator().manual_seed(0))
    assert torch.equal(ours, theirs)


def test_linear_default_is_what_nn_linear_does():
    torch.manual_seed(5)
    layer = nn.Linear(40, 30)
    w = torch.empty(30, 40)
    init.torch_init_(w, "linear_default", generator=torch.Generator().manual_seed(5))
    assert torch.equal(layer.weight.detach(), w)
    assert float(layer.weight.detach().abs().max()) <= init.spec("linear_default", w.shape).bound


@pytest.mark.parametrize("scheme,val", [("zeros", 0.0), ("ones", 1.0), ("constant", 0.25)])
def test_constant_schemes_are_exact(scheme, val):
    params = {"val": val} if scheme == "constant" else {}
    ours, theirs = torch.empty(5, 4), torch.empty(5, 4)
    init.init_(ours, scheme, **params)
    init.torch_init_(theirs, scheme, **params)
    assert torch.equal(ours, theirs) and torch.equal(ours, torch.full((5, 4), val))
    assert init.spec(scheme, (5, 4), **params).std == 0.0


@pytest.mark.parametrize("scheme,params", SCHEMES_WITH_PARAMS)
def test_sampled_statistics_within_four_standard_errors(scheme, params, capsys):
    w = torch.empty(512, 1024)
    init.torch_init_(w, scheme, generator=torch.Generator().manual_seed(0), **params)
    s = init.spec(scheme, w.shape, **params)
    init.compare_statistic("std", float(w.double().std()), s.std, init.std_standard_error(w))
    init.compare_statistic("mean", float(w.double().mean()), s.mean, init.mean_standard_error(w))
    if s.distribution == "uniform":
        assert float(w.min()) >= s.low and float(w.max()) <= s.high  # bounds are exact
        # 500k draws come within 1e-4 of each end, unless the bound is wrong
        assert float(w.max()) > s.high - 1e-4 * (s.high - s.low)
        assert float(w.min()) < s.low + 1e-4 * (s.high - s.low)
    assert "ok" in capsys.readouterr().out


def test_a_wrong_formula_is_caught_by_the_sampling_check():
    w = torch.empty(512, 1024)
    nn.init.kaiming_normal_(w, mode="fan_out", generator=torch.Generator().manual_seed(0))
    s = init.spec("kaiming_normal", w.shape)  # says fan_in
    with pytest.raises(AssertionError, match="standard errors apart"):
        init.compare_statistic("std", float(w.std()), s.std, init.std_standard_error(w))


def test_standard_errors_match_the_textbook_formulas():
    g = torch.Generator().manual_seed(0)
    n = 400_000
    normal = torch.randn(n, generator=g, dtype=torch.float64) * 3
    uniform = torch.rand(n, generator=g, dtype=torch.float64) * 2 - 1
    assert init.std_standard_error(normal) == pytest.approx(3 / math.sqrt(2 * n), rel=0.02)
    assert init.std_standard_error(uniform) == pytest.approx(
        (1 / math.sqrt(3)) / math.sqrt(5 * n), rel=0.02
    )
    assert init.mean_standard_error(normal) == pytest.approx(3 / math.sqrt(n), rel=0.02)
    with pytest.raises(ValueError, match="must be an int >= 2"):
        init.std_standard_error(torch.ones(1))


def test_compare_statistic_rows_and_errors(capsys):
    assert init.compare_statistic("x", 1.0, 1.0, 0.0) == 0.0
    assert init.compare_statistic("y", 1.01, 1.0, 0.01) == pytest.approx(1.0)
    out = capsys.readouterr().out
    assert out.count("ok (≤ 4 SE)") == 2
    with pytest.raises(AssertionError):
        init.compare_statistic("z", 1.1, 1.0, 0.0)
    with pytest.raises(ValueError, match="se must be"):
        init.compare_statistic("z", 1.0, 1.0, -1.0)


@pytest.mark.parametrize(
    "scheme,params,match",
    [
        ("he_normal", {}, "scheme must be one of"),
        ("constant", {}, "needs \\['val'\\]"),
        ("kaiming_normal", {"gain": 2.0}, "unexpected \\['gain'\\]"),
        ("uniform", {"a": 1.0, "b": 0.0}, "b must be a finite number > 1"),
        ("normal", {"std": -1.0}, "std must be a finite number >= 0"),
        ("kaiming_uniform", {"mode": "fan_avg"}, "mode must be"),
        ("kaiming_uniform", {"nonlinearity": "gelu"}, "nonlinearity must be one of"),
        ("xavier_normal", {"gain": float("nan")}, "finite"),
        ("xavier_uniform", {"gain": -1.0}, "gain must be a finite number >= 0"),
    ],
)
def test_bad_schemes_and_parameters_raise_clear_errors(scheme, params, match):
    with pytest.raises(ValueError, match=match):
        init.spec(scheme, (4, 3), **params)
    with pytest.raises(ValueError, match=match):
        init.torch_init_(torch.empty(4, 3), scheme, **params)


def test_fan_based_schemes_need_two_dims_and_non_empty_weights():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.torch_init_(torch.empty(5), "kaiming_normal")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.spec("xavier_uniform", (5,))
    with pytest.raises(ValueError, match="non-empty"):
        init.spec("kaiming_normal", (0, 3))
    with pytest.raises(ValueError, match="torch.Tensor"):
        init.init_([1.0, 2.0], "zeros")
    # uniform and normal need no fans: a bias is fine
    b = init.torch_init_(torch.empty(5), "uniform", a=-1.0, b=1.0)
    assert float(b.abs().max()) <= 1.0


# -- per-layer statistics --------------------------------------------------------------
@pytest.mark.parametrize("activation", init.ACTIVATIONS)
def test_hand_written_backward_matches_autograd(activation):
    model = init.build_mlp(6, 32, activation=activation, scheme="xavier_normal", seed=1)
    gen = torch.Generator().manual_seed(2)
    x, g = torch.randn(20, 32, generator=gen), torch.randn(20, 32, generator=gen)
    ours = init.propagate(x, init.mlp_weights(model), activation, g)
    ref = init.autograd_statistics(model, x, g)
    for name in ("a_var", "a_mean", "a_sq", "z_var", "grad_a_var", "grad_w_var"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-4, atol=1e-9, err_msg=name
        )
    assert ours.depth == 6 and list(ours.layers) == list(range(7))


def test_non_square_layers_and_batch_larger_than_width():
    model = init.build_mlp(
        3, 8, in_features=20, out_features=5, activation="tanh", scheme="kaiming_normal"
    )
    x = torch.randn(64, 20)
    g = torch.randn(64, 5)
    ours = init.propagate(x, init.mlp_weights(model), "tanh", g)
    # the readout layer has no activation in the model: compare the hidden part only
    hidden = init.build_mlp(3, 8, in_features=20, activation="tanh", scheme="kaiming_normal")
    ours = init.propagate(x, init.mlp_weights(hidden), "tanh", torch.randn(64, 8))
    ref = init.autograd_statistics(hidden, x, None)
    np.testing.assert_allclose(ours.a_var, ref.a_var, rtol=1e-5)
    ours_w = init.propagate(x, init.mlp_weights(hidden), "tanh", torch.ones(64, 8))
    ref_w = init.autograd_statistics(hidden, x, torch.ones(64, 8))
    np.testing.assert_allclose(ours_w.grad_w_var[1:], ref_w.grad_w_var[1:], rtol=1e-4)


def test_propagate_validates_its_input():
    w = [torch.randn(4, 4)]
    with pytest.raises(ValueError, match="activation must be one of"):
        init.propagate(torch.randn(2, 4), w, "gelu")
    with pytest.raises(ValueError, match="2-D"):
        init.propagate(torch.randn(4), w, "relu")
    with pytest.raises(ValueError, match="expected \\(out, 4\\)"):
        init.propagate(torch.randn(2, 4), [torch.randn(4, 4), torch.randn(3, 5)], "relu")
    with pytest.raises(ValueError, match="grad_output"):
        init.propagate(torch.randn(2, 4), w, "relu", torch.randn(3, 4))
    with pytest.raises(ValueError, match="scales"):
        init.propagate(torch.randn(2, 4), w, "relu", scales=[1.0, 2.0])


def test_the_notes_picture_kaiming_keeps_xavier_halves_default_sixths():
    ratios = {}
    for scheme in ("kaiming_normal", "xavier_normal", "linear_default"):
        r = [
            init.mlp_statistics(scheme, "relu", depth=10, width=128, batch=64, seed=s)
            for s in range(4)
        ]
        per_layer = np.concatenate([st.a_sq[1:] / st.a_sq[:-1] for st in r])
        ratios[scheme] = per_layer.mean(), per_layer.std(ddof=1) / math.sqrt(len(per_layer))
    for scheme, expected in (
        ("kaiming_normal", 1.0),
        ("xavier_normal", 0.5),
        ("linear_default", 1 / 6),
    ):
        mean, se = ratios[scheme]
        assert abs(mean - expected) < 4 * se, (scheme, mean, se)


def test_overflow_shows_as_non_finite_statistics():
    st = init.mlp_statistics("normal", "relu", depth=30, width=64, batch=8, std=10.0)
    assert st.first_nonfinite() is not None
    ok = init.mlp_statistics("kaiming_normal", "relu", depth=5, width=64, batch=8)
    assert ok.first_nonfinite() is None


def test_mlp_statistics_in_float64_uses_the_same_draws():
    kw = dict(depth=6, width=32, batch=16, seed=3)
    single = init.mlp_statistics("xavier_normal", "tanh", **kw)
    double = init.mlp_statistics("xavier_normal", "tanh", dtype=torch.float64, **kw)
    np.testing.assert_allclose(double.a_var, single.a_var, rtol=1e-5)
    np.testing.assert_allclose(double.grad_a_var, single.grad_a_var, rtol=1e-5)
    # the float64 passes are the float32 draws converted, so a model built alike agrees
    model = init.build_mlp(6, 32, activation="tanh", scheme="xavier_normal", seed=3).double()
    gen = torch.Generator().manual_seed(4)
    x, g = (torch.randn(16, 32, generator=gen).double() for _ in range(2))
    ref = init.propagate(x, init.mlp_weights(model), "tanh", g)
    np.testing.assert_array_equal(double.a_var, ref.a_var)
    np.testing.assert_array_equal(double.grad_a_var, ref.grad_a_var)
    # float64 overflows far later than float32
    big = dict(depth=30, width=64, batch=8, std=10.0)
    assert init.mlp_statistics("normal", "relu", **big).first_nonfinite() is not None
    wide = init.mlp_statistics("normal", "relu", dtype=torch.float64, **big)
    assert wide.first_nonfinite() is None
    with pytest.raises(ValueError, match="dtype"):
        init.mlp_statistics("xavier_normal", "tanh", dtype=torch.float16, **kw)


def test_probe_matches_propagate_and_caches():
    probe = init.DeepMLPProbe(max_depth=6, max_width=32, entries=256, min_batch=4)
    st = probe.statistics("kaiming_normal", "relu", 4, 16, 1.5)
    assert probe.statistics("kaiming_normal", "relu", 4, 16, 1.5) is st
    b = probe.batch_size(16)
    assert b == 16
    weights = [1.5 * init.kaiming_std(16) * probe._normal[i, :16, :16] for i in range(4)]
    ref = init.propagate(probe._x[:b, :16], weights, "relu", probe._g[:b, :16])
    np.testing.assert_allclose(st.a_var, ref.a_var, rtol=1e-5)
    np.testing.assert_allclose(st.grad_a_var, ref.grad_a_var, rtol=1e-5)
    assert st.activations.shape == (5, b, 16)
    # uniform schemes use U(-1, 1) draws times the bound; offsets and constants work too
    u = probe.statistics("xavier_uniform", "tanh", 3, 8)
    assert np.all(np.isfinite(u.a_var))
    z = probe.statistics("zeros", "relu", 3, 8)
    assert np.all(z.a_var[1:] == 0) and np.all(z.grad_a_var[:-1] == 0)
    off = probe.statistics("uniform", "relu", 6, 32)
    assert off.a_mean[-1] > off.a_mean[1] > 0
    with pytest.raises(ValueError, match="depth must be an int >= 1 and <= 6"):
        probe.statistics("kaiming_normal", "relu", 7, 8)
    with pytest.raises(ValueError, match="width must be an int >= 1 and <= 32"):
        probe.statistics("kaiming_normal", "relu", 3, 0)
    with pytest.raises(ValueError, match="scheme must be one of"):
        probe.statistics("orthogonal", "relu", 3, 8)


def test_probe_cache_is_bounded():
    probe = init.DeepMLPProbe(max_depth=2, max_width=8, entries=16, cache_size=3)
    for gain in (0.5, 1.0, 1.5, 2.0):
        probe.statistics("kaiming_normal", "relu", 2, 8, gain)
    assert len(probe._cache) == 3


def test_layer_histogram_accounts_for_every_entry():
    v = torch.tensor([-5.0, -1.0, 0.0, 0.5, 2.9, 3.5, float("nan"), float("inf")])
    shares, edges, outside = init.layer_histogram(v, bins=6, value_range=(-3, 3))
    assert len(edges) == 7 and shares.sum() + outside == pytest.approx(1.0)
    assert outside == pytest.approx(4 / 8)
    with pytest.raises(ValueError, match="value_range\\[1\\] must be a finite number >"):
        init.layer_histogram(v, value_range=(1, 1))


def test_kaiming_derivation_steps():
    steps = init.kaiming_derivation(fan_in=128, batch=128, repeats=12, seed=0)
    expected = {
        "z1": 1.0,
        "relu_sq": 0.5,
        "z2_sq": 1.0,
        "layer": 1.0,
        "relu_var": 0.5 - 1 / (2 * math.pi),
        "z2_var": math.pi / (math.pi - 1),
    }
    for name, value in expected.items():
        r = steps[name]
        assert abs(r.mean() - value) < 5 * r.std(ddof=1) / math.sqrt(len(r)) + 2e-3, name
    with pytest.raises(ValueError, match="repeats must be an int >= 2"):
        init.kaiming_derivation(repeats=1)


def test_distinct_rows_and_symmetry():
    w = torch.ones(5, 3)
    assert init.distinct_rows(w) == 1
    w[2, 1] = 1.5
    assert init.distinct_rows(w) == 2
    assert init.distinct_rows(w, atol=0.6) == 1
    with pytest.raises(ValueError, match="2-D"):
        init.distinct_rows(torch.ones(3))


def test_build_mlp_validates_and_is_seeded():
    a = init.build_mlp(3, 8, seed=4)
    b = init.build_mlp(3, 8, seed=4)
    assert all(
        torch.equal(x, y) for x, y in zip(init.mlp_weights(a), init.mlp_weights(b), strict=True)
    )
    m = init.build_mlp(2, 8, in_features=4, out_features=3, bias=True, scheme="normal", std=0.1)
    assert (
        isinstance(m[-1], nn.Linear)
        and m[-1].out_features == 3
        and float(m[0].bias.detach().abs().sum()) == 0
    )
    with pytest.raises(ValueError, match="depth must be an int >= 1"):
        init.build_mlp(0, 8)
    with pytest.raises(ValueError, match="unexpected"):
        init.build_mlp(2, 8, scheme="xavier_normal", std=1.0)
    with pytest.raises(ValueError, match="activation must be one of"):
        init.build_mlp(2, 8, activation="elu")


# -- plots -------------------------------------------------------------------------------
def test_plots_draw_and_validate():
    st = init.mlp_statistics("kaiming_normal", "relu", depth=4, width=16, batch=8)
    ax = init_plots.layer_profile({"a": st.a_var, "w": st.grad_w_var}, ylim=(1e-6, 1e6))
    assert len(ax.get_lines()) == 3  # two profiles and the reference
    assert len(ax.get_lines()[1].get_xdata()) == 4  # the nan at layer 0 is left out
    clipped = init_plots.clip_log(np.array([0.0, np.nan, np.inf, 1.0]), (1e-3, 1e3))
    assert list(clipped) == [1e-3, 1e3, 1e3, 1.0]
    w = torch.empty(100, 100)
    nn.init.kaiming_uniform_(w)
    s = init.spec("kaiming_uniform", w.shape)
    init_plots.weight_histogram(w, distribution="uniform", low=s.low, high=s.high)
    init_plots.weight_histogram(w, distribution="normal", std=0.1)
    init_plots.activation_histograms({"layer 1": torch.tanh(torch.randn(100))})
    init_plots.neuron_rows(torch.randn(4, 6), title="rows")
    with pytest.raises(ValueError):
        init_plots.layer_profile({})
    with pytest.raises(ValueError):
        init_plots.weight_histogram(w, distribution="cauchy")
    with pytest.raises(ValueError):
        init_plots.neuron_rows(torch.randn(3))
    with pytest.raises(ValueError):
        init_plots.clip_log(np.ones(2), (0.0, 1.0))


# -- exercises ---------------------------------------------------------------------------
def test_exercises_stub_wrong_slip_right(capsys):
    checks = [
        (ch04.ex1, math.sqrt(6 / 75), math.sqrt(6 / 3)),
        (ch04.ex2, math.sqrt(2 / 400), 2 / 400),
        (ch04.ex3, 1 / 192, 1 / 8),
        (ch04.ex4, 0.5**10, 1.0),
    ]
    for ex, right, slip in checks:
        assert not ex(None)
        assert "not answered yet" in capsys.readouterr().out
        assert not ex(slip)
        assert "not quite" in capsys.readouterr().out
        assert not ex(right * 1.5)
        assert ex(round(right, 6)) and ex(torch.tensor(right))
        assert "correct" in capsys.readouterr().out
        for weird in ("0.3", [1, 2], torch.ones(2), float("nan"), True):
            assert not ex(weird)
    assert ch04.ex1(0.283)  # three significant digits are enough


@pytest.mark.parametrize("scheme", ["uniform", "normal", "kaiming_uniform", "xavier_normal"])
def test_init_draws_in_the_tensors_dtype_draw_for_draw(scheme):
    for dtype in (torch.float32, torch.float64):
        ours = init.init_(
            torch.empty(64, 32, dtype=dtype), scheme, generator=torch.Generator().manual_seed(0)
        )
        theirs = init.torch_init_(
            torch.empty(64, 32, dtype=dtype), scheme, generator=torch.Generator().manual_seed(0)
        )
        assert ours.dtype == dtype
        # the same draws; low + (high - low) u or mean + std z may round differently from
        # torch's own arithmetic, by a few ulp of the weights' scale (float32 draws cast to
        # float64 were off by up to 0.48)
        scale = float(theirs.abs().max())
        torch.testing.assert_close(ours, theirs, atol=4 * torch.finfo(dtype).eps * scale, rtol=0)


def test_init_keeps_a_narrow_float64_uniform_inside_its_bounds():
    w = init.init_(
        torch.empty(100_000, 1, dtype=torch.float64),
        "uniform",
        a=0.7,
        b=0.7001,
        generator=torch.Generator().manual_seed(0),
    )
    assert float(w.min()) >= 0.7 and float(w.max()) < 0.7001
    # float64 draws: far more distinct values than float32's 24 bits could give in the range
    assert w.unique().numel() > 99_000


def test_sample_rejects_a_non_floating_dtype():
    s = init.spec("uniform", (2, 2), a=0.0, b=1.0)
    with pytest.raises(ValueError, match="floating-point"):
        s.sample((2, 2), dtype=torch.int64)
    with pytest.raises(ValueError, match="floating-point"):
        init.init_(torch.empty(2, 2, dtype=torch.int64), "uniform")
