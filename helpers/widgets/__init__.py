"""The explorers: thin ipywidgets wiring of sliders to the pure functions of the course.

Every explorer is an ``Explorer``: a dict of named controls, one matplotlib ``Figure``
drawn off-screen (Agg) and shown as a PNG in an ``ipywidgets.Image``, and a message line.
Moving a control calls ``draw`` with the current values and re-renders the PNG, so

* unit tests drive an explorer from code: ``ex.controls["lr"].value = 0.1`` then inspect
  ``ex.fig`` (line data, titles) or ``ex.message.value``;
* nbval sees a stable one-line text/plain for the cell (``Explorer: ...``), while the
  widget JSON (skipped by nbval) carries the live view;
* ``ex.timings_ms`` records the kernel-side cost of every update (draw + PNG render),
  which the benchmarks read.

A chapter's explorers live in ``helpers.widgets.<topic>``. Nothing imports this package
except notebooks, tests and the benchmarks.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Iterator, Mapping
from typing import Any

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.plots import png_bytes

__all__ = ["Explorer"]


class Explorer:
    """Base class: subclasses build controls and a figure, then implement ``draw``.

    ``draw(**values)`` updates ``self.fig`` in place (set line data, titles, ...) from the
    current control values; it may write a note for the learner with ``self.say(text)``.
    An exception inside ``draw`` never reaches the learner as a traceback storm: it is
    shown in the message line (prefixed ``Error:``) and kept in ``self.last_error``.
    """

    #: a short name shown in the text/plain of the explorer's cell output
    title = "explorer"

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        *,
        figsize: tuple[float, float] = (7.0, 3.6),
        dpi: int = 80,
        ncols: int = 1,
        nrows: int = 1,
        columns: int = 3,
    ) -> None:
        self.controls: dict[str, widgets.ValueWidget] = dict(controls)
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(nrows, ncols, squeeze=False)
        self.axes = [ax for row in axes for ax in row]
        self.ax = self.axes[0]
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{int(figsize[0] * dpi)}px")
        )
        self.message = widgets.HTML(value="")
        self.timings_ms: list[float] = []
        self.last_error: str | None = None
        self._note = ""
        self._hold_depth = 0
        self._layout_pending = True
        self._caches: list[Any] = []  # [static background, + layer 0, + layer 1, ...]
        self._stale_axes: list[Any] = []
        self._axes_boxes: dict[Any, Any] = {}  # axes -> the area its redraw clears
        self.full_draws = 0  # renders that drew the whole figure
        self.partial_draws = 0  # renders that drew only stale axes into the background
        rows = [
            list(self.controls.values())[i : i + columns]
            for i in range(0, len(self.controls), columns)
        ]
        self.widget = widgets.VBox(
            [widgets.VBox([widgets.HBox(r) for r in rows]), self.message, self.image]
        )
        self.widget.add_class("course-explorer")
        self.setup()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    # -- for subclasses -------------------------------------------------------------
    def setup(self) -> None:
        """Create the figure's artists once (lines, images); ``draw`` then updates them."""

    def draw(self, **values: Any) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        """A one-line note under the controls (a divergence, an invalid combination)."""
        self._note = text

    # -- machinery ------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Set several controls at once and redraw once."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown controls {sorted(unknown)}; this explorer has {sorted(self.controls)}"
            )
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value
        self.refresh()

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Change controls without a redraw per change: ``with self.hold(): ...``.

        Holds nest (a method that holds may be called from inside another hold). Leaving
        the hold does not redraw: the caller calls ``refresh()`` once, or lets the observer
        that is running redraw, as ``set`` and a preset-loading observer do.
        """
        self._hold_depth += 1
        try:
            yield
        finally:
            self._hold_depth -= 1

    @property
    def holding(self) -> bool:
        """True inside ``with self.hold():`` (a control change then draws nothing)."""
        return self._hold_depth > 0

    def _on_change(self, _change: dict) -> None:
        if not self.holding:
            self.refresh()

    def refresh(self) -> None:
        """Redraw from the current values and re-render the PNG; records the time taken."""
        start = time.perf_counter()
        self._note = ""
        try:
            self.draw(**self.values)
            self.last_error = None
        except Exception as err:  # shown to the learner, kept for tests
            self.last_error = "".join(traceback.format_exception_only(type(err), err)).strip()
            self._note = f"Error: {self.last_error}"
        try:
            png = self.render_png()
        except Exception as err:  # a drawing bug: say so instead of a traceback
            self.last_error = "".join(traceback.format_exception_only(type(err), err)).strip()
            self._note = f"Error: {self.last_error}"
            png = b""
        self.message.value = self._note
        if png:
            self.image.value = png
        self.timings_ms.append((time.perf_counter() - start) * 1000.0)

    def dynamic_artists(self) -> list[Artist]:
        """The artists ``draw`` changes, for blitting; ``[]`` (the default) redraws all.

        List them (lines, markers, texts) and the rest of the figure (axes, ticks, labels,
        grid, legend) is drawn once and kept as a pixel buffer: an update pastes the buffer
        and draws only these on top, about half the cost of a full draw. After changing
        anything else in ``draw`` (axis limits, a title not listed here) call
        ``invalidate()`` so that the next render redraws the whole figure.
        """
        return []

    def animated_layers(self) -> list[list[Artist]]:
        """The moving artists in layers, from the slowest-changing to the fastest.

        Each layer but the last is cached with everything under it: a render pastes the
        newest valid cache and draws only the layers above it. ``invalidate(layer=k)``
        says layer ``k`` changed. The default is one layer, ``dynamic_artists()``; an
        explorer whose settings move some artists rarely (whole paths) and a slider moves
        others often (a point along them) declares two.
        """
        moving = self.dynamic_artists()
        return [moving] if moving else []

    def invalidate(self, *, layer: int | None = None, axes: Any = None) -> None:
        """Mark what the next render must draw again.

        ``invalidate()``: the whole figure (and its cached background). ``layer=k``: the
        animated layer ``k`` and those above it. ``axes=ax``: the static content of one
        axes only (its limits or ticks changed), redrawn into the cached background.
        """
        if axes is not None:
            self._stale_axes.append(axes)
            del self._caches[1:]
        elif layer is None:
            self._caches = []
        else:
            del self._caches[layer + 1 :]

    def relayout(self) -> None:
        """Solve the layout again on the next render (then freeze it again)."""
        self.fig.set_layout_engine("constrained")
        self._layout_pending = True
        self.invalidate()

    def _draw_static(self, layers: list[list[Artist]]) -> None:
        """The figure without its animated artists, into the canvas (a full draw, or only
        the axes marked stale when a background is cached)."""
        canvas = self.fig.canvas
        moving = [a for layer in layers for a in layer]
        for artist in moving:  # left out of the cached background
            artist.set_animated(True)
        try:
            if self._caches and self._stale_axes and not self._layout_pending:
                canvas.restore_region(self._caches[0])
                renderer = canvas.get_renderer()
                for ax in dict.fromkeys(self._stale_axes):
                    if ax not in self._axes_boxes:  # measured once per layout: text is slow
                        self._axes_boxes[ax] = ax.get_tightbbox(renderer).expanded(1.02, 1.04)
                    box = self._axes_boxes[ax]
                    cover = Rectangle(
                        (box.x0, box.y0), box.width, box.height, transform=None,
                        facecolor=self.fig.get_facecolor(), edgecolor="none",
                    )  # fmt: skip
                    cover.set_figure(self.fig)
                    cover.draw(renderer)
                    ax.draw(renderer)
                self.partial_draws += 1
            else:
                canvas.draw()
                self.full_draws += 1
                self._axes_boxes = {}
        finally:
            for artist in moving:  # ordinary again: fig.savefig still shows them
                artist.set_animated(False)
        self._stale_axes = []
        if self._layout_pending:
            self.fig.set_layout_engine("none")
            self._layout_pending = False

    def render_png(self) -> bytes:
        """The figure as PNG bytes (Agg, fast zlib level, no timestamp in the metadata).

        The layout (constrained) is solved on the first render only and then frozen: it
        costs about 20 ms a draw, half the update budget. Call ``relayout()`` after a
        change that moves labels (a new title length, other tick labels). Animated layers
        (``animated_layers``) are drawn on cached pixels; ``full_draws`` and
        ``partial_draws`` count the renders that drew the static figure again.
        """
        canvas = self.fig.canvas
        layers = [layer for layer in self.animated_layers() if layer]
        if not layers or not self._caches or self._stale_axes or self._layout_pending:
            self._draw_static(layers)
            self._caches = [canvas.copy_from_bbox(self.fig.bbox)] if layers else []
        else:
            canvas.restore_region(self._caches[-1])
        for k in range(max(len(self._caches) - 1, 0), len(layers)):  # caches[k]: layers < k
            for artist in layers[k]:
                if artist.get_visible():
                    self.fig.draw_artist(artist)
            if k < len(layers) - 1:  # cache the figure up to this layer
                self._caches.append(canvas.copy_from_bbox(self.fig.bbox))
        return png_bytes(self.fig)

    def __repr__(self) -> str:
        names = ", ".join(self.controls)
        return f"Explorer: {self.title} (controls: {names})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        data = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data["text/plain"] = repr(self)
        return data
