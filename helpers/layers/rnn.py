r"""The recurrent layer of the notes, written from scratch and unrolled over time.

At every time step :math:`t` the hidden state combines the current input and the previous
hidden state, then goes through an activation :math:`\phi` (often tanh):

.. math::

    h_t = \phi(\omega_{xh} x_t + \omega_{hh} h_{t-1} + b_h)

The same :math:`\omega_{xh}`, :math:`\omega_{hh}`, :math:`b_h` serve every step (parameter
sharing over time). With several layers, layer :math:`l` reads the hidden states of layer
:math:`l - 1` as its inputs.

``torch.nn.RNN`` computes the same thing with *two* bias vectors,
:math:`\phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})`; only their sum
:math:`b_h = b_{ih} + b_{hh}` matters, and ``RNN.from_torch`` copies it that way.

``gradient_vs_distance`` measures the limitation of the notes: how much the loss at the
last step still depends on an input :math:`k` steps back,
:math:`\lVert \partial L / \partial x_{T-k} \rVert`, which shrinks (vanishes) or grows
(explodes) about geometrically in :math:`k`, since

.. math::

    \frac{\partial h_T}{\partial h_{T-k}} = \prod_{s=T-k+1}^{T}
        \operatorname{diag}\big(\phi'(a_s)\big)\, \omega_{hh}.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from helpers import activations, args

__all__ = [
    "ACTIVATIONS",
    "rnn_cell",
    "RNN",
    "recurrent_weights",
    "distance_problem",
    "gradient_vs_distance",
    "graph_depth",
    "pulse_response",
]

#: the activations :math:`\phi` the from-scratch layer accepts (nn.RNN has tanh and relu)
ACTIVATIONS = ("tanh", "relu", "identity")


def _phi(activation: str) -> Callable[[torch.Tensor], torch.Tensor]:
    r""":math:`\phi` from the course's activation table as PyTorch's own module (``nn.Tanh``,
    ``nn.ReLU``, ``nn.Identity``): the floats and the autograd graph of ``nn.RNN``."""
    return activations.module(args.one_of("activation", activation, ACTIVATIONS))


def rnn_cell(
    x_t: torch.Tensor,
    h_prev: torch.Tensor,
    w_xh: torch.Tensor,
    w_hh: torch.Tensor,
    b_h: torch.Tensor | None = None,
    *,
    activation: str = "tanh",
) -> torch.Tensor:
    r"""One step: :math:`h_t = \phi(\omega_{xh} x_t + \omega_{hh} h_{t-1} + b_h)`.

    Shapes: ``x_t`` (B, D) or (D,), ``h_prev`` (B, H) or (H,), ``w_xh`` (H, D),
    ``w_hh`` (H, H), ``b_h`` (H,). Vectors are rows, so the products are written
    ``x_t @ w_xh.T``.
    """
    phi = _phi(activation)
    x_t = args.tensor("x_t", x_t, ndim=(1, 2), floating=True, nonempty=True, finite=True)
    h_prev = args.tensor("h_prev", h_prev, ndim=(1, 2), floating=True, nonempty=True, finite=True)
    w_xh = args.tensor("w_xh", w_xh, floating=True, nonempty=True, finite=True)
    w_hh = args.tensor("w_hh", w_hh, floating=True, nonempty=True, finite=True)
    if w_xh.ndim != 2 or w_hh.ndim != 2 or w_hh.shape[0] != w_hh.shape[1]:
        raise ValueError(
            f"w_xh must be (H, D) and w_hh (H, H), got {tuple(w_xh.shape)} and {tuple(w_hh.shape)}"
        )
    if w_xh.shape[0] != w_hh.shape[0]:
        raise ValueError(
            f"w_xh has {w_xh.shape[0]} rows but w_hh has {w_hh.shape[0]}: both must be H"
        )
    if x_t.shape[-1] != w_xh.shape[1]:
        raise ValueError(f"x_t has {x_t.shape[-1]} features, w_xh expects {w_xh.shape[1]}")
    if h_prev.shape[-1] != w_hh.shape[0]:
        raise ValueError(f"h_prev has {h_prev.shape[-1]} units, w_hh expects {w_hh.shape[0]}")
    if b_h is not None:
        b_h = args.tensor("b_h", b_h, floating=True, finite=True)
        if tuple(b_h.shape) != (w_hh.shape[0],):
            raise ValueError(f"b_h must have shape ({w_hh.shape[0]},), got {tuple(b_h.shape)}")
    a_t = x_t @ w_xh.T + h_prev @ w_hh.T
    if b_h is not None:
        a_t = a_t + b_h
    return phi(a_t)


class RNN(nn.Module):
    r"""A multi-layer recurrent layer: :math:`h_t = \phi(\omega_{xh} x_t + \omega_{hh} h_{t-1} + b_h)`.

    Same interface as ``torch.nn.RNN``: ``forward(x, h0=None) -> (output, h_n)`` with ``x``
    of shape (T, B, D), or (B, T, D) when ``batch_first=True``, or (T, D) unbatched;
    ``output`` holds the last layer's :math:`h_t` for every step and ``h_n`` (L, B, H) the
    last step's :math:`h_T` of every layer. The loop over time is written out in Python:
    slow, but every step is visible.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        *,
        activation: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        self.input_size = args.integer("input_size", input_size, low=1)
        self.hidden_size = args.integer("hidden_size", hidden_size, low=1)
        self.num_layers = args.integer("num_layers", num_layers, low=1)
        self.activation = args.one_of("activation", activation, ACTIVATIONS)
        bias = args.one_of("bias", bias, (True, False))
        self.batch_first = args.one_of("batch_first", batch_first, (True, False))
        bound = 1.0 / math.sqrt(hidden_size)  # nn.RNN's default: U(-1/sqrt(H), 1/sqrt(H))
        self.w_xh = nn.ParameterList()
        self.w_hh = nn.ParameterList()
        self.b_h = nn.ParameterList() if bias else None
        for layer in range(num_layers):
            d_in = input_size if layer == 0 else hidden_size
            self.w_xh.append(nn.Parameter(torch.empty(hidden_size, d_in).uniform_(-bound, bound)))
            self.w_hh.append(
                nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
            )
            if self.b_h is not None:
                self.b_h.append(nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound)))

    @classmethod
    def from_torch(cls, rnn: nn.RNN) -> RNN:
        """A from-scratch copy of ``rnn``: same weights, :math:`b_h = b_{ih} + b_{hh}`.

        The copy takes ``rnn``'s dtype before the weights are copied, so a float64
        ``nn.RNN`` is copied bit for bit (not through float32).
        """
        if not isinstance(rnn, nn.RNN):
            raise ValueError(f"rnn must be a torch.nn.RNN, got {type(rnn).__name__}")
        if rnn.bidirectional or rnn.proj_size:
            raise ValueError("rnn must be a unidirectional nn.RNN without projections")
        ours = cls(
            rnn.input_size,
            rnn.hidden_size,
            rnn.num_layers,
            activation=rnn.nonlinearity,
            bias=rnn.bias,
            batch_first=rnn.batch_first,
        )
        ours.to(next(rnn.parameters()).dtype)
        with torch.no_grad():
            for layer in range(rnn.num_layers):
                ours.w_xh[layer].copy_(getattr(rnn, f"weight_ih_l{layer}"))
                ours.w_hh[layer].copy_(getattr(rnn, f"weight_hh_l{layer}"))
                if rnn.bias:
                    ours.b_h[layer].copy_(
                        getattr(rnn, f"bias_ih_l{layer}") + getattr(rnn, f"bias_hh_l{layer}")
                    )
        return ours

    def forward(
        self, x: torch.Tensor, h0: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        x = args.tensor("x", x, floating=True, finite=True)
        if x.ndim not in (2, 3):
            raise ValueError(
                f"x must be a (T, B, D), (B, T, D) or (T, D) tensor, got {tuple(x.shape)}"
            )
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)  # (T, 1, D)
        elif self.batch_first:
            x = x.transpose(0, 1)  # (T, B, D): time first inside the loop
        seq_len, batch, d = x.shape
        if d != self.input_size:
            raise ValueError(
                f"x has {d} features per step, this RNN expects input_size={self.input_size}"
            )
        if seq_len == 0:
            raise ValueError("x must hold at least one time step")
        shape = (self.num_layers, batch, self.hidden_size)
        if h0 is None:
            h0 = x.new_zeros(shape)
        else:
            h0 = args.tensor("h0", h0, floating=True, finite=True)
            h0 = h0.unsqueeze(1) if unbatched and h0.ndim == 2 else h0
            if tuple(h0.shape) != shape:
                raise ValueError(f"h0 must have shape {shape}, got {tuple(h0.shape)}")
        layer_input = x
        h_last = []
        for layer in range(self.num_layers):
            b_h = self.b_h[layer] if self.b_h is not None else None
            h_t = h0[layer]
            states = []
            for t in range(seq_len):
                h_t = rnn_cell(
                    layer_input[t],
                    h_t,
                    self.w_xh[layer],
                    self.w_hh[layer],
                    b_h,
                    activation=self.activation,
                )
                states.append(h_t)
            layer_input = torch.stack(states)  # (T, B, H): the next layer's inputs
            h_last.append(h_t)
        output, h_n = layer_input, torch.stack(h_last)
        if unbatched:
            return output.squeeze(1), h_n.squeeze(1)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, h_n

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"activation={self.activation!r}, batch_first={self.batch_first}"
        )


def recurrent_weights(hidden_size: int, scale: float, *, seed: int = 0) -> torch.Tensor:
    r"""A recurrent matrix :math:`\omega_{hh} = \gamma Q` with :math:`Q` a random orthogonal matrix.

    Every singular value of :math:`\gamma Q` equals :math:`\gamma` (``scale``), so with the
    identity activation :math:`\lVert v\,\omega_{hh}^k\rVert = \gamma^k \lVert v\rVert` exactly:
    the cleanest possible picture of vanishing (:math:`\gamma < 1`) and exploding
    (:math:`\gamma > 1`) gradients.
    """
    hidden_size = args.integer("hidden_size", hidden_size, low=1)
    scale = args.number("scale", scale, low=0)
    gen = torch.Generator().manual_seed(args.integer("seed", seed, low=0))
    a = torch.randn(hidden_size, hidden_size, generator=gen, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))  # a uniformly random orthogonal matrix
    return scale * q


def distance_problem(
    seq_len: int,
    *,
    scale: float = 1.0,
    hidden_size: int = 32,
    input_size: int = 4,
    input_scale: float = 1.0,
    seed: int = 0,
) -> dict[str, torch.Tensor]:
    r"""The fixed random set-up behind ``gradient_vs_distance`` (float64 tensors).

    ``w_hh`` :math:`= \gamma Q` (``recurrent_weights``), ``w_xh`` with N(0, 1/D) entries,
    inputs ``x`` (T, D) with N(0, input_scale²) entries and a unit vector ``u`` that defines
    the loss :math:`L = u^\top h_T`.
    """
    seq_len = args.integer("seq_len", seq_len, low=1)
    input_scale = args.number("input_scale", input_scale, low=0)
    input_size = args.integer("input_size", input_size, low=1)
    w_hh = recurrent_weights(hidden_size, scale, seed=seed)
    gen = torch.Generator().manual_seed(seed + 1)
    w_xh = torch.randn(hidden_size, input_size, generator=gen, dtype=torch.float64)
    w_xh = w_xh / math.sqrt(input_size)
    u = torch.randn(hidden_size, generator=gen, dtype=torch.float64)
    x = input_scale * torch.randn(seq_len, input_size, generator=gen, dtype=torch.float64)
    return {"w_xh": w_xh, "w_hh": w_hh, "x": x, "u": u / u.norm()}


def gradient_vs_distance(
    seq_len: int,
    *,
    scale: float = 1.0,
    activation: str = "tanh",
    hidden_size: int = 32,
    input_size: int = 4,
    input_scale: float = 1.0,
    seed: int = 0,
) -> torch.Tensor:
    r""":math:`\lVert \partial L / \partial x_{T-k} \rVert` for :math:`k = 0, \dots, T-1`.

    A one-layer RNN (:math:`b_h = 0`, :math:`h_0 = 0`) on the set-up of
    ``distance_problem`` runs over ``seq_len`` inputs; the loss is :math:`L = u^\top h_T`.
    Backpropagation through time is written out: with :math:`a_t` the pre-activation,

    .. math::

        \delta_T = u, \qquad
        \frac{\partial L}{\partial x_t} = (\delta_t \odot \phi'(a_t))\, \omega_{xh}, \qquad
        \delta_{t-1} = (\delta_t \odot \phi'(a_t))\, \omega_{hh},

    so every step back multiplies by :math:`\operatorname{diag}(\phi'(a_t))\,\omega_{hh}`.
    Entry ``k`` of the result belongs to the input ``k`` steps before the last. Computed in
    float64 (a few ms for T = 150), :math:`\phi'` from ``helpers.activations.derivative_fn``;
    overflow gives ``inf``/``nan``, underflow 0, never an exception. The unit tests check
    it against autograd.
    """
    phi, phi_prime = _phi(activation), activations.derivative_fn(activation)
    p = distance_problem(
        seq_len,
        scale=scale,
        hidden_size=hidden_size,
        input_size=input_size,
        input_scale=input_scale,
        seed=seed,
    )
    w_xh, w_hh, x, u = p["w_xh"], p["w_hh"], p["x"], p["u"]
    xw = x @ w_xh.T  # (T, H): the input part of every pre-activation
    a = torch.empty_like(xw)
    h = torch.zeros(hidden_size, dtype=torch.float64)
    for t in range(seq_len):  # forward, keeping a_t
        a[t] = xw[t] + h @ w_hh.T
        h = phi(a[t])
    d_phi = phi_prime(a)  # phi'(a_t) for every step
    grads = torch.empty(seq_len, dtype=torch.float64)
    delta = u
    for t in range(seq_len - 1, -1, -1):  # backward through time
        delta_a = delta * d_phi[t]
        grads[t] = torch.linalg.vector_norm(delta_a @ w_xh)
        delta = delta_a @ w_hh
    return grads.flip(0)  # entry k: the input k steps before the last


def graph_depth(output: torch.Tensor) -> int:
    """The longest chain of operations autograd recorded from the leaves to ``output``.

    Operations on one chain must run one after the other; operations on different chains
    could run at the same time. For an unrolled RNN the chain grows with the sequence
    length (each :math:`h_t` needs :math:`h_{t-1}`); for a convolution it does not.
    """
    output = args.tensor("output", output)
    if output.grad_fn is None:
        raise ValueError("output must be a tensor computed from tensors that require grad")
    depth: dict[object, int] = {}
    stack = [(output.grad_fn, False)]
    while stack:  # iterative post-order walk: the graph of a long sequence is deep
        node, expanded = stack.pop()
        if node in depth:
            continue
        children = [child for child, _ in node.next_functions if child is not None]
        if expanded:
            depth[node] = 1 + max((depth[c] for c in children), default=0)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if c not in depth)
    return depth[output.grad_fn]


def pulse_response(
    scale: float,
    *,
    steps: int = 60,
    at: int = 5,
    pulse: float = 3.0,
    hidden_size: int = 16,
    noise: float = 0.1,
    seed: int = 0,
) -> torch.Tensor:
    r"""How long the hidden state remembers one input: :math:`\lVert h_t^{\text{pulse}} - h_t \rVert`.

    A tanh RNN with :math:`\omega_{hh} = \gamma Q` (``recurrent_weights``, ``scale`` = γ)
    reads ``steps`` small random inputs (N(0, noise²)), once as they are and once with
    ``pulse`` added at step ``at`` (counted from 1). Entry ``t - 1`` of the result is the
    distance between the two hidden states after step ``t``: zero before the pulse, then a
    trace that fades about geometrically. Float64.
    """
    steps = args.integer("steps", steps, low=1)
    at = args.integer("at", at, low=1, high=steps)
    pulse = args.number("pulse", pulse)
    noise = args.number("noise", noise, low=0)
    w_hh = recurrent_weights(hidden_size, scale, seed=seed)
    gen = torch.Generator().manual_seed(seed + 1)
    w_xh = torch.randn(hidden_size, 1, generator=gen, dtype=torch.float64)
    x = noise * torch.randn(steps, 1, generator=gen, dtype=torch.float64)
    x_pulse = x.clone()
    x_pulse[at - 1] += pulse
    h = torch.zeros(hidden_size, dtype=torch.float64)
    h_pulse = torch.zeros(hidden_size, dtype=torch.float64)
    gaps = torch.empty(steps, dtype=torch.float64)
    for t in range(steps):
        h = rnn_cell(x[t], h, w_xh, w_hh)
        h_pulse = rnn_cell(x_pulse[t], h_pulse, w_xh, w_hh)
        gaps[t] = (h_pulse - h).norm()
    return gaps
