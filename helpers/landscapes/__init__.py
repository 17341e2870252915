r"""2-D loss surfaces for watching optimizers, and a runner that records their paths.

* ``surfaces``: ``Landscape`` (a function :math:`f(x, y)` with its gradient by autograd,
  its minima and its box), the six test functions, ``LANDSCAPES`` and ``get(name)``;
* ``runner``: ``run`` / ``run_many`` (any optimizer from any start, divergence detected)
  and the ``Trajectory`` they record;
* ``optimizers``: ``OPTIMIZERS`` and ``optimizer_maker``, the explorer's optimizers by name;
* ``closed_form``: ``run_closed_form``, the explorer's fast runner (hand-written gradients
  and updates in floats).
"""

from helpers.landscapes.closed_form import GRADIENTS, run_closed_form
from helpers.landscapes.optimizers import OPTIMIZERS, optimizer_maker
from helpers.landscapes.runner import Trajectory, run, run_many
from helpers.landscapes.surfaces import BOX, LANDSCAPES, Landscape, get

__all__ = [
    "BOX",
    "GRADIENTS",
    "LANDSCAPES",
    "OPTIMIZERS",
    "Landscape",
    "Trajectory",
    "get",
    "optimizer_maker",
    "run",
    "run_closed_form",
    "run_many",
]
