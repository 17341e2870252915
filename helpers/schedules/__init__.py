r"""Learning-rate schedules from the notes (section 7), written from their formulas.

The time-based schedules (``decay``) are closed forms of the step count
:math:`t = 0, 1, 2, \dots` (the number of ``scheduler.step()`` calls so far: epochs when
you step once per epoch):

* step decay        :math:`\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}`
* multi-step decay  :math:`\eta_t = \eta_0\,\gamma^{\,|\{m \in M : m \le t\}|}`
* exponential decay :math:`\eta_t = \eta_0\,\gamma^t`
* cosine annealing  :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_{\max}-\eta_{\min})
  \bigl(1 + \cos(\pi t / T_{\max})\bigr)`

Each takes ``t`` as one int (returns a float) or a sequence/array of ints (returns a
float64 array). ``ReduceLROnPlateau`` (``plateau``) is metric based, so it is a small class
with state (best value so far, bad epochs, cooldown) instead of a formula.

PyTorch's schedulers (``torch.optim.lr_scheduler``) compute the same values *recursively*
(``lr *= gamma`` at each decay, a ratio of cosines for cosine annealing), so they round
differently. ``torch_schedule`` and ``torch_plateau`` (``reference``) run them for
comparison; ``cosine_recursive`` and ``cosine_gap_bound`` (``rounding``) repeat PyTorch's
cosine recursion operation for operation and bound its distance from the closed form.
"""

from helpers.schedules.decay import cosine_annealing, exponential, multistep, step_decay
from helpers.schedules.plateau import ReduceLROnPlateau, reduce_on_plateau
from helpers.schedules.reference import torch_plateau, torch_schedule
from helpers.schedules.rounding import UNIT_ROUNDOFF, cosine_gap_bound, cosine_recursive

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
