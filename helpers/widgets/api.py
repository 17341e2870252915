"""The Conv2d + pooling explorer (chapter 11): ``nn.Conv2d``'s arguments on a real photo.

Controls: kernel size, stride, padding (0-4 or ``"same"``), dilation, padding mode,
kernel preset, and a pooling layer after the convolution (none, max or average; its
kernel size, with the stride equal to it as PyTorch's default, and ``ceil_mode``).

Panels, all at one pixel scale so that a smaller output looks smaller: the padded input
(the original image framed by a dashed line, the taps of the first output's kernel as
dots), the convolution's output, the pooled output. An HTML line (``ex.info``) carries
the shapes, the output-size formula with the numbers in, the weight shape and the
parameter count: text in HTML costs the kernel nothing, text in the figure costs Agg a
few ms a label. Combinations PyTorch refuses (``padding="same"`` with a stride) are
reported in the message line; nothing raises.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.patches import Rectangle

from helpers.plots import bare
from helpers.torch_api import conv2d_shapes, pool_output_size, same_padding
from helpers.widgets import Explorer

__all__ = ["ConvPoolExplorer", "KERNELS", "PADDINGS", "MODES", "POOLS", "kernel", "photo"]

KERNELS = ("vertical edge", "blur")
PADDINGS = (("0", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("same", "same"))
MODES = ("zeros", "reflect", "replicate", "circular")
POOLS = ("none", "max", "avg")
K_RANGE, S_RANGE, D_RANGE, POOL_RANGE = (1, 9), (1, 4), (1, 4), (1, 4)
ORANGE = "#D55E00"


def kernel(name: str, F: int, channels: int = 3) -> torch.Tensor:
    """A (1, channels, F, F) weight: a vertical-edge ramp (-1 .. 1 across the columns) or
    a box blur, the same on every channel, scaled so that |weights| sum to 1."""
    if name not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {name!r}")
    if isinstance(F, bool) or not isinstance(F, int) or F < 1:
        raise ValueError(f"kernel size must be a positive int, got {F!r}")
    if name == "blur" or F == 1:
        k = torch.ones(F, F)
    else:
        k = torch.linspace(-1.0, 1.0, F).repeat(F, 1)
    k = k.expand(channels, F, F) / k.abs().sum() / channels
    return k[None].contiguous().double()


def photo(factor: int = 8) -> torch.Tensor:
    """scikit-learn's ``china.jpg`` (3, 427, 640), averaged over ``factor`` x ``factor``
    blocks and scaled to [0, 1]: (3, 53, 80) for the default factor 8."""
    from sklearn.datasets import load_sample_image

    img = torch.tensor(load_sample_image("china.jpg")).permute(2, 0, 1).double() / 255.0
    return F.avg_pool2d(img[None], factor)[0]


def _show(im: Any, a: np.ndarray) -> None:
    im.set_data(a)
    im.set_extent((-0.5, a.shape[1] - 0.5, a.shape[0] - 0.5, -0.5))


def _unit(a: np.ndarray) -> np.ndarray:
    lo, hi = float(a.min()), float(a.max())
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


class ConvPoolExplorer(Explorer):
    """nn.Conv2d(3, 1, kernel_size, stride, padding, dilation, padding_mode) then pooling."""

    title = "Conv2d + pooling explorer"

    def __init__(
        self,
        kernel_size: int = 3,
        stride: int = 1,
        padding: int | str = 1,
        dilation: int = 1,
        padding_mode: str = "zeros",
        preset: str = "vertical edge",
        pool: str = "max",
        pool_size: int = 2,
        ceil_mode: bool = False,
    ) -> None:
        style = {"description_width": "initial"}
        lay = widgets.Layout(width="250px")

        def slider(value: int, bounds: tuple[int, int], description: str) -> widgets.IntSlider:
            return widgets.IntSlider(
                value=value, min=bounds[0], max=bounds[1], description=description,
                style=style, layout=lay,
            )  # fmt: skip

        def dropdown(options: Any, value: Any, description: str) -> widgets.Dropdown:
            return widgets.Dropdown(
                options=options, value=value, description=description, style=style, layout=lay
            )

        controls = {
            "kernel_size": slider(kernel_size, K_RANGE, "kernel_size"),
            "stride": slider(stride, S_RANGE, "stride"),
            "padding": dropdown(PADDINGS, padding, "padding"),
            "dilation": slider(dilation, D_RANGE, "dilation"),
            "padding_mode": dropdown(MODES, padding_mode, "padding_mode"),
            "preset": dropdown(KERNELS, preset, "kernel"),
            "pool": dropdown(POOLS, pool, "pooling"),
            "pool_size": slider(pool_size, POOL_RANGE, "pool kernel_size"),
            "ceil_mode": widgets.Checkbox(value=ceil_mode, description="ceil_mode", layout=lay),
        }
        self.x = photo()  # (3, 53, 80)
        self.gray = self.x.mean(0).numpy()
        _, self.H, self.W = self.x.shape
        # the largest padding: 'same' with F = 9, D = 4 pads 16 on each side
        self.margin = max(4, sum(same_padding(K_RANGE[1], D_RANGE[1])) // 2 + 1)
        # shapes and the formula go in an HTML line under the message, not into the
        # figure: text is the slowest thing Agg draws
        self.info = widgets.HTML(value="")
        super().__init__(controls, figsize=(8.4, 2.5), dpi=80, ncols=3, columns=3)
        self.widget.children = (*self.widget.children[:2], self.info, self.widget.children[2])

    def setup(self) -> None:
        Hm, Wm = self.H + 2 * self.margin, self.W + 2 * self.margin
        for ax in self.axes:
            bare(ax)
            ax.set_xlim(-0.5, Wm - 0.5)
            ax.set_ylim(Hm - 0.5, -0.5)
        ax_in, ax_conv, ax_pool = self.axes
        self.im_in = ax_in.imshow(np.zeros((2, 2, 3)), interpolation="nearest")
        self.frame = ax_in.add_patch(
            Rectangle((0, 0), 1, 1, fill=False, ec="white", lw=1.0, ls="--")
        )
        self.window = ax_in.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, lw=1.5))
        (self.taps,) = ax_in.plot([], [], "o", ms=2.5, color=ORANGE)
        self.im_conv = ax_conv.imshow(
            np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1, interpolation="nearest"
        )
        self.im_pool = ax_pool.imshow(
            np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1, interpolation="nearest"
        )
        self.none_text = ax_pool.text(
            0.5, 0.5, "", ha="center", va="center", transform=ax_pool.transAxes, color=ORANGE
        )
        for ax in self.axes:
            ax.set_title("input 00x00", fontsize=9, y=1.0, loc="left")

    def _no_output(self, im: Any, text: str = "") -> None:
        _show(im, np.full((1, 1), np.nan))
        if im is self.im_pool:
            self.none_text.set_text(text)

    def draw(
        self,
        kernel_size: int,
        stride: int,
        padding: int | str,
        dilation: int,
        padding_mode: str,
        preset: str,
        pool: str,
        pool_size: int,
        ceil_mode: bool,
    ) -> None:
        ax_in, ax_conv, ax_pool = self.axes
        F_, S, D = kernel_size, stride, dilation
        shape_in = (1, 3, self.H, self.W)
        try:
            shapes = conv2d_shapes(
                shape_in, 1, F_, stride=S, padding=padding, dilation=D, bias=False
            )
        except ValueError as err:
            self._no_output(self.im_conv)
            self._no_output(self.im_pool, "no output")
            for artist in (self.window, self.taps, self.frame):
                artist.set_visible(False)
            ax_conv.set_title("refused", fontsize=9, y=1.0, loc="left")
            ax_pool.set_title("", fontsize=9, y=1.0, loc="left")
            self.info.value = f"input {shape_in}: no output"
            self.say(f"invalid: {err}. PyTorch refuses this too; set stride to 1.")
            return
        before, after = same_padding(F_, D) if padding == "same" else (padding, padding)
        # the padded input, as nn.Conv2d builds it ('zeros' is F.pad's 'constant')
        pad = (before, after, before, after)
        mode = "constant" if padding_mode == "zeros" else padding_mode
        xp = F.pad(self.x[None], pad, mode=mode)[0] if any(pad) else self.x
        _show(self.im_in, xp.permute(1, 2, 0).clamp(0, 1).numpy())
        Hp, Wp = xp.shape[1:]
        self.frame.set_bounds(before - 0.5, before - 0.5, self.W, self.H)
        self.frame.set_visible(before + after > 0)
        span = D * (F_ - 1) + 1  # the window of output (0, 0), and its F x F taps
        self.window.set_bounds(-0.5, -0.5, span, span)
        self.window.set_visible(True)
        tx, ty = np.meshgrid(np.arange(F_) * D, np.arange(F_) * D)
        self.taps.set_data(tx.ravel(), ty.ravel())
        self.taps.set_visible(True)
        ax_in.set_title(f"input {Hp}x{Wp}", fontsize=9, y=1.0, loc="left")
        # the convolution of the padded input: what nn.Conv2d computes
        y = F.conv2d(xp[None], kernel(preset, F_), stride=S, dilation=D)
        _show(self.im_conv, _unit(y[0, 0].numpy()))
        h, w = y.shape[2:]
        ax_conv.set_title(f"conv {h}x{w}", fontsize=9, y=1.0, loc="left")
        if padding == "same":
            formula = f"padding='same': H<sub>out</sub> = H = {self.H} (pads {before} before, {after} after)"
        else:
            formula = (
                f"H<sub>out</sub> = ⌊(H + 2P − D(F−1) − 1)/S⌋ + 1 = "
                f"⌊({self.H} + 2·{padding} − {D}·{F_ - 1} − 1)/{S}⌋ + 1 = {h}"
            )
        info = [
            f"<b>Conv2d</b>: input {shape_in} → output {tuple(y.shape)}; {formula}",
            f"weight {shapes['weight']}: {shapes['params']} parameters (bias=False); "
            f"the kernel spans D(F−1)+1 = {span} pixels",
        ]
        self.info.value = "<br>".join(info)
        # the pooling layer (its stride = its kernel size, PyTorch's default)
        if pool == "none":
            self._no_output(self.im_pool, "no pooling")
            ax_pool.set_title("", fontsize=9, y=1.0, loc="left")
            return
        name = "MaxPool2d" if pool == "max" else "AvgPool2d"
        try:
            ph = pool_output_size(h, pool_size, ceil_mode=ceil_mode)
            pw = pool_output_size(w, pool_size, ceil_mode=ceil_mode)
        except ValueError as err:  # cannot happen with these ranges; kept as a guard
            self._no_output(self.im_pool, "no output")
            ax_pool.set_title("", fontsize=9, y=1.0, loc="left")
            self.say(f"invalid pooling: {err}")
            return
        fn = F.max_pool2d if pool == "max" else F.avg_pool2d
        z = fn(y, pool_size, ceil_mode=ceil_mode)
        self.none_text.set_text("")
        _show(self.im_pool, _unit(z[0, 0].numpy()))
        ax_pool.set_title(f"pool {ph}x{pw}", fontsize=9, y=1.0, loc="left")
        self.info.value += (
            f"<br><b>{name}</b>(kernel_size={pool_size}, ceil_mode={ceil_mode}): "
            f"{tuple(y.shape)} → {tuple(z.shape)}, no parameters"
        )
        if h % pool_size or w % pool_size:
            if ceil_mode:
                self.say(
                    f"ceil_mode=True keeps the last, partial windows: {h}x{w} -> {ph}x{pw} "
                    f"(the floor would give {h // pool_size}x{w // pool_size})."
                )
            else:
                self.say(
                    f"{h}x{w} is not a multiple of {pool_size}: rows and columns that do not "
                    "fill a last window are dropped (ceil_mode=True keeps them)."
                )
