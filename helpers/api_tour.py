r"""The PyTorch APIs behind the course (chapter 11), with the formulas they follow.

* Data: ``NamesDataset`` (a map-style Dataset of first names as character ids, labelled
  female/male), ``DenoisedDigits`` (a Dataset whose ``__getitem__`` does real work, for
  measuring ``num_workers``), ``names_collate`` (padding, ready for ``train.fit``),
  ``time_loader`` and ``padding_fraction``.
* ``nn.Conv2d``: ``conv2d_output_size`` / ``conv2d_shapes`` (output, weight and bias
  shapes and the parameter count), ``same_padding``.
* Pooling: ``pool_output_size`` (with ``ceil_mode``), ``adaptive_bins`` and
  ``adaptive_avg_pool2d`` from scratch.
* ``nn.Embedding``: ``char_vectors`` (character vectors from co-occurrence counts, our
  offline stand-in for "pretrained" vectors), ``nearest`` and ``NameClassifier``.
* ``shape_table``: the "which shape goes where" table, computed by running the layers.

Both Dataset classes live here, not in a notebook, on purpose: DataLoader workers
started with *spawn* (macOS, Windows) or *forkserver* (Linux from Python 3.14) receive the
dataset pickled, which records only the class's module and name; the worker must import
that module to rebuild it, and a notebook cannot be imported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

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
    "conv2d_output_size",
    "same_padding",
    "conv2d_shapes",
    "conv2d_parameter_count",
    "pool_output_size",
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

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
PAD = 0  #: the id of the padding token; letters are 1..26
CLASSES = ("female", "male")


def _int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- data


def encode(name: str) -> torch.Tensor:
    """A lower-case name as a 1-D LongTensor of ids: 'a' -> 1, ..., 'z' -> 26 (0 is PAD)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    bad = sorted({c for c in name if c not in ALPHABET})
    if bad:
        raise ValueError(f"name {name!r} has characters outside a-z: {bad}")
    return torch.tensor([ALPHABET.index(c) + 1 for c in name], dtype=torch.long)


def decode(ids: Iterable[int] | torch.Tensor) -> str:
    """The letters of ``ids``, padding (0) dropped."""
    return "".join(ALPHABET[int(i) - 1] for i in ids if int(i) != PAD)


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
        if names is None or labels is None or len(names) != len(labels):
            raise ValueError("give both names and labels, of the same length (or neither)")
        if any(int(label) not in (0, 1) for label in labels):
            raise ValueError("labels must be 0 (female) or 1 (male)")
        self.names = list(names)
        self.labels = torch.tensor([int(label) for label in labels], dtype=torch.long)
        self._ids = [encode(n) for n in self.names]  # validates every name once

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
    real = padded = 0
    for batch in lengths:
        batch = [int(n) for n in batch]
        if not batch or min(batch) < 1:
            raise ValueError("every batch needs at least one sequence, all of length >= 1")
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
        self.size = _int("size", size, 8)
        if not noise >= 0:
            raise ValueError(f"noise must be >= 0, got {noise}")
        if not 0 <= latency_ms <= 1000:
            raise ValueError(f"latency_ms must be in [0, 1000], got {latency_ms}")
        self.latency_ms = float(latency_ms)
        self.noise, self.seed = float(noise), _int("seed", seed, 0)
        x, y = digits()
        if n is not None:
            n = _int("n", n, 1)
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
    epochs = _int("epochs", epochs, 1)
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


# --------------------------------------------------------------------------- Conv2d


def _pair(name: str, value: object, minimum: int) -> tuple[int, int]:
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width), got {value!r}")
        return _int(name, value[0], minimum), _int(name, value[1], minimum)
    v = _int(name, value, minimum)
    return v, v


def conv2d_output_size(W: int, F: int, P: int = 0, S: int = 1, D: int = 1) -> int:
    r"""Output size along one dimension of a convolution (PyTorch's formula):

    .. math:: N = \left\lfloor \frac{W + 2P - D(F - 1) - 1}{S} \right\rfloor + 1 .

    The dilated kernel spans :math:`D(F-1)+1` input cells, so with D = 1 this is the
    notes' :math:`N = (W - F + 2P)/S + 1`, floored. Raises ``ValueError`` when no window
    fits (N < 1).
    """
    W, F = _int("input size W", W, 1), _int("kernel size F", F, 1)
    P, S, D = _int("padding P", P, 0), _int("stride S", S, 1), _int("dilation D", D, 1)
    span = D * (F - 1) + 1
    if span > W + 2 * P:
        raise ValueError(
            f"the kernel spans D(F-1)+1 = {span} cells but the padded input has only "
            f"W + 2P = {W + 2 * P}: no window fits (output size < 1)"
        )
    return (W + 2 * P - D * (F - 1) - 1) // S + 1


def same_padding(F: int, D: int = 1) -> tuple[int, int]:
    r"""(before, after) zero padding of ``padding='same'``: :math:`D(F-1)` cells in all,
    :math:`\lfloor D(F-1)/2 \rfloor` before and the rest after (PyTorch puts the odd one
    after: right, bottom)."""
    F, D = _int("kernel size F", F, 1), _int("dilation D", D, 1)
    total = D * (F - 1)
    return total // 2, total - total // 2


def conv2d_parameter_count(
    in_channels: int, out_channels: int, kernel_size: int | tuple[int, int], *,
    groups: int = 1, bias: bool = True,
) -> int:  # fmt: skip
    r"""Parameters of ``nn.Conv2d``: :math:`C_{out} \cdot \frac{C_{in}}{g} \cdot k_H k_W
    + C_{out}` (the last term only with a bias). Each of the :math:`C_{out}` kernels sees
    only the :math:`C_{in}/g` channels of its group."""
    c_in, c_out = _int("in_channels", in_channels, 1), _int("out_channels", out_channels, 1)
    g = _int("groups", groups, 1)
    kh, kw = _pair("kernel_size", kernel_size, 1)
    if c_in % g or c_out % g:
        raise ValueError(f"groups={g} must divide in_channels={c_in} and out_channels={c_out}")
    return c_out * (c_in // g) * kh * kw + (c_out if bias else 0)


def conv2d_shapes(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: int | tuple[int, int],
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
    bias: bool = True,
) -> dict[str, tuple[int, ...] | int | None]:
    """Output, weight and bias shapes and parameter count of ``nn.Conv2d`` on an input
    of shape (N, C_in, H, W), worked out from the formulas (no convolution is run).

    ``padding`` is an int, a pair, ``"valid"`` (= 0) or ``"same"`` (output size = input
    size; stride 1 only, as in PyTorch). Bad combinations raise ``ValueError`` with the
    reason.
    """
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 4 or min(shape) < 1:
        raise ValueError(f"input_shape must be (N, C_in, H, W) with sizes >= 1, got {shape}")
    n, c_in, h, w = shape
    kh, kw = _pair("kernel_size", kernel_size, 1)
    sh, sw = _pair("stride", stride, 1)
    dh, dw = _pair("dilation", dilation, 1)
    params = conv2d_parameter_count(c_in, out_channels, (kh, kw), groups=groups, bias=bias)
    if padding == "same":
        if (sh, sw) != (1, 1):
            raise ValueError("padding='same' is not supported for strided convolutions")
        out_hw = (h, w)
    else:
        if padding == "valid":
            padding = 0
        if isinstance(padding, str):
            raise ValueError(f"padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
        ph, pw = _pair("padding", padding, 0)
        out_hw = (conv2d_output_size(h, kh, ph, sh, dh), conv2d_output_size(w, kw, pw, sw, dw))
    return {
        "output": (n, out_channels, *out_hw),
        "weight": (out_channels, c_in // groups, kh, kw),
        "bias": (out_channels,) if bias else None,
        "params": params,
    }


# --------------------------------------------------------------------------- pooling


def pool_output_size(
    W: int, F: int, P: int = 0, S: int | None = None, D: int = 1, ceil_mode: bool = False
) -> int:
    r"""Output size of ``MaxPool2d``/``AvgPool2d`` along one dimension.

    The stride defaults to the kernel size (``S=None``). With ``ceil_mode=False`` this is
    the convolution's :math:`\lfloor (W + 2P - D(F-1) - 1)/S \rfloor + 1`; with
    ``ceil_mode=True`` the floor becomes a ceiling, so a last, partial window is kept,
    except when that window would start beyond the input and its left padding
    (:math:`(N-1)S \ge W + P`), which PyTorch drops. Padding may be at most half the
    kernel size, :math:`P \le \lfloor F/2 \rfloor`, as PyTorch demands.
    """
    W, F = _int("input size W", W, 1), _int("kernel size F", F, 1)
    S = F if S is None else _int("stride S", S, 1)
    P, D = _int("padding P", P, 0), _int("dilation D", D, 1)
    span = D * (F - 1) + 1
    if P > F // 2:
        raise ValueError(f"padding P={P} must be at most half the kernel size F={F}: P <= {F // 2}")
    numerator = W + 2 * P - D * (F - 1) - 1
    if not ceil_mode:
        N = numerator // S + 1
    else:
        N = -(-numerator // S) + 1
        if (N - 1) * S >= W + P:
            N -= 1
    if N < 1:
        raise ValueError(
            f"the window spans {span} cells but the padded input has only {W + 2 * P}: "
            "no window fits (output size < 1)"
        )
    return N


def adaptive_bins(W: int, N: int) -> list[tuple[int, int]]:
    r"""The windows of an adaptive pooling from size W to size N: window i covers
    :math:`[\lfloor iW/N \rfloor, \lceil (i+1)W/N \rceil)`. Neighbouring windows may
    overlap by one cell when N does not divide W; together they cover every cell."""
    W, N = _int("input size W", W, 1), _int("output size N", N, 1)
    return [((i * W) // N, -(-((i + 1) * W) // N)) for i in range(N)]


def adaptive_avg_pool2d(x: torch.Tensor, output_size: int | tuple[int, int]) -> torch.Tensor:
    """``nn.AdaptiveAvgPool2d`` from scratch: the mean over each window of
    ``adaptive_bins`` along H and along W. Works on (C, H, W) or (N, C, H, W)."""
    if not isinstance(x, torch.Tensor) or x.ndim not in (3, 4):
        raise ValueError("x must be a (C, H, W) or (N, C, H, W) tensor")
    oh, ow = _pair("output_size", output_size, 1)
    rows = adaptive_bins(x.shape[-2], oh)
    cols = adaptive_bins(x.shape[-1], ow)
    out = x.new_empty((*x.shape[:-2], oh, ow))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[..., i, j] = x[..., r0:r1, c0:c1].mean(dim=(-2, -1))
    return out


# --------------------------------------------------------------------------- Embedding


def char_vectors(names: Iterable[str], dim: int = 6, window: int = 1) -> torch.Tensor:
    r"""Character vectors from co-occurrence counts, a (27, dim) matrix (row 0 = PAD = 0).

    Count how often letters a and b appear within ``window`` positions of each other,
    turn counts into positive pointwise mutual information,
    :math:`\mathrm{PPMI}_{ab} = \max(\log \frac{p(a,b)}{p(a)\,p(b)}, 0)`, and keep the
    top ``dim`` singular directions: :math:`V = U_{:, :d} \sqrt{\Sigma_d}` (signs fixed so
    each column's largest entry is positive). Letters used in similar company get similar
    rows: our offline stand-in for downloaded pretrained vectors.
    """
    dim = _int("dim", dim, 1)
    if dim > len(ALPHABET):
        raise ValueError(f"dim must be <= {len(ALPHABET)}, got {dim}")
    window = _int("window", window, 1)
    counts = np.zeros((len(ALPHABET), len(ALPHABET)))
    for name in names:
        ids = (encode(name) - 1).tolist()
        for i, a in enumerate(ids):
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i:
                    counts[a, ids[j]] += 1
    if counts.sum() == 0:
        raise ValueError("names hold no pair of neighbouring letters")
    p = counts / counts.sum()
    pa, pb = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(p / (pa * pb))
    ppmi = np.where(np.isfinite(pmi), np.maximum(pmi, 0.0), 0.0)
    U, S, _ = np.linalg.svd(ppmi)
    V = U[:, :dim] * np.sqrt(S[:dim])
    signs = np.sign(V[np.abs(V).argmax(axis=0), np.arange(dim)])
    V = V * np.where(signs == 0, 1.0, signs)
    return torch.tensor(np.vstack([np.zeros((1, dim)), V]), dtype=torch.float32)


def nearest(vectors: torch.Tensor, token: int, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` rows most similar to row ``token`` by cosine similarity (itself and
    all-zero rows excluded), as (id, similarity), most similar first."""
    if not isinstance(vectors, torch.Tensor) or vectors.ndim != 2:
        raise ValueError("vectors must be a 2-D tensor (num_embeddings, embedding_dim)")
    token = _int("token", token, 0)
    if token >= len(vectors):
        raise ValueError(f"token must be < {len(vectors)}, got {token}")
    k = _int("k", k, 1)
    v = vectors.double()
    norms = v.norm(dim=1)
    if norms[token] == 0:
        raise ValueError(f"row {token} is all zeros: it has no direction")
    sim = (v @ v[token]) / (norms * norms[token]).clamp_min(1e-300)
    sim[token] = -math.inf
    sim[norms == 0] = -math.inf
    top = torch.topk(sim, min(k, int((sim > -math.inf).sum())))
    return [(int(i), round(float(s), 4)) for s, i in zip(top.values, top.indices, strict=True)]


class NameClassifier(nn.Module):
    """Embedding -> RNN over the packed sequence -> Linear on the last real hidden state.

    ``forward((padded (B, T), lengths (B,)))`` returns logits (B, n_classes). The padded
    batch is packed with ``pack_padded_sequence`` so the RNN stops at each name's end:
    the hidden state it returns belongs to the last letter, not to a padding step.
    ``pretrained`` (num_embeddings, embedding_dim) loads vectors with
    ``nn.Embedding.from_pretrained(pretrained, freeze=freeze, padding_idx=PAD)``.
    """

    def __init__(
        self,
        *,
        num_embeddings: int = len(ALPHABET) + 1,
        embedding_dim: int = 6,
        hidden_size: int = 32,
        n_classes: int = 2,
        pretrained: torch.Tensor | None = None,
        freeze: bool = False,
    ) -> None:
        super().__init__()
        hidden_size = _int("hidden_size", hidden_size, 1)
        n_classes = _int("n_classes", n_classes, 2)
        if pretrained is not None:
            if not isinstance(pretrained, torch.Tensor) or pretrained.ndim != 2:
                raise ValueError("pretrained must be a 2-D tensor (num_embeddings, embedding_dim)")
            self.embedding = nn.Embedding.from_pretrained(
                pretrained, freeze=freeze, padding_idx=PAD
            )
        else:
            self.embedding = nn.Embedding(
                _int("num_embeddings", num_embeddings, 2),
                _int("embedding_dim", embedding_dim, 1),
                padding_idx=PAD,
            )
        self.rnn = nn.RNN(self.embedding.embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        padded, lengths = batch
        packed = pack_padded_sequence(
            self.embedding(padded), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h_n = self.rnn(packed)  # (num_layers, B, hidden), in the batch's own order
        return self.head(h_n[-1])


@torch.no_grad()
def class_recall(model: nn.Module, loader: Iterable, n_classes: int = 2) -> list[float]:
    """Per class: the fraction of its examples the model labels correctly (recall)."""
    was_training = model.training
    model.eval()
    hit = torch.zeros(n_classes)
    seen = torch.zeros(n_classes)
    try:
        for x, y in loader:
            pred = model(x).argmax(dim=1)
            seen += torch.bincount(y, minlength=n_classes)[:n_classes]
            hit += torch.bincount(y[pred == y], minlength=n_classes)[:n_classes]
    finally:
        model.train(was_training)
    return [float(h / s) if s else math.nan for h, s in zip(hit, seen, strict=True)]


# --------------------------------------------------------------------------- shape table


@dataclass(frozen=True)
class ShapeExample:
    """One row of the shape table: run ``fn(*inputs)`` and record the shapes in and out."""

    api: str
    fn: Callable
    inputs: tuple
    rule: str


def shape_of(obj: object) -> str:
    """A short description of a tensor's (or a nested structure's) shape, for the table.

    Tensors: ``(32, 11)``, suffixed with the dtype unless it is float32; a PackedSequence:
    ``packed (n, d)``; a DataLoader or Dataset: what one item looks like.
    """
    if isinstance(obj, PackedSequence):
        return f"packed {tuple(obj.data.shape)}"
    if isinstance(obj, torch.Tensor):
        dtype = "" if obj.dtype == torch.float32 else f" {str(obj.dtype).replace('torch.', '')}"
        return f"{tuple(obj.shape)}{dtype}"
    if isinstance(obj, DataLoader):
        return f"{len(obj.dataset)} items {shape_of(obj.dataset[0])}"
    if isinstance(obj, Dataset):
        return f"item {shape_of(obj[0])}"
    if isinstance(obj, tuple | list):
        return "[" + ", ".join(shape_of(o) for o in obj) + "]"
    if isinstance(obj, bool | int | float):
        return type(obj).__name__
    return type(obj).__name__


def shape_table(examples: Sequence[ShapeExample]) -> str:
    """The 'which shape goes where' table: each example is run, its shapes measured.

    One block per example: the API, the input shapes and the output shapes on one line,
    then the parameter shapes (from the module's ``named_parameters``) and the rule the
    shapes follow, indented.
    """
    if not examples:
        raise ValueError("examples must hold at least one ShapeExample")
    rows = []
    for ex in examples:
        with torch.no_grad():
            out = ex.fn(*ex.inputs)
        params = "none"
        if isinstance(ex.fn, nn.Module):
            named = list(ex.fn.named_parameters())
            if named:
                params = ", ".join(f"{n} {tuple(p.shape)}" for n, p in named)
        inputs = ex.inputs[0] if len(ex.inputs) == 1 else ex.inputs
        rows.append((ex.api, shape_of(inputs), shape_of(out), params, ex.rule))
    w_api = max(len("API"), *(len(r[0]) for r in rows))
    w_in = max(len("input"), *(len(r[1]) for r in rows))
    lines = [f"{'API':<{w_api}}  {'input':<{w_in}}  ->  output", "-" * (w_api + w_in + 20)]
    for api, shape_in, shape_out, params, rule in rows:
        lines.append(f"{api:<{w_api}}  {shape_in:<{w_in}}  ->  {shape_out}")
        lines.append(f"    parameters: {params}")
        lines.append(f"    rule:       {rule}")
    return "\n".join(lines)
