"""The convolution explorer (chapter 9): a window slides over a padded digit.

Controls: input size W, kernel size F, stride S, padding P, a kernel preset, and the
position of the window (which output entry is being computed). The figure shows the
padded input with the current window, the kernel, and the output with the current entry;
a line of HTML above it holds the output-size formula with the numbers filled in and the
value of the current entry. A kernel larger than the padded input (output size < 1) is
reported in the message line; nothing raises.

Speed (the budget is 50 ms an update on 2 cores): text is the slowest thing Agg draws (a
few ms per label), so the two-line formula is HTML, not a figure title, and the figure
writes numbers only in a kernel of up to 3 x 3; the panels are ``set_axis_off()`` (empty
axes with hidden ticks still cost about 10 ms a draw); and the kernel panel (its numbers
are most of the text) is kept as a cached picture, redrawn only when F or the preset
changes: a move of W, S, P or the position redraws the input and output panels over it.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

from helpers.layers.conv import conv2d, pad2d, window_count
from helpers.widgets import Explorer

__all__ = ["ConvolutionExplorer", "PRESETS", "preset_kernel", "output_size"]

PRESETS = ("vertical edge", "horizontal edge", "box blur", "identity", "random")
W_RANGE, F_RANGE, S_RANGE, P_RANGE = (3, 12), (1, 7), (1, 4), (0, 3)
K_TEXT = 3  # kernel values are written in the cells up to a 3 x 3 kernel
PAD_RGBA = np.array([1.0, 0.85, 0.6, 1.0])  # padding cells: light orange
ORANGE = "#D55E00"


def preset_kernel(name: str, F: int) -> np.ndarray:
    """An F x F kernel: edges (a ramp from -1 to 1 across columns or rows), blur, identity.

    ``"random"`` is a fixed normal draw (seeded by F). For F = 1 every preset but
    ``"random"`` is the single weight 1.
    """
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {PRESETS}, got {name!r}")
    if isinstance(F, bool) or not isinstance(F, int) or F < 1:
        raise ValueError(f"kernel size F must be a positive int, got {F!r}")
    if name == "random":
        return np.random.default_rng(F).normal(size=(F, F)).round(2)
    if name == "identity" or F == 1:
        k = np.zeros((F, F))
        k[F // 2, F // 2] = 1.0
        return k
    if name == "box blur":
        return np.full((F, F), 1.0 / F**2)
    ramp = np.tile(np.linspace(-1.0, 1.0, F), (F, 1))
    return ramp if name == "vertical edge" else ramp.T


def output_size(W: int, F: int, P: int, S: int) -> int:
    """``layers.conv.window_count``: floor((W - F + 2P) / S) + 1, also when it is < 1
    (``conv_output_size`` raises then; the explorer says so instead)."""
    return window_count(W, F, P, S)


def _digit(W: int) -> np.ndarray:
    """Digit 0 of sklearn's set, resized to W x W, values in [0, 1]."""
    from sklearn.datasets import load_digits

    img = torch.tensor(load_digits().images[0], dtype=torch.float32)[None, None] / 16.0
    out = torch.nn.functional.interpolate(img, size=(W, W), mode="bilinear", align_corners=False)
    return out[0, 0].clamp(0, 1).double().numpy()


def _frame(ax: Axes, im: AxesImage, n: int) -> None:
    """Show an n x n array of cells in ``ax`` (the axes box itself never moves)."""
    im.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)


def _title(ax: Axes, text: str) -> None:
    """A panel title at a fixed height: with ``y`` given, matplotlib skips placing it above
    tick labels (there are none here), a search that cost 11 ms a draw."""
    ax.set_title(text, fontsize=10, y=1.0)


class ConvolutionExplorer(Explorer):
    """Input size, kernel size, stride, padding, kernel preset and window position."""

    title = "convolution explorer"

    def __init__(
        self, W: int = 7, F: int = 3, S: int = 1, P: int = 1, preset: str = "vertical edge"
    ) -> None:
        style = {"description_width": "initial"}

        def slider(value: int, bounds: tuple[int, int], description: str) -> widgets.IntSlider:
            return widgets.IntSlider(
                value=value, min=bounds[0], max=bounds[1], description=description, style=style
            )

        controls = {
            "W": slider(W, W_RANGE, "input size W"),
            "F": slider(F, F_RANGE, "kernel size F"),
            "S": slider(S, S_RANGE, "stride S"),
            "P": slider(P, P_RANGE, "padding P"),
            "preset": widgets.Dropdown(
                options=PRESETS, value=preset, description="kernel", style=style
            ),
            "position": slider(0, (0, 0), "window position"),
        }
        self._digits = {w: _digit(w) for w in range(W_RANGE[0], W_RANGE[1] + 1)}
        self.formula = widgets.HTML(value="")  # the size formula and the current value
        self._kernel_drawn: tuple | None = None  # (F, preset) in the cached picture
        super().__init__(controls, figsize=(8.4, 3.1), dpi=80, ncols=3, columns=3)
        controls_box, message, image = self.widget.children
        self.widget.children = (controls_box, self.formula, message, image)

    def set(self, **values: Any) -> None:
        """Set several controls and redraw once; ``position`` is set after the others."""
        if set(values) - set(self.controls):
            super().set(**values)  # raises the base class's ValueError
        position = values.pop("position", None)
        if position is not None and values:
            with self.hold():
                for name, value in values.items():
                    self.controls[name].value = value
                self._fit_position(output_size(*(self.controls[n].value for n in "WFPS")))
        if position is not None:
            values = {"position": position}
        super().set(**values)

    def setup(self) -> None:
        ax_in, ax_k, ax_out = self.axes
        for ax in self.axes:
            ax.set_axis_off()  # no ticks, no spines: the cells speak for themselves
        self.im_in = ax_in.imshow(np.zeros((2, 2, 4)), interpolation="nearest")
        self.inner = ax_in.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec="0.4", lw=1.0, ls="--"))
        self.win = ax_in.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, lw=2.5))
        self.im_k = ax_k.imshow(
            np.zeros((2, 2)), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest"
        )
        self.k_text = [
            [ax_k.text(c, r, "", ha="center", va="center", fontsize=10) for c in range(K_TEXT)]
            for r in range(K_TEXT)
        ]
        self.im_out = ax_out.imshow(np.zeros((2, 2)), cmap="viridis", interpolation="nearest")
        self.cell = ax_out.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, lw=2.5))
        self.none_text = ax_out.text(
            0.5, 0.5, "no output\n(N < 1)", ha="center", va="center",
            transform=ax_out.transAxes, fontsize=11, color=ORANGE,
        )  # fmt: skip
        for ax, title in zip(self.axes, ("input", "kernel", "output"), strict=True):
            _title(ax, title + " 00x00, padded to 00x00")

    def dynamic_artists(self) -> list:
        """Everything but the kernel panel: drawn over a cached picture of that panel."""
        ax_in, _, ax_out = self.axes
        return [
            self.im_in, self.inner, self.win, ax_in.title,
            self.im_out, self.cell, self.none_text, ax_out.title,
        ]  # fmt: skip

    def _show_formula(self, formula: str, second: str) -> None:
        self.formula.value = (
            f"<div style='font-size: 1.1em; line-height: 1.5'>{html.escape(formula)}"
            f"<br>{html.escape(second)}</div>"
        )

    def _fit_position(self, N: int) -> int:
        """Fit the position slider to the N x N output (without a redraw); return its value."""
        slider = self.controls["position"]
        with self.hold():
            slider.max = max(N * N - 1, 0)
        return int(slider.value)

    def draw(self, W: int, F: int, S: int, P: int, preset: str, position: int) -> None:
        ax_in, ax_k, ax_out = self.axes
        if self._kernel_drawn != (F, preset):  # a new kernel panel: draw the whole figure
            self._kernel_drawn = (F, preset)
            self.invalidate()
        x = self._digits[W]
        Wp = W + 2 * P
        N = output_size(W, F, P, S)  # may be < 1: reported, never raised
        formula = f"N = ⌊(W − F + 2P) / S⌋ + 1 = ⌊({W} − {F} + 2·{P}) / {S}⌋ + 1 = {N}"
        # the padded input: grey levels, padding cells in orange, the original dashed
        rgba = colormaps["gray_r"](pad2d(torch.from_numpy(x), P).numpy() * 0.85)
        if P:
            rgba[:P, :] = rgba[-P:, :] = rgba[:, :P] = rgba[:, -P:] = PAD_RGBA
        self.im_in.set_data(rgba)
        _frame(ax_in, self.im_in, Wp)
        self.inner.set_bounds(P - 0.5, P - 0.5, W, W)
        self.inner.set_visible(P > 0)
        _title(ax_in, f"input {W}x{W}, padded to {Wp}x{Wp}")
        # the kernel, its numbers written in when it is small
        k = preset_kernel(preset, F)
        lim = float(np.abs(k).max()) or 1.0
        self.im_k.set_data(k)
        self.im_k.set_clim(-1.6 * lim, 1.6 * lim)  # pale colours: black numbers stay legible
        _frame(ax_k, self.im_k, F)
        for r, row in enumerate(self.k_text):
            for c, t in enumerate(row):
                t.set_visible(F <= K_TEXT and r < F and c < F)
                if t.get_visible():
                    t.set_text(f"{k[r, c]:.2g}")
        _title(ax_k, f"kernel {F}x{F}: {preset}")
        if N < 1:
            self._fit_position(1)
            self.win.set_visible(False)
            self.cell.set_visible(False)
            self.im_out.set_data(np.full((1, 1), np.nan))
            _frame(ax_out, self.im_out, 1)
            self.none_text.set_visible(True)
            _title(ax_out, "output: none")
            self._show_formula(f"{formula} < 1", "no window fits: invalid")
            self.say(
                f"invalid: output size N = {N} < 1, the kernel (F = {F}) is larger than the "
                f"padded input (W + 2P = {Wp}). Lower F or raise P."
            )
            return
        self.none_text.set_visible(False)
        y = conv2d(torch.from_numpy(x)[None], torch.from_numpy(k)[None, None], stride=S, padding=P)
        y = y[0].numpy()
        pos = min(self._fit_position(N), N * N - 1)
        i, j = divmod(pos, N)
        self.win.set_bounds(j * S - 0.5, i * S - 0.5, F, F)
        self.win.set_visible(True)
        self.im_out.set_data(y)
        lo, hi = float(y.min()), float(y.max())
        self.im_out.set_clim(lo, hi if hi > lo else lo + 1.0)
        _frame(ax_out, self.im_out, N)
        self.cell.set_bounds(j - 0.5, i - 0.5, 1, 1)
        self.cell.set_visible(True)
        _title(ax_out, f"output {N}x{N}")
        value = f"y[{i}, {j}] = Σ window ⊙ kernel = {y[i, j]:.3f}"
        self._show_formula(formula, value)
        unused = (W - F + 2 * P) % S
        if unused:
            self.say(
                f"S = {S} does not divide W − F + 2P = {W - F + 2 * P}: PyTorch floors, so the "
                f"last {unused} row(s) and column(s) of the padded input are never visited."
            )
