r"""Text as numbers: tokenization, a vocabulary, character encoding of names, a bigram model.

The word-embedding workflow of the notes, one step per function:

1. **tokenization**: ``tokenize("The dog bites.")`` -> ``["the", "dog", "bites", "."]``;
2. **token-to-id mapping**: a ``Vocab`` built from training text gives every known token an
   integer id, and every unknown token the id of ``"<unk>"``;
3. **embedding lookup by id**: ``nn.Embedding(len(vocab), d)(ids)`` returns row ``id`` of
   its weight matrix for every id (chapter 10 checks this against plain indexing).

For the character-level language model a name such as ``"anna"`` becomes the input
``".anna"`` and the target ``"anna."``: the boundary token ``"."`` marks both the start and the
end, so a model learns how names begin and when they stop. The bigram count model

.. math::

    P(b \mid a) = \frac{C(a, b) + k}{\sum_{b'} C(a, b') + k V}

(add-:math:`k` smoothing over a vocabulary of :math:`V` tokens) is the baseline a recurrent
model has to beat.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import torch

from helpers import args

__all__ = [
    "tokenize",
    "Vocab",
    "BOUNDARY",
    "PAD",
    "IGNORE_INDEX",
    "TOY_CORPUS",
    "char_vocab",
    "encode_names",
    "decode_name",
    "pad_names",
    "split_names",
    "bigram_counts",
    "bigram_probs",
    "bigram_cross_entropy",
    "choose_k",
    "log_uniform",
]

#: the start/end marker of a name in the character model
BOUNDARY = "."
#: the padding token (id 0 in ``char_vocab``); its positions are ignored by the loss
PAD = "<pad>"
#: the target id that ``torch.nn.functional.cross_entropy`` ignores by default
IGNORE_INDEX = -100

#: a toy corpus for the embedding walk-through of chapter 10 (and its exercise)
TOY_CORPUS = (
    "The dog bites the man. The man feeds the dog. "
    "A cat sees the dog, and the dog sees a cat. The man likes the cat."
)

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?|[^\sA-Za-z0-9]")


def tokenize(text: str, *, lower: bool = True) -> list[str]:
    """Split ``text`` into word and punctuation tokens.

    A token is a run of letters and digits (with an optional apostrophe part such as
    ``"don't"``) or a single punctuation character; white space separates tokens and is
    dropped. Empty or blank text gives an empty list.

    >>> tokenize("The dog bites the man.")
    ['the', 'dog', 'bites', 'the', 'man', '.']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    lower = args.one_of("lower", lower, (True, False))
    tokens = _TOKEN.findall(text)
    return [t.lower() for t in tokens] if lower else tokens


class Vocab:
    """A token <-> id mapping with an unknown-token id.

    Ids are given in this order: the ``specials`` first (``"<unk>"`` always among them),
    then the tokens seen at least ``min_freq`` times, most frequent first, ties broken
    alphabetically, so the same text always yields the same ids.

    ``vocab[token]`` and ``vocab.encode(tokens)`` map unknown tokens to ``vocab.unk_id``;
    ``vocab.decode(ids)`` maps ids back to tokens and rejects ids outside the vocabulary.
    """

    UNK = "<unk>"

    def __init__(
        self,
        tokens: Iterable[str],
        *,
        min_freq: int = 1,
        specials: Sequence[str] = ("<unk>",),
    ) -> None:
        min_freq = args.integer("min_freq", min_freq, low=1)
        if isinstance(tokens, str) or not isinstance(tokens, Iterable):
            raise ValueError(
                "tokens must be an iterable of tokens, not one str: call tokenize first"
            )
        if isinstance(specials, str) or not all(isinstance(t, str) for t in specials):
            raise ValueError(f"specials must be a sequence of str tokens, got {specials!r}")
        specials = list(specials)
        if self.UNK not in specials:
            specials = [self.UNK, *specials]
        if len(set(specials)) != len(specials):
            raise ValueError(f"specials must be distinct, got {specials}")
        counts: Counter[str] = Counter()
        for token in tokens:
            if not isinstance(token, str):
                raise ValueError(f"every token in tokens must be a str, got {type(token).__name__}")
            counts[token] += 1
        kept = sorted(
            (t for t, c in counts.items() if c >= min_freq and t not in specials),
            key=lambda t: (-counts[t], t),
        )
        self.counts = counts
        self.id_to_token: list[str] = specials + kept
        self.token_to_id: dict[str, int] = {t: i for i, t in enumerate(self.id_to_token)}
        self.unk_id: int = self.token_to_id[self.UNK]

    def __len__(self) -> int:
        return len(self.id_to_token)

    def __contains__(self, token: object) -> bool:
        return token in self.token_to_id

    def __getitem__(self, token: str) -> int:
        return self.token_to_id.get(token, self.unk_id)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """The id of every token (``unk_id`` for tokens outside the vocabulary)."""
        if isinstance(tokens, str) or not isinstance(tokens, Iterable):
            raise ValueError("tokens must be a list of tokens, not one str: call tokenize first")
        return [self[t] for t in tokens]

    def decode(self, ids: Iterable[int] | torch.Tensor) -> list[str]:
        """The token of every id; an id outside ``[0, len(vocab))`` raises ValueError."""
        if isinstance(ids, torch.Tensor):
            ids = ids.flatten().tolist()
        if isinstance(ids, str) or not isinstance(ids, Iterable):
            raise ValueError(f"ids must be a sequence of ints, got {type(ids).__name__}")
        out = []
        for i in ids:
            if isinstance(i, bool) or not isinstance(i, int | np.integer) or not 0 <= i < len(self):
                raise ValueError(f"ids: id {i!r} is outside the vocabulary [0, {len(self)})")
            out.append(self.id_to_token[int(i)])
        return out

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.id_to_token[:6])
        more = ", ..." if len(self) > 6 else ""
        return f"Vocab({len(self)} tokens: {head}{more})"


def _names(names: object) -> list[str]:
    """``names`` as a list of non-empty str."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ValueError(f"names must be a list of names, not {type(names).__name__}")
    names = list(names)
    if not all(isinstance(n, str) and n for n in names):
        raise ValueError("names must be non-empty strings")
    return names


def _vocab(vocab: object) -> Vocab:
    if not isinstance(vocab, Vocab):
        raise ValueError(f"vocab must be a text.Vocab, got {type(vocab).__name__}")
    return vocab


def char_vocab(names: Iterable[str]) -> Vocab:
    """A character vocabulary for names: ``<pad>`` (id 0), ``<unk>`` (1), ``.`` (2), then letters.

    The letters are ordered alphabetically (not by frequency) so ids read naturally.
    """
    names = _names(names)
    chars = sorted({c for name in names for c in name})
    if BOUNDARY in chars:
        raise ValueError(f"names must not contain the boundary token {BOUNDARY!r}")
    return Vocab(chars, specials=(PAD, Vocab.UNK, BOUNDARY))


def encode_names(names: Sequence[str], vocab: Vocab) -> list[list[int]]:
    """Every name as ids with the boundary at both ends: ``"ann"`` -> ids of ``.ann.``."""
    names = _names(names)
    _vocab(vocab)
    b = vocab[BOUNDARY]
    return [[b, *vocab.encode(list(name)), b] for name in names]


def decode_name(ids: Iterable[int] | torch.Tensor, vocab: Vocab) -> str:
    """Ids back to a name: stops at the first boundary after the start, drops padding."""
    _vocab(vocab)
    chars = []
    for token in vocab.decode(ids):
        if token == BOUNDARY:
            if chars:
                break
            continue
        if token == PAD:
            continue
        chars.append(token)
    return "".join(chars)


def pad_names(
    encoded: Sequence[Sequence[int]], *, pad_id: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets for next-character prediction, padded to one length.

    For ids ``[., a, n, n, .]`` the input is ``[., a, n, n]`` and the target
    ``[a, n, n, .]``. Inputs are padded with ``pad_id``, targets with -100 (the index
    ``cross_entropy`` ignores), so padding never counts in the loss. Returns two
    ``(N, T_max)`` long tensors.
    """
    if isinstance(encoded, str) or not isinstance(encoded, Sequence):
        raise ValueError(f"encoded must be a list of id lists, got {type(encoded).__name__}")
    if len(encoded) == 0:
        raise ValueError("cannot pad an empty list of names: encoded is empty")
    pad_id = args.integer("pad_id", pad_id, low=0)
    t_max = max(len(e) for e in encoded) - 1
    if t_max < 1:
        raise ValueError("every encoded name needs at least two ids (start and end)")
    x = torch.full((len(encoded), t_max), pad_id, dtype=torch.long)
    y = torch.full((len(encoded), t_max), IGNORE_INDEX, dtype=torch.long)
    for i, e in enumerate(encoded):
        n = len(e) - 1
        x[i, :n] = torch.as_tensor(e[:-1])
        y[i, :n] = torch.as_tensor(e[1:])
    return x, y


def split_names(
    names: Sequence[str], fractions: Sequence[float] = (0.8, 0.1, 0.1), *, seed: int = 0
) -> list[list[str]]:
    """A seeded shuffle of ``names`` cut into parts of the given ``fractions`` (sum 1)."""
    names = _names(names)
    if isinstance(fractions, str) or not isinstance(fractions, Iterable):
        raise ValueError(f"fractions must be a sequence of numbers, got {fractions!r}")
    fractions = [args.fraction(f"fractions[{i}]", f) for i, f in enumerate(fractions)]
    if not fractions or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"fractions must be >= 0 and sum to 1, got {tuple(fractions)}")
    seed = args.integer("seed", seed, low=0)
    order = np.random.default_rng(seed).permutation(len(names))
    shuffled = [names[i] for i in order]
    cuts = np.round(np.cumsum(fractions) * len(names)).astype(int)
    parts, start = [], 0
    for end in cuts:
        parts.append(shuffled[start:end])
        start = end
    return parts


def _id_sequences(encoded: object, n_tokens: int, *, min_len: int) -> list[np.ndarray]:
    """``encoded`` as int64 arrays of ids in [0, n_tokens), each of at least ``min_len`` ids."""
    if isinstance(encoded, str) or not isinstance(encoded, Iterable):
        raise ValueError(f"encoded must be a list of id lists, got {type(encoded).__name__}")
    out = []
    for e in encoded:
        ids = np.asarray(e)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise ValueError(f"encoded must hold 1-D lists of int ids, got {e!r:.60}")
        ids = ids.astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= n_tokens):
            raise ValueError(
                f"ids must lie in [0, {n_tokens}), got {ids.min()}..{ids.max()} in encoded"
            )
        if len(ids) < min_len:
            raise ValueError(
                f"every name in encoded needs at least {min_len} ids (start and end), got {e!r}"
            )
        out.append(ids)
    return out


def _square(name: str, m: object) -> np.ndarray:
    """``m`` as a finite, non-negative (V, V) float64 array."""
    if isinstance(m, str | bytes | bool) or m is None:
        raise ValueError(f"{name} must be a (V, V) array, got {type(m).__name__}")
    try:
        a = np.asarray(m.detach().cpu() if isinstance(m, torch.Tensor) else m, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a (V, V) array of numbers") from err
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.size == 0:
        raise ValueError(f"{name} must be a (V, V) array, got shape {a.shape}")
    if not np.isfinite(a).all() or (a < 0).any():
        raise ValueError(f"{name} must hold finite values >= 0")
    return a


def bigram_counts(encoded: Iterable[Sequence[int]], n_tokens: int) -> np.ndarray:
    """C[a, b]: how often id ``b`` follows id ``a`` in the encoded names; shape (V, V)."""
    n_tokens = args.integer("n_tokens", n_tokens, low=1)
    counts = np.zeros((n_tokens, n_tokens), dtype=np.int64)
    for ids in _id_sequences(encoded, n_tokens, min_len=0):
        np.add.at(counts, (ids[:-1], ids[1:]), 1)
    return counts


def _support(support: object, n: int) -> np.ndarray:
    if isinstance(support, str) or not isinstance(support, Iterable):
        raise ValueError(f"support must be a list of ids, got {type(support).__name__}")
    ids = [args.integer(f"support[{i}]", s, low=0, high=n - 1) for i, s in enumerate(support)]
    if not ids:
        raise ValueError("support must list at least one id")
    return np.asarray(ids, dtype=np.int64)


def bigram_probs(
    counts: np.ndarray, k: float, *, support: Sequence[int] | None = None
) -> np.ndarray:
    r"""Add-k smoothed next-token probabilities :math:`P(b|a) = (C(a,b)+k) / (\sum_{b'} C(a,b') + kV)`.

    ``support`` lists the ids a next token can take (the letters and the boundary: a name
    never continues with padding or ``<unk>``); V is its size, and ids outside it get
    probability 0. Rows of tokens never seen as a predecessor are uniform over the support.
    """
    k = args.number("k", k, low=0)
    counts = _square("counts", counts)
    n = counts.shape[0]
    support_ids = np.arange(n) if support is None else _support(support, n)
    mask = np.zeros(n, dtype=bool)
    mask[support_ids] = True
    smoothed = np.where(mask, counts + k, 0.0)
    totals = smoothed.sum(axis=1, keepdims=True)
    uniform = mask / mask.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        probs = np.where(totals > 0, smoothed / totals, uniform)
    return probs


def bigram_cross_entropy(probs: np.ndarray, encoded: Iterable[Sequence[int]]) -> float:
    r"""Mean :math:`-\ln P(b|a)` over every predicted token (all ids after the first) in nats.

    Every encoded name needs at least two ids (the boundary at each end), so it predicts
    at least one token."""
    probs = _square("probs", probs)
    if (probs > 1).any():
        raise ValueError("probs must hold probabilities in [0, 1]")
    total, count = 0.0, 0
    for ids in _id_sequences(encoded, len(probs), min_len=2):
        p = probs[ids[:-1], ids[1:]]
        with np.errstate(divide="ignore"):
            total += float(-np.log(p).sum())
        count += len(ids) - 1
    if count == 0:
        raise ValueError("no tokens to score: every name needs at least two ids")
    return total / count


def choose_k(
    encoded: Sequence[Sequence[int]],
    n_tokens: int,
    ks: Sequence[float],
    *,
    folds: int = 5,
    support: Sequence[int] | None = None,
    seed: int = 0,
) -> tuple[float, dict[float, float]]:
    """Pick the add-k smoothing by ``folds``-fold cross-validation on the training names only.

    Each fold's counts come from the other folds; the score of ``k`` is the cross-entropy
    summed over every held-out token divided by their number. Returns ``(best_k, scores)``.
    """
    if isinstance(ks, str) or not isinstance(ks, Iterable) or not list(ks):
        raise ValueError(f"ks must list at least one smoothing value, got {ks!r}")
    ks = [args.number(f"ks[{i}]", k, low=0) for i, k in enumerate(ks)]
    if isinstance(encoded, str) or not isinstance(encoded, Sequence):
        raise ValueError(f"encoded must be a list of id lists, got {type(encoded).__name__}")
    folds = args.integer("folds", folds, low=2, high=max(2, len(encoded)))
    if folds > len(encoded):
        raise ValueError(f"folds must be <= the {len(encoded)} names of encoded, got {folds}")
    order = np.random.default_rng(args.integer("seed", seed, low=0)).permutation(len(encoded))
    parts = np.array_split(order, folds)
    fold_counts = [bigram_counts([encoded[j] for j in part], n_tokens) for part in parts]
    total = sum(fold_counts)
    scores: dict[float, float] = {}
    for k in ks:
        nll, count = 0.0, 0
        for held in fold_counts:  # counts of the other folds = total - held
            probs = bigram_probs(total - held, k, support=support)
            seen = held > 0
            with np.errstate(divide="ignore"):
                nll += float(-(held[seen] * np.log(probs[seen])).sum())
            count += int(held.sum())
        scores[k] = nll / count
    best = min(scores, key=lambda k: (scores[k], k))
    return best, scores


def log_uniform(n: int) -> float:
    """ln n: the cross-entropy of guessing uniformly among ``n`` outcomes."""
    return math.log(args.integer("n", n, low=1))
