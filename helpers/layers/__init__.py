"""Layers written from scratch, each checked against its ``torch.nn`` counterpart.

* ``helpers.layers.regularization``: inverted Dropout and BatchNorm (chapter 8);
* ``helpers.layers.conv``: convolution, pooling, ``conv_output_size`` and
  ``pool_output_size`` (chapters 9 and 11);
* ``helpers.layers.rnn``: the recurrent cell unrolled over time (chapter 10).

The names most used are re-exported here: ``from helpers.layers import conv_output_size``.
"""

from helpers.layers.conv import avg_pool2d, conv2d, conv_output_size, max_pool2d, pool_output_size
from helpers.layers.regularization import BatchNorm1d, BatchNorm2d, Dropout, batch_norm, dropout
from helpers.layers.rnn import RNN, rnn_cell

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "Dropout",
    "RNN",
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "conv_output_size",
    "dropout",
    "max_pool2d",
    "pool_output_size",
    "rnn_cell",
]
