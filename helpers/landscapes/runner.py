r"""The trajectory runner: any optimizer on a landscape, every point, loss and gradient.

``run(landscape, make_optimizer, start, steps)`` runs any optimizer (``helpers.optim``'s or
``torch.optim``'s: ``make_optimizer`` receives the parameter list) for ``steps`` updates
and records every point, loss and gradient. Several starts go in one call: the points are
rows of one ``(K, 2)`` parameter tensor, and because every optimizer here updates each
entry on its own (elementwise), the rows are K independent runs for the price of one.

A run *diverges* at step :math:`k` when :math:`\omega_k` is not finite or has left the
divergence box (the plot box widened by half its size on every side): the trajectory keeps
:math:`\omega_0 \dots \omega_{k-1}` and says ``"diverged at step k"``; nothing is warned.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch.optim import optimizer as _torch_optimizer

from helpers import args
from helpers.landscapes.surfaces import LANDSCAPES, Landscape, get

__all__ = ["Trajectory", "run", "run_many"]


@dataclass
class Trajectory:
    """One optimizer run on a landscape: points ω_0..ω_n with their losses and gradients.

    ``path[k]`` is ω_k (after k updates), ``loss[k] = f(ω_k)``, ``grad[k] = ∇f(ω_k)`` (the
    gradient the (k+1)-th update uses). When the run diverged, ``diverged_at = k`` is the
    first step whose point was not finite or left the divergence box, and the arrays stop
    at step k - 1.
    """

    path: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    steps: int  # updates asked for
    diverged_at: int | None = None
    reason: str | None = None

    @property
    def diverged(self) -> bool:
        """True when the run stopped early (see ``diverged_at`` and ``reason``)."""
        return self.diverged_at is not None

    @property
    def end(self) -> np.ndarray:
        """The last recorded point."""
        return self.path[-1]

    def at(self, k: int) -> int:
        """The index of the point shown at step ``k`` (clamped to the recorded range)."""
        return min(max(args.integer("k", k), 0), len(self.path) - 1)

    def status(self) -> str:
        """'ran 200 steps' or 'diverged at step 17 (left the plot box)'."""
        if self.diverged_at is None:
            return f"ran {self.steps} steps"
        return f"diverged at step {self.diverged_at} ({self.reason})"


def _start_points(ls: Landscape, start: object) -> torch.Tensor:
    try:
        w0 = torch.as_tensor(np.asarray(start, dtype=np.float64))
    except (TypeError, ValueError) as err:
        raise ValueError(f"start must be a point (2,) or points (K, 2), got {start!r}") from err
    if w0.shape[-1:] != (2,) or w0.ndim not in (1, 2) or w0.numel() == 0:
        raise ValueError(f"start must have shape (2,) or (K, 2), got {tuple(w0.shape)}")
    x_lo, x_hi, y_lo, y_hi = ls.limit()
    inside = (
        (w0[..., 0] >= x_lo) & (w0[..., 0] <= x_hi) & (w0[..., 1] >= y_lo) & (w0[..., 1] <= y_hi)
    )
    if not (torch.isfinite(w0).all() and inside.all()):
        raise ValueError(
            f"start must be finite and inside the divergence box x in [{x_lo}, {x_hi}], "
            f"y in [{y_lo}, {y_hi}], got {w0.tolist()}"
        )
    return w0


def _stepper(optimizer: torch.optim.Optimizer) -> Callable[[], object]:
    """``optimizer.step`` without PyTorch's per-call profiling wrapper, when that is safe.

    ``torch.optim.Optimizer`` wraps every subclass's ``step`` in a function that opens a
    ``record_function`` profiler range and runs the step hooks: about 40 µs a call, a third
    of a 2-parameter step. The runner calls ``step`` hundreds of times per setting, so it
    calls the wrapped function directly (``functools.wraps`` keeps it as ``__wrapped__``),
    unless a step hook is registered (then hooks must run) or the wrapper is not there.
    """
    raw = getattr(type(optimizer).step, "__wrapped__", None)
    optimizer_module = _torch_optimizer
    hooks = (
        getattr(optimizer, "_optimizer_step_pre_hooks", None),
        getattr(optimizer, "_optimizer_step_post_hooks", None),
        getattr(optimizer_module, "_global_optimizer_pre_hooks", None),
        getattr(optimizer_module, "_global_optimizer_post_hooks", None),
    )
    if raw is None or any(h is None or len(h) for h in hooks):
        return optimizer.step
    return functools.partial(raw, optimizer)


def run_many(
    landscape: Landscape | str,
    makers: Mapping[str, Callable[[list[torch.Tensor]], torch.optim.Optimizer]],
    start: Sequence[float] | Sequence[Sequence[float]] | torch.Tensor | np.ndarray,
    steps: int = 200,
    *,
    check_every: int = 25,
) -> dict[str, Trajectory] | dict[str, list[Trajectory]]:
    r"""Run several optimizers side by side on one landscape, all from ``start``.

    ``makers`` maps a name to ``make_optimizer(params) -> Optimizer``, e.g.
    ``{"Adam": lambda p: optim.Adam(p, lr=0.1), "SGD": functools.partial(torch.optim.SGD,
    lr=0.1)}``. Each optimizer gets its own parameter tensor; every step evaluates
    :math:`f(\omega_{t-1})` for all of them at once and one autograd call gives every
    :math:`g_t = \nabla f(\omega_{t-1})`; each point, loss and gradient is recorded, then
    every optimizer takes its ``step()``.

    ``start`` is one point (2,) -> ``{name: Trajectory}``, or K points (K, 2) ->
    ``{name: [K trajectories]}`` (rows of one tensor: valid for optimizers that update
    elementwise, as all of this course's do). Divergence is found after the run (and every
    ``check_every`` steps, to stop early once everything has diverged): no per-step
    synchronisation, no warnings.
    """
    ls = (
        get(args.one_of("landscape", landscape, LANDSCAPES))
        if isinstance(landscape, str)
        else landscape
    )
    if not isinstance(ls, Landscape):
        raise ValueError(f"landscape must be a Landscape or a name, got {type(landscape).__name__}")
    steps = args.integer("steps", steps, low=0)
    check_every = args.integer("check_every", check_every, low=0)
    if not isinstance(makers, Mapping) or not makers:
        raise ValueError("makers must be a non-empty mapping: name -> (params -> Optimizer)")
    w0 = _start_points(ls, start)
    single = w0.ndim == 1
    w0 = w0.reshape(-1, 2)
    names = list(makers)
    ws, optimizers = [], []
    for name in names:
        make = makers[name]
        if not callable(make):
            raise ValueError(f"makers[{name!r}] must be callable: params -> torch.optim.Optimizer")
        w = w0.clone().requires_grad_(True)
        optimizer = make([w])
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise ValueError(
                f"makers[{name!r}] must return a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
        ws.append(w)
        optimizers.append(optimizer)
    steppers = [_stepper(opt) for opt in optimizers]
    m, k_rows = len(names), w0.shape[0]
    points = torch.empty(steps + 1, m, k_rows, 2, dtype=torch.float64)
    losses = torch.empty(steps + 1, m, k_rows, dtype=torch.float64)
    grads = torch.empty(steps + 1, m, k_rows, 2, dtype=torch.float64)
    x_lo, x_hi, y_lo, y_hi = ls.limit()
    lo = torch.tensor([x_lo, y_lo], dtype=torch.float64)
    hi = torch.tensor([x_hi, y_hi], dtype=torch.float64)
    f = ls.f
    done = steps + 1
    for t in range(steps + 1):
        W = torch.stack(ws)  # (M, K, 2): every optimizer's current points
        loss = f(W[..., 0], W[..., 1])
        g_t = torch.autograd.grad(loss.sum(), ws)
        points[t] = W.detach()
        losses[t] = loss.detach()
        grads[t] = torch.stack(g_t)
        if t == steps:
            break
        if check_every and t and t % check_every == 0:
            seen = points[t]
            ok = torch.isfinite(seen).all(-1) & (seen >= lo).all(-1) & (seen <= hi).all(-1)
            if not bool(ok.any()):  # every run has left: nothing more to record
                done = t + 1
                break
        for w, g, step in zip(ws, g_t, steppers, strict=True):
            w.grad = g
            step()
    points_np, losses_np, grads_np = (
        points[:done].numpy(),
        losses[:done].numpy(),
        grads[:done].numpy(),
    )
    finite = np.isfinite(points_np).all(-1)
    with np.errstate(invalid="ignore"):
        inside = (points_np >= lo.numpy()).all(-1) & (points_np <= hi.numpy()).all(-1)
    good = finite & inside  # (T, M, K)
    result: dict[str, Trajectory | list[Trajectory]] = {}
    for j, name in enumerate(names):
        rows = []
        for i in range(k_rows):
            bad_steps = np.flatnonzero(~good[:, j, i])
            k = int(bad_steps[0]) if bad_steps.size else len(good)
            rows.append(
                Trajectory(
                    points_np[:k, j, i].copy(),
                    losses_np[:k, j, i].copy(),
                    grads_np[:k, j, i].copy(),
                    steps,
                    k if bad_steps.size else None,
                    None
                    if not bad_steps.size
                    else ("not finite" if not finite[k, j, i] else "left the plot box"),
                )
            )
        result[name] = rows[0] if single else rows
    return result  # type: ignore[return-value]


def run(
    landscape: Landscape | str,
    make_optimizer: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    start: Sequence[float] | Sequence[Sequence[float]] | torch.Tensor | np.ndarray,
    steps: int = 200,
    *,
    check_every: int = 25,
) -> Trajectory | list[Trajectory]:
    r"""Run one optimizer on a landscape for ``steps`` updates from ``start``.

    ``make_optimizer(params)`` builds the optimizer, e.g. ``lambda p: optim.Adam(p, lr=0.1)``
    or ``functools.partial(torch.optim.SGD, lr=0.1)``. ``start`` is one point (2,) -> one
    ``Trajectory``, or K points (K, 2) -> a list of K trajectories. See ``run_many``.
    """
    makers = {"make_optimizer": make_optimizer}  # so that an error names make_optimizer
    return run_many(landscape, makers, start, steps, check_every=check_every)["make_optimizer"]
