"""Bad inputs to helpers.text are rejected with an error that names the argument."""

from __future__ import annotations

import math

import badinput
import numpy as np
import pytest
from badinput import NONNEGATIVE, NONNEGATIVE_INT, POSITIVE_INT, Case, fresh, values

from helpers import text

VOCAB = text.char_vocab(["anna", "bob"])
ENCODED = text.encode_names(["anna", "bob", "ann", "bo"], VOCAB)
V = len(VOCAB)
NAMES = values(("str", "anna"), ("None", None), ("empty name", [""]), ("int", [3]), ("int", 3))
A_VOCAB = values(("None", None), ("dict", {"a": 1}), ("str", "abc"))
ENCODED_BAD = values(
    ("None", None),
    ("str", "ab"),
    ("id out of range", [[0, 99]]),
    ("negative id", [[0, -1]]),
    ("float ids", [[0.5, 1.0]]),
)
SQUARE_BAD = values(
    ("None", None),
    ("str", "abc"),
    ("1-D", np.ones(3)),
    ("not square", np.ones((2, 3))),
    ("nan", np.full((2, 2), math.nan)),
    ("negative", -np.ones((2, 2))),
)


def encode(tokens):
    return VOCAB.encode(tokens)


def decode(ids):
    return VOCAB.decode(ids)


CASES = [
    Case(
        text.tokenize,
        dict(text="The dog.", lower=True),
        {
            "text": values(("None", None), ("int", 3), ("list", ["a"])),
            "lower": values(("None", None), ("1", 1), ("str", "yes")),
        },
    ),
    Case(
        text.Vocab,
        dict(tokens=["a", "b", "a"], min_freq=1, specials=("<unk>", "<pad>")),
        {
            "tokens": values(("str", "a b"), ("None", None), ("int", 3), ("ints", [1, 2])),
            "min_freq": POSITIVE_INT,
            "specials": values(("str", "<unk>"), ("ints", [1]), ("repeated", ["x", "x"])),
        },
    ),
    Case(encode, dict(tokens=["a", "n"]), {"tokens": values(("str", "an"), ("None", None))}),
    Case(
        decode,
        dict(ids=[3, 4]),
        {"ids": values(("None", None), ("out of range", [99]), ("float", [1.5]), ("str", "ab"))},
    ),
    Case(text.char_vocab, dict(names=["anna"]), {"names": NAMES + values(("boundary", ["a.b"]))}),
    Case(text.encode_names, dict(names=["anna"], vocab=VOCAB), {"names": NAMES, "vocab": A_VOCAB}),
    Case(
        text.decode_name,
        dict(ids=[2, 3, 2], vocab=VOCAB),
        {"ids": values(("None", None), ("out of range", [99])), "vocab": A_VOCAB},
    ),
    Case(
        text.pad_names,
        dict(encoded=ENCODED, pad_id=0),
        {
            "encoded": values(("empty", []), ("None", None), ("str", "ab"), ("one id", [[1]])),
            "pad_id": NONNEGATIVE_INT,
        },
    ),
    Case(
        text.split_names,
        dict(names=fresh(lambda: [f"n{i}" for i in range(10)]), fractions=(0.8, 0.2), seed=0),
        {
            "names": NAMES,
            "fractions": values(
                ("nan", (math.nan, 0.5, 0.5)),
                ("inf", (math.inf, 0.5)),
                ("negative", (-0.1, 0.6, 0.5)),
                ("above 1", (1.5, -0.5)),
                ("sum 0.9", (0.5, 0.4)),
                ("empty", ()),
                ("None", None),
                ("str", "0.5"),
            ),
            "seed": NONNEGATIVE_INT,
        },
    ),
    Case(
        text.bigram_counts,
        dict(encoded=ENCODED, n_tokens=V),
        {"encoded": ENCODED_BAD, "n_tokens": POSITIVE_INT},
    ),
    Case(
        text.bigram_probs,
        dict(counts=fresh(lambda: np.ones((V, V))), k=0.5, support=[2, 3, 4]),
        {
            "counts": SQUARE_BAD,
            "k": NONNEGATIVE,
            "support": values(
                ("out of range", [99]), ("str", "ab"), ("empty", []), ("float", [1.5])
            ),
        },
    ),
    Case(
        text.bigram_cross_entropy,
        dict(probs=fresh(lambda: np.full((V, V), 1 / V)), encoded=ENCODED),
        {
            "probs": SQUARE_BAD + values(("above 1", np.full((2, 2), 2.0))),
            "encoded": ENCODED_BAD + values(("empty name", [[]]), ("one id", [[2]])),
        },
    ),
    Case(
        text.choose_k,
        dict(encoded=ENCODED, n_tokens=V, ks=[0.1, 1.0], folds=2, support=None, seed=0),
        {
            "encoded": values(("None", None), ("str", "ab"), ("id out of range", [[0, 99]] * 4)),
            "n_tokens": POSITIVE_INT,
            "ks": values(
                ("empty", []),
                ("negative", [-1.0]),
                ("nan", [math.nan]),
                ("str", "1"),
                ("None", None),
            ),
            "folds": values(("1", 1), ("2.5", 2.5), ("more than names", 5), ("None", None)),
            "support": values(("out of range", [99])),
            "seed": NONNEGATIVE_INT,
        },
    ),
    Case(text.log_uniform, dict(n=27), {"n": POSITIVE_INT}),
]


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


def test_bigram_cross_entropy_rejects_an_empty_name():
    """The bug of issue 23: an empty id list counted as -1 predicted tokens."""
    probs = np.full((3, 3), 1 / 3)
    assert text.bigram_cross_entropy(probs, [[0, 1, 2]]) == pytest.approx(math.log(3))
    with pytest.raises(ValueError, match="at least 2 ids"):
        text.bigram_cross_entropy(probs, [[0, 1, 2], []])


def test_split_names_rejects_nan_fractions():
    """The bug of issue 23: (nan, 0.5, 0.5) passed the checks and gave empty splits."""
    with pytest.raises(ValueError, match=r"fractions\[0\] must be a finite number"):
        text.split_names(["a", "b"], (math.nan, 0.5, 0.5))
    assert [len(p) for p in text.split_names(["a", "b", "c", "d"], (0.5, 0.5, 0.0))] == [2, 2, 0]
