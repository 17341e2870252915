r"""The notes' optimizers, written from their formulas: EMA, Momentum, AdaGrad, RMSProp, Adam.

Each optimizer is a ``torch.optim.Optimizer`` subclass, so it drops into any training
loop (``helpers.train.fit`` included) exactly where ``torch.optim.Adam`` would. Every
update is elementwise ("per parameter :math:`i`"), written with the notes' symbols:
:math:`\omega` the parameters, :math:`g_t` the gradient at step :math:`t` (evaluated at
:math:`\omega_{t-1}`), :math:`\eta` the learning rate, :math:`\beta` an EMA's decay and
:math:`\varepsilon` a small constant that keeps a division finite.

How they map onto PyTorch's own (the chapter's notebook measures each claim):

=========================  ===============================================================
ours                       PyTorch
=========================  ===============================================================
``Momentum(lr=η, beta=β)``  ``SGD(lr=η·(1-β), momentum=β)`` follows the same path: torch
                            accumulates :math:`B_t = \mu B_{t-1} + g_t`, and
                            :math:`B_t = V_t / (1-β)` (see ``Momentum``).
``AdaGrad(lr, eps)``        ``Adagrad(lr, eps=eps)`` with its defaults
                            ``initial_accumulator_value=0`` (:math:`G_0 = 0`) and
                            ``lr_decay=0``; ε is added outside the root in both.
``RMSProp(lr, beta, eps)``  ``RMSprop(lr, alpha=beta, eps=eps)`` (torch calls β "alpha");
                            ε outside the root in both.
``Adam(lr, beta1, beta2,    ``Adam(lr, betas=(beta1, beta2), eps=eps)``; ε is added to
eps)``                      :math:`\sqrt{\hat v_t}` in both.
=========================  ===============================================================

The defaults (learning rates, ε) are PyTorch's, so ``AdaGrad(params)`` and
``torch.optim.Adagrad(params)`` mean the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from helpers import args

__all__ = ["EMA", "ema", "Momentum", "AdaGrad", "RMSProp", "Adam"]


# -- EMA ----------------------------------------------------------------------------------
class EMA:
    r"""An exponential moving average, fed one value (or tensor) at a time.

    .. math::
        v_t = \beta v_{t-1} + (1-\beta)\, x_t, \qquad v_0 = 0

    Unrolled, :math:`v_t = (1-\beta)\sum_{k=1}^{t} \beta^{t-k} x_k`: the newest value weighs
    :math:`1-\beta`, one step older :math:`(1-\beta)\beta`, and so on. The weights sum to
    :math:`1-\beta^t < 1`, so early on :math:`v_t` is biased toward its start, 0. Dividing
    by that sum removes the bias (Adam's bias correction):

    .. math::
        \hat v_t = \frac{v_t}{1-\beta^t}

    ``update(x)`` returns :math:`v_t`; ``v_hat`` is the corrected value.
    """

    def __init__(self, beta: float = 0.9) -> None:
        self.beta = args.fraction("beta", beta, open_high=True)
        self.t = 0
        self.v_t: torch.Tensor | float = 0.0

    def update(self, x_t: torch.Tensor | float) -> torch.Tensor | float:
        """Fold in the next value: :math:`v_t = \\beta v_{t-1} + (1-\\beta) x_t`."""
        self.t += 1
        self.v_t = self.beta * self.v_t + (1 - self.beta) * x_t
        return self.v_t

    @property
    def v_hat(self) -> torch.Tensor | float:
        """The bias-corrected average :math:`v_t / (1 - \\beta^t)` (0 before any update)."""
        if self.t == 0:
            return 0.0
        return self.v_t / (1 - self.beta**self.t)


def ema(x: torch.Tensor, beta: float = 0.9, *, bias_correction: bool = False) -> torch.Tensor:
    r"""The EMA of a series ``x`` (first dimension = time): :math:`v_1, \dots, v_T`.

    .. math::
        v_t = \beta v_{t-1} + (1-\beta)\, x_t, \qquad v_0 = 0

    With ``bias_correction=True`` returns :math:`\hat v_t = v_t / (1-\beta^t)` instead.
    """
    beta = args.fraction("beta", beta, open_high=True)
    x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
    if x.ndim == 0:
        raise ValueError("x must be a non-empty series (time along dim 0), got a 0-d tensor")
    averager = EMA(beta)
    out = torch.empty_like(x)
    for t, x_t in enumerate(x):
        averager.update(x_t)
        out[t] = averager.v_hat if bias_correction else averager.v_t
    return out


# -- optimizers ---------------------------------------------------------------------------
class _NotesOptimizer(torch.optim.Optimizer):
    """Shared plumbing: the closure protocol, skipping parameters without gradients."""

    def _update(self, p: torch.Tensor, g_t: torch.Tensor, state: dict, group: dict) -> None:
        raise NotImplementedError

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise ValueError(
                        f"{type(self).__name__} does not support sparse gradients "
                        "(use a dense embedding or torch.optim.SparseAdam)"
                    )
                self._update(p, p.grad, self.state[p], group)
        return loss

    def _state_of(self, p: torch.Tensor, key: str) -> tuple[torch.Tensor, dict]:
        """``p``'s state tensor ``key`` and its parameter group (ValueError before a step)."""
        args.tensor("p", p)
        group = next((g for g in self.param_groups if any(q is p for q in g["params"])), None)
        if group is None or key not in self.state.get(p, {}):
            raise ValueError(
                "p must be a parameter of this optimizer that has taken a step (no state yet)"
            )
        return self.state[p][key], group


class Momentum(_NotesOptimizer):
    r"""Gradient descent with momentum, in the notes' EMA form.

    .. math::
        V_t = \beta V_{t-1} + (1-\beta)\, g_t, \qquad
        \omega_t = \omega_{t-1} - \eta V_t, \qquad V_0 = 0

    :math:`V_t` (state ``"V"``) is an EMA of the gradients: noise from mini-batch to
    mini-batch averages out, while a direction that persists builds up. ``beta=0`` is plain
    gradient descent.

    PyTorch's ``SGD(momentum=μ)`` instead accumulates :math:`B_t = \mu B_{t-1} + g_t` with
    :math:`B_1 = g_1` and steps :math:`\omega_t = \omega_{t-1} - \eta' B_t`. With
    :math:`\mu = \beta`, induction gives :math:`B_t = V_t/(1-\beta)`
    (:math:`B_1 = g_1 = V_1/(1-\beta)`, and
    :math:`\beta V_{t-1}/(1-\beta) + g_t = V_t/(1-\beta)`), so both follow the same path when
    :math:`\eta' = \eta\,(1-\beta)`. ``SGD(momentum=β, dampening=β)`` looks like the EMA but
    is not: it skips the dampening on its first step (:math:`B_1 = g_1`, not
    :math:`(1-\beta) g_1`), so for the same gradients :math:`B_t = V_t + \beta^t g_1`.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, beta: float = 0.9) -> None:
        defaults = {
            "lr": args.number("lr", lr, low=0),
            "beta": args.fraction("beta", beta, open_high=True),
        }
        super().__init__(params, defaults)

    def _update(self, p: torch.Tensor, g_t: torch.Tensor, state: dict, group: dict) -> None:
        eta, beta = group["lr"], group["beta"]
        if "V" not in state:
            state["t"] = 0
            state["V"] = torch.zeros_like(p)
        state["t"] += 1
        V_t = state["V"]
        V_t.mul_(beta).add_((1 - beta) * g_t)  # V_t = β V_{t-1} + (1 - β) g_t
        p.sub_(eta * V_t)  # ω_t = ω_{t-1} - η V_t


class AdaGrad(_NotesOptimizer):
    r"""AdaGrad: a per-parameter step scaled by all squared gradients so far.

    .. math::
        G_{t,i} = \sum_{k=1}^{t} g_{k,i}^2, \qquad
        \omega_{t,i} = \omega_{t-1,i} - \frac{\eta}{\sqrt{G_{t,i}} + \varepsilon}\, g_{t,i}

    :math:`G_t` (state ``"G"``) only grows, so the effective learning rate
    :math:`\eta / (\sqrt{G_t} + \varepsilon)` only shrinks: with gradients of steady size it
    falls like :math:`1/\sqrt{t}`. Same as ``torch.optim.Adagrad(lr, eps=eps)`` with
    ``initial_accumulator_value=0`` and ``lr_decay=0`` (its defaults).
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, eps: float = 1e-10) -> None:
        defaults = {"lr": args.number("lr", lr, low=0), "eps": args.number("eps", eps, low=0)}
        super().__init__(params, defaults)

    def _update(self, p: torch.Tensor, g_t: torch.Tensor, state: dict, group: dict) -> None:
        eta, eps = group["lr"], group["eps"]
        if "G" not in state:
            state["t"] = 0
            state["G"] = torch.zeros_like(p)
        state["t"] += 1
        G_t = state["G"]
        G_t.add_(g_t * g_t)  # G_t = G_{t-1} + g_t²
        p.sub_(eta * g_t / (G_t.sqrt() + eps))  # ω_t = ω_{t-1} - η g_t / (√G_t + ε)

    def effective_lr(self, p: torch.Tensor) -> torch.Tensor:
        r"""The rate of ``p``'s last step, per entry: :math:`\eta / (\sqrt{G_t} + \varepsilon)`."""
        G_t, group = self._state_of(p, "G")
        return group["lr"] / (G_t.sqrt() + group["eps"])  # η / (√G_t + ε)


class RMSProp(_NotesOptimizer):
    r"""RMSProp: AdaGrad with an EMA of squared gradients instead of their sum.

    .. math::
        V_{t,i} = \beta V_{t-1,i} + (1-\beta)\, g_{t,i}^2, \qquad
        \omega_{t,i} = \omega_{t-1,i} - \frac{\eta}{\sqrt{V_{t,i}} + \varepsilon}\, g_{t,i}

    :math:`V_t` (state ``"V"``, :math:`V_0 = 0`) forgets old gradients, so the step no
    longer shrinks for ever. Same as ``torch.optim.RMSprop(lr, alpha=beta, eps=eps)``.
    """

    def __init__(
        self, params: Iterable, lr: float = 1e-2, beta: float = 0.99, eps: float = 1e-8
    ) -> None:
        defaults = {
            "lr": args.number("lr", lr, low=0),
            "beta": args.fraction("beta", beta, open_high=True),
            "eps": args.number("eps", eps, low=0),
        }
        super().__init__(params, defaults)

    def _update(self, p: torch.Tensor, g_t: torch.Tensor, state: dict, group: dict) -> None:
        eta, beta, eps = group["lr"], group["beta"], group["eps"]
        if "V" not in state:
            state["t"] = 0
            state["V"] = torch.zeros_like(p)
        state["t"] += 1
        V_t = state["V"]
        V_t.mul_(beta).add_((1 - beta) * g_t * g_t)  # V_t = β V_{t-1} + (1 - β) g_t²
        p.sub_(eta * g_t / (V_t.sqrt() + eps))  # ω_t = ω_{t-1} - η g_t / (√V_t + ε)

    def effective_lr(self, p: torch.Tensor) -> torch.Tensor:
        r"""The rate of ``p``'s last step, per entry: :math:`\eta / (\sqrt{V_t} + \varepsilon)`."""
        V_t, group = self._state_of(p, "V")
        return group["lr"] / (V_t.sqrt() + group["eps"])  # η / (√V_t + ε)


class Adam(_NotesOptimizer):
    r"""Adam: Momentum's first moment, RMSProp's second moment, both bias-corrected.

    .. math::
        m_{t,i} = \beta_1 m_{t-1,i} + (1-\beta_1)\, g_{t,i}, \qquad
        v_{t,i} = \beta_2 v_{t-1,i} + (1-\beta_2)\, g_{t,i}^2

    .. math::
        \hat m_{t,i} = \frac{m_{t,i}}{1-\beta_1^t}, \qquad
        \hat v_{t,i} = \frac{v_{t,i}}{1-\beta_2^t}, \qquad
        \omega_{t,i} = \omega_{t-1,i} - \frac{\eta}{\sqrt{\hat v_{t,i}} + \varepsilon}\,\hat m_{t,i}

    State: ``"m"``, ``"v"`` (both start at 0) and the step count ``"t"``. On the first step
    :math:`\hat m_1 = g_1` and :math:`\hat v_1 = g_1^2`, so every parameter moves by about
    :math:`\eta` whatever the gradient's scale. Same as
    ``torch.optim.Adam(lr, betas=(beta1, beta2), eps=eps)``.
    """

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        defaults = {
            "lr": args.number("lr", lr, low=0),
            "beta1": args.fraction("beta1", beta1, open_high=True),
            "beta2": args.fraction("beta2", beta2, open_high=True),
            "eps": args.number("eps", eps, low=0),
        }
        super().__init__(params, defaults)

    def _update(self, p: torch.Tensor, g_t: torch.Tensor, state: dict, group: dict) -> None:
        eta, beta1, beta2, eps = group["lr"], group["beta1"], group["beta2"], group["eps"]
        if "m" not in state:
            state["t"] = 0
            state["m"] = torch.zeros_like(p)
            state["v"] = torch.zeros_like(p)
        state["t"] += 1
        t, m_t, v_t = state["t"], state["m"], state["v"]
        m_t.mul_(beta1).add_((1 - beta1) * g_t)  # m_t = β1 m_{t-1} + (1 - β1) g_t
        v_t.mul_(beta2).add_((1 - beta2) * g_t * g_t)  # v_t = β2 v_{t-1} + (1 - β2) g_t²
        m_hat = m_t / (1 - beta1**t)
        v_hat = v_t / (1 - beta2**t)
        p.sub_(eta * m_hat / (v_hat.sqrt() + eps))  # ω_t = ω_{t-1} - η m̂_t / (√v̂_t + ε)

    def effective_lr(self, p: torch.Tensor) -> torch.Tensor:
        r"""The rate of ``p``'s last step, per entry: :math:`\eta / (\sqrt{\hat v_t} + \varepsilon)`.

        It multiplies :math:`\hat m_t` (not :math:`g_t`) in the update, with
        :math:`\hat v_t = v_t / (1 - \beta_2^t)`.
        """
        v_t, group = self._state_of(p, "v")
        v_hat = v_t / (1 - group["beta2"] ** self.state[p]["t"])  # v̂_t = v_t / (1 - β2^t)
        return group["lr"] / (v_hat.sqrt() + group["eps"])  # η / (√v̂_t + ε)
