r"""Parameter initialization (chapter 4): the schemes' formulas, and what they do to a deep net.

Three parts:

* **fan-in and fan-out** of a weight, computed by hand (``fan_in_and_fan_out``): a Linear
  weight of shape ``(out_features, in_features)`` has :math:`fan_{in} =` ``in_features``;
  a Conv2d weight ``(out_channels, in_channels, kH, kW)`` has
  :math:`fan_{in} = in\_channels \times kH \times kW`.
* **the schemes** of ``torch.nn.init`` as distributions (``spec``): each scheme's standard
  deviation and, for the uniform ones, its bound, from the notes' formulas; ``init_`` samples
  from them from scratch and ``torch_init_`` calls PyTorch's own function, so the two can be
  compared draw for draw.
* **per-layer statistics** of a deep MLP (``propagate``, ``mlp_statistics``, ``DeepMLPProbe``):
  forward activation variance and backward gradient variance layer by layer, the picture of
  vanishing and exploding signals. ``propagate`` writes the backward pass out by hand
  (checked against autograd by ``autograd_statistics``); ``DeepMLPProbe`` caches random
  draws and results so an explorer can redraw a 50-layer, 256-wide net in about 15 ms.

Empirical statistics are compared with formulas by ``compare_statistic``: it accepts a
measured value within ``k`` standard errors of the expected one and prints one table row.

Modules: :mod:`.fans`, :mod:`.schemes` (gains, stds, bounds, ``InitSpec``, ``spec``,
``init_``), :mod:`.statistics` (standard errors, ``compare_statistic``),
:mod:`.propagation` (``LayerStats``, ``propagate``, ``autograd_statistics``) and
:mod:`.networks` (``build_mlp``, ``mlp_statistics``, ``DeepMLPProbe``, the Kaiming
derivation). The activations come from the one table of ``helpers.activations``.
"""

from helpers.initialization.fans import fan_in_and_fan_out, shape_of
from helpers.initialization.networks import (  # noqa: I001
    DeepMLPProbe,
    build_mlp,
    distinct_rows,
    kaiming_derivation,
    mlp_statistics,
    mlp_weights,
)
from helpers.initialization.propagation import (
    ACTIVATIONS,
    LayerStats,
    autograd_statistics,
    layer_histogram,
    propagate,
)
from helpers.initialization.schemes import (
    SCHEMES,
    InitSpec,
    calculate_gain,
    init_,
    kaiming_bound,
    kaiming_std,
    spec,
    torch_init_,
    uniform_std,
    validate_params,
    xavier_bound,
    xavier_std,
)
from helpers.initialization.statistics import (
    compare_statistic,
    mean_standard_error,
    std_standard_error,
)

__all__ = [
    "SCHEMES",
    "ACTIVATIONS",
    "fan_in_and_fan_out",
    "shape_of",
    "calculate_gain",
    "kaiming_std",
    "kaiming_bound",
    "xavier_std",
    "xavier_bound",
    "uniform_std",
    "InitSpec",
    "spec",
    "validate_params",
    "init_",
    "torch_init_",
    "std_standard_error",
    "mean_standard_error",
    "compare_statistic",
    "LayerStats",
    "propagate",
    "autograd_statistics",
    "build_mlp",
    "mlp_weights",
    "mlp_statistics",
    "DeepMLPProbe",
    "layer_histogram",
    "distinct_rows",
    "kaiming_derivation",
]

# the public functions answer to helpers.initialization, where learners import them from
for _name in __all__:
    _f = globals()[_name]
    if callable(_f) and not isinstance(_f, type) and _f.__module__.startswith(__name__ + "."):
        _f.__module__ = __name__
