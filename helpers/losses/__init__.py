r"""The loss functions of chapter 5, written from scratch, their gradients, and robust fits.

Every loss takes the prediction first and the truth second, like PyTorch's
``loss(input, target)``, and a ``reduction`` of ``"mean"``, ``"sum"`` or ``"none"``.

Classification (probabilities :math:`p`, one-hot labels :math:`y`):

* ``cross_entropy``: :math:`\mathcal{L} = -\frac{1}{N}\sum_{n=1}^{N}\sum_{i=1}^{C} y_{n,i}\log p_{n,i}`
* ``cross_entropy_simplified``: :math:`\mathcal{L} = -\sum_{n=1}^{N}\log p_{n,t_n}` (a plain sum)
* ``cross_entropy_logits``: what ``nn.CrossEntropyLoss`` computes, from logits :math:`z`
* ``binary_cross_entropy``: :math:`\mathcal{L} = -y\log p - (1-y)\log(1-p)`
* ``binary_cross_entropy_logits``: the same from a logit, in the stable form

Regression (prediction :math:`\hat y`, truth :math:`y`, error :math:`e = \hat y - y`):

* ``mae`` (L1): :math:`\mathcal{L} = \frac{1}{n}\sum_i |y_i - \hat y_i|`
* ``mse`` (L2): :math:`\mathcal{L} = \frac{1}{n}\sum_i (y_i - \hat y_i)^2`
* ``huber``: :math:`\tfrac12 e^2` for :math:`|e| \le \delta`, else :math:`\delta|e| - \tfrac12\delta^2`
* ``smooth_l1``: PyTorch's Smooth L1, which is ``huber / delta`` (equal at :math:`\delta = 1`)

``grad_wrt_prediction`` differentiates any of them with autograd; ``curve`` gives a loss
and its derivative as functions of the error, for plots; ``fit_line`` fits a straight line
under L1, L2 or Huber (closed form or iteratively reweighted least squares, a few ms), and
``line_with_outliers`` makes the data the robustness experiments use.

Modules: :mod:`.core` (input conversion and the reduction), :mod:`.classification`,
:mod:`.regression`, :mod:`.fitting`; the softmax is ``helpers.activations.softmax``.

Bad input (mismatched shapes, probabilities outside [0, 1], a negative ``delta``, an
unknown ``reduction``) raises a ``ValueError`` that says what is wrong and what is allowed.
"""

from helpers._package import adopt
from helpers.activations import log_softmax, softmax
from helpers.losses.classification import (
    binary_cross_entropy,
    binary_cross_entropy_logits,
    cross_entropy,
    cross_entropy_logits,
    cross_entropy_logits_grad,
    cross_entropy_simplified,
)
from helpers.losses.core import REDUCTIONS
from helpers.losses.fitting import FIT_LOSSES, LineFit, fit_line, line_loss, line_with_outliers
from helpers.losses.regression import (
    REGRESSION_LOSSES,
    curve,
    grad_wrt_prediction,
    huber,
    mae,
    mse,
    smooth_l1,
)

__all__ = [
    "REDUCTIONS",
    "REGRESSION_LOSSES",
    "FIT_LOSSES",
    "LineFit",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "cross_entropy_simplified",
    "cross_entropy_logits",
    "cross_entropy_logits_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_logits",
    "mae",
    "mse",
    "huber",
    "smooth_l1",
    "grad_wrt_prediction",
    "curve",
    "fit_line",
    "line_loss",
    "line_with_outliers",
]

adopt(globals())  # the public functions answer to helpers.losses
