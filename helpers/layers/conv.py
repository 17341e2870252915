r"""Convolution and pooling from scratch, and the output-size formula (chapter 9).

The convolution layer of the notes slides a kernel :math:`K \in \mathbb{R}^{k \times k
\times C}` over the spatial dimensions (H, W) of a (C, H, W) input; the kernel has as many
channels as the input and one kernel produces one feature map. With ``K_out`` kernels
(weight of shape (K_out, C, F, F)), stride S and zero padding P the output entry at
channel k, row i, column j is

.. math::

    Y_{k,i,j} = b_k + \sum_{c=1}^{C} \sum_{u=0}^{F-1} \sum_{v=0}^{F-1}
                W_{k,c,u,v}\, X^{pad}_{c,\, iS+u,\, jS+v}

and each spatial output size is :math:`N = \lfloor (W - F + 2P) / S \rfloor + 1`.

Like ``torch.nn.functional.conv2d`` (and every deep-learning library) this is a
*cross-correlation*: the kernel is not flipped. The mathematician's convolution flips it,
:math:`\sum W_{k,c,F-1-u,F-1-v} X^{pad}_{c,iS+u,jS+v}`; ``flip_kernel`` gives that version.

Pooling layers have no parameters: each channel is pooled on its own, so the channel
count does not change, and the output size follows the same formula.
"""

from __future__ import annotations

import math

import torch

__all__ = [
    "conv_output_size",
    "pad2d",
    "conv2d",
    "flip_kernel",
    "window",
    "max_pool2d",
    "avg_pool2d",
    "shift2d",
]


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return value


def conv_output_size(W: int, F: int, P: int = 0, S: int = 1) -> int:
    r"""Output size along one spatial dimension: :math:`N = \lfloor (W - F + 2P)/S \rfloor + 1`.

    ``W`` is the input size, ``F`` the kernel (or pooling window) size, ``P`` the zero
    padding on each side and ``S`` the stride. When S does not divide W - F + 2P, PyTorch
    floors: the last positions of the padded input that do not fill a whole window are
    never visited.

    Raises ``ValueError`` for a stride below 1, negative padding, sizes below 1, or a
    kernel larger than the padded input (W + 2P < F: no window fits, N would be < 1).
    """
    W = _check_int("input size W", W, 1)
    F = _check_int("kernel size F", F, 1)
    P = _check_int("padding P", P, 0)
    S = _check_int("stride S", S, 1)
    if F > W + 2 * P:
        raise ValueError(
            f"kernel size F={F} is larger than the padded input W + 2P = {W} + 2*{P} = "
            f"{W + 2 * P}: no window fits (output size would be < 1); "
            "use a smaller kernel or more padding"
        )
    return (W - F + 2 * P) // S + 1


def _as_batch(x: object, name: str = "x") -> tuple[torch.Tensor, bool]:
    """(N, C, H, W) view of a (C, H, W) or (N, C, H, W) tensor, and whether it was 3-D."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim == 3:
        return x.unsqueeze(0), True
    if x.ndim == 4:
        return x, False
    raise ValueError(
        f"{name} must have shape (C, H, W) or (N, C, H, W), got {tuple(x.shape)} ({x.ndim}-D)"
    )


def pad2d(x: torch.Tensor, P: int, value: float = 0.0) -> torch.Tensor:
    """Surround the last two dimensions of ``x`` with ``P`` rows/columns of ``value``."""
    P = _check_int("padding P", P, 0)
    if x.ndim < 2:
        raise ValueError(f"x needs at least 2 dimensions (H, W), got shape {tuple(x.shape)}")
    if P == 0:
        return x
    H, W = x.shape[-2:]
    out = x.new_full((*x.shape[:-2], H + 2 * P, W + 2 * P), value)
    out[..., P : P + H, P : P + W] = x
    return out


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    *,
    stride: int = 1,
    padding: int = 0,
) -> torch.Tensor:
    r"""2-D convolution (cross-correlation) of ``x`` with ``K_out`` kernels, from scratch.

    :math:`Y_{k,i,j} = b_k + \sum_c \sum_u \sum_v W_{k,c,u,v} X^{pad}_{c, iS+u, jS+v}`.

    ``x``: (C, H, W) or (N, C, H, W); ``weight``: (K_out, C, F_h, F_w) with C equal to the
    input's channel count; ``bias``: (K_out,) or None. Returns (K_out, N_h, N_w) or
    (N, K_out, N_h, N_w) with ``N = conv_output_size(W, F, P, S)`` per dimension: one
    feature map per kernel.

    The sum is organised by kernel offset (u, v): for each of the F_h * F_w offsets, the
    input entries that offset touches in every window form a strided slice
    ``X_pad[:, :, u::S, v::S]``, which is multiplied by the matching kernel entries of all
    kernels and channels at once. It adds the same products as the triple sum above.
    """
    xb, unbatched = _as_batch(x)
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        shape = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(f"weight must be a tensor of shape (K_out, C, F_h, F_w), got {shape}")
    S = _check_int("stride", stride, 1)
    P = _check_int("padding", padding, 0)
    K_out, C_w, F_h, F_w = weight.shape
    C = xb.shape[1]
    if C_w != C:
        raise ValueError(
            f"channel mismatch: the input has C={C} channels but each kernel has {C_w}; "
            f"a kernel needs one {F_h}x{F_w} slice per input channel, i.e. weight of shape "
            f"(K_out, {C}, {F_h}, {F_w})"
        )
    if bias is not None and (not isinstance(bias, torch.Tensor) or tuple(bias.shape) != (K_out,)):
        shape = tuple(bias.shape) if isinstance(bias, torch.Tensor) else type(bias).__name__
        raise ValueError(f"bias must be None or a tensor of shape ({K_out},), got {shape}")
    H, W = xb.shape[-2:]
    for dim, size, F in (("height", H, F_h), ("width", W, F_w)):
        if F > size + 2 * P:
            raise ValueError(
                f"kernel {dim} {F} is larger than the padded input {dim} {size} + 2*{P} = "
                f"{size + 2 * P}: no window fits (output size < 1)"
            )
    N_h = conv_output_size(H, F_h, P, S)
    N_w = conv_output_size(W, F_w, P, S)
    X_pad = pad2d(xb, P)
    Y = xb.new_zeros((xb.shape[0], K_out, N_h, N_w))
    for u in range(F_h):
        for v in range(F_w):
            # X_pad[:, c, iS+u, jS+v] for every output position (i, j)
            patch = X_pad[:, :, u : u + S * (N_h - 1) + 1 : S, v : v + S * (N_w - 1) + 1 : S]
            Y = Y + torch.einsum("nchw,kc->nkhw", patch, weight[:, :, u, v])
    if bias is not None:
        Y = Y + bias.view(1, K_out, 1, 1)
    return Y[0] if unbatched else Y


def flip_kernel(weight: torch.Tensor) -> torch.Tensor:
    """The kernel rotated by 180 degrees in its last two dimensions (true convolution)."""
    if not isinstance(weight, torch.Tensor) or weight.ndim < 2:
        raise ValueError("weight must be a tensor with at least 2 dimensions (F_h, F_w)")
    return torch.flip(weight, dims=(-2, -1))


def window(
    x: torch.Tensor, i: int, j: int, F: int, *, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    r"""The F x F window of the padded ``x`` (C, H, W) that output entry (i, j) sees.

    It is :math:`X^{pad}_{:, iS : iS+F,\ jS : jS+F}`; the output entry is
    ``(window * kernel).sum() + bias``.
    """
    xb, unbatched = _as_batch(x)
    if not unbatched:
        raise ValueError(f"x must be a single (C, H, W) image, got shape {tuple(x.shape)}")
    H, W = x.shape[-2:]
    N_h = conv_output_size(H, F, padding, stride)
    N_w = conv_output_size(W, F, padding, stride)
    if not (0 <= i < N_h and 0 <= j < N_w):
        raise ValueError(f"output position ({i}, {j}) is outside the {N_h}x{N_w} output")
    X_pad = pad2d(x, padding)
    return X_pad[:, i * stride : i * stride + F, j * stride : j * stride + F]


def _pool(
    x: torch.Tensor, kernel_size: int, stride: int | None, padding: int, kind: str
) -> torch.Tensor:
    xb, unbatched = _as_batch(x)
    F = _check_int("kernel_size", kernel_size, 1)
    S = F if stride is None else _check_int("stride", stride, 1)
    P = _check_int("padding", padding, 0)
    if P > F // 2:
        raise ValueError(
            f"padding must be at most half the kernel size (as in PyTorch): "
            f"got padding={P}, kernel_size={F}, so padding <= {F // 2}"
        )
    H, W = xb.shape[-2:]
    for dim, size in (("height", H), ("width", W)):
        if F > size + 2 * P:
            raise ValueError(
                f"pooling window {F} is larger than the padded input {dim} {size} + 2*{P} = "
                f"{size + 2 * P}: output size < 1"
            )
    N_h, N_w = conv_output_size(H, F, P, S), conv_output_size(W, F, P, S)
    # max pooling pads with -inf (padding never wins), average pooling with zeros that
    # count in the mean (PyTorch's default count_include_pad=True)
    X_pad = pad2d(xb, P, value=-math.inf if kind == "max" else 0.0)
    windows = [
        X_pad[..., u : u + S * (N_h - 1) + 1 : S, v : v + S * (N_w - 1) + 1 : S]
        for u in range(F)
        for v in range(F)
    ]
    stacked = torch.stack(windows, dim=-1)  # (N, C, N_h, N_w, F*F)
    Y = stacked.amax(dim=-1) if kind == "max" else stacked.mean(dim=-1)
    return Y[0] if unbatched else Y


def max_pool2d(
    x: torch.Tensor, kernel_size: int, stride: int | None = None, padding: int = 0
) -> torch.Tensor:
    r"""Max pooling, from scratch: :math:`Y_{c,i,j} = \max_{u,v} X^{pad}_{c, iS+u, jS+v}`.

    ``x``: (C, H, W) or (N, C, H, W). ``stride`` defaults to ``kernel_size`` (windows do not
    overlap), as in ``nn.MaxPool2d``. No parameters; each channel is pooled on its own, so
    the output has the input's channel count and spatial size ``conv_output_size``.
    """
    return _pool(x, kernel_size, stride, padding, "max")


def avg_pool2d(
    x: torch.Tensor, kernel_size: int, stride: int | None = None, padding: int = 0
) -> torch.Tensor:
    r"""Average pooling, from scratch: :math:`Y_{c,i,j} = \frac{1}{F^2}\sum_{u,v} X^{pad}_{c,iS+u,jS+v}`.

    Same shapes and defaults as ``max_pool2d``; padded zeros count in the mean, as with
    ``nn.AvgPool2d``'s default ``count_include_pad=True``.
    """
    return _pool(x, kernel_size, stride, padding, "avg")


def shift2d(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """``x`` moved ``dy`` rows down and ``dx`` columns right; vacated pixels become 0."""
    if x.ndim < 2:
        raise ValueError(f"x needs at least 2 dimensions (H, W), got shape {tuple(x.shape)}")
    for name, d in (("dy", dy), ("dx", dx)):
        if isinstance(d, bool) or not isinstance(d, int):
            raise ValueError(f"{name} must be an int, got {d!r}")
    H, W = x.shape[-2:]
    out = torch.zeros_like(x)
    if abs(dy) >= H or abs(dx) >= W:
        return out
    src_r = slice(max(0, -dy), H - max(0, dy))
    dst_r = slice(max(0, dy), H - max(0, -dy))
    src_c = slice(max(0, -dx), W - max(0, dx))
    dst_c = slice(max(0, dx), W - max(0, -dx))
    out[..., dst_r, dst_c] = x[..., src_r, src_c]
    return out
