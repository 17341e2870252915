"""Offline data sets and their DataLoaders. Nothing here downloads anything.

* ``digits``: scikit-learn's 1,797 handwritten digits (8x8, 16 grey levels), which ship
  inside the scikit-learn package.
* ``first_names``: US-census first names from the ``names`` package (MIT licence),
  installed through requirements.txt.
* ``sine_series`` / ``windows``: a synthetic noisy signal for sequence regression.
* ``make_loader`` and ``pad_collate``: a seeded, validated DataLoader and a collate
  function for variable-length sequences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from helpers import args

__all__ = [
    "digits",
    "digits_split",
    "digits_loaders",
    "first_names",
    "sine_series",
    "windows",
    "make_loader",
    "pad_collate",
]


def digits(flatten: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """All 1,797 digits as ``(X, y)``: X float32 in [0, 1], shape (N, 1, 8, 8) or (N, 64)."""
    flatten = args.one_of("flatten", flatten, (False, True))
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32) / 16.0
    x = x.reshape(len(x), 64) if flatten else x.unsqueeze(1)
    y = torch.tensor(bunch.target, dtype=torch.long)
    return x, y


def digits_split(
    test_fraction: float = 0.2, seed: int = 0, flatten: bool = False
) -> tuple[TensorDataset, TensorDataset]:
    """A stratified, seeded train/test split of the digits as two TensorDatasets."""
    test_fraction = args.fraction("test_fraction", test_fraction, open_low=True, open_high=True)
    seed = args.integer("seed", seed, low=0, high=2**32 - 1)
    from sklearn.model_selection import train_test_split

    x, y = digits(flatten=flatten)
    idx_train, idx_test = train_test_split(
        np.arange(len(y)), test_size=test_fraction, random_state=seed, stratify=y.numpy()
    )
    idx_train, idx_test = torch.as_tensor(idx_train), torch.as_tensor(idx_test)
    return TensorDataset(x[idx_train], y[idx_train]), TensorDataset(x[idx_test], y[idx_test])


def digits_loaders(
    batch_size: int = 64, test_fraction: float = 0.2, seed: int = 0, flatten: bool = False
) -> tuple[DataLoader, DataLoader]:
    """Train (shuffled with a seeded generator) and test DataLoaders over ``digits_split``."""
    batch_size = args.integer("batch_size", batch_size, low=1)
    train, test = digits_split(test_fraction, seed, flatten)
    return (
        make_loader(train, batch_size, shuffle=True, seed=seed),
        make_loader(test, max(batch_size, 256), shuffle=False),
    )


def make_loader(
    dataset: Dataset,
    batch_size: int,
    *,
    shuffle: bool = False,
    seed: int | None = 0,
    drop_last: bool = False,
    collate_fn: Callable | None = None,
) -> DataLoader:
    """A DataLoader with its checks spelled out and a seeded shuffle.

    With ``shuffle=True`` the order comes from a ``torch.Generator`` seeded with ``seed``,
    so two loaders built alike yield the same batches, whatever the global RNG did.
    ``num_workers`` stays 0: in a notebook, worker processes must pickle the dataset and,
    on macOS and Windows, re-import the notebook's code (chapter 11 measures the trade).
    """
    if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
        raise ValueError(
            f"dataset must be a Dataset (indexable, with a length), got {dataset!r:.60}"
        )
    batch_size = args.integer("batch_size", batch_size, low=1)
    shuffle = args.one_of("shuffle", shuffle, (False, True))
    seed = None if seed is None else args.integer("seed", seed, low=0)
    drop_last = args.one_of("drop_last", drop_last, (False, True))
    if collate_fn is not None and not callable(collate_fn):
        raise ValueError(f"collate_fn must be None or a function, got {collate_fn!r:.60}")
    generator = torch.Generator().manual_seed(seed) if shuffle and seed is not None else None
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=drop_last,
        generator=generator,
        collate_fn=collate_fn,
    )


def first_names(which: str = "all") -> list[str]:
    """US-census first names, lower-case, most frequent first, without duplicates.

    ``which`` is ``"male"`` (1,219 names), ``"female"`` (4,275) or ``"all"`` (both, names
    given to both sexes once). From the ``names`` package's data files.
    """
    files = {"male": ["dist.male.first"], "female": ["dist.female.first"]}
    files["all"] = files["male"] + files["female"]
    which = args.one_of("which", which, tuple(files))
    out: dict[str, None] = {}
    for name in files[which]:
        text = resources.files("names").joinpath(name).read_text()
        for line in text.splitlines():
            if line.strip():
                out.setdefault(line.split()[0].lower(), None)
    return list(out)


def sine_series(
    n_steps: int = 2000,
    *,
    periods: Sequence[float] = (50.0, 23.0),
    amplitudes: Sequence[float] = (1.0, 0.5),
    noise: float = 0.05,
    seed: int = 0,
) -> torch.Tensor:
    """x_t = sum_k a_k sin(2 pi t / T_k) + noise * eps_t, eps_t ~ N(0, 1); float32 (n_steps,)."""
    n_steps = args.integer("n_steps", n_steps, low=2)
    periods = _numbers("periods", periods, low=0, low_open=True)
    amplitudes = _numbers("amplitudes", amplitudes, length=len(periods))
    noise = args.number("noise", noise, low=0)
    seed = args.integer("seed", seed, low=0)
    t = torch.arange(n_steps, dtype=torch.float64)
    x = sum(a * torch.sin(2 * torch.pi * t / p) for p, a in zip(periods, amplitudes, strict=True))
    gen = torch.Generator().manual_seed(seed)
    x = x + noise * torch.randn(n_steps, generator=gen, dtype=torch.float64)
    return x.float()


def windows(series: torch.Tensor, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Sliding windows for one-step-ahead forecasting.

    Returns inputs (N, length, 1) = series[i : i + length] and targets (N, 1) =
    series[i + length], with N = len(series) - length.
    """
    series = args.tensor("series", series, ndim=1, floating=True, nonempty=True, finite=True)
    length = args.integer("length", length, low=1, high=len(series) - 1)
    x = series.unfold(0, length, 1)[:-1]
    y = series[length:]
    return x.unsqueeze(-1).contiguous(), y.unsqueeze(-1)


def pad_collate(
    batch: Sequence[tuple[torch.Tensor, object]], padding_value: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Collate (sequence, label) pairs of different lengths into one padded batch.

    Returns ``(padded (B, T_max), lengths (B,), labels (B,))``; shorter sequences are
    filled with ``padding_value`` at the end (ready for ``pack_padded_sequence``).
    """
    if isinstance(batch, str | bytes) or not isinstance(batch, Sequence) or len(batch) == 0:
        raise ValueError(f"batch must be a non-empty list of (sequence, label), got {batch!r:.60}")
    padding_value = args.integer("padding_value", padding_value)
    seqs = [torch.as_tensor(s) for s, _ in batch]
    if any(s.ndim != 1 for s in seqs):
        raise ValueError("batch: every sequence must be 1-D (a list of token ids)")
    lengths = torch.tensor([len(s) for s in seqs])
    padded = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    labels = torch.as_tensor([label for _, label in batch])
    return padded, lengths, labels


def _numbers(
    name: str, value: object, *, length: int | None = None, **bounds: object
) -> list[float]:
    """A non-empty sequence of numbers (each as ``args.number``), of ``length`` if given."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not value:
        raise ValueError(f"{name} must be a non-empty sequence of numbers, got {value!r:.60}")
    if length is not None and len(value) != length:
        raise ValueError(f"{name} must hold {length} numbers (one per period), got {len(value)}")
    return [args.number(f"{name}[{i}]", v, **bounds) for i, v in enumerate(value)]  # type: ignore[arg-type]
