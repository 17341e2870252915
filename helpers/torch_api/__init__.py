r"""The PyTorch APIs behind the course (chapter 11), with the formulas they follow.

One module per concept; every name is re-exported here, so a notebook writes
``from helpers import torch_api`` and ``torch_api.NamesDataset``:

* ``torch_api.datasets``: ``NamesDataset`` (first names as character ids, labelled
  female/male), ``DenoisedDigits`` (a Dataset whose ``__getitem__`` does real work, for
  measuring ``num_workers``), ``names_collate``, ``padding_fraction``, ``time_loader``;
* ``torch_api.shapes``: the shapes of ``nn.Conv2d`` and of pooling,
  ``conv_output_size``/``pool_output_size`` (from ``helpers.layers.conv``),
  ``conv2d_shapes``, ``conv2d_parameter_count``, ``same_padding``, ``adaptive_bins``,
  ``adaptive_avg_pool2d``;
* ``torch_api.embedding``: ``char_vectors`` (offline "pretrained" character vectors),
  ``nearest``, ``NameClassifier``, ``class_recall``;
* ``torch_api.shape_table``: the "which shape goes where" table, computed by running
  the layers.
"""

from helpers.torch_api.datasets import (
    ALPHABET,
    CLASSES,
    PAD,
    DenoisedDigits,
    NamesDataset,
    decode,
    encode,
    median_filter3,
    names_collate,
    padding_fraction,
    time_loader,
)
from helpers.torch_api.embedding import NameClassifier, char_vectors, class_recall, nearest
from helpers.torch_api.shape_table import ShapeExample, shape_of, shape_table
from helpers.torch_api.shapes import (
    adaptive_avg_pool2d,
    adaptive_bins,
    conv2d_parameter_count,
    conv2d_shapes,
    conv_output_size,
    pool_output_size,
    same_padding,
)

__all__ = [
    "ALPHABET",
    "PAD",
    "CLASSES",
    "encode",
    "decode",
    "NamesDataset",
    "names_collate",
    "padding_fraction",
    "median_filter3",
    "DenoisedDigits",
    "time_loader",
    "conv_output_size",
    "pool_output_size",
    "same_padding",
    "conv2d_shapes",
    "conv2d_parameter_count",
    "adaptive_bins",
    "adaptive_avg_pool2d",
    "char_vectors",
    "nearest",
    "NameClassifier",
    "class_recall",
    "ShapeExample",
    "shape_of",
    "shape_table",
]
