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
count does not change, and the output size follows the same formula (``pool_output_size``
adds PyTorch's ``ceil_mode``).
"""

from __future__ import annotations

import math

import torch

from helpers import args

__all__ = [
    "conv_output_size",
    "window_count",
    "pool_output_size",
    "pad2d",
    "conv2d",
    "flip_kernel",
    "window",
    "max_pool2d",
    "avg_pool2d",
    "shift2d",
]


def window_count(W: int, F: int, P: int = 0, S: int = 1, D: int = 1) -> int:
    r""":math:`\lfloor (W + 2P - D(F-1) - 1)/S \rfloor + 1`, the formula alone, unchecked: below 1
    when no window fits (``conv_output_size`` raises then; an explorer reports it)."""
    return (W + 2 * P - D * (F - 1) - 1) // S + 1


def conv_output_size(W: int, F: int, P: int = 0, S: int = 1, D: int = 1) -> int:
    r"""Output size along one spatial dimension: :math:`N = \lfloor (W - F + 2P)/S \rfloor + 1`.

    ``W`` is the input size, ``F`` the kernel (or pooling window) size, ``P`` the zero
    padding on each side and ``S`` the stride. When S does not divide W - F + 2P, PyTorch
    floors: the last positions of the padded input that do not fill a whole window are
    never visited. With dilation ``D`` the kernel's F taps are D cells apart, so it spans
    :math:`D(F-1)+1` cells and :math:`N = \lfloor (W + 2P - D(F-1) - 1)/S \rfloor + 1`
    (PyTorch's formula; the notes' one for D = 1).

    Raises ``ValueError`` for a stride or dilation below 1, negative padding, sizes below 1,
    or a kernel larger than the padded input (no window fits, N would be < 1).
    """
    W = args.integer("input size W", W, low=1)
    F = args.integer("kernel size F", F, low=1)
    P = args.integer("padding P", P, low=0)
    S = args.integer("stride S", S, low=1)
    D = args.integer("dilation D", D, low=1)
    span = D * (F - 1) + 1  # the cells one window covers: F when D = 1
    if span > W + 2 * P:
        dilated = f" dilated by D={D} (it spans D(F-1)+1 = {span} cells)" if D > 1 else ""
        raise ValueError(
            f"kernel size F={F}{dilated} is larger than the padded input W + 2P = {W} + 2*{P} "
            f"= {W + 2 * P}: no window fits (output size would be < 1); "
            "use a smaller kernel or more padding"
        )
    return window_count(W, F, P, S, D)


def pool_output_size(
    W: int, F: int, P: int = 0, S: int | None = None, D: int = 1, ceil_mode: bool = False
) -> int:
    r"""Output size of ``MaxPool2d``/``AvgPool2d`` along one dimension.

    The stride defaults to the window size (``S=None``) and the padding may be at most half
    the window, :math:`P \le \lfloor F/2 \rfloor`, as PyTorch demands. With
    ``ceil_mode=False`` this is ``conv_output_size``. With ``ceil_mode=True`` the floor
    becomes a ceiling, :math:`\lceil n/S \rceil = \lfloor (n + S - 1)/S \rfloor`, the
    convolution's size for an input S - 1 cells longer: a last, partial window is kept,
    except when it would start beyond the input and its left padding
    (:math:`(N-1)S \ge W + P`), which PyTorch drops.
    """
    W = args.integer("input size W", W, low=1)
    F = args.integer("kernel size F", F, low=1)
    P = args.integer("padding P", P, low=0)
    S = F if S is None else args.integer("stride S", S, low=1)
    ceil_mode = args.one_of("ceil_mode", ceil_mode, (False, True))
    if P > F // 2:
        raise ValueError(
            f"padding must be at most half the kernel size (as in PyTorch): "
            f"got padding P={P}, kernel size F={F}, so P <= {F // 2}"
        )
    if not ceil_mode:
        return conv_output_size(W, F, P, S, D)
    N = conv_output_size(W + S - 1, F, P, S, D)  # ceil((W + 2P - D(F-1) - 1) / S) + 1
    if (N - 1) * S >= W + P:  # the last window would start in the right padding
        N -= 1
    return N


def _as_batch(x: object, name: str = "x") -> tuple[torch.Tensor, bool]:
    """(N, C, H, W) view of a (C, H, W) or (N, C, H, W) tensor, and whether it was 3-D."""
    x = args.tensor(name, x, floating=True, finite=True)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{name} must have shape (C, H, W) or (N, C, H, W), got {tuple(x.shape)} ({x.ndim}-D)"
        )
    return (x.unsqueeze(0), True) if x.ndim == 3 else (x, False)


def pad2d(x: torch.Tensor, P: int, value: float = 0.0) -> torch.Tensor:
    """Surround the last two dimensions of ``x`` with ``P`` rows/columns of ``value``."""
    x = args.tensor("x", x, floating=True)
    if x.ndim < 2:
        raise ValueError(f"x needs at least 2 dimensions (H, W), got shape {tuple(x.shape)}")
    P = args.integer("padding P", P, low=0)
    value = args.number("value", value, finite=False)
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
    weight = _kernels(weight)
    S = args.integer("stride", stride, low=1)
    P = args.integer("padding", padding, low=0)
    K_out, C_w, F_h, F_w = weight.shape
    C = xb.shape[1]
    if C_w != C:
        raise ValueError(
            f"channel mismatch: the input has C={C} channels but each kernel has {C_w}; "
            f"a kernel needs one {F_h}x{F_w} slice per input channel, i.e. weight of shape "
            f"(K_out, {C}, {F_h}, {F_w})"
        )
    if bias is not None:
        bias = args.tensor("bias", bias, floating=True, finite=True)
        if tuple(bias.shape) != (K_out,):
            raise ValueError(
                f"bias must be None or a tensor of shape ({K_out},), got {tuple(bias.shape)}"
            )
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


def _kernels(weight: object) -> torch.Tensor:
    """``weight`` checked to be a finite float tensor of shape (K_out, C, F_h, F_w)."""
    weight = args.tensor("weight", weight, floating=True, finite=True)
    if weight.ndim != 4 or weight.numel() == 0:
        raise ValueError(
            f"weight must be a tensor of shape (K_out, C, F_h, F_w), got {tuple(weight.shape)}"
        )
    return weight


def flip_kernel(weight: torch.Tensor) -> torch.Tensor:
    """The kernel rotated by 180 degrees in its last two dimensions (true convolution)."""
    weight = args.tensor("weight", weight, floating=True, nonempty=True)
    if weight.ndim < 2:
        raise ValueError(
            f"weight needs at least 2 dimensions (F_h, F_w), got {tuple(weight.shape)}"
        )
    return torch.flip(weight, dims=(-2, -1))


def window(
    x: torch.Tensor, i: int, j: int, F: int, *, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    r"""The F x F window of the padded ``x`` (C, H, W) that output entry (i, j) sees.

    It is :math:`X^{pad}_{:, iS : iS+F,\ jS : jS+F}`; the output entry is
    ``(window * kernel).sum() + bias``.
    """
    x = args.tensor("x", x, ndim=3, floating=True, finite=True)
    i, j = args.integer("i", i, low=0), args.integer("j", j, low=0)
    H, W = x.shape[-2:]
    N_h = conv_output_size(H, F, padding, stride)
    N_w = conv_output_size(W, F, padding, stride)
    if not (i < N_h and j < N_w):
        raise ValueError(f"output position (i, j) = ({i}, {j}) is outside the {N_h}x{N_w} output")
    X_pad = pad2d(x, padding)
    return X_pad[:, i * stride : i * stride + F, j * stride : j * stride + F]


def _pool(
    x: torch.Tensor, kernel_size: int, stride: int | None, padding: int, kind: str
) -> torch.Tensor:
    xb, unbatched = _as_batch(x)
    F = args.integer("kernel_size", kernel_size, low=1)
    S = F if stride is None else args.integer("stride", stride, low=1)
    P = args.integer("padding", padding, low=0)
    H, W = xb.shape[-2:]
    N_h, N_w = pool_output_size(H, F, P, S), pool_output_size(W, F, P, S)
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
    the output has the input's channel count and spatial size ``pool_output_size``.
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
    x = args.tensor("x", x, nonempty=True)
    if x.ndim < 2:
        raise ValueError(f"x needs at least 2 dimensions (H, W), got shape {tuple(x.shape)}")
    dy, dx = args.integer("dy", dy), args.integer("dx", dx)
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
