r"""Deep MLPs for the initialization experiments: building one initialized by a scheme,
its per-layer statistics, a cached probe fast enough for an explorer, the steps of the
Kaiming derivation, and counting distinct neurons."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from helpers import args
from helpers.initialization.propagation import ACTIVATIONS, LayerStats, propagate
from helpers.initialization.schemes import kaiming_std, spec, torch_init_, validate_params
from helpers.mlp import mlp


def build_mlp(
    depth: int,
    width: int,
    *,
    activation: str = "relu",
    scheme: str = "kaiming_normal",
    gain: float = 1.0,
    in_features: int | None = None,
    out_features: int | None = None,
    bias: bool = False,
    seed: int = 0,
    **params: object,
) -> nn.Sequential:
    """An MLP of ``depth`` Linear layers, each followed by ``activation``; every weight set by
    ``torch_init_(scheme, **params)`` and multiplied by ``gain``, biases (if any) set to 0.

    ``in_features`` defaults to ``width``. With ``out_features`` the last Linear maps to it
    and is a plain readout (no activation after it, e.g. for classification logits).
    The weights come from a generator seeded with ``seed``: same seed, same network.
    """
    activation = args.one_of("activation", activation, ACTIVATIONS)
    depth, width = args.integer("depth", depth, low=1), args.integer("width", width, low=1)
    gain = args.number("gain", gain)
    validate_params(scheme, params)
    n_in = width if in_features is None else args.integer("in_features", in_features, low=1)
    n_out = width if out_features is None else args.integer("out_features", out_features, low=1)
    gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0))

    def draw(linear: nn.Linear) -> None:
        torch_init_(linear.weight, scheme, generator=gen, **params)
        with torch.no_grad():
            linear.weight.mul_(gain)
            if bias:
                linear.bias.zero_()

    sizes = [n_in] + [width] * (depth - 1) + [n_out]
    act = None if activation == "linear" else activation
    return mlp(sizes, act, bias=bias, readout=out_features is not None, init=draw)


def mlp_weights(model: nn.Module) -> list[torch.Tensor]:
    """The weight matrices of the ``nn.Linear`` layers of ``model``, in order (detached)."""
    return [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]


def mlp_statistics(
    scheme: str,
    activation: str,
    *,
    depth: int = 30,
    width: int = 256,
    gain: float = 1.0,
    batch: int = 128,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
    **params: object,
) -> LayerStats:
    """Per-layer statistics of ``build_mlp(depth, width, ...)`` on standard-normal inputs.

    The inputs :math:`x` and the readout :math:`g` are standard normal and come from their
    own generator (seed ``seed + 1``): every scheme and activation sees the same data.
    The weights, inputs and readout are drawn in float32; ``dtype=torch.float64`` converts
    them and runs both passes in double precision, so that the statistics do not depend
    on how a CPU rounds float32 sums (a float64 net also overflows much later).
    """
    dtype = args.one_of("dtype", dtype, (torch.float32, torch.float64))
    model = build_mlp(
        depth, width, activation=activation, scheme=scheme, gain=gain, seed=seed, **params
    )
    batch = args.integer("batch", batch, low=1)
    gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0) + 1)
    x = torch.randn(batch, width, generator=gen).to(dtype)
    g = torch.randn(batch, width, generator=gen).to(dtype)
    weights = [w.to(dtype) for w in mlp_weights(model)]
    return propagate(x, weights, activation, g)


class DeepMLPProbe:
    r"""Per-layer statistics of square MLPs, fast enough to follow a slider.

    At construction it draws, once, ``max_depth`` standard-normal and ``max_depth``
    :math:`\mathcal U(-1, 1)` matrices of ``max_width`` x ``max_width``, an input batch and a
    readout. A net of width :math:`n` uses their top-left :math:`n \times n` blocks (still
    i.i.d.), scaled to the scheme: a normal scheme's :math:`W = \sigma Z`, a symmetric uniform
    one's :math:`W = b U` (the scale is applied after each product, never to the matrix).
    The batch holds ``max(min_batch, entries // width)`` samples, so each layer's statistics
    average over about ``entries`` numbers whatever the width. The last ``cache_size``
    results (with their activations, for histograms) are cached.
    """

    def __init__(
        self,
        *,
        max_depth: int = 50,
        max_width: int = 256,
        entries: int = 4096,
        min_batch: int = 16,
        seed: int = 0,
        cache_size: int = 32,
    ) -> None:
        self.max_depth = args.integer("max_depth", max_depth, low=1)
        self.max_width = args.integer("max_width", max_width, low=1)
        self.entries = args.integer("entries", entries, low=1)
        self.min_batch = args.integer("min_batch", min_batch, low=1)
        self.cache_size = args.integer("cache_size", cache_size, low=1)
        gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0))
        self._normal = torch.randn(max_depth, max_width, max_width, generator=gen)
        self._uniform = torch.rand(max_depth, max_width, max_width, generator=gen).mul_(2).sub_(1)
        self._max_batch = max(min_batch, entries)
        self._x = torch.randn(self._max_batch, max_width, generator=gen)
        self._g = torch.randn(self._max_batch, max_width, generator=gen)
        self._cache: OrderedDict[tuple, LayerStats] = OrderedDict()

    def batch_size(self, width: int) -> int:
        """Samples per batch at ``width``: about ``entries`` numbers per layer."""
        return min(self._max_batch, max(self.min_batch, -(-self.entries // width)))

    def statistics(
        self,
        scheme: str,
        activation: str,
        depth: int,
        width: int,
        gain: float = 1.0,
        **params: object,
    ) -> LayerStats:
        """Statistics of a ``depth``-layer, ``width``-wide net initialized by ``scheme`` x ``gain``."""
        activation = args.one_of("activation", activation, ACTIVATIONS)
        depth = args.integer("depth", depth, low=1, high=self.max_depth)
        width = args.integer("width", width, low=1, high=self.max_width)
        gain = args.number("gain", gain)
        key = (scheme, activation, depth, width, gain, tuple(sorted(params.items())))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        s = spec(scheme, (width, width), **params)
        b = self.batch_size(width)
        x, g = self._x[:b, :width], self._g[:b, :width]
        if s.distribution == "normal" and s.mean == 0.0:
            weights = [self._normal[i, :width, :width] for i in range(depth)]
            scale = s.std * gain
        elif s.distribution == "uniform" and s.bound is not None:
            weights = [self._uniform[i, :width, :width] for i in range(depth)]
            scale = s.bound * gain
        else:  # a constant, or a distribution off zero: form W = gain * (c + h * base)
            if s.distribution == "constant":
                stack = torch.full((depth, width, width), gain * s.mean)
            elif s.distribution == "normal":
                stack = torch.add(
                    gain * s.mean, self._normal[:depth, :width, :width], alpha=gain * s.std
                )
            else:
                c, h = (s.low + s.high) / 2, (s.high - s.low) / 2
                stack = torch.add(gain * c, self._uniform[:depth, :width, :width], alpha=gain * h)
            weights, scale = list(stack), 1.0
        stats = propagate(x, weights, activation, g, scales=[scale] * depth, keep_activations=True)
        self._cache[key] = stats
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return stats


def kaiming_derivation(
    *, fan_in: int = 256, batch: int = 256, repeats: int = 32, seed: int = 0
) -> dict[str, np.ndarray]:
    r"""The steps of the notes' Kaiming derivation, measured ``repeats`` times independently.

    Each repeat draws :math:`x \sim \mathcal N(0, 1)` of shape ``(batch, fan_in)`` and two
    Kaiming-normal layers :math:`W_1, W_2` (``fan_in`` x ``fan_in``,
    :math:`\mathrm{Var}(\omega) = 2/fan_{in}`), then computes :math:`z_1 = x W_1^\top`,
    :math:`a_1 = \mathrm{relu}(z_1)`, :math:`z_2 = a_1 W_2^\top`. Returned, one value per
    repeat (statistics over all entries of a layer):

    * ``"z1"``: :math:`\mathrm{Var}(z_1) / (fan_{in}\,\mathrm{Var}(\omega)\,\mathrm{Var}(x))`
      with the formula values :math:`\mathrm{Var}(\omega) = 2/fan_{in}`, :math:`\mathrm{Var}(x) = 1`;
    * ``"relu_sq"``: :math:`E[a_1^2] / \mathrm{Var}(z_1)` (ReLU keeps half the second moment);
    * ``"relu_var"``: :math:`\mathrm{Var}(a_1) / \mathrm{Var}(z_1)` (the variance proper);
    * ``"z2_var"``: :math:`\mathrm{Var}(z_2) / (fan_{in}\,\mathrm{Var}(\omega)\,\mathrm{Var}(a_1))`,
      the formula read with the variance of the ReLU output;
    * ``"z2_sq"``: :math:`\mathrm{Var}(z_2) / (fan_{in}\,\mathrm{Var}(\omega)\,E[a_1^2])`,
      read with its second moment;
    * ``"layer"``: :math:`E[a_2^2] / E[x^2]`, one whole layer, :math:`a_2 = \mathrm{relu}(z_2)`.
    """
    fan_in = args.integer("fan_in", fan_in, low=1)
    batch = args.integer("batch", batch, low=1)
    repeats = args.integer("repeats", repeats, low=2)  # two at least, for a standard error
    gen = torch.Generator().manual_seed(seed)
    var_w = kaiming_std(fan_in) ** 2
    out: dict[str, list[float]] = {
        k: [] for k in ("z1", "relu_sq", "relu_var", "z2_var", "z2_sq", "layer")
    }
    for _ in range(repeats):
        x = torch.randn(batch, fan_in, generator=gen, dtype=torch.float64)
        w1 = (
            spec("kaiming_normal", (fan_in, fan_in))
            .sample((fan_in, fan_in), generator=gen)
            .double()
        )
        w2 = (
            spec("kaiming_normal", (fan_in, fan_in))
            .sample((fan_in, fan_in), generator=gen)
            .double()
        )
        z1 = x @ w1.T
        a1 = torch.relu(z1)
        z2 = a1 @ w2.T
        a2 = torch.relu(z2)
        var_z1 = float(z1.var(unbiased=False))
        var_a1, sq_a1 = float(a1.var(unbiased=False)), float((a1**2).mean())
        var_z2 = float(z2.var(unbiased=False))
        out["z1"].append(var_z1 / (fan_in * var_w * 1.0))
        out["relu_sq"].append(sq_a1 / var_z1)
        out["relu_var"].append(var_a1 / var_z1)
        out["z2_var"].append(var_z2 / (fan_in * var_w * var_a1))
        out["z2_sq"].append(var_z2 / (fan_in * var_w * sq_a1))
        out["layer"].append(float((a2**2).mean()) / float((x**2).mean()))
    return {k: np.array(v) for k, v in out.items()}


def distinct_rows(weight: torch.Tensor, *, atol: float = 0.0) -> int:
    """How many different rows (neurons) a weight matrix has: a row within ``atol`` (max
    absolute difference) of an earlier kept row counts as a copy of it."""
    weight = args.tensor("weight", weight, ndim=2)
    atol = args.number("atol", atol, low=0)
    kept: list[torch.Tensor] = []
    for row in weight.detach():
        if not any(float((row - k).abs().max()) <= atol for k in kept):
            kept.append(row)
    return len(kept)
