r"""Datasets and loading tools of chapter 11: names as character ids, a Dataset that works.

* ``NamesDataset``: a map-style Dataset of first names as character ids, labelled
  female/male; ``encode``/``decode`` map a name to ids and back;
* ``names_collate``: ``data.pad_collate`` regrouped as ``((padded, lengths), labels)`` for
  ``train.fit``; ``padding_fraction``: the share of padding in padded batches;
* ``DenoisedDigits``: a Dataset whose ``__getitem__`` does real work (``median_filter3``),
  for measuring ``num_workers``; ``time_loader`` times passes over a loader.

Both Dataset classes live here, not in a notebook, on purpose: DataLoader workers
started with *spawn* (macOS, Windows) or *forkserver* (Linux from Python 3.14) receive the
dataset pickled, which records only the class's module and name; the worker must import
that module to rebuild it, and a notebook cannot be imported.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from helpers import args
from helpers.data import digits, first_names, pad_collate

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
]

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
PAD = 0  #: the id of the padding token; letters are 1..26
CLASSES = ("female", "male")


def encode(name: str) -> torch.Tensor:
    """A lower-case name as a 1-D LongTensor of ids: 'a' -> 1, ..., 'z' -> 26 (0 is PAD)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    bad = sorted({c for c in name if c not in ALPHABET})
    if bad:
        raise ValueError(f"name {name!r} has characters outside a-z: {bad}")
    return torch.tensor([ALPHABET.index(c) + 1 for c in name], dtype=torch.long)


def _encode_all(what: str, names: Iterable[str]) -> list[torch.Tensor]:
    """``encode`` of every name; an error says which entry of ``what`` is bad."""
    out = []
    for i, name in enumerate(names):
        try:
            out.append(encode(name))
        except ValueError as err:
            raise ValueError(f"{what}[{i}]: {err}") from None
    return out


def decode(ids: Iterable[int] | torch.Tensor) -> str:
    """The letters of ``ids``, padding (0) dropped."""
    if isinstance(ids, torch.Tensor):
        ids = args.tensor("ids", ids, ndim=(0, 1)).reshape(-1).tolist()
    if isinstance(ids, str) or not isinstance(ids, Iterable):
        raise ValueError(f"ids must be a sequence of ints, got {type(ids).__name__}")
    ids = [args.integer(f"ids[{k}]", i, low=0, high=len(ALPHABET)) for k, i in enumerate(ids)]
    return "".join(ALPHABET[i - 1] for i in ids if i != PAD)


class NamesDataset(Dataset):
    """US-census first names as (character ids, label) pairs; label 0 = female, 1 = male.

    Names on both census lists (331 of them, e.g. "jordan") are dropped: their label
    would be a coin toss. That leaves 3,944 female and 888 male names, an imbalance
    the chapter's ``WeightedRandomSampler`` corrects. ``names``/``labels`` replace the
    census lists (for tests and exercises).
    """

    def __init__(self, names: Sequence[str] | None = None, labels: Sequence[int] | None = None):
        if names is None and labels is None:
            female, male = first_names("female"), first_names("male")
            both = set(female) & set(male)
            female = [n for n in female if n not in both]
            male = [n for n in male if n not in both]
            names, labels = female + male, [0] * len(female) + [1] * len(male)
        for name, value in (("names", names), ("labels", labels)):
            if value is not None and (isinstance(value, str) or not isinstance(value, Sequence)):
                raise ValueError(f"{name} must be a sequence, got {type(value).__name__}")
        if names is None or labels is None or len(names) != len(labels):
            raise ValueError("give both names and labels, of the same length (or neither)")
        if any(
            isinstance(label, bool)
            or not isinstance(label, numbers.Integral)
            or label not in (0, 1)
            for label in labels
        ):
            raise ValueError("labels must be 0 (female) or 1 (male)")
        self.names = list(names)
        self.labels = torch.tensor([int(label) for label in labels], dtype=torch.long)
        self._ids = _encode_all("names", self.names)  # validates every name once

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} names")
        return self._ids[index], int(self.labels[index])


def names_collate(
    batch: Sequence[tuple[torch.Tensor, int]],
) -> tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]:
    """``((padded (B, T), lengths (B,)), labels (B,))``: ``data.pad_collate`` regrouped so
    that ``train.fit`` hands ``(padded, lengths)`` to the model and ``labels`` to the loss."""
    padded, lengths, labels = pad_collate(batch, padding_value=PAD)
    return (padded, lengths), labels


def padding_fraction(lengths: Sequence[Sequence[int]]) -> float:
    r"""Share of padding in padded batches: :math:`1 - \sum_b \sum_i L_{b,i} / \sum_b B_b T_b`,
    where batch b holds :math:`B_b` sequences of lengths :math:`L_{b,i}` padded to
    :math:`T_b = \max_i L_{b,i}`."""
    if isinstance(lengths, str) or not isinstance(lengths, Iterable):
        raise ValueError(f"lengths must be a list of batches of lengths, got {lengths!r}")
    real = padded = 0
    for b, batch in enumerate(lengths):
        if isinstance(batch, str) or not isinstance(batch, Iterable):
            raise ValueError(f"lengths[{b}] must be a list of lengths, got {batch!r}")
        batch = [args.integer(f"lengths[{b}][{i}]", n, low=1) for i, n in enumerate(batch)]
        if not batch:
            raise ValueError(f"every batch of lengths needs at least one sequence, got {batch}")
        real += sum(batch)
        padded += len(batch) * max(batch)
    if padded == 0:
        raise ValueError("lengths holds no batches")
    return 1.0 - real / padded


def median_filter3(rows: list[list[float]]) -> list[list[float]]:
    """3 x 3 median filter in pure Python (windows clipped at the border; upper median).

    Deliberately plain Python: it holds the interpreter lock, like most decoding and
    augmentation code written in Python, so only worker *processes* can run it in
    parallel.
    """
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ValueError(f"rows must be a list of lists of numbers, got {type(rows).__name__}")
    if len({len(r) for r in rows}) > 1:
        raise ValueError("rows must all have the same length")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            args.number(f"rows[{r}][{c}]", v)
    h = len(rows)
    w = len(rows[0]) if h else 0
    out = []
    for r in range(h):
        r0, r1 = max(r - 1, 0), min(r + 2, h)
        line = []
        for c in range(w):
            c0, c1 = max(c - 1, 0), min(c + 2, w)
            window = sorted(v for row in rows[r0:r1] for v in row[c0:c1])
            line.append(window[len(window) // 2])
        out.append(line)
    return out


class DenoisedDigits(Dataset):
    r"""Digits whose ``__getitem__`` does real work: upsample, add noise, median-filter.

    Item i: digit i resized to ``size`` x ``size`` (bilinear), plus Gaussian noise
    :math:`\sigma` = ``noise`` drawn from a generator seeded with ``(seed, i)``, then cleaned
    by ``median_filter3``. Seeding by index makes every item the same whichever worker
    process computes it, and in whatever order. About 1-4 ms an item for ``size=24``.

    ``latency_ms`` adds a wait before the work, as reading the image from a slow disk or
    a network share would: time that passes without using the CPU.
    """

    def __init__(
        self,
        size: int = 24,
        noise: float = 0.3,
        seed: int = 0,
        n: int | None = None,
        latency_ms: float = 0.0,
    ):
        self.size = args.integer("size", size, low=8)
        self.noise = args.number("noise", noise, low=0)
        self.latency_ms = args.number("latency_ms", latency_ms, low=0, high=1000)
        self.seed = args.integer("seed", seed, low=0)
        x, y = digits()
        if n is not None:
            n = args.integer("n", n, low=1)
            if n > len(y):
                raise ValueError(f"n must be <= {len(y)} (the number of digits), got {n}")
            x, y = x[:n], y[:n]
        self.images, self.labels = x, y

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} digits")
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)  # waiting for storage: no CPU used
        s = self.size
        up = F.interpolate(
            self.images[index][None], size=(s, s), mode="bilinear", align_corners=False
        )[0, 0]
        rng = np.random.default_rng([self.seed, index])
        noisy = up.double().numpy() + rng.normal(0.0, self.noise, (s, s))
        clean = median_filter3(noisy.tolist())
        return torch.tensor(clean, dtype=torch.float32)[None], int(self.labels[index])


def time_loader(loader: Iterable, epochs: int = 1, keep: list | None = None) -> dict[str, float]:
    """Time ``epochs`` full passes over ``loader``.

    Returns wall-clock seconds to the first batch (``first_batch_s``) and in all
    (``total_s``), the CPU seconds the *calling* process spent (``main_cpu_s``: with
    worker processes, the work they do is not counted) and the number of ``batches``.
    ``keep``, a list, receives every batch (to check afterwards that two loaders gave
    the same ones). Timings vary from run to run and machine to machine: a notebook prints
    them through ``check.measured`` and states as a ``check.claim`` only what holds on any
    machine.
    """
    epochs = args.integer("epochs", epochs, low=1)
    if not isinstance(loader, Iterable):
        raise ValueError(f"loader must be an iterable of batches, got {type(loader).__name__}")
    if keep is not None and not isinstance(keep, list):
        raise ValueError(f"keep must be a list or None, got {type(keep).__name__}")
    start, cpu_start = time.perf_counter(), time.process_time()
    first, batches = None, 0
    for _ in range(epochs):
        for batch in loader:
            batches += 1
            if first is None:
                first = time.perf_counter() - start
            if keep is not None:
                keep.append(batch)
    total = time.perf_counter() - start
    return {
        "first_batch_s": first if first is not None else total,
        "total_s": total,
        "main_cpu_s": time.process_time() - cpu_start,
        "batches": batches,
    }
