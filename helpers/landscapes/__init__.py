r"""2-D loss surfaces for watching optimizers, and a runner that records their paths.

* ``surfaces``: ``Landscape`` (a function :math:`f(x, y)` with its gradient by autograd,
  its minima and its box), the six test functions, ``LANDSCAPES`` and ``get(name)``;
* ``runner``: ``run`` / ``run_many`` (any optimizer from any start, divergence detected)
  and the ``Trajectory`` they record;
* ``optimizers``: ``OPTIMIZERS`` and ``optimizer_maker``, the explorer's optimizers by name.
"""

from helpers.landscapes.optimizers import OPTIMIZERS, optimizer_maker
from helpers.landscapes.runner import Trajectory, run, run_many
from helpers.landscapes.surfaces import BOX, LANDSCAPES, Landscape, get

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
