"""Chapter 10: tokenizer, vocabulary, name encoding, the bigram baseline and the data loading."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers import data, text


# -- tokenizer ---------------------------------------------------------------------------
def test_tokenize_words_and_punctuation():
    assert text.tokenize("The dog bites the man.") == ["the", "dog", "bites", "the", "man", "."]
    assert text.tokenize("Don't stop, 2 dogs!") == ["don't", "stop", ",", "2", "dogs", "!"]
    assert text.tokenize("Hi  there", lower=False) == ["Hi", "there"]


@pytest.mark.parametrize("empty", ["", "   ", "\n\t"])
def test_tokenize_empty_input_gives_no_tokens(empty):
    assert text.tokenize(empty) == []


def test_tokenize_rejects_non_strings():
    with pytest.raises(ValueError, match="str"):
        text.tokenize(["a", "b"])


# -- vocabulary ------------------------------------------------------------------------
def test_vocab_ids_are_deterministic_and_round_trip():
    tokens = text.tokenize(text.TOY_CORPUS)
    vocab = text.Vocab(tokens)
    assert vocab.id_to_token[0] == "<unk>" and vocab.unk_id == 0
    assert vocab.id_to_token[1] == "the"  # most frequent first
    counts = [vocab.counts[t] for t in vocab.id_to_token[1:]]
    assert counts == sorted(counts, reverse=True)
    assert vocab.decode(vocab.encode(tokens)) == tokens
    assert text.Vocab(tokens).id_to_token == vocab.id_to_token
    assert len(vocab) == len(set(tokens)) + 1


def test_vocab_unknown_tokens_map_to_unk():
    vocab = text.Vocab(["a", "b", "a"])
    assert vocab.encode(["a", "zebra", "b", "?"]) == [
        vocab["a"],
        vocab.unk_id,
        vocab["b"],
        vocab.unk_id,
    ]
    assert "zebra" not in vocab and "a" in vocab
    assert vocab.decode([vocab.unk_id]) == ["<unk>"]


def test_vocab_empty_inputs():
    empty = text.Vocab([])
    assert len(empty) == 1 and empty.encode(["x"]) == [empty.unk_id]
    assert text.Vocab(["a"]).encode([]) == []
    assert text.Vocab(["a"]).decode([]) == []


def test_vocab_min_freq_and_specials():
    vocab = text.Vocab(["a", "a", "b"], min_freq=2, specials=("<pad>",))
    assert vocab.id_to_token == ["<unk>", "<pad>", "a"]
    assert vocab["b"] == vocab.unk_id
    with pytest.raises(ValueError, match="min_freq"):
        text.Vocab(["a"], min_freq=0)
    with pytest.raises(ValueError, match="distinct"):
        text.Vocab(["a"], specials=("<pad>", "<pad>"))


def test_vocab_rejects_bad_input():
    vocab = text.Vocab(["a"])
    with pytest.raises(ValueError, match="tokenize"):
        text.Vocab("a whole sentence")
    with pytest.raises(ValueError, match="tokenize"):
        vocab.encode("a")
    with pytest.raises(ValueError, match="outside the vocabulary"):
        vocab.decode([5])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        vocab.decode([-1])
    with pytest.raises(ValueError, match="str"):
        text.Vocab([1, 2])


def test_embedding_lookup_is_row_indexing():
    vocab = text.Vocab(text.tokenize(text.TOY_CORPUS))
    ids = torch.tensor(vocab.encode(text.tokenize("the cat sees a bird")))
    emb = nn.Embedding(len(vocab), 3)
    assert torch.equal(emb(ids), emb.weight[ids])


# -- names -----------------------------------------------------------------------------
def test_char_vocab_and_name_encoding():
    vocab = text.char_vocab(["anna", "bob"])
    assert vocab.id_to_token[:3] == ["<pad>", "<unk>", "."]
    assert vocab.id_to_token[3:] == ["a", "b", "n", "o"]
    encoded = text.encode_names(["anna", "bob", "zed"], vocab)
    assert vocab.decode(encoded[0]) == [".", "a", "n", "n", "a", "."]
    assert encoded[2][1] == vocab.unk_id  # 'z' unseen
    assert text.decode_name(encoded[0], vocab) == "anna"
    with pytest.raises(ValueError, match="non-empty"):
        text.encode_names([""], vocab)
    with pytest.raises(ValueError, match="boundary"):
        text.char_vocab(["a.b"])


def test_pad_names_shifts_and_masks():
    vocab = text.char_vocab(["ab", "abc"])
    x, y = text.pad_names(text.encode_names(["ab", "abc"], vocab))
    assert x.shape == y.shape == (2, 4)
    assert vocab.decode(x[0, :3]) == [".", "a", "b"] and int(x[0, 3]) == 0
    assert vocab.decode(y[0, :3]) == ["a", "b", "."] and int(y[0, 3]) == text.IGNORE_INDEX
    assert torch.equal(x[1, 1:], y[1, :-1])  # the target is the input shifted by one
    with pytest.raises(ValueError, match="empty"):
        text.pad_names([])


def test_split_names_is_a_seeded_partition():
    names = [f"n{i}" for i in range(101)]
    parts = text.split_names(names, (0.8, 0.1, 0.1), seed=3)
    assert [len(p) for p in parts] == [81, 10, 10]
    assert sorted(sum(parts, [])) == sorted(names)
    assert parts == text.split_names(names, (0.8, 0.1, 0.1), seed=3)
    with pytest.raises(ValueError, match="sum to 1"):
        text.split_names(names, (0.5, 0.4))


# -- bigram baseline -------------------------------------------------------------------
def test_bigram_probabilities_follow_add_k():
    counts = np.array([[0, 2, 1], [3, 0, 0], [0, 0, 0]])
    probs = text.bigram_probs(counts, 1.0)
    assert probs[0].tolist() == pytest.approx([1 / 6, 3 / 6, 2 / 6])
    assert probs.sum(axis=1) == pytest.approx([1, 1, 1])
    assert probs[2].tolist() == pytest.approx([1 / 3] * 3)  # unseen row: uniform
    restricted = text.bigram_probs(counts, 0.5, support=[1, 2])
    assert restricted[0, 0] == 0 and restricted[0].sum() == pytest.approx(1)
    with pytest.raises(ValueError, match="k must be"):
        text.bigram_probs(counts, -1)


def test_bigram_cross_entropy_by_hand():
    encoded = [[0, 1, 0], [0, 1]]
    counts = text.bigram_counts(encoded, 2)
    assert counts.tolist() == [[0, 2], [1, 0]]
    probs = text.bigram_probs(counts, 0.0)
    assert text.bigram_cross_entropy(probs, encoded) == pytest.approx(0.0)
    uniform = text.bigram_probs(np.zeros((2, 2)), 1.0)
    assert text.bigram_cross_entropy(uniform, encoded) == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="ids must lie"):
        text.bigram_counts([[0, 5]], 2)


def test_choose_k_uses_training_folds_only():
    names = data.first_names("male")[:400]
    vocab = text.char_vocab(names)
    encoded = text.encode_names(names, vocab)
    k, scores = text.choose_k(encoded, len(vocab), [0.0, 0.1, 1.0], folds=4)
    assert set(scores) == {0.0, 0.1, 1.0}
    assert math.isinf(scores[0.0])  # an unseen held-out bigram gets probability 0
    assert k == min(scores, key=scores.get) and k > 0
    with pytest.raises(ValueError, match="folds"):
        text.choose_k(encoded, len(vocab), [1.0], folds=1)


# -- data loading --------------------------------------------------------------------------
def test_first_names_loads_offline():
    names = data.first_names()
    assert len(names) == len(set(names)) == 5163
    assert all(n.isalpha() and n.islower() for n in names)
    assert len(data.first_names("male")) == 1219 and len(data.first_names("female")) == 4275
    with pytest.raises(ValueError, match="which"):
        data.first_names("other")


def test_sine_series_and_windows():
    series = data.sine_series(100, noise=0.0)
    assert series.shape == (100,) and series.dtype == torch.float32
    x, y = data.windows(series, 10)
    assert x.shape == (90, 10, 1) and y.shape == (90, 1)
    assert torch.equal(x[5, :, 0], series[5:15]) and float(y[5]) == float(series[15])
    assert torch.equal(data.sine_series(50, seed=1), data.sine_series(50, seed=1))
    with pytest.raises(ValueError, match="length"):
        data.windows(series, 100)


def test_name_loader_batches_are_seeded():
    names = data.first_names("male")[:100]
    vocab = text.char_vocab(names)
    ds = torch.utils.data.TensorDataset(*text.pad_names(text.encode_names(names, vocab)))
    first = [b[0] for b in data.make_loader(ds, 16, shuffle=True, seed=5)]
    again = [b[0] for b in data.make_loader(ds, 16, shuffle=True, seed=5)]
    assert len(first) == 7 and all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
