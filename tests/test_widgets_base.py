"""The Explorer base class: controls drive draw(), errors are shown not raised."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from helpers.widgets import Explorer


class Line(Explorer):
    title = "line"

    def setup(self):
        self.x = np.linspace(-1, 1, 50)
        (self.line,) = self.ax.plot(self.x, self.x)

    def draw(self, a, b):
        if a == 0:
            raise ZeroDivisionError("a must not be 0")
        self.line.set_ydata(self.x / a + b)
        if abs(a) < 1:
            self.say("steep: |a| < 1")


def make():
    return Line(
        {
            "a": widgets.FloatSlider(value=1.0, min=-2, max=2, step=0.5),
            "b": widgets.FloatSlider(value=0.0, min=-1, max=1),
        }
    )


def test_moving_a_control_redraws_the_figure_and_image():
    ex = make()
    png, ydata = bytes(ex.image.value), ex.line.get_ydata().copy()
    assert png.startswith(b"\x89PNG")
    ex.controls["a"].value = 2.0
    assert not np.allclose(ex.line.get_ydata(), ydata)
    assert bytes(ex.image.value) != png
    assert len(ex.timings_ms) == 2 and ex.last_error is None


def test_set_updates_several_controls_with_one_redraw():
    ex = make()
    ex.set(a=-2.0, b=0.5)
    np.testing.assert_allclose(ex.line.get_ydata(), ex.x / -2.0 + 0.5)
    assert len(ex.timings_ms) == 2
    with pytest.raises(ValueError, match="unknown controls"):
        ex.set(c=1)


def test_errors_and_notes_are_shown_in_the_message_line():
    ex = make()
    ex.controls["a"].value = 0.0
    assert ex.last_error.startswith("ZeroDivisionError")
    assert ex.message.value.startswith("Error: ")
    ex.controls["a"].value = 0.5
    assert ex.last_error is None and ex.message.value == "steep: |a| < 1"
    ex.controls["a"].value = 1.5
    assert ex.last_error is None and ex.message.value == ""


def test_text_plain_is_a_stable_one_liner():
    ex = make()
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"] == "Explorer: line (controls: a, b)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


class BlitLine(Line):
    title = "blitted line"

    def dynamic_artists(self):
        return [self.line]


def test_blitting_matches_a_full_redraw_pixel_for_pixel():
    from pixels import png_pixels as pixels

    full, blit = make(), BlitLine(dict(make().controls))
    for a in (2.0, -1.5, 1.0):
        full.set(a=a, b=0.3)
        blit.set(a=a, b=0.3)
        assert blit.full_draws == 1
        diff = np.abs(pixels(full.image.value).astype(int) - pixels(blit.image.value).astype(int))
        assert (diff.max(axis=-1) > 0).mean() < 0.001  # anti-aliased crossings at most
    blit.invalidate()
    blit.set(a=1.5)
    assert blit.full_draws == 2 and blit.last_error is None


def test_a_render_error_is_shown_not_raised():
    ex = make()

    def broken():
        raise RuntimeError("renderer exploded")

    ex.render_png = broken
    ex.controls["b"].value = 0.5
    assert ex.last_error == "RuntimeError: renderer exploded"
    assert ex.message.value.startswith("Error: RuntimeError")


def test_hold_nests_and_draws_nothing_until_the_caller_refreshes():
    ex = make()
    n = len(ex.timings_ms)
    with ex.hold():
        with ex.hold():
            ex.controls["a"].value = 2.0
        assert ex.holding  # the inner hold left the outer one in force
        ex.controls["b"].value = 0.5
    assert not ex.holding
    assert len(ex.timings_ms) == n  # no redraw while held, none on leaving
    ex.controls["a"].value = 1.5
    assert len(ex.timings_ms) == n + 1


def test_hold_is_released_when_its_body_raises():
    ex = make()
    with pytest.raises(RuntimeError), ex.hold():
        raise RuntimeError("boom")
    assert not ex.holding


def test_no_explorer_module_touches_the_private_state_of_the_base():
    """Subclasses use the public API (hold, invalidate, relayout, animated_layers, say):
    no ``_name`` the base class owns (its private attributes and methods) appears in any
    widget module, so the base may change its caching without breaking an explorer."""
    import ast
    import pathlib

    import helpers.widgets

    folder = pathlib.Path(helpers.widgets.__file__).parent
    base = ast.parse((folder / "__init__.py").read_text())
    private = {
        node.attr
        for node in ast.walk(base)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_")
        and isinstance(node.value, ast.Name) and node.value.id == "self"
    } | {
        node.name
        for node in ast.walk(base)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_")
        and not node.name.startswith("__")
    }  # fmt: skip
    assert {"_hold_depth", "_caches", "_stale_axes", "_layout_pending", "_draw_static"} <= private
    private -= {"_repr_mimebundle_"}  # IPython's display protocol, not the base's state
    offenders = []
    for path in folder.glob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "attr", None) or getattr(node, "name", None)
            if isinstance(node, ast.Attribute | ast.FunctionDef) and name in private:
                offenders.append(f"{path.name}:{node.lineno} {name}")
    assert not offenders, offenders


class Layered(Explorer):
    """A slow layer (a curve set by ``a``) under a fast one (a dot moved by ``t``)."""

    title = "layered"

    def setup(self):
        self.x = np.linspace(-1, 1, 50)
        (self.curve,) = self.ax.plot(self.x, self.x, lw=2)
        (self.dot,) = self.ax.plot([0.0], [0.0], "o", ms=9)
        self.drawn_a = None

    def animated_layers(self):
        return [[self.curve], [self.dot]]

    def draw(self, a, t, xmax):
        if a != self.drawn_a:
            self.curve.set_ydata(a * self.x**2)
            self.drawn_a = a
            self.invalidate(layer=0)
        if self.ax.get_xlim()[1] != xmax:
            self.ax.set_xlim(-1, xmax)
            self.invalidate(axes=self.ax)
        self.dot.set_data([t], [a * t**2])


def make_layered():
    return Layered(
        {
            "a": widgets.FloatSlider(value=1.0, min=-2, max=2, step=0.5),
            "t": widgets.FloatSlider(value=0.0, min=-1, max=1, step=0.1),
            "xmax": widgets.FloatSlider(value=1.0, min=1, max=3, step=0.5),
        }
    )


def test_animated_layers_redraw_only_what_changed_and_match_a_full_draw():
    """A move of the fast control pastes the cached slow layer; a slow change redraws from
    the static background; an axes marked stale is redrawn alone, never the whole figure;
    and every picture equals a full redraw of the same state."""
    from pixels import png_pixels as pixels

    ex = make_layered()
    assert (ex.full_draws, ex.partial_draws) == (1, 0)
    reference = make_layered()
    for name, value in [("t", 0.5), ("t", -0.7), ("a", -1.5), ("t", 0.2), ("xmax", 2.5),
                        ("t", 0.9), ("a", 0.5), ("xmax", 1.5)]:  # fmt: skip
        ex.controls[name].value = value
        assert ex.last_error is None
        reference.set(**ex.values)
        reference.invalidate()
        reference.refresh()
        diff = np.abs(
            pixels(ex.image.value).astype(int) - pixels(reference.image.value).astype(int)
        )
        assert (diff.max(axis=-1) > 8).mean() < 0.002, f"{name}={value}: stale pixels"
    assert ex.full_draws == 1, "no move may redraw the whole figure"
    assert ex.partial_draws == 2, "each xmax move redraws its axes once"


def test_invalidate_forgets_caches_by_layer():
    ex = make_layered()
    ex.controls["t"].value = 0.3
    assert len(ex._caches) == 2  # the background, and it with the slow layer
    ex.invalidate(layer=1)
    assert len(ex._caches) == 2
    ex.invalidate(layer=0)
    assert len(ex._caches) == 1
    ex.invalidate()
    assert ex._caches == []
