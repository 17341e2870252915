"""The chapter 3 explorers, driven from code: slider moves change the figure, extremes never raise."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.widgets.activations import (
    ActivationExplorer,
    DepthExplorer,
    SoftmaxTemperatureExplorer,
)


def _extremes(ex):
    for name, control in ex.controls.items():
        if hasattr(control, "min"):
            for value in (control.min, control.max, control.min):
                ex.controls[name].value = value
                assert ex.last_error is None, (name, value, ex.last_error)
        elif hasattr(control, "options"):
            for value in control.options:
                ex.controls[name].value = value
                assert ex.last_error is None, (name, value, ex.last_error)


def test_activation_explorer_updates_in_place():
    ex = ActivationExplorer()
    assert repr(ex).startswith("Explorer: activation")
    assert ex.last_error is None
    before = ex.line_f.get_ydata().copy()
    png = ex.image.value
    ex.controls["w"].value = 3.0
    assert ex.last_error is None
    assert not np.allclose(ex.line_f.get_ydata(), before)
    assert ex.image.value != png
    ex.controls["b"].value = -10.0
    assert "saturated" in ex.message.value
    ex.controls["function"].value = "relu"
    assert "inactive" in ex.message.value
    assert ex.ax.get_ylim()[1] == pytest.approx(8.0)
    ex.controls["derivative"].value = False
    assert not ex.line_d.get_visible()
    ex.controls["w"].value = 0.0
    assert "no longer depends on x" in ex.message.value
    _extremes(ex)


def test_activation_explorer_saturation_message_is_measured():
    ex = ActivationExplorer(function="sigmoid")
    ex.set(w=1.0, b=0.0, x_range=10.0)
    # sigma'(x) < 0.0025 exactly for |x| > 5.99...: 40 % of [-10, 10]
    assert "on 40% of the shown x range" in ex.message.value


def test_activation_explorer_bad_arguments():
    with pytest.raises(ValueError, match="activation must be one of"):
        ActivationExplorer(function="gelu")
    with pytest.raises(ValueError, match="points"):
        ActivationExplorer(points=3)


def test_depth_explorer_updates_in_place():
    ex = DepthExplorer()
    assert ex.last_error is None
    assert len(ex.line_norm.get_xdata()) == 10
    ex.controls["depth"].value = 25
    assert len(ex.line_norm.get_xdata()) == 25
    assert ex.line_norm.get_ydata()[-1] == pytest.approx(1.0)
    sigmoid_first = ex.line_norm.get_ydata()[0]
    ex.controls["activation"].value = "relu"
    relu_first = ex.line_norm.get_ydata()[0]
    assert sigmoid_first < 1e-10 < relu_first
    assert max(ex.line_deriv.get_ydata()) <= 1.0
    assert "relu, xavier init, depth 25" in ex.message.value
    ex.controls["init"].value = "default"
    assert ex.last_error is None
    _extremes(ex)
    ex.set(depth=50, activation="sigmoid", init="default")
    assert ex.last_error is None
    assert np.all(ex.line_norm.get_ydata() >= DepthExplorer.FLOOR)


def test_softmax_explorer_updates_in_place():
    ex = SoftmaxTemperatureExplorer()
    heights = [b.get_height() for b in ex.bars]
    assert sum(heights) == pytest.approx(1.0)
    ex.controls["temperature"].value = 100.0
    flat = [b.get_height() for b in ex.bars]
    assert flat != heights and max(flat) - min(flat) < 0.05
    ex.controls["temperature"].value = 0.01
    sharp = [b.get_height() for b in ex.bars]
    assert max(sharp) == pytest.approx(1.0)
    assert "overflow" in ex.message.value
    assert ex.last_error is None
    _extremes(ex)


def test_softmax_explorer_bad_arguments():
    with pytest.raises(ValueError, match="logits"):
        SoftmaxTemperatureExplorer(logits=[1.0])
    with pytest.raises(ValueError, match="logits"):
        SoftmaxTemperatureExplorer(logits=[1.0, float("nan")])
    with pytest.raises(ValueError, match="labels"):
        SoftmaxTemperatureExplorer(logits=[1.0, 2.0], labels=["a"])
    with pytest.raises(ValueError, match="sequence of numbers"):
        SoftmaxTemperatureExplorer(logits=["a", "b"])


@pytest.mark.parametrize("cls", [ActivationExplorer, DepthExplorer, SoftmaxTemperatureExplorer])
def test_blitted_update_matches_a_full_redraw(cls):
    from pixels import png_pixels

    ex = cls()
    name, control = next((n, c) for n, c in ex.controls.items() if hasattr(c, "max"))
    control.value = control.max  # an update drawn over the cached background
    blitted = png_pixels(ex.image.value)
    ex.invalidate()
    full = png_pixels(ex.render_png())
    assert blitted.shape == full.shape
    assert np.array_equal(blitted, full), f"{cls.__name__}: moving {name} left stale pixels"
