r"""The shapes of ``nn.Conv2d`` and of pooling layers, from their formulas (chapter 11).

* ``conv_output_size`` (with dilation) and ``pool_output_size`` (with ``ceil_mode``): one
  source, ``helpers.layers.conv``, re-exported here;
* ``conv2d_shapes`` (output, weight and bias shapes and the parameter count of
  ``nn.Conv2d``), ``conv2d_parameter_count``, ``same_padding``;
* ``adaptive_bins`` and ``adaptive_avg_pool2d`` from scratch.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch

from helpers import args
from helpers.layers.conv import conv_output_size, pool_output_size

__all__ = [
    "conv_output_size",
    "pool_output_size",
    "same_padding",
    "conv2d_shapes",
    "conv2d_parameter_count",
    "adaptive_bins",
    "adaptive_avg_pool2d",
]


def _pair(name: str, value: object, low: int) -> tuple[int, int]:
    """An int or a pair (height, width) as a pair, as ``nn.Conv2d`` takes its sizes."""
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    return args.sizes(name, pair, length=2, low=low)


def same_padding(F: int, D: int = 1) -> tuple[int, int]:
    r"""(before, after) zero padding of ``padding='same'``: :math:`D(F-1)` cells in all,
    :math:`\lfloor D(F-1)/2 \rfloor` before and the rest after (PyTorch puts the odd one
    after: right, bottom)."""
    F, D = args.integer("kernel size F", F, low=1), args.integer("dilation D", D, low=1)
    total = D * (F - 1)
    return total // 2, total - total // 2


def conv2d_parameter_count(
    in_channels: int, out_channels: int, kernel_size: int | tuple[int, int], *,
    groups: int = 1, bias: bool = True,
) -> int:  # fmt: skip
    r"""Parameters of ``nn.Conv2d``: :math:`C_{out} \cdot \frac{C_{in}}{g} \cdot k_H k_W
    + C_{out}` (the last term only with a bias). Each of the :math:`C_{out}` kernels sees
    only the :math:`C_{in}/g` channels of its group."""
    c_in = args.integer("in_channels", in_channels, low=1)
    c_out = args.integer("out_channels", out_channels, low=1)
    g = args.integer("groups", groups, low=1)
    kh, kw = _pair("kernel_size", kernel_size, 1)
    bias = args.one_of("bias", bias, (True, False))
    if c_in % g or c_out % g:
        raise ValueError(f"groups={g} must divide in_channels={c_in} and out_channels={c_out}")
    return c_out * (c_in // g) * kh * kw + (c_out if bias else 0)


def conv2d_shapes(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: int | tuple[int, int],
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
    bias: bool = True,
) -> dict[str, tuple[int, ...] | int | None]:
    """Output, weight and bias shapes and parameter count of ``nn.Conv2d`` on an input
    of shape (N, C_in, H, W), worked out from the formulas (no convolution is run).

    ``padding`` is an int, a pair, ``"valid"`` (= 0) or ``"same"`` (output size = input
    size; stride 1 only, as in PyTorch). Bad combinations raise ``ValueError`` with the
    reason.
    """
    if isinstance(input_shape, torch.Size):
        input_shape = tuple(input_shape)
    if not isinstance(input_shape, Sequence) or len(input_shape) != 4:
        raise ValueError(f"input_shape must be (N, C_in, H, W), got {input_shape!r}")
    n, c_in, h, w = args.sizes("input_shape (N, C_in, H, W)", input_shape, length=4)
    kh, kw = _pair("kernel_size", kernel_size, 1)
    sh, sw = _pair("stride", stride, 1)
    dh, dw = _pair("dilation", dilation, 1)
    params = conv2d_parameter_count(c_in, out_channels, (kh, kw), groups=groups, bias=bias)
    if padding == "same":
        if (sh, sw) != (1, 1):
            raise ValueError("padding='same' is not supported for strided convolutions")
        out_hw = (h, w)
    else:
        if padding == "valid":
            padding = 0
        if isinstance(padding, str):
            raise ValueError(f"padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
        ph, pw = _pair("padding", padding, 0)
        out_hw = (conv_output_size(h, kh, ph, sh, dh), conv_output_size(w, kw, pw, sw, dw))
    return {
        "output": (n, out_channels, *out_hw),
        "weight": (out_channels, c_in // groups, kh, kw),
        "bias": (out_channels,) if bias else None,
        "params": params,
    }


def adaptive_bins(W: int, N: int) -> list[tuple[int, int]]:
    r"""The windows of an adaptive pooling from size W to size N: window i covers
    :math:`[\lfloor iW/N \rfloor, \lceil (i+1)W/N \rceil)`. Neighbouring windows may
    overlap by one cell when N does not divide W; together they cover every cell."""
    W, N = args.integer("input size W", W, low=1), args.integer("output size N", N, low=1)
    return [((i * W) // N, -(-((i + 1) * W) // N)) for i in range(N)]


def adaptive_avg_pool2d(x: torch.Tensor, output_size: int | tuple[int, int]) -> torch.Tensor:
    """``nn.AdaptiveAvgPool2d`` from scratch: the mean over each window of
    ``adaptive_bins`` along H and along W. Works on (C, H, W) or (N, C, H, W)."""
    x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
    if x.ndim not in (3, 4):
        raise ValueError(f"x must be a (C, H, W) or (N, C, H, W) tensor, got {tuple(x.shape)}")
    oh, ow = _pair("output_size", output_size, 1)
    rows = adaptive_bins(x.shape[-2], oh)
    cols = adaptive_bins(x.shape[-1], ow)
    out = x.new_empty((*x.shape[:-2], oh, ow))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[..., i, j] = x[..., r0:r1, c0:c1].mean(dim=(-2, -1))
    return out
