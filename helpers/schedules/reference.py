"""PyTorch's schedulers run for comparison: the rates they give, step by step.

The keyword arguments are checked as ours are (a negative ``gamma`` would make torch's
rates change sign, a ``T_max`` of 0 divide by zero), except that ``milestones`` may be
unsorted or repeat: that is PyTorch's behaviour the chapter shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from helpers import args
from helpers.schedules.decay import gamma_arg
from helpers.schedules.plateau import ReduceLROnPlateau, metrics_arg

__all__ = ["torch_schedule", "torch_plateau"]

#: each scheduler's keyword arguments and their checks
_TORCH_ARGS: dict[str, dict[str, Callable[[object], object]]] = {
    "StepLR": {"step_size": lambda v: args.integer("step_size", v, low=1), "gamma": gamma_arg},
    "MultiStepLR": {"milestones": lambda v: args.sizes("milestones", v, low=0), "gamma": gamma_arg},
    "ExponentialLR": {"gamma": gamma_arg},
    "CosineAnnealingLR": {
        "T_max": lambda v: args.integer("T_max", v, low=1),
        "eta_min": lambda v: args.number("eta_min", v, low=0),
    },
}


def torch_schedule(name: str, n_steps: int, *, lr: float, **kwargs: object) -> np.ndarray:
    """The rates a ``torch.optim.lr_scheduler`` class gives for ``t = 0 .. n_steps - 1``.

    ``name`` is one of ``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
    ``CosineAnnealingLR``; ``kwargs`` go to its constructor. Each step calls
    ``optimizer.step()`` and then ``scheduler.step()``, in PyTorch's documented order.
    """
    name = args.one_of("name", name, tuple(_TORCH_ARGS))
    n_steps = args.integer("n_steps", n_steps, low=1)
    lr = args.number("lr", lr, low=0, low_open=True)
    for key, value in kwargs.items():
        if key not in _TORCH_ARGS[name]:
            raise TypeError(f"{name} takes {sorted(_TORCH_ARGS[name])}, got an argument {key!r}")
        _TORCH_ARGS[name][key](value)
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = getattr(torch.optim.lr_scheduler, name)(optimizer, **kwargs)
    out = [optimizer.param_groups[0]["lr"]]
    for _ in range(n_steps - 1):
        optimizer.step()  # no gradient: changes nothing, but keeps the documented order
        scheduler.step()
        out.append(optimizer.param_groups[0]["lr"])
    return np.asarray(out, dtype=np.float64)


def torch_plateau(
    metrics: Sequence[float] | np.ndarray, *, lr: float, **kwargs: object
) -> tuple[np.ndarray, list[int]]:
    """``torch.optim.lr_scheduler.ReduceLROnPlateau`` over a metric curve.

    Same return convention as ``reduce_on_plateau``: the rate of each epoch, and the
    epochs (1-based) after which the rate dropped. ``kwargs`` are checked by our
    ``ReduceLROnPlateau``, which takes the same ones.
    """
    values = metrics_arg(metrics)
    lr = args.number("lr", lr, low=0, low_open=True)
    ReduceLROnPlateau(lr, **kwargs)  # type: ignore[arg-type]  # the same checks as ours
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **kwargs)
    lrs, reductions = [], []
    for epoch, m in enumerate(values, start=1):
        before = optimizer.param_groups[0]["lr"]
        lrs.append(before)
        optimizer.step()
        scheduler.step(m)
        if optimizer.param_groups[0]["lr"] < before:
            reductions.append(epoch)
    return np.asarray(lrs, dtype=np.float64), reductions
