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
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32) / 16.0
    x = x.reshape(len(x), 64) if flatten else x.unsqueeze(1)
    y = torch.tensor(bunch.target, dtype=torch.long)
    return x, y


def _check_fraction(test_fraction: float) -> None:
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")


def digits_split(
    test_fraction: float = 0.2, seed: int = 0, flatten: bool = False
) -> tuple[TensorDataset, TensorDataset]:
    """A stratified, seeded train/test split of the digits as two TensorDatasets."""
    _check_fraction(test_fraction)
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
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
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
    if which not in files:
        raise ValueError(f"which must be one of {sorted(files)}, got {which!r}")
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
    if n_steps < 2:
        raise ValueError(f"n_steps must be >= 2, got {n_steps}")
    if len(periods) != len(amplitudes) or not periods:
        raise ValueError("periods and amplitudes must be non-empty and of equal length")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
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
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {tuple(series.shape)}")
    if not 1 <= length < len(series):
        raise ValueError(f"length must be in [1, {len(series) - 1}], got {length}")
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
    if len(batch) == 0:
        raise ValueError("cannot collate an empty batch")
    seqs = [torch.as_tensor(s) for s, _ in batch]
    if any(s.ndim != 1 for s in seqs):
        raise ValueError("every sequence must be 1-D (a list of token ids)")
    lengths = torch.tensor([len(s) for s in seqs])
    padded = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    labels = torch.as_tensor([label for _, label in batch])
    return padded, lengths, labels
