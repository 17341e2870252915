r"""The metric-based schedule: ``ReduceLROnPlateau`` and a runner over a recorded curve."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from helpers import args

__all__ = ["ReduceLROnPlateau", "reduce_on_plateau", "metric_arg", "metrics_arg"]


def metric_arg(name: str, value: object) -> float:
    """A monitored metric as a float. NaN passes (a diverged epoch: never an improvement,
    as in PyTorch); anything that is not a real number is refused."""
    if isinstance(value, torch.Tensor | np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, float | np.floating) and math.isnan(value):
        return math.nan
    return args.number(name, value, finite=False)


def metrics_arg(metrics: object) -> list[float]:
    """A 1-D curve of metrics, one number per epoch (each as ``metric_arg``)."""
    if isinstance(metrics, str | bytes) or not isinstance(metrics, Sequence | np.ndarray):
        raise ValueError(f"metrics must be a sequence of numbers, got {type(metrics).__name__}")
    return [metric_arg(f"metrics[{i}]", m) for i, m in enumerate(metrics)]


class ReduceLROnPlateau:
    r"""Cut the learning rate when a monitored metric stops improving.

    After each epoch :math:`e = 1, 2, \dots` call ``step(metric)``. The metric
    *improves* on the best value so far, :math:`m^*`, when (``mode="min"``)

    .. math::
        m_e < m^*(1 - \theta) \ \ (\text{threshold\_mode} = \text{"rel"}), \qquad
        m_e < m^* - \theta \ \ (\text{"abs"}),

    and with ``mode="max"`` when :math:`m_e > m^*(1 + \theta)` or
    :math:`m_e > m^* + \theta`. An improvement resets the count of bad epochs; otherwise it
    grows by one. When the count exceeds ``patience``, the rate is reduced,

    .. math:: \eta \leftarrow \max(f\,\eta,\ \eta_{\text{low}}),

    (:math:`f` = ``factor``, :math:`\eta_{\text{low}}` = ``min_lr``; a cut smaller than
    ``eps`` is skipped), the count restarts and ``cooldown`` epochs follow in which bad
    epochs are not counted. As in PyTorch, ``"rel"`` mode multiplies by :math:`m^*`,
    so it assumes a positive metric (with a negative :math:`m^*` the bar moves the other
    way).

    Attributes: ``lr`` (the rate for the next epoch), ``best`` (:math:`m^*`),
    ``num_bad_epochs``, ``cooldown_counter``, ``epoch`` (metrics seen so far) and
    ``reductions`` (the epochs whose metric triggered a cut; the new rate applies from
    the next epoch on).
    """

    def __init__(
        self,
        eta_0: float,
        *,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self.eta_0 = args.number("eta_0", eta_0, low=0, low_open=True)
        self.mode = args.one_of("mode", mode, ("min", "max"))
        self.factor = args.number("factor", factor, low=0, high=1, low_open=True, high_open=True)
        self.patience = args.integer("patience", patience, low=0)
        self.threshold = args.number("threshold", threshold, low=0)
        self.threshold_mode = args.one_of("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = args.integer("cooldown", cooldown, low=0)
        self.min_lr = args.number("min_lr", min_lr, low=0)
        self.eps = args.number("eps", eps, low=0)
        self.lr = self.eta_0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.epoch = 0
        self.reductions: list[int] = []

    def is_better(self, metric: float, best: float) -> bool:
        """Whether ``metric`` improves on ``best`` by more than the threshold."""
        if self.mode == "min":
            bar = (
                best * (1.0 - self.threshold)
                if self.threshold_mode == "rel"
                else best - self.threshold
            )
            return metric < bar
        bar = (
            best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold
        )
        return metric > bar

    def step(self, metric: float) -> float:
        """Take the metric of the epoch just finished; return the rate for the next one."""
        metric = metric_arg("metric", metric)
        self.epoch += 1
        if self.is_better(metric, self.best):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1  # NaN never improves: it counts as a bad epoch
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during the cooldown are not counted
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
                self.reductions.append(self.epoch)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return self.lr

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(lr={self.lr:.4g}, mode={self.mode!r}, factor={self.factor:g}, "
            f"patience={self.patience}, epoch={self.epoch}, reductions={self.reductions})"
        )


def reduce_on_plateau(
    metrics: Sequence[float] | np.ndarray, *, eta_0: float, **kwargs: object
) -> tuple[np.ndarray, list[int]]:
    """Run ``ReduceLROnPlateau`` over a recorded metric curve (one value per epoch).

    Returns ``(lrs, reductions)``: ``lrs[i]`` is the rate used in epoch ``i + 1`` (so
    ``lrs[0] = eta_0``; the metric ``metrics[i]`` is measured after that epoch), and
    ``reductions`` lists the epochs (1-based) whose metric triggered a cut.
    """
    values = metrics_arg(metrics)
    sched = ReduceLROnPlateau(eta_0, **kwargs)  # type: ignore[arg-type]
    lrs = [sched.lr]
    for m in values[:-1]:
        lrs.append(sched.step(m))
    if values:
        sched.step(values[-1])
    return np.asarray(lrs[: len(values)], dtype=np.float64), sched.reductions
