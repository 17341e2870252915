r"""Activation functions written from the notes' formulas, their derivatives, the one table
of named activations, and the measurements chapter 3 makes with them.

* :mod:`.functions`: :func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`identity`,
  :func:`softmax`, :func:`log_softmax`, the naive versions and the derivatives;
* :mod:`.table`: ``NAMES`` and the name -> (function, derivative, module) table behind
  :func:`activation_fn`, :func:`derivative_fn`, :func:`module` and :class:`Activation`;
* :mod:`.experiments`: vanishing gradients, zig-zagging SGD, dead ReLU units.
"""

from helpers._package import adopt
from helpers.activations.experiments import (  # noqa: I001 (needs the table first)
    GradientProfile,
    collapse_linear,
    dead_units,
    gradient_profile,
    make_mlp,
    preactivations,
    same_sign_fraction,
    saturated_fraction,
    sgd_path,
)
from helpers.activations.functions import (
    FLOAT32_EXP_LIMIT,
    as_tensor,
    autograd_derivative,
    identity,
    identity_derivative,
    identity_derivative_of_output,
    log_softmax,
    relu,
    relu_derivative,
    relu_derivative_of_output,
    sigmoid,
    sigmoid_derivative,
    sigmoid_derivative_of_output,
    sigmoid_naive,
    softmax,
    softmax_jacobian,
    softmax_naive,
    tanh,
    tanh_derivative,
    tanh_derivative_of_output,
    tanh_naive,
)
from helpers.activations.table import (
    NAMES,
    TABLE,
    Activation,
    activation_fn,
    derivative_fn,
    derivative_of_output_fn,
    module,
    module_factory,
    name_of,
)

__all__ = [
    "FLOAT32_EXP_LIMIT",
    "NAMES",
    "TABLE",
    "Activation",
    "GradientProfile",
    "activation_fn",
    "as_tensor",
    "autograd_derivative",
    "collapse_linear",
    "dead_units",
    "derivative_fn",
    "derivative_of_output_fn",
    "gradient_profile",
    "identity",
    "identity_derivative",
    "identity_derivative_of_output",
    "log_softmax",
    "make_mlp",
    "module",
    "module_factory",
    "name_of",
    "preactivations",
    "relu",
    "relu_derivative",
    "relu_derivative_of_output",
    "same_sign_fraction",
    "saturated_fraction",
    "sgd_path",
    "sigmoid",
    "sigmoid_derivative",
    "sigmoid_derivative_of_output",
    "sigmoid_naive",
    "softmax",
    "softmax_jacobian",
    "softmax_naive",
    "tanh",
    "tanh_derivative",
    "tanh_derivative_of_output",
    "tanh_naive",
]

adopt(globals())  # the public functions answer to helpers.activations
