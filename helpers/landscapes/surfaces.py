r"""The 2-D loss surfaces: ``Landscape``, the six test functions, ``LANDSCAPES`` and ``get``.

Each ``Landscape`` is a function :math:`f(x, y)` of two parameters, written with torch
operations so that autograd gives its gradient :math:`\nabla f = (\partial f/\partial x,
\partial f/\partial y)`, together with its known minima and the box it is drawn in.
Every surface lives in the same box :math:`[-2, 2]^2`, so one set of start-point sliders
serves them all.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from helpers import args

__all__ = ["BOX", "LANDSCAPES", "Landscape", "get"]

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
        w = _points("w", w)
        return self.f(w[..., 0], w[..., 1])

    def grad(self, w: torch.Tensor | Sequence[float]) -> torch.Tensor:
        r"""∇f at points ``w`` (..., 2), by autograd: :math:`(\partial f/\partial x, \partial f/\partial y)`."""
        w = _points("w", w).detach().clone().requires_grad_(True)
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
        n = args.integer("n", n, low=2)
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


def _points(name: str, w: object) -> torch.Tensor:
    """``w`` as float64 points of shape (..., 2): a tensor, an array or a nested sequence."""
    if isinstance(w, torch.Tensor):
        args.tensor(name, w, floating=True)
    elif isinstance(w, str | bytes) or not isinstance(w, Sequence | np.ndarray):
        raise ValueError(f"{name} must be a point (x, y) or points (..., 2), got {w!r:.60}")
    try:
        w = torch.as_tensor(w, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must hold numbers, got {err}") from None
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (..., 2), got {tuple(w.shape)}")
    return args.tensor(name, w, finite=True)


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
    if not isinstance(name, str) or name not in LANDSCAPES:
        raise ValueError(f"unknown landscape name {name!r}; choose one of {LANDSCAPES}")
    return _all()[name]
