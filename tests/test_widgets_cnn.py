"""The convolution explorer, driven from code: moves change the figure, extremes never raise."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from pixels import png_pixels

from helpers.widgets.cnn import PRESETS, ConvolutionExplorer, output_size, preset_kernel


def test_explorer_shows_the_formula_and_moves_the_window():
    ex = ConvolutionExplorer(W=7, F=3, S=1, P=1)
    assert repr(ex).startswith("Explorer: convolution explorer")
    assert ex.last_error is None and ex.message.value == ""
    assert "= ⌊(7 − 3 + 2·1) / 1⌋ + 1 = 7" in ex.formula.value
    assert ex.controls["position"].max == 48
    png, bounds = bytes(ex.image.value), ex.win.get_bbox().bounds
    ex.controls["position"].value = 10  # row 1, column 3
    assert ex.last_error is None
    assert ex.win.get_bbox().bounds != bounds
    assert ex.win.get_x() == pytest.approx(3 - 0.5) and ex.win.get_y() == pytest.approx(1 - 0.5)
    assert "y[1, 3]" in ex.formula.value
    assert bytes(ex.image.value) != png


def test_output_matches_torch_and_stride_moves_the_window_by_s():
    ex = ConvolutionExplorer()
    ex.set(W=9, F=3, S=2, P=1, preset="random", position=5)
    x = torch.from_numpy(ex._digits[9])[None, None]
    k = torch.from_numpy(preset_kernel("random", 3))[None, None]
    ref = F.conv2d(x, k, stride=2, padding=1)[0, 0].numpy()
    np.testing.assert_allclose(ex.im_out.get_array(), ref, atol=1e-12)
    assert ex.controls["position"].value == 5  # set() fits the slider before the position
    i, j = divmod(5, 5)
    assert ex.win.get_x() == pytest.approx(2 * j - 0.5) and ex.win.get_y() == pytest.approx(
        2 * i - 0.5
    )
    assert f"= {ref[i, j]:.3f}" in ex.formula.value


def test_invalid_combination_shows_a_message_instead_of_raising():
    ex = ConvolutionExplorer()
    ex.set(W=3, F=7, P=0)
    assert ex.last_error is None
    assert ex.message.value.startswith("invalid: output size N = -3 < 1")
    assert not ex.win.get_visible() and ex.none_text.get_visible()
    ex.controls["P"].value = 2  # 3 + 4 = 7: exactly one window fits
    assert ex.last_error is None and ex.message.value == ""
    assert ex.win.get_visible() and ex.im_out.get_array().shape == (1, 1)


def test_uneven_stride_is_explained():
    ex = ConvolutionExplorer()
    ex.set(W=8, F=3, S=2, P=0)
    assert "PyTorch floors" in ex.message.value
    assert ex.im_out.get_array().shape == (3, 3) and output_size(8, 3, 0, 2) == 3


def test_position_slider_follows_the_output_size():
    ex = ConvolutionExplorer()
    ex.set(W=12, F=1, S=1, P=3)
    assert ex.controls["position"].max == 18 * 18 - 1
    ex.controls["position"].value = 18 * 18 - 1
    ex.controls["W"].value = 3  # the output shrinks: the position is clipped, no error
    assert ex.last_error is None
    assert ex.controls["position"].value == ex.controls["position"].max == 9 * 9 - 1


def test_every_extreme_is_safe():
    ex = ConvolutionExplorer()
    for name, control in ex.controls.items():
        values = control.options if name == "preset" else (control.min, control.max, control.min)
        for value in values:
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
    for W in (3, 12):
        for f in (1, 7):
            for S in (1, 4):
                for P in (0, 3):
                    ex.set(W=W, F=f, S=S, P=P)
                    assert ex.last_error is None, (W, f, S, P, ex.last_error)


def test_presets():
    for name in PRESETS:
        for f in range(1, 8):
            assert preset_kernel(name, f).shape == (f, f)
    np.testing.assert_allclose(preset_kernel("box blur", 3).sum(), 1.0)
    np.testing.assert_allclose(preset_kernel("vertical edge", 3)[0], [-1, 0, 1])
    with pytest.raises(ValueError, match="preset must be one of"):
        preset_kernel("sobel", 3)


def test_moves_are_blitted_over_the_kernel_panel_and_match_a_full_redraw():
    ex = ConvolutionExplorer()
    ex.controls["position"].value = 1  # the first move caches the picture of the kernel panel
    draws = ex.full_draws
    assert draws >= 1

    def check(moves):
        nonlocal draws
        for name, value in moves:
            ex.controls[name].value = value
            assert ex.last_error is None
            assert ex.full_draws == draws, f"{name}={value} redrew the kernel panel"
            blitted = png_pixels(ex.image.value)
            ex.invalidate()
            full = png_pixels(ex.render_png())
            assert np.array_equal(blitted, full), f"{name}={value} left stale pixels"
            draws = ex.full_draws

    check([("position", 10), ("position", 48), ("W", 9), ("S", 2), ("P", 0), ("W", 12)])
    assert ex.axes[0].get_title() == "input 12x12, padded to 12x12"
    for name, value in (("F", 5), ("preset", "box blur")):  # a new kernel: all is redrawn
        ex.controls[name].value = value
        assert ex.full_draws == draws + 1, f"{name}={value} kept a stale kernel panel"
        draws = ex.full_draws
    assert ex.axes[1].get_title() == "kernel 5x5: box blur"
    check([("W", 3), ("S", 1)])  # 3 - 5 + 0 < 0: no output, drawn over the kernel panel
    assert ex.none_text.get_visible() and not ex.win.get_visible()
    check([("P", 1), ("position", 0)])  # exactly one window fits again
    assert ex.win.get_visible() and ex.im_out.get_array().shape == (1, 1)


def test_formula_sits_in_its_own_line_above_the_figure():
    ex = ConvolutionExplorer()
    box = ex.widget.children
    assert box.index(ex.formula) < box.index(ex.image)
    ex.set(W=3, F=7, P=0)
    assert "= -3 &lt; 1" in ex.formula.value and "no window fits" in ex.formula.value
