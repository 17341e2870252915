"""The chapter 4 explorer, driven from code: every control redraws, extremes never raise."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import initialization as init
from helpers.widgets.initialization import SCHEME_OPTIONS, InitExplorer


@pytest.fixture(scope="module")
def probe():
    # a smaller probe keeps the tests quick; the explorer's own default is 50 x 256
    return init.DeepMLPProbe(max_depth=50, max_width=256, entries=1024)


@pytest.fixture(scope="module")
def shared(probe):
    return InitExplorer(depth=10, width=64, probe=probe)


@pytest.fixture
def ex(shared):
    """One explorer for the module (building one costs a full layout), reset per test."""
    shared.set(scheme="kaiming_normal", activation="relu", gain=1.0, depth=10, width=64, layer=5)
    return shared


def _snapshot(ex):
    return (
        ex.forward_line.get_ydata().copy(),
        ex.backward_line.get_ydata().copy(),
        ex.stairs.get_data().values.copy(),
        bytes(ex.image.value),
    )


@pytest.mark.parametrize(
    "name,value",
    [
        ("scheme", "xavier_normal"),
        ("activation", "tanh"),
        ("gain", 2.0),
        ("depth", 25),
        ("width", 128),
        ("layer", 3),
    ],
)
def test_each_control_changes_the_figure(ex, name, value):
    before, n = _snapshot(ex), len(ex.timings_ms)
    ex.controls[name].value = value
    after = _snapshot(ex)
    assert ex.last_error is None, ex.last_error
    assert after[3] != before[3] and after[3].startswith(b"\x89PNG")
    changed = [
        not (a.shape == b.shape and np.allclose(a, b))
        for a, b in zip(after[:3], before[:3], strict=True)
    ]
    if name == "layer":
        assert changed[2] and not changed[0]  # only the histogram moves
    else:
        assert changed[0] or changed[1]
    assert len(ex.timings_ms) == n + 1


def test_lines_follow_the_depth_and_the_probe(ex, probe):
    ex.set(scheme="kaiming_uniform", activation="relu", depth=12, width=64, gain=1.0)
    st = probe.statistics("kaiming_uniform", "relu", 12, 64, 1.0)
    np.testing.assert_allclose(ex.forward_line.get_ydata(), np.clip(st.a_var, *ex.YLIM))
    assert len(ex.backward_line.get_xdata()) == 13
    assert ex.depth_marks[0].get_xdata()[0] == 12


def test_slider_extremes_never_raise(ex):
    for scheme in SCHEME_OPTIONS:
        for activation in init.ACTIVATIONS:
            for values in (
                {"depth": 50, "width": 256, "gain": 4.0, "layer": 50},
                {"depth": 1, "width": 8, "gain": 0.25, "layer": 0},
                {"depth": 50, "width": 8, "gain": 4.0, "layer": 0},
            ):
                ex.set(scheme=scheme, activation=activation, **values)
                assert ex.last_error is None, (scheme, activation, values, ex.last_error)
                y = ex.forward_line.get_ydata()
                assert np.all(np.isfinite(y)) and y.min() >= ex.YLIM[0] and y.max() <= ex.YLIM[1]


def test_messages_name_what_happens(ex):
    ex.set(scheme="normal(0, 1)", activation="relu", depth=50, width=256, gain=4.0)
    assert "overflow" in ex.message.value and ex.last_error is None
    ex.set(scheme="zeros", depth=5, gain=1.0)
    assert "dead" in ex.message.value
    ex.set(scheme="xavier_normal", activation="relu", depth=50, width=64)
    assert "vanishes" in ex.message.value
    ex.set(scheme="kaiming_normal", depth=10, layer=30)
    assert "stays within the plot" in ex.message.value
    assert "the net has 10 layers" in ex.message.value and "a_10" in ex.message.value


def test_text_plain_is_stable_and_bad_arguments_raise(probe):
    ex = InitExplorer(probe=probe)
    assert repr(ex) == (
        "Explorer: initialization explorer (scheme, activation, depth, width, gain) "
        "(controls: scheme, activation, gain, depth, width, layer)"
    )
    assert ex._repr_mimebundle_()["text/plain"] == repr(ex)
    with pytest.raises(ValueError, match="unknown scheme"):
        InitExplorer(scheme="orthogonal", probe=probe)
    with pytest.raises(ValueError, match="unknown activation"):
        InitExplorer(activation="gelu", probe=probe)


def test_relayout_renders_the_background_again(ex):
    ex.relayout()
    ex.controls["gain"].value = 0.5
    assert ex.last_error is None and bytes(ex.image.value).startswith(b"\x89PNG")
