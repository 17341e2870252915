r"""Learning-rate schedules from the notes (section 7), written from their formulas.

The time-based schedules are closed forms of the step count :math:`t = 0, 1, 2, \dots`
(the number of ``scheduler.step()`` calls so far: epochs when you step once per epoch):

* step decay        :math:`\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}`
* multi-step decay  :math:`\eta_t = \eta_0\,\gamma^{\,|\{m \in M : m \le t\}|}`
* exponential decay :math:`\eta_t = \eta_0\,\gamma^t`
* cosine annealing  :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_{\max}-\eta_{\min})
  \bigl(1 + \cos(\pi t / T_{\max})\bigr)`

Each takes ``t`` as one int (returns a float) or a sequence/array of ints (returns a
float64 array). ``ReduceLROnPlateau`` is metric based, so it is a small class with state
(best value so far, bad epochs, cooldown) instead of a formula.

PyTorch's schedulers (``torch.optim.lr_scheduler``) compute the same values *recursively*
(``lr *= gamma`` at each decay, a ratio of cosines for cosine annealing), so they round
differently. ``torch_schedule`` and ``torch_plateau`` run them for comparison, and
``cosine_recursive`` repeats PyTorch's cosine recursion operation for operation.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "UNIT_ROUNDOFF",
    "step_decay",
    "multistep",
    "exponential",
    "cosine_annealing",
    "cosine_recursive",
    "cosine_gap_bound",
    "ReduceLROnPlateau",
    "reduce_on_plateau",
    "torch_schedule",
    "torch_plateau",
]

#: u = 2^-53: the largest relative error of one correctly rounded float64 operation.
UNIT_ROUNDOFF = 2.0**-53

Steps = int | Sequence[int] | np.ndarray


# -- validation ------------------------------------------------------------------------
def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _positive_float(name: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    ok = value >= 0.0 if allow_zero else value > 0.0
    if not (ok and math.isfinite(value)):
        allowed = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {allowed}, got {value!r}")
    return value


def _gamma(gamma: object) -> float:
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real):
        raise ValueError(f"gamma must be a real number, got {gamma!r}")
    gamma = float(gamma)
    if not (gamma > 0.0 and math.isfinite(gamma)):
        raise ValueError(
            f"gamma must be finite and > 0 (a decay uses 0 < gamma < 1), got {gamma!r}"
        )
    return gamma


def _positive_int(name: str, value: object) -> int:
    if not _is_int(value) or int(value) < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _steps(t: object) -> tuple[list[int], bool]:
    """The step counts as a list of Python ints, and whether ``t`` was a single int."""
    if _is_int(t):
        values, scalar = [int(t)], True
    else:
        if isinstance(t, str | bytes | bool) or t is None:
            raise ValueError(f"t must be a non-negative int or a sequence of them, got {t!r}")
        try:
            arr = np.asarray(t)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"t must be a non-negative int or a sequence of them, got {t!r}"
            ) from err
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise ValueError(
                "t must be a non-negative int or a 1-D sequence of ints (step counts), "
                f"got {'an array of ' + str(arr.dtype) if arr.ndim == 1 else f'shape {arr.shape}'}"
            )
        values, scalar = [int(v) for v in arr], False
    if any(v < 0 for v in values):
        raise ValueError(f"t counts steps and must be >= 0, got {min(values)}")
    return values, scalar


def _result(values: list[float], scalar: bool) -> float | np.ndarray:
    return values[0] if scalar else np.asarray(values, dtype=np.float64)


def _milestones(milestones: object) -> list[int]:
    if isinstance(milestones, str | bytes) or not isinstance(milestones, Sequence | np.ndarray):
        raise ValueError(f"milestones must be a sequence of ints, got {milestones!r}")
    values = list(milestones)
    if not all(_is_int(m) and int(m) >= 0 for m in values):
        raise ValueError(f"milestones must be non-negative ints, got {values!r}")
    values = [int(m) for m in values]
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError(
            f"milestones must be strictly increasing (sorted, no repeats), got {values!r}"
        )
    return values


# -- time-based schedules --------------------------------------------------------------
def step_decay(t: Steps, *, eta_0: float, step_size: int, gamma: float = 0.1) -> float | np.ndarray:
    r"""Step decay (``StepLR``): multiply by :math:`\gamma` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}, \qquad s = \text{step\_size}
    """
    eta_0 = _positive_float("eta_0", eta_0)
    step_size = _positive_int("step_size", step_size)
    gamma = _gamma(gamma)
    ts, scalar = _steps(t)
    return _result([eta_0 * gamma ** (t_ // step_size) for t_ in ts], scalar)


def multistep(
    t: Steps, *, eta_0: float, milestones: Sequence[int], gamma: float = 0.1
) -> float | np.ndarray:
    r"""Multi-step decay (``MultiStepLR``): multiply by :math:`\gamma` at each milestone.

    .. math:: \eta_t = \eta_0\,\gamma^{\,k(t)}, \qquad k(t) = |\{m \in M : m \le t\}|

    ``milestones`` (:math:`M`) must be strictly increasing non-negative ints.
    """
    eta_0 = _positive_float("eta_0", eta_0)
    gamma = _gamma(gamma)
    ms = _milestones(milestones)
    ts, scalar = _steps(t)
    return _result([eta_0 * gamma ** sum(m <= t_ for m in ms) for t_ in ts], scalar)


def exponential(t: Steps, *, eta_0: float, gamma: float) -> float | np.ndarray:
    r"""Exponential decay (``ExponentialLR``).

    .. math:: \eta_t = \eta_0\,\gamma^t
    """
    eta_0 = _positive_float("eta_0", eta_0)
    gamma = _gamma(gamma)
    ts, scalar = _steps(t)
    return _result([eta_0 * gamma**t_ for t_ in ts], scalar)


def _cosine_args(eta_max: object, T_max: object, eta_min: object) -> tuple[float, int, float]:
    eta_max = _positive_float("eta_max", eta_max)
    T_max = _positive_int("T_max", T_max)
    eta_min = _positive_float("eta_min", eta_min, allow_zero=True)
    if eta_min > eta_max:
        raise ValueError(f"eta_min must be in [0, eta_max] = [0, {eta_max}], got {eta_min}")
    return eta_max, T_max, eta_min


def cosine_annealing(
    t: Steps, *, eta_max: float, T_max: int, eta_min: float = 0.0, hold: bool = False
) -> float | np.ndarray:
    r"""Cosine annealing (``CosineAnnealingLR``) in closed form.

    .. math::
        \eta_t = \eta_{\min} + \tfrac12(\eta_{\max}-\eta_{\min})
                 \Bigl(1 + \cos\bigl(\tfrac{\pi t}{T_{\max}}\bigr)\Bigr)

    Past :math:`T_{\max}` the formula keeps going: the cosine climbs back to
    :math:`\eta_{\max}` at :math:`t = 2T_{\max}` (PyTorch does the same). ``hold=True``
    uses :math:`\min(t, T_{\max})` instead, so the rate stays at :math:`\eta_{\min}`.
    """
    eta_max, T_max, eta_min = _cosine_args(eta_max, T_max, eta_min)
    ts, scalar = _steps(t)
    values = []
    for t_ in ts:
        t_ = min(t_, T_max) if hold else t_
        values.append(eta_min + 0.5 * (eta_max - eta_min) * (1.0 + math.cos(math.pi * t_ / T_max)))
    return _result(values, scalar)


def cosine_recursive(
    n_steps: int, *, eta_max: float, T_max: int, eta_min: float = 0.0
) -> np.ndarray:
    r"""PyTorch's recursive cosine annealing for ``t = 0 .. n_steps - 1``, op for op.

    ``CosineAnnealingLR.get_lr`` never evaluates the closed form; it rescales the
    previous rate by the ratio of two consecutive cosine terms:

    .. math::
        \eta_t = \eta_{\min} + (\eta_{t-1} - \eta_{\min})
                 \frac{1 + \cos(\pi t / T_{\max})}{1 + \cos(\pi (t-1) / T_{\max})}

    At :math:`t - 1 = T_{\max}` (mod :math:`2T_{\max}`) the denominator is 0, so it adds
    the closed-form increment instead:
    :math:`\eta_t = \eta_{t-1} + \tfrac12(\eta_{\max}-\eta_{\min})(1 - \cos(\pi/T_{\max}))`.
    Every rounding error of a step is carried into the next one.
    """
    eta_max, T_max, eta_min = _cosine_args(eta_max, T_max, eta_min)
    n_steps = _positive_int("n_steps", n_steps)
    lr = eta_max
    out = [lr]
    for t in range(1, n_steps):
        if (t - 1 - T_max) % (2 * T_max) == 0:
            lr = lr + (eta_max - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        else:
            lr = (1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max)) * (
                lr - eta_min
            ) + eta_min
        out.append(lr)
    return np.asarray(out, dtype=np.float64)


def cosine_gap_bound(
    n_steps: int, *, eta_max: float, T_max: int, eta_min: float = 0.0
) -> np.ndarray:
    r"""A bound on |closed form - PyTorch's recursion| for ``t = 0 .. n_steps - 1``.

    First-order rounding analysis with :math:`u = 2^{-53}`, :math:`c_t = 1 + \cos(\pi t /
    T_{\max})`, :math:`\Delta = \eta_{\max} - \eta_{\min}`. Computing :math:`c_t` costs
    an absolute error :math:`a_t = u(3\pi t/T_{\max} + 3)` (the argument, ``cos`` itself
    and the sum). One recursive step, with ratio :math:`r_t = c_t / c_{t-1}`, carries the
    previous error :math:`e_{t-1}` forward and adds new rounding:

    .. math::
        e_t \le r_t\,e_{t-1} + \tfrac{\Delta}{2}\bigl(a_t + r_t a_{t-1} + 3u\,c_t\bigr)
              + u\,\eta_t .

    At :math:`t = T_{\max}` (mod :math:`2T_{\max}`) both sides are exactly
    :math:`\eta_{\min}` (the computed :math:`c_t` is exactly 0), so :math:`e_t = 0`. Past
    :math:`T_{\max}` the ratios :math:`r_t` exceed 1 and *amplify* earlier errors: the
    gap grows there. The closed form adds its own
    :math:`\tfrac{\Delta}{2} a_t + 2u\,\eta_t`. The result is doubled to cover
    second-order terms. With :math:`\eta_{\min} = 0` the bound is loose: the recursion is
    then a pure product in which each rounded :math:`c_s` appears as a numerator and again
    as a denominator, so its error cancels; the bound does not count on that.
    """
    eta_max, T_max, eta_min = _cosine_args(eta_max, T_max, eta_min)
    n_steps = _positive_int("n_steps", n_steps)
    u = UNIT_ROUNDOFF
    half = 0.5 * (eta_max - eta_min)

    def c(t: int) -> float:
        return 1.0 + math.cos(math.pi * t / T_max)

    def a(t: int) -> float:
        return u * (3.0 * math.pi * t / T_max + 3.0)

    e = 0.0  # PyTorch starts from eta_max itself
    bounds = [2.0 * (half * a(0) + 2.0 * u * eta_max)]
    for t in range(1, n_steps):
        eta_t = eta_min + half * c(t)
        if t % (2 * T_max) == T_max:
            e = 0.0
        elif (t - 1) % (2 * T_max) == T_max:
            e = half * (a(1) + 3.0 * u * c(t)) + u * eta_t
        else:
            r = c(t) / c(t - 1)
            e = r * e + half * (a(t) + r * a(t - 1) + 3.0 * u * c(t)) + u * eta_t
        ours = 0.0 if t % (2 * T_max) == T_max else half * a(t) + 2.0 * u * eta_t
        bounds.append(2.0 * (e + ours))
    return np.asarray(bounds, dtype=np.float64)


# -- metric-based: ReduceLROnPlateau ---------------------------------------------------
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
        self.eta_0 = _positive_float("eta_0", eta_0)
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' (a loss) or 'max' (an accuracy), got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if (
            isinstance(factor, bool)
            or not isinstance(factor, numbers.Real)
            or not 0.0 < factor < 1.0
        ):
            raise ValueError(f"factor must be in (0, 1) (new lr = factor * lr), got {factor!r}")
        if not _is_int(patience) or patience < 0:
            raise ValueError(f"patience must be an int >= 0, got {patience!r}")
        if not _is_int(cooldown) or cooldown < 0:
            raise ValueError(f"cooldown must be an int >= 0, got {cooldown!r}")
        self.mode = mode
        self.threshold_mode = threshold_mode
        self.factor = float(factor)
        self.patience = int(patience)
        self.cooldown = int(cooldown)
        self.threshold = _positive_float("threshold", threshold, allow_zero=True)
        self.min_lr = _positive_float("min_lr", min_lr, allow_zero=True)
        self.eps = _positive_float("eps", eps, allow_zero=True)
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
        if isinstance(metric, bool) or not isinstance(metric, numbers.Real):
            try:
                metric = float(metric)  # a 0-d tensor or array
            except (TypeError, ValueError) as err:
                raise ValueError(f"metric must be a real number, got {metric!r}") from err
        metric = float(metric)
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
    try:
        values = np.asarray(metrics, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"metrics must be a sequence of numbers, got {metrics!r}") from err
    if values.ndim != 1:
        raise ValueError(f"metrics must be 1-D (one value per epoch), got shape {values.shape}")
    sched = ReduceLROnPlateau(eta_0, **kwargs)  # type: ignore[arg-type]
    lrs = [sched.lr]
    for m in values[:-1]:
        lrs.append(sched.step(float(m)))
    if len(values):
        sched.step(float(values[-1]))
    return np.asarray(lrs[: len(values)], dtype=np.float64), sched.reductions


# -- PyTorch, for comparison -----------------------------------------------------------
_TORCH_NAMES = ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR")


def torch_schedule(name: str, n_steps: int, *, lr: float, **kwargs: object) -> np.ndarray:
    """The rates a ``torch.optim.lr_scheduler`` class gives for ``t = 0 .. n_steps - 1``.

    ``name`` is one of ``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
    ``CosineAnnealingLR``; ``kwargs`` go to its constructor. Each step calls
    ``optimizer.step()`` and then ``scheduler.step()``, in PyTorch's documented order.
    """
    import torch

    if name not in _TORCH_NAMES:
        raise ValueError(f"name must be one of {_TORCH_NAMES}, got {name!r}")
    n_steps = _positive_int("n_steps", n_steps)
    lr = _positive_float("lr", lr)
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
    epochs (1-based) after which the rate dropped.
    """
    import torch

    lr = _positive_float("lr", lr)
    values = [float(m) for m in metrics]
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
