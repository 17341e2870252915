"""The chapter 5 explorers driven from code: data changes, extremes never raise."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import losses
from helpers.widgets.losses import LossShapeExplorer, RobustFitExplorer


def _ydata(line) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=float).copy()


def test_loss_shape_explorer_redraws_huber_on_delta_change():
    ex = LossShapeExplorer()
    assert ex.last_error is None
    huber_loss = ex.lines["loss"]["Huber"]
    huber_grad = ex.lines["grad"]["Huber"]
    before_l, before_g = _ydata(huber_loss), _ydata(huber_grad)
    ex.controls["delta"].value = 2.0
    assert ex.last_error is None
    assert not np.array_equal(before_l, _ydata(huber_loss))
    assert not np.array_equal(before_g, _ydata(huber_grad))
    assert _ydata(huber_grad).max() == pytest.approx(2.0)  # gradient clamped at +-delta
    assert _ydata(ex.lines["grad"]["Smooth L1"]).max() == pytest.approx(1.0)
    assert list(ex.marks[1].get_xdata()) == [2.0, 2.0]
    assert "δ = 2.00" in ex.message.value
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.axes[0].get_ylim() == LossShapeExplorer.LOSS_YLIM  # limits stay put
    assert repr(ex) == "Explorer: loss shapes (L1, L2, Huber, Smooth L1) (controls: delta)"


def test_loss_shape_explorer_extremes():
    ex = LossShapeExplorer()
    for value in (ex.controls["delta"].min, ex.controls["delta"].max, 0.1, 3.0):
        ex.controls["delta"].value = value
        assert ex.last_error is None
        assert all(np.isfinite(_ydata(ln)).all() for ln in ex.lines["loss"].values())


def test_robust_fit_explorer_refits_on_every_slider():
    ex = RobustFitExplorer()
    assert ex.last_error is None
    l2 = ex.fit_lines["L2 (MSE)"]
    huber = ex.fit_lines["Huber"]
    before = _ydata(l2)
    ex.controls["n_outliers"].value = 8
    assert ex.last_error is None
    assert not np.array_equal(before, _ydata(l2))
    assert len(ex.outliers.get_xdata()) == 8 and len(ex.points.get_xdata()) == 22
    before = _ydata(l2)
    ex.controls["magnitude"].value = 10.0
    assert not np.array_equal(before, _ydata(l2))
    before = _ydata(huber)
    ex.controls["delta"].value = 10.0
    assert not np.array_equal(before, _ydata(huber))
    # the drawn lines are the helpers' fits
    x, y, _ = losses.line_with_outliers(30, n_outliers=8, magnitude=10.0)
    want = losses.fit_line(x, y, loss="l2")
    assert _ydata(l2) == pytest.approx(want(ex.xs))
    assert f"L2 {want.slope:.3f}" in ex.label.get_text()
    assert ex.ax.get_ylim() == RobustFitExplorer.YLIM


def test_robust_fit_explorer_extremes_never_raise():
    ex = RobustFitExplorer()
    for name, control in ex.controls.items():
        for value in (control.min, control.max):
            ex.controls[name].value = value
            assert ex.last_error is None, (name, value, ex.last_error)
    ex.set(n_outliers=15, magnitude=30.0, delta=0.1)
    assert ex.last_error is None
    assert "even the L1 line follows them" in ex.message.value
    ex.set(n_outliers=0, magnitude=0.0, delta=10.0)
    assert ex.last_error is None
    slopes = [
        float(np.diff(ln.get_ydata())[0] / np.diff(ln.get_xdata())[0])
        for ln in ex.fit_lines.values()
    ]
    assert slopes == pytest.approx([slopes[0]] * 3, abs=0.1)  # no outliers: the fits agree


def test_blit_render_matches_a_full_redraw():
    """The cached-background PNG shows what a full draw of the figure shows."""
    import io

    from matplotlib.image import imread

    ex = RobustFitExplorer()
    ex.set(n_outliers=5, magnitude=20.0, delta=2.0)
    fast = imread(io.BytesIO(ex.image.value))
    buf = io.BytesIO()
    ex.fig.canvas.print_png(buf)
    full = imread(io.BytesIO(buf.getvalue()))
    assert fast.shape == full.shape
    differ = np.abs(fast - full).max(axis=2) > 0.02
    # only antialiased edges where a moving line crosses a static artist may differ
    assert differ.mean() < 1e-3
