r"""Per-layer statistics of a deep MLP: one forward and one backward pass written out by hand
(``propagate``), the same by autograd (``autograd_statistics``), and layer histograms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from helpers import activations, args

#: Activations of the deep-MLP experiments.
ACTIVATIONS: tuple[str, ...] = ("linear", "relu", "tanh", "sigmoid")


@dataclass(frozen=True)
class LayerStats:
    r"""Per-layer statistics of a forward and backward pass, index ``l = 0 .. L``.

    ``a_*[0]`` describe the input :math:`x = a_0`; ``a_*[l]`` the output
    :math:`a_l = f(z_l)` of layer :math:`l`. ``z_var[l]`` is :math:`\mathrm{Var}(z_l)`
    (``nan`` at 0). ``grad_a_var[l]`` is :math:`\mathrm{Var}(\partial L / \partial a_l)`
    (``grad_a_var[L] = Var(g)``, the readout), ``grad_w_var[l]`` is
    :math:`\mathrm{Var}(\partial L / \partial W_l)` (``nan`` at 0). Variances are population
    variances over every entry of the batch (all samples, all neurons); ``a_sq`` is the
    second moment :math:`E[a_l^2]`. ``activations`` (kept on request) holds every
    :math:`a_l` as one float32 tensor ``(L + 1, batch, width)`` when all layers are equally
    wide, else a list.
    """

    activation: str
    a_var: np.ndarray
    a_mean: np.ndarray
    a_sq: np.ndarray
    z_var: np.ndarray
    grad_a_var: np.ndarray
    grad_w_var: np.ndarray
    activations: torch.Tensor | list[torch.Tensor] | None = None

    @property
    def depth(self) -> int:
        return len(self.a_var) - 1

    @property
    def layers(self) -> np.ndarray:
        """``0, 1, ..., L``: the x values to plot the arrays against."""
        return np.arange(self.depth + 1)

    def first_nonfinite(self) -> tuple[str, int] | None:
        """Where the statistics first overflowed (inf or nan), in the order the passes run:
        ``("forward", l)`` for the first such layer going up, else ``("backward", l)`` for
        the first going down; ``None`` when every statistic is finite."""
        bad_forward = ~np.isfinite(self.a_var)
        if bad_forward.any():
            return "forward", int(np.argmax(bad_forward))
        bad_backward = ~np.isfinite(self.grad_a_var)
        if bad_backward.any():
            return "backward", int(len(bad_backward) - 1 - np.argmax(bad_backward[::-1]))
        return None


def _floating(t: torch.Tensor) -> torch.Tensor:
    """float64 stays float64 (exact checks); everything else is computed in float32."""
    return t if t.dtype == torch.float64 else t.float()


def _scaled(stack: torch.Tensor) -> tuple[torch.Tensor, np.ndarray]:
    """Each row divided by its largest |value| (1 where that is 0 or not finite).

    Statistics of the scaled rows are computed in float32 (float64 for float64 input) and
    scaled back in float64: an exploding net's values square beyond float32's range, and
    converting whole stacks to float64 would cost most of an explorer's update.
    """
    amax = stack.abs().amax(dim=1)
    ok = torch.isfinite(amax) & (amax > 0)
    scale = torch.where(ok, amax, torch.ones_like(amax))
    return stack / scale[:, None], scale.double().numpy()


def _moments(tensors: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, population variance and second moment of each tensor (returned in float64)."""
    if all(t.shape == tensors[0].shape for t in tensors):
        rows = [_floating(torch.stack(list(tensors)).reshape(len(tensors), -1))]
    else:
        rows = [_floating(t.reshape(1, -1)) for t in tensors]
    means, variances, squares = [], [], []
    for stack in rows:
        y, scale = _scaled(stack)
        mean = y.mean(dim=1, keepdim=True)
        c = y - mean
        means.append(mean[:, 0].double().numpy() * scale)
        variances.append((c * c).mean(dim=1).double().numpy() * scale**2)
        squares.append((y * y).mean(dim=1).double().numpy() * scale**2)
    return np.concatenate(means), np.concatenate(variances), np.concatenate(squares)


def _weight_grad_var(deltas: Sequence[torch.Tensor], inputs: Sequence[torch.Tensor]) -> np.ndarray:
    r"""Var of the entries of each :math:`\partial L/\partial W_l = \delta_l^\top a_{l-1}`.

    When the batch is smaller than the layer, :math:`E[G^2] = \lVert\delta^\top a\rVert_F^2 / n`
    comes from the batch's Gram matrices,
    :math:`\sum_{b,b'} (\delta\delta^\top)_{bb'}(aa^\top)_{bb'}`, so the
    :math:`W \times W` gradient is never formed; :math:`E[G] = \sum_b (\sum_i
    \delta_{bi})(\sum_j a_{bj}) / n`.
    """
    homogeneous = all(d.shape == deltas[0].shape for d in deltas) and all(
        a.shape == inputs[0].shape for a in inputs
    )
    if not homogeneous:
        out = [np.nan]
        for dl, al in zip(deltas, inputs, strict=True):
            g = dl.double().T @ al.double()
            out.append(float(g.var(unbiased=False)))
        return np.array(out)
    n_layers, (batch, n_out) = len(deltas), deltas[0].shape
    n_in = inputs[0].shape[1]
    d, d_scale = _scaled(_floating(torch.stack(list(deltas)).reshape(n_layers, -1)))
    a, a_scale = _scaled(_floating(torch.stack(list(inputs)).reshape(n_layers, -1)))
    d, a = d.reshape(n_layers, batch, n_out), a.reshape(n_layers, batch, n_in)
    n = n_out * n_in
    if batch <= max(n_out, n_in):
        sq = (torch.bmm(d, d.transpose(1, 2)) * torch.bmm(a, a.transpose(1, 2))).sum(dim=(1, 2))
    else:
        sq = (torch.bmm(d.transpose(1, 2), a) ** 2).sum(dim=(1, 2))
    mean = (d.sum(dim=2) * a.sum(dim=2)).sum(dim=1)
    factor = d_scale * a_scale
    with np.errstate(all="ignore"):
        sq_np = sq.double().numpy() / n * factor**2
        mean_np = mean.double().numpy() / n * factor
        var = np.maximum(sq_np - mean_np**2, 0.0)
        var[~np.isfinite(sq_np)] = np.nan
    return np.concatenate([[np.nan], var])


def propagate(
    x: torch.Tensor,
    weights: Sequence[torch.Tensor],
    activation: str,
    grad_output: torch.Tensor | None = None,
    *,
    scales: Sequence[float] | None = None,
    keep_activations: bool = False,
) -> LayerStats:
    r"""One forward and one backward pass of a bias-free MLP, written out by hand.

    Forward, for :math:`l = 1..L`: :math:`z_l = a_{l-1} W_l^\top`, :math:`a_l = f(z_l)`,
    :math:`a_0 = x`. The loss is a fixed random readout :math:`L = \sum g \odot a_L`
    (``grad_output`` = :math:`g`; standard normal when ``None``), so
    :math:`\partial L/\partial a_L = g` has unit variance and the backward pass shows what
    the layers do to a gradient, independent of any task. Backward:

    .. math::
        \delta_l = \frac{\partial L}{\partial z_l} = \frac{\partial L}{\partial a_l} \odot f'(z_l),
        \quad \frac{\partial L}{\partial a_{l-1}} = \delta_l W_l,
        \quad \frac{\partial L}{\partial W_l} = \delta_l^\top a_{l-1}.

    ``scales`` multiplies each weight (layer ``l`` uses ``scales[l-1] * W_l``) without
    forming the product. Runs without autograd in the dtype of ``x``, so a float32 net
    overflows where a real one would (statistics then read inf or nan).
    """
    f = activations.module(args.one_of("activation", activation, ACTIVATIONS))
    f_prime = activations.derivative_of_output_fn(activation)
    x = args.tensor("x", x, ndim=2, floating=True, nonempty=True)  # (batch, features)
    if len(weights) < 1:
        raise ValueError("weights must hold at least one (out, in) matrix")
    if scales is not None and len(scales) != len(weights):
        raise ValueError(f"got {len(scales)} scales for {len(weights)} weights")
    width_in = x.shape[1]
    for i, w in enumerate(weights, 1):
        if not isinstance(w, torch.Tensor) or w.dim() != 2 or w.shape[1] != width_in:
            raise ValueError(
                f"weight {i} has shape {tuple(getattr(w, 'shape', ()))}; expected (out, {width_in}) "
                "to follow the previous layer"
            )
        width_in = w.shape[0]
    batch = x.shape[0]
    if grad_output is None:
        gen = torch.Generator().manual_seed(1)
        grad_output = torch.randn(batch, width_in, generator=gen, dtype=x.dtype)
    grad_output = args.tensor("grad_output", grad_output, ndim=2, floating=True)
    if tuple(grad_output.shape) != (batch, width_in):
        raise ValueError(
            f"grad_output must have the output's shape {(batch, width_in)}, "
            f"got {tuple(grad_output.shape)}"
        )
    s = [1.0] * len(weights) if scales is None else [float(v) for v in scales]
    with torch.no_grad():
        zero = torch.zeros((), dtype=x.dtype)
        acts, pre = [x], []
        a = x
        for w, scale in zip(weights, s, strict=True):
            # the scale rides on the product (BLAS alpha): s * (a W^T) without forming s W
            z = a @ w.T if scale == 1.0 else torch.addmm(zero, a, w.T, beta=0.0, alpha=scale)
            a = f(z)
            pre.append(z)
            acts.append(a)
        grads_a = [grad_output]
        deltas = []
        d_a = grad_output
        for layer in range(len(weights) - 1, -1, -1):
            delta = d_a * f_prime(acts[layer + 1])  # f'(z_l) from a_l = f(z_l)
            deltas.append(delta)
            w, scale = weights[layer], s[layer]
            d_a = delta @ w if scale == 1.0 else torch.addmm(zero, delta, w, beta=0.0, alpha=scale)
            grads_a.append(d_a)
        grads_a.reverse()
        deltas.reverse()
        a_mean, a_var, a_sq = _moments(acts)
        _, z_var, _ = _moments(pre)
        _, ga_var, _ = _moments(grads_a)
        gw_var = _weight_grad_var(deltas, acts[:-1])
        kept = None
        if keep_activations:
            same = all(t.shape == x.shape for t in acts)
            kept = torch.stack(acts) if same else list(acts)
    z_var = np.concatenate([[np.nan], z_var])
    return LayerStats(activation, a_var, a_mean, a_sq, z_var, ga_var, gw_var, kept)


def layer_histogram(
    values: torch.Tensor, *, bins: int = 48, value_range: tuple[float, float] = (-3.0, 3.0)
) -> tuple[np.ndarray, np.ndarray, float]:
    """Share of ``values`` in each of ``bins`` equal bins over ``value_range``.

    Returns ``(shares, edges, outside)``: ``outside`` is the share that fell outside the
    range (or is inf/nan), so ``shares.sum() + outside == 1``.
    """
    values = args.tensor("values", values, floating=True, nonempty=True)
    bins = args.integer("bins", bins, low=1)
    if not isinstance(value_range, tuple | list) or len(value_range) != 2:
        raise ValueError(f"value_range must be a pair (low, high), got {value_range!r}")
    lo = args.number("value_range[0]", value_range[0])
    hi = args.number("value_range[1]", value_range[1], low=lo, low_open=True)
    v = values.detach().reshape(-1).float()
    n = v.numel()
    counts = torch.histc(v.nan_to_num(nan=hi + 1.0), bins=bins, min=lo, max=hi)
    shares = counts.double().numpy() / n
    return shares, np.linspace(lo, hi, bins + 1), max(0.0, 1.0 - float(shares.sum()))


def autograd_statistics(
    model: nn.Sequential, x: torch.Tensor, grad_output: torch.Tensor | None = None
) -> LayerStats:
    """The same statistics as ``propagate``, but with PyTorch's autograd doing the backward.

    ``model`` alternates bias-free ``nn.Linear`` layers and activation modules
    (``build_mlp`` makes one); the loss is ``(g * model(x)).sum()``.
    """
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"model must be an nn.Sequential, got {type(model).__name__}")
    x = args.tensor("x", x, ndim=2, floating=True, nonempty=True)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model must contain nn.Linear layers")
    activation = activations.name_of(model)
    if grad_output is None:
        gen = torch.Generator().manual_seed(1)
        grad_output = torch.randn(
            x.shape[0], linears[-1].out_features, generator=gen, dtype=x.dtype
        )
    outputs = [x.detach().clone().requires_grad_(True)]
    pre = []
    h = outputs[0]
    for module in model:
        h = module(h)
        h.retain_grad()
        if isinstance(module, nn.Linear):
            pre.append(h)
        else:
            outputs.append(h)
    if activation == "linear":
        outputs = [outputs[0], *pre]
    for m in linears:
        m.weight.grad = None
    (grad_output * h).sum().backward()
    a_mean, a_var, a_sq = _moments([t.detach() for t in outputs])
    _, z_var, _ = _moments([t.detach() for t in pre])
    _, ga_var, _ = _moments([t.grad.detach() for t in outputs])
    gw_var = [float(m.weight.grad.double().var(unbiased=False)) for m in linears]
    return LayerStats(
        activation,
        a_var,
        a_mean,
        a_sq,
        np.concatenate([[np.nan], z_var]),
        ga_var,
        np.concatenate([[np.nan], gw_var]),
    )
