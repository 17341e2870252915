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
import io
import time
import traceback
from collections.abc import Iterator, Mapping
from typing import Any

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

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
        self._background = None
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

    def invalidate(self) -> None:
        """Redraw the whole figure (and re-cache the background) on the next render."""
        self._background = None

    def relayout(self) -> None:
        """Solve the layout again on the next render (then freeze it again)."""
        self.fig.set_layout_engine("constrained")
        self._layout_pending = True
        self.invalidate()

    def render_png(self) -> bytes:
        """The figure as PNG bytes (Agg, fast zlib level, no timestamp in the metadata).

        The layout (constrained) is solved on the first render only and then frozen: it
        costs about 20 ms a draw, half the update budget. Call ``relayout()`` after a
        change that moves labels (a new title length, other tick labels).
        """
        canvas = self.fig.canvas
        moving = self.dynamic_artists()
        if self._background is None or self._layout_pending or not moving:
            for artist in moving:  # left out of the cached background
                artist.set_animated(True)
            try:
                canvas.draw()
            finally:
                for artist in moving:  # ordinary again: fig.savefig still shows them
                    artist.set_animated(False)
            if self._layout_pending:
                self.fig.set_layout_engine("none")
                self._layout_pending = False
            self._background = canvas.copy_from_bbox(self.fig.bbox) if moving else None
        else:
            canvas.restore_region(self._background)
        for artist in moving:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def __repr__(self) -> str:
        names = ", ".join(self.controls)
        return f"Explorer: {self.title} (controls: {names})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        data = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data["text/plain"] = repr(self)
        return data
