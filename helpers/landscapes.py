r"""2-D loss surfaces for watching optimizers, and a runner that records their paths.

Each ``Landscape`` is a function :math:`f(x, y)` of two parameters, written with torch
operations so that autograd gives its gradient :math:`\nabla f = (\partial f/\partial x,
\partial f/\partial y)`, together with its known minima and the box it is drawn in.
Every surface lives in the same box :math:`[-2, 2]^2`, so one set of start-point sliders
serves them all. ``LANDSCAPES`` lists their names; ``get(name)`` returns one.

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
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.optim import optimizer as _torch_optimizer

from helpers import optim

__all__ = [
    "BOX",
    "LANDSCAPES",
    "OPTIMIZERS",
    "Landscape",
    "Trajectory",
    "get",
    "optimizer_maker",
    "run",
    "run_many",
]

#: the plot box every landscape is drawn in: (x_min, x_max, y_min, y_max)
BOX = (-2.0, 2.0, -2.0, 2.0)

Surface = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Landscape:
    """A 2-D test function with its minima, a suggested start and suggested learning rates.

    ``f(x, y)`` works elementwise on tensors (any shape); ``minima`` holds every local
    minimum, the global one first; ``lr_gd`` suits GD and Momentum (steps scale with the
    gradient), ``lr_adaptive`` suits AdaGrad, RMSProp and Adam (steps of about ``lr``).
    """

    name: str
    title: str
    formula: str  # LaTeX, for titles and the notebook
    f: Surface = field(repr=False)
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    lr_gd: float
    lr_adaptive: float
    description: str = ""
    saddles: tuple[tuple[float, float], ...] = ()
    box: tuple[float, float, float, float] = BOX

    # -- values and gradients ----------------------------------------------------------
    def __call__(self, w: torch.Tensor | Sequence[float]) -> torch.Tensor:
        """f at points ``w`` of shape (..., 2) (float64)."""
        w = _as_points(w)
        return self.f(w[..., 0], w[..., 1])

    def grad(self, w: torch.Tensor | Sequence[float]) -> torch.Tensor:
        r"""∇f at points ``w`` (..., 2), by autograd: :math:`(\partial f/\partial x, \partial f/\partial y)`."""
        w = _as_points(w).detach().clone().requires_grad_(True)
        with torch.enable_grad():
            (g,) = torch.autograd.grad(self(w).sum(), w)
        return g

    @property
    def minimum(self) -> tuple[float, float]:
        """The global minimum's location."""
        return self.minima[0]

    @property
    def f_min(self) -> float:
        """The global minimum's value."""
        return float(self(self.minimum))

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``X, Y, Z`` on an n x n grid over the box, for contour plots."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ValueError(f"n must be an int >= 2, got {n!r}")
        x0, x1, y0, y1 = self.box
        xs = torch.linspace(x0, x1, n, dtype=torch.float64)
        ys = torch.linspace(y0, y1, n, dtype=torch.float64)
        Y, X = torch.meshgrid(ys, xs, indexing="ij")
        with torch.no_grad():
            Z = self.f(X, Y)
        return X.numpy(), Y.numpy(), Z.numpy()

    def limit(self) -> tuple[float, float, float, float]:
        """The divergence box: the plot box widened by half its width/height on each side."""
        x0, x1, y0, y1 = self.box
        dx, dy = (x1 - x0) / 2, (y1 - y0) / 2
        return (x0 - dx, x1 + dx, y0 - dy, y1 + dy)


def _as_points(w: torch.Tensor | Sequence[float]) -> torch.Tensor:
    w = torch.as_tensor(w, dtype=torch.float64)
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {tuple(w.shape)}")
    return w


# -- the surfaces ---------------------------------------------------------------------------
def _ravine(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 0.5 * (0.2 * x**2 + 4.0 * y**2)


_C, _S = math.cos(math.pi / 4), math.sin(math.pi / 4)


def _rotated_ravine(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    u, v = _C * x + _S * y, -_S * x + _C * y  # the ravine turned by 45 degrees
    return _ravine(u, v)


def _rosenbrock(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _saddle(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x**2 + y**4 / 4 - y**2 / 2


_TILT_X, _TILT_Y = 0.3, 0.15


def _wells(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (x**2 - 1) ** 2 + (y**2 - 1) ** 2 + _TILT_X * x + _TILT_Y * y


_PLATEAU_C = (0.5, 0.5)


def _plateau(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r2 = (x - _PLATEAU_C[0]) ** 2 + (y - _PLATEAU_C[1]) ** 2
    return 1 - torch.exp(-r2) + 0.002 * r2


def _double_well_minima(tilt: float) -> tuple[float, float]:
    """The two minima of (u² - 1)² + tilt·u: roots of 4u³ - 4u + tilt, outer two."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, tilt]).real)
    return float(roots[0]), float(roots[2])


@functools.cache
def _all() -> dict[str, Landscape]:
    xm, xp = _double_well_minima(_TILT_X)
    ym, yp = _double_well_minima(_TILT_Y)
    wells = [(x, y) for x in (xm, xp) for y in (ym, yp)]
    wells.sort(key=lambda p: float(_wells(torch.tensor(p[0]), torch.tensor(p[1]))))
    items = [
        Landscape(
            "ravine",
            "ravine (ill-conditioned quadratic)",
            r"$f = \frac{1}{2}(0.2x^2 + 4y^2)$",
            _ravine,
            minima=((0.0, 0.0),),
            start=(-1.8, 1.0),
            lr_gd=0.4,
            lr_adaptive=0.1,
            description="curvature 4 across the valley, 0.2 along it (condition number 20)",
        ),
        Landscape(
            "rotated ravine",
            "rotated ravine",
            r"the ravine turned by 45°",
            _rotated_ravine,
            minima=((0.0, 0.0),),
            start=(-1.6, -0.6),
            lr_gd=0.4,
            lr_adaptive=0.1,
            description="the same valley, not aligned with the axes",
        ),
        Landscape(
            "rosenbrock",
            "Rosenbrock",
            r"$f = (1-x)^2 + 100(y-x^2)^2$",
            _rosenbrock,
            minima=((1.0, 1.0),),
            start=(-1.2, 1.0),
            lr_gd=2e-3,
            lr_adaptive=0.1,
            description="a curved, flat-bottomed valley (the 'banana')",
        ),
        Landscape(
            "saddle",
            "saddle",
            r"$f = x^2 + \frac{y^4}{4} - \frac{y^2}{2}$",
            _saddle,
            minima=((0.0, 1.0), (0.0, -1.0)),
            saddles=((0.0, 0.0),),
            start=(-1.8, 0.01),
            lr_gd=0.1,
            lr_adaptive=0.05,
            description="a saddle point at (0, 0) between minima at (0, ±1)",
        ),
        Landscape(
            "wells",
            "four wells (several minima)",
            r"$f = (x^2-1)^2 + (y^2-1)^2 + 0.3x + 0.15y$",
            _wells,
            minima=tuple(wells),
            start=(1.9, 1.9),
            lr_gd=0.02,
            lr_adaptive=0.05,
            description="four minima of different depths; the global one is lower left",
        ),
        Landscape(
            "plateau",
            "plateau",
            r"$f = 1 - e^{-r^2} + 0.002\,r^2$, $r$ = distance to (0.5, 0.5)",
            _plateau,
            minima=(_PLATEAU_C,),
            start=(-1.6, -1.6),
            lr_gd=0.5,
            lr_adaptive=0.05,
            description="almost flat away from a narrow well at (0.5, 0.5)",
        ),
    ]
    return {ls.name: ls for ls in items}


LANDSCAPES: tuple[str, ...] = (
    "ravine",
    "rotated ravine",
    "rosenbrock",
    "saddle",
    "wells",
    "plateau",
)


def get(name: str) -> Landscape:
    """The landscape called ``name`` (one of ``LANDSCAPES``)."""
    surfaces = _all()
    if name not in surfaces:
        raise ValueError(f"unknown landscape {name!r}; choose one of {list(LANDSCAPES)}")
    return surfaces[name]


# -- trajectories ---------------------------------------------------------------------------
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
        return int(min(max(k, 0), len(self.path) - 1))

    def status(self) -> str:
        """'ran 200 steps' or 'diverged at step 17 (left the plot box)'."""
        if self.diverged_at is None:
            return f"ran {self.steps} steps"
        return f"diverged at step {self.diverged_at} ({self.reason})"


def _check_steps(steps: object) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    return int(steps)


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
    ls = get(landscape) if isinstance(landscape, str) else landscape
    if not isinstance(ls, Landscape):
        raise ValueError(f"landscape must be a Landscape or a name, got {type(landscape).__name__}")
    steps = _check_steps(steps)
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
    return run_many(landscape, {"run": make_optimizer}, start, steps, check_every=check_every)[
        "run"
    ]


# -- the optimizers the explorer overlays ---------------------------------------------------
#: name -> the hyperparameters it reads (``lr_gd`` or ``lr_adaptive``, ``beta1``, ``beta2``)
OPTIMIZERS: dict[str, tuple[str, ...]] = {
    "GD": ("lr_gd",),
    "Momentum": ("lr_gd", "beta1"),
    "SGD momentum (torch)": ("lr_gd", "beta1"),
    "AdaGrad": ("lr_adaptive",),
    "Adagrad (torch)": ("lr_adaptive",),
    "RMSProp": ("lr_adaptive", "beta2"),
    "RMSprop (torch)": ("lr_adaptive", "beta2"),
    "Adam": ("lr_adaptive", "beta1", "beta2"),
    "Adam (torch)": ("lr_adaptive", "beta1", "beta2"),
}


def optimizer_maker(
    name: str,
    *,
    lr_gd: float = 0.1,
    lr_adaptive: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.99,
) -> Callable[[list[torch.Tensor]], torch.optim.Optimizer]:
    """``params -> Optimizer`` for one of ``OPTIMIZERS``, with the explorer's conventions.

    ``lr_gd`` is the learning rate of GD and Momentum (their steps scale with the
    gradient); ``lr_adaptive`` that of AdaGrad, RMSProp and Adam (steps of about ``lr``
    whatever the gradient's size). ``beta1`` is Momentum's β and Adam's β₁ (the first
    moment's EMA); ``beta2`` is RMSProp's β and Adam's β₂ (the second moment's EMA).
    "SGD momentum (torch)" is ``torch.optim.SGD(lr=lr_gd * (1 - beta1), momentum=beta1)``:
    the rescaling under which it follows our Momentum's path.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {list(OPTIMIZERS)}")
    optim.check_lr(lr_gd)
    optim.check_lr(lr_adaptive)
    optim.check_beta(beta1, "beta1")
    optim.check_beta(beta2, "beta2")
    makers: dict[str, Callable[[list[torch.Tensor]], torch.optim.Optimizer]] = {
        "GD": lambda p: torch.optim.SGD(p, lr=lr_gd),
        "Momentum": lambda p: optim.Momentum(p, lr=lr_gd, beta=beta1),
        "SGD momentum (torch)": lambda p: torch.optim.SGD(
            p, lr=lr_gd * (1 - beta1), momentum=beta1
        ),
        "AdaGrad": lambda p: optim.AdaGrad(p, lr=lr_adaptive),
        "Adagrad (torch)": lambda p: torch.optim.Adagrad(p, lr=lr_adaptive),
        "RMSProp": lambda p: optim.RMSProp(p, lr=lr_adaptive, beta=beta2),
        "RMSprop (torch)": lambda p: torch.optim.RMSprop(p, lr=lr_adaptive, alpha=beta2),
        "Adam": lambda p: optim.Adam(p, lr=lr_adaptive, beta1=beta1, beta2=beta2),
        "Adam (torch)": lambda p: torch.optim.Adam(p, lr=lr_adaptive, betas=(beta1, beta2)),
    }
    return makers[name]
