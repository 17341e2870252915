"""The chapter 7 explorer, driven from code: sliders change the curves, extremes are safe."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import schedules
from helpers.widgets.schedules import NAMES, ScheduleExplorer, demo_val_curve


@pytest.fixture()
def ex():
    return ScheduleExplorer()


def _y(ex, name):
    return np.asarray(ex.lines[name].get_ydata(), dtype=float).copy()


def test_initial_state(ex):
    assert ex.last_error is None
    assert repr(ex).startswith("Explorer: learning-rate schedules (controls: step, multistep")
    assert ex._repr_mimebundle_()["text/plain"] == repr(ex)
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plateau" in ex.message.value


@pytest.mark.parametrize(
    "control, value, line",
    [
        ("step_size", 3, "step"),
        ("gamma", 0.1, "step"),
        ("gamma_exp", 0.85, "exponential"),
        ("T_max", 10, "cosine"),
        ("eta_min", 0.3, "cosine"),
        ("patience", 0, "plateau"),
        ("factor", 0.1, "plateau"),
    ],
)
def test_slider_changes_its_curve(ex, control, value, line):
    before, png = _y(ex, line), ex.image.value
    ex.controls[control].value = value
    assert ex.last_error is None
    assert not np.array_equal(before, _y(ex, line))
    assert ex.image.value != png


def test_curves_are_the_helper_functions(ex):
    ex.set(
        step_size=7,
        gamma=0.3,
        gamma_exp=0.9,
        T_max=25,
        eta_min=0.1,
        milestones=(10, 40),
        multistep=True,
    )
    t = np.arange(ex.n)
    np.testing.assert_array_equal(
        _y(ex, "step"), schedules.step_decay(t, eta_0=1.0, step_size=7, gamma=0.3)
    )
    np.testing.assert_array_equal(
        _y(ex, "multistep"), schedules.multistep(t, eta_0=1.0, milestones=[10, 40], gamma=0.3)
    )
    np.testing.assert_array_equal(
        _y(ex, "exponential"), schedules.exponential(t, eta_0=1.0, gamma=0.9)
    )
    np.testing.assert_array_equal(
        _y(ex, "cosine"), schedules.cosine_annealing(t, eta_max=1.0, T_max=25, eta_min=0.1)
    )
    assert "T_max = 25" in ex.message.value and "climbs back" in ex.message.value


def test_plateau_marks_its_reductions(ex):
    ex.set(patience=0, factor=0.5, cooldown=0)
    _, cuts = schedules.reduce_on_plateau(
        ex.val_curve, eta_0=1.0, patience=0, factor=0.5, threshold=1e-4
    )
    assert cuts
    assert list(ex.cut_marks.get_xdata()) == cuts
    assert "after epochs " + ", ".join(map(str, cuts)) in ex.message.value
    ex.controls["plateau"].value = False
    assert not ex.lines["plateau"].get_visible()
    assert len(ex.cut_marks.get_xdata()) == 0


def test_toggles_hide_lines_and_nothing_ticked_says_so(ex):
    for name in NAMES:
        ex.controls[name].value = False
        assert not ex.lines[name].get_visible()
    assert ex.last_error is None
    assert "tick at least one schedule" in ex.message.value
    ex.controls["multistep"].value = True
    assert ex.lines["multistep"].get_visible()


def test_coinciding_milestones_are_one_decay(ex):
    ex.set(multistep=True, milestones=(20, 20))
    assert ex.last_error is None
    assert "both milestones at 20" in ex.message.value
    assert _y(ex, "multistep")[-1] == pytest.approx(ex.controls["gamma"].value)


def test_extremes_never_raise(ex):
    for name in NAMES:
        ex.controls[name].value = True
    for name, control in ex.controls.items():
        if name in NAMES:
            continue
        for value in (control.min, control.max):
            if name == "milestones":
                value = (value, value)
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
            assert "Error" not in ex.message.value
    lines = [_y(ex, n) for n in NAMES]
    assert all(np.isfinite(y).all() and (y >= 0).all() and (y <= 1.0).all() for y in lines)


def test_recorded_curve_and_bad_curves():
    curve = [1.0, 0.8, 0.7, 0.7, 0.71, 0.69, 0.7, 0.72]
    ex = ScheduleExplorer(curve)
    assert ex.n == 8 and ex.controls["T_max"].max == 16 and ex.last_error is None
    for bad in ([1.0], [[1.0, 2.0]], [1.0, float("nan")]):
        with pytest.raises(ValueError, match="val_curve"):
            ScheduleExplorer(bad)
    with pytest.raises(ValueError, match="n_epochs"):
        demo_val_curve(1)


def test_timings_are_recorded(ex):
    n = len(ex.timings_ms)
    ex.controls["gamma"].value = 0.2
    assert len(ex.timings_ms) == n + 1
