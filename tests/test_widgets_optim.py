"""The chapter 6 trajectory explorer, driven from code."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import landscapes
from helpers.landscapes import LANDSCAPES, OPTIMIZERS
from helpers.widgets.optim import BETA2_CHOICES, TrajectoryExplorer


@pytest.fixture(scope="module")
def ex():
    return TrajectoryExplorer()


def drawn(ex, name, part="trail"):
    line = ex.artists[name][part]
    return np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)


def limits_ok(ex):
    ax, ax_gap = ex.axes
    x0, x1, y0, y1 = landscapes.BOX
    assert ax.get_xlim() == (x0, x1) and ax.get_ylim() == (y0, y1)
    lo, hi = ax_gap.get_ylim()
    assert np.isfinite([lo, hi, *ax_gap.get_xlim()]).all() and 0 < lo < hi


def test_first_view_draws_every_default_optimizer(ex):
    assert ex.last_error is None
    assert bytes(ex.image.value).startswith(b"\x89PNG")
    assert repr(ex).startswith("Explorer: optimizer trajectories (controls: surface, optimizers")
    for name in OPTIMIZERS:
        visible = ex.artists[name]["trail"].get_visible()
        assert visible == (name in ex.controls["optimizers"].value)
    for name in ex.controls["optimizers"].value:
        tr = ex.trajectories[name]
        np.testing.assert_allclose(drawn(ex, name), tr.path)  # step = steps: whole path
        np.testing.assert_allclose(drawn(ex, name, "ghost"), tr.path)
    assert "<table" in ex.readout.value and "Adam" in ex.readout.value
    limits_ok(ex)


def test_the_step_slider_only_redraws(ex):
    ex.set(surface="ravine", steps=200, step=200)
    before = {n: ex.trajectories[n] for n in ex.trajectories}
    png = bytes(ex.image.value)
    ex.controls["step"].value = 7
    assert ex.recomputed == [] and ex.last_error is None
    assert all(ex.trajectories[n] is before[n] for n in before)  # same objects: no rerun
    for name, tr in before.items():
        np.testing.assert_allclose(drawn(ex, name), tr.path[:8])
        np.testing.assert_allclose(drawn(ex, name, "head"), tr.path[7:8])
        gap_x, _ = ex.artists[name]["gap_dot"].get_data()
        assert list(gap_x) == [7]
    assert bytes(ex.image.value) != png
    assert "<b>step 7</b>" in ex.readout.value
    for k in (0, 1, 199, 200):
        ex.controls["step"].value = k
        assert ex.last_error is None and ex.recomputed == []


def test_a_setting_recomputes_only_what_it_touches(ex):
    ex.set(optimizers=("GD", "Momentum", "RMSProp", "Adam"), step=200)
    ex.controls["lr_gd"].value = 0.2
    assert sorted(ex.recomputed) == ["GD", "Momentum"]
    ex.controls["beta2"].value = 0.999
    assert sorted(ex.recomputed) == ["Adam", "RMSProp"]
    ex.controls["beta1"].value = 0.5
    assert sorted(ex.recomputed) == ["Adam", "Momentum"]
    path = ex.trajectories["Momentum"].path
    ex.controls["beta1"].value = 0.9
    ex.controls["beta1"].value = 0.5  # cached: no rerun, same path
    assert ex.recomputed == []
    np.testing.assert_array_equal(ex.trajectories["Momentum"].path, path)


@pytest.mark.parametrize("surface", LANDSCAPES)
def test_choosing_a_surface_loads_its_presets_and_contours(surface):
    ex = TrajectoryExplorer("ravine" if surface != "ravine" else "saddle")
    ex.controls["surface"].value = surface
    ls = landscapes.get(surface)
    assert ex.last_error is None
    assert ex.controls["lr_gd"].value == pytest.approx(ls.lr_gd)
    assert ex.controls["lr_adaptive"].value == pytest.approx(ls.lr_adaptive)
    assert (ex.controls["x0"].value, ex.controls["y0"].value) == pytest.approx(ls.start)
    assert ex.axes[0].get_title().startswith(ls.title)
    for tr in ex.trajectories.values():
        np.testing.assert_allclose(tr.path[0], ls.start)
    limits_ok(ex)


def test_presets_can_be_turned_off_and_reloaded():
    ex = TrajectoryExplorer(presets=False)
    ex.controls["lr_gd"].value = 0.001
    ex.controls["surface"].value = "plateau"
    assert ex.controls["lr_gd"].value == pytest.approx(0.001)
    ex.load_preset()
    assert ex.controls["lr_gd"].value == pytest.approx(landscapes.get("plateau").lr_gd)
    ex.preset_button.click()
    assert ex.last_error is None


def test_every_control_at_both_ends_is_safe():
    """Each slider to its min and max on every surface, all nine optimizers overlaid."""
    ex = TrajectoryExplorer(optimizers=OPTIMIZERS, steps=30)
    sliders = ["lr_gd", "lr_adaptive", "beta1", "x0", "y0", "step"]

    def check(*where):
        assert ex.last_error is None, (*where, ex.last_error)
        limits_ok(ex)
        for tr in ex.trajectories.values():
            assert len(tr.path) >= 1
            assert np.isfinite(tr.path).all() and np.isfinite(tr.loss).all()

    for surface in LANDSCAPES:
        ex.controls["surface"].value = surface
        for name in sliders:
            c = ex.controls[name]
            for v in (c.min, c.max):
                c.value = v
                check(surface, name, v)
        for v in (BETA2_CHOICES[0], BETA2_CHOICES[-1]):
            ex.controls["beta2"].value = v
            check(surface, "beta2", v)
        ex.load_preset()
    steps = ex.controls["steps"]
    ex.set(lr_gd=10.0, lr_adaptive=10.0)  # everything diverges fast: cheap at 500 steps
    for v in (steps.min, steps.max):
        steps.value = v
        check("steps", v)


def test_divergence_is_reported_with_its_step():
    ex = TrajectoryExplorer("ravine", optimizers=("GD", "Adam"))
    ex.set(lr_gd=10.0, lr_adaptive=0.1)
    tr = ex.trajectories["GD"]
    assert tr.diverged
    assert f"GD: diverged at step {tr.diverged_at} (left the plot box)" in ex.message.value
    assert "Adam" not in ex.message.value
    assert len(ex.artists["GD"]["cross"].get_xdata()) == 1  # an x where it left
    ex.controls["step"].value = 0
    assert len(ex.artists["GD"]["cross"].get_xdata()) == 0  # not yet diverged at step 0
    assert f"diverges at step {tr.diverged_at}" in ex.readout.value
    ex.set(lr_gd=0.4)
    assert ex.message.value == ""


def test_torch_twins_are_drawn_on_top_of_ours():
    ex = TrajectoryExplorer("rosenbrock", optimizers=OPTIMIZERS)
    for ours, theirs in [
        ("Momentum", "SGD momentum (torch)"),
        ("Adam", "Adam (torch)"),
        ("RMSProp", "RMSprop (torch)"),
        ("AdaGrad", "Adagrad (torch)"),
    ]:
        np.testing.assert_allclose(drawn(ex, ours), drawn(ex, theirs), atol=1e-9)
        assert ex.artists[theirs]["trail"].get_linestyle() == "--"


def test_steps_moves_the_step_range_and_follows_the_end():
    ex = TrajectoryExplorer(steps=100)
    assert ex.controls["step"].value == 100
    ex.controls["steps"].value = 300
    assert ex.controls["step"].max == 300 and ex.controls["step"].value == 300
    assert ex.play.max == 300
    assert len(ex.trajectories["Adam"].path) == 301
    ex.controls["step"].value = 250
    ex.controls["steps"].value = 50
    assert ex.controls["step"].value == 50 and ex.controls["step"].max == 50
    assert ex.last_error is None and ex.axes[1].get_xlim() == (0, 50)


def test_no_optimizer_and_a_stationary_start_are_explained():
    ex = TrajectoryExplorer("saddle")
    ex.controls["optimizers"].value = ()
    assert "pick at least one optimizer" in ex.message.value and ex.last_error is None
    assert not any(a["trail"].get_visible() for a in ex.artists.values())
    ex.set(optimizers=("GD", "Adam"), x0=0.0, y0=0.0)
    assert "stationary point" in ex.message.value


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="unknown landscape"):
        TrajectoryExplorer("everest")
    with pytest.raises(ValueError, match="unknown optimizers"):
        TrajectoryExplorer(optimizers=("Adam", "Lion"))
    with pytest.raises(ValueError, match="steps must be"):
        TrajectoryExplorer(steps=5)


def test_the_cache_forgets_old_settings_without_losing_current_ones():
    ex = TrajectoryExplorer(optimizers=("GD", "Adam"), steps=20)
    for v in np.linspace(-1.5, 1.5, 40):  # 80 entries pass through a cache of 64
        ex.controls["x0"].value = round(float(v), 2)
        assert ex.last_error is None
    ex.controls["lr_gd"].value = 0.01  # GD reruns, Adam's old entry is found again
    assert ex.last_error is None and ex.recomputed == ["GD"]
    assert len(ex._cache) <= 64


def test_a_single_optimizer_name_is_accepted():
    ex = TrajectoryExplorer("plateau", "Adam")
    assert ex.controls["optimizers"].value == ("Adam",) and list(ex.trajectories) == ["Adam"]
