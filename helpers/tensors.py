"""Chapters 1-2: tensor rules written out by hand, to check PyTorch against.

* ``broadcast_shape``: NumPy/PyTorch broadcasting, from its rule;
* ``matmul_loops``: matrix product from its definition;
* ``reduce_loops``: a sum along one dimension, element by element;
* ``ELEMENTWISE``: the notes' elementwise functions (sqrt, exp, log, log2, log10) with
  their domains.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from helpers import args

__all__ = ["broadcast_shape", "matmul_loops", "sum_loops", "ELEMENTWISE", "domain_report"]


def broadcast_shape(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    r"""The shape two tensors broadcast to.

    Align the shapes at their last dimension (pad the shorter with 1s on the left); in
    every position the sizes must be equal or one of them 1, and the result takes the
    larger: :math:`n_i = \max(a_i, b_i)` if :math:`a_i = b_i` or :math:`\min(a_i, b_i) = 1`.
    """
    a, b = args.sizes("a", a, low=0), args.sizes("b", b, low=0)
    ndim = max(len(a), len(b))
    pa = (1,) * (ndim - len(a)) + tuple(a)
    pb = (1,) * (ndim - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb, strict=True)):
        if x != y and 1 not in (x, y):
            raise ValueError(
                f"shapes {tuple(a)} and {tuple(b)} do not broadcast: dimension {i - ndim} "
                f"has sizes {x} and {y} (they must be equal, or one of them 1)"
            )
        out.append(max(x, y) if 0 not in (x, y) else 0)
    return tuple(out)


def matmul_loops(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    r"""The matrix product from its definition: :math:`C_{ij} = \sum_k A_{ik} B_{kj}`.

    ``a`` is (n, k), ``b`` is (k, m); three Python loops, so keep the sizes small.
    """
    a, b = args.tensor("a", a, ndim=2), args.tensor("b", b, ndim=2)
    n, k = a.shape
    k2, m = b.shape
    if k != k2:
        raise ValueError(f"b must have as many rows as a has columns ({k}), got shape ({k2}, {m})")
    c = torch.zeros(n, m, dtype=torch.promote_types(a.dtype, b.dtype))
    for i in range(n):
        for j in range(m):
            total = 0.0
            for p in range(k):
                total += float(a[i, p]) * float(b[p, j])
            c[i, j] = total
    return c


def sum_loops(x: torch.Tensor, dim: int) -> torch.Tensor:
    r"""Sum of a 2-D tensor along ``dim`` by loops: dim 0 sums each column
    (:math:`s_j = \sum_i x_{ij}`), dim 1 each row (:math:`s_i = \sum_j x_{ij}`)."""
    x = args.tensor("x", x, ndim=2)
    dim = args.one_of("dim", dim, (0, 1, -2, -1))
    t = x if dim % 2 == 1 else x.T
    return torch.tensor([sum(float(v) for v in row) for row in t], dtype=x.dtype)


#: name -> (torch function, math function, domain in words)
ELEMENTWISE: dict[
    str, tuple[Callable[[torch.Tensor], torch.Tensor], Callable[[float], float], str]
] = {
    "sqrt": (torch.sqrt, math.sqrt, "x >= 0"),
    "exp": (torch.exp, math.exp, "all x (overflows to inf for large x)"),
    "log": (torch.log, math.log, "x > 0"),
    "log2": (torch.log2, math.log2, "x > 0"),
    "log10": (torch.log10, math.log10, "x > 0"),
}


def domain_report(values: torch.Tensor) -> str:
    """Count finite, NaN, +inf and -inf entries: 'finite 190, nan 10, +inf 0, -inf 1'."""
    values = args.tensor("values", values)
    finite = int(torch.isfinite(values).sum())
    nan = int(torch.isnan(values).sum())
    pos = int(torch.isposinf(values).sum())
    neg = int(torch.isneginf(values).sum())
    return f"finite {finite}, nan {nan}, +inf {pos}, -inf {neg}"
