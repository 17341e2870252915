r"""``nn.Embedding`` in practice (chapter 11): character vectors and a names classifier.

* ``char_vectors``: character vectors from co-occurrence counts, our offline stand-in for
  "pretrained" vectors, and ``nearest`` (cosine similarity);
* ``NameClassifier``: Embedding -> RNN over the packed sequence -> Linear;
* ``class_recall``: the per-class recall of a classifier over a loader.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from helpers import args
from helpers.torch_api.datasets import ALPHABET, PAD, _encode_all

__all__ = ["char_vectors", "nearest", "NameClassifier", "class_recall"]


def char_vectors(names: Iterable[str], dim: int = 6, window: int = 1) -> torch.Tensor:
    r"""Character vectors from co-occurrence counts, a (27, dim) matrix (row 0 = PAD = 0).

    Count how often letters a and b appear within ``window`` positions of each other,
    turn counts into positive pointwise mutual information,
    :math:`\mathrm{PPMI}_{ab} = \max(\log \frac{p(a,b)}{p(a)\,p(b)}, 0)`, and keep the
    top ``dim`` singular directions: :math:`V = U_{:, :d} \sqrt{\Sigma_d}` (signs fixed so
    each column's largest entry is positive). Letters used in similar company get similar
    rows: our offline stand-in for downloaded pretrained vectors.
    """
    dim = args.integer("dim", dim, low=1)
    if dim > len(ALPHABET):
        raise ValueError(f"dim must be <= {len(ALPHABET)}, got {dim}")
    window = args.integer("window", window, low=1)
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ValueError(f"names must be a list of names, got {type(names).__name__}")
    counts = np.zeros((len(ALPHABET), len(ALPHABET)))
    for encoded in _encode_all("names", names):
        ids = (encoded - 1).tolist()
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
    vectors = args.tensor("vectors", vectors, floating=True, nonempty=True, finite=True)
    if vectors.ndim != 2:
        raise ValueError("vectors must be a 2-D tensor (num_embeddings, embedding_dim)")
    token = args.integer("token", token, low=0)
    if token >= len(vectors):
        raise ValueError(f"token must be < {len(vectors)}, got {token}")
    k = args.integer("k", k, low=1)
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
        hidden_size = args.integer("hidden_size", hidden_size, low=1)
        n_classes = args.integer("n_classes", n_classes, low=2)
        if pretrained is not None:
            pretrained = args.tensor("pretrained", pretrained, floating=True, finite=True)
            if pretrained.ndim != 2 or pretrained.numel() == 0:
                raise ValueError("pretrained must be a 2-D tensor (num_embeddings, embedding_dim)")
            freeze = args.one_of("freeze", freeze, (False, True))
            self.embedding = nn.Embedding.from_pretrained(
                pretrained, freeze=freeze, padding_idx=PAD
            )
        else:
            self.embedding = nn.Embedding(
                args.integer("num_embeddings", num_embeddings, low=2),
                args.integer("embedding_dim", embedding_dim, low=1),
                padding_idx=PAD,
            )
        self.rnn = nn.RNN(self.embedding.embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        if not isinstance(batch, tuple | list) or len(batch) != 2:
            raise ValueError(f"batch must be a pair (padded, lengths), got {type(batch).__name__}")
        padded = args.tensor("padded", batch[0], ndim=2, nonempty=True)
        lengths = args.tensor("lengths", batch[1], ndim=1, nonempty=True)
        packed = pack_padded_sequence(
            self.embedding(padded), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h_n = self.rnn(packed)  # (num_layers, B, hidden), in the batch's own order
        return self.head(h_n[-1])


@torch.no_grad()
def class_recall(model: nn.Module, loader: Iterable, n_classes: int = 2) -> list[float]:
    """Per class: the fraction of its examples the model labels correctly (recall)."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(loader, Iterable):
        raise ValueError(
            f"loader must be an iterable of (x, y) batches, got {type(loader).__name__}"
        )
    n_classes = args.integer("n_classes", n_classes, low=1)
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
