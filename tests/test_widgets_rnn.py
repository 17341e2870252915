"""Chapter 10: the vanishing-gradient explorer, driven from code."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.widgets.rnn import VanishingGradientExplorer


def _ydata(ex):
    return np.asarray(ex.line.get_ydata(), dtype=float)


def test_explorer_text_and_initial_draw():
    ex = VanishingGradientExplorer(seq_len=30)
    assert repr(ex).startswith("Explorer: vanishing and exploding gradients")
    assert ex.last_error is None
    assert len(_ydata(ex)) == 30
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_control_changes_the_curve():
    ex = VanishingGradientExplorer(seq_len=40, scale=1.0, activation="tanh")
    before = _ydata(ex)
    ex.controls["seq_len"].value = 80
    assert len(_ydata(ex)) == 80 and ex.last_error is None
    ex.controls["seq_len"].value = 40
    ex.controls["scale"].value = 2.0
    assert not np.allclose(_ydata(ex), before, equal_nan=True) and ex.last_error is None
    previous = _ydata(ex)
    ex.controls["activation"].value = "identity"
    assert not np.allclose(_ydata(ex), previous, equal_nan=True) and ex.last_error is None
    assert "φ = identity" in ex.ax.get_title()


def test_identity_follows_gamma_to_the_k():
    ex = VanishingGradientExplorer(seq_len=60, scale=1.2, activation="identity")
    g, ref = _ydata(ex), np.asarray(ex.ref.get_ydata(), dtype=float)
    slope = np.polyfit(np.arange(30, 60), np.log(g[30:]), 1)[0]
    assert slope == pytest.approx(np.log(1.2), abs=0.05)
    assert ref[1] / ref[0] == pytest.approx(1.2)


def test_messages_for_vanishing_and_exploding():
    ex = VanishingGradientExplorer()
    ex.set(seq_len=150, scale=3.0, activation="identity")
    assert ex.message.value.startswith("exploding") and ex.last_error is None
    ex.set(seq_len=150, scale=0.1, activation="identity")
    assert ex.message.value.startswith("vanishing") and ex.last_error is None


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
def test_slider_extremes_never_raise(activation):
    ex = VanishingGradientExplorer(activation=activation)
    for name in ("seq_len", "scale"):
        control = ex.controls[name]
        for value in (control.min, control.max):
            ex.controls[name].value = value
            assert ex.last_error is None, ex.last_error
    ex.set(seq_len=ex.controls["seq_len"].max, scale=ex.controls["scale"].max)
    assert ex.last_error is None
    ex.set(seq_len=ex.controls["seq_len"].min, scale=ex.controls["scale"].min)
    assert ex.last_error is None


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="activation"):
        VanishingGradientExplorer(activation="gelu")
    with pytest.raises(ValueError, match="max_len"):
        VanishingGradientExplorer(max_len=1)


def test_blitted_png_matches_a_full_redraw_in_size():
    ex = VanishingGradientExplorer()
    ex.controls["scale"].value = 1.5
    blitted = ex.image.value
    ex.relayout()
    ex.refresh()
    assert abs(len(ex.image.value) - len(blitted)) < 0.5 * len(blitted)
    assert ex.last_error is None
