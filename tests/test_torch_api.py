"""Chapter 11: helpers.torch_api (datasets, Conv2d/pooling shapes, embeddings, shape table),
its plots, its explorer and its exercise checkers."""

from __future__ import annotations

import itertools
import pickle

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers import data, torch_api, train
from helpers.exercises import ch11
from helpers.plots import api as api_plots

# --------------------------------------------------------------------------- data


def test_encode_decode_round_trip_and_bad_names():
    ids = torch_api.encode("anna")
    assert ids.dtype == torch.long and ids.tolist() == [1, 14, 14, 1]
    assert torch_api.decode(torch.tensor([1, 14, 14, 1, 0, 0])) == "anna"
    with pytest.raises(ValueError, match="outside a-z"):
        torch_api.encode("Anna")
    with pytest.raises(ValueError, match="non-empty"):
        torch_api.encode("")


def test_names_dataset_is_map_style_and_balanced_as_documented():
    ds = torch_api.NamesDataset()
    assert len(ds) == 4832 and ds.labels.bincount().tolist() == [3944, 888]
    ids, label = ds[0]
    assert torch_api.decode(ids) == ds.names[0] and label == 0
    assert torch_api.decode(ds[-1][0]) == ds.names[-1] and ds[-1][1] == 1
    assert not set(ds.names[:3944]) & set(ds.names[3944:])  # ambiguous names dropped
    with pytest.raises(IndexError, match="out of range"):
        ds[len(ds)]
    small = torch_api.NamesDataset(["bo", "al"], [1, 0])
    assert len(small) == 2 and small[1][1] == 0
    with pytest.raises(ValueError, match="same length"):
        torch_api.NamesDataset(["bo"], [1, 0])
    with pytest.raises(ValueError, match="0 \\(female\\) or 1"):
        torch_api.NamesDataset(["bo"], [2])


def test_padding_collate_over_names_through_make_loader():
    ds = torch_api.NamesDataset()
    loader = data.make_loader(ds, 32, shuffle=True, seed=3, collate_fn=data.pad_collate)
    padded, lengths, labels = next(iter(loader))
    assert padded.shape == (32, int(lengths.max())) and labels.shape == (32,)
    for row, n in zip(padded, lengths, strict=True):
        assert (row[:n] > 0).all() and (row[n:] == torch_api.PAD).all()
    (x, n2), y = torch_api.names_collate([ds[0], ds[1]])
    assert x.tolist()[0][: len(ds.names[0])] == ds[0][0].tolist() and y.tolist() == [0, 0]
    assert n2.tolist() == [len(ds.names[0]), len(ds.names[1])]


def test_seeded_shuffling_of_names_is_reproducible():
    ds = torch_api.NamesDataset()

    def order(seed):
        loader = data.make_loader(ds, 500, shuffle=True, seed=seed, collate_fn=data.pad_collate)
        return [torch_api.decode(row) for padded, _, _ in loader for row in padded]

    first = order(0)
    torch.manual_seed(99)
    torch.rand(10)  # the global generator moves; the loader's own does not
    assert order(0) == first and order(1) != first
    assert sorted(first) == sorted(ds.names)  # every name once per epoch


@pytest.mark.parametrize("bad", [0, -1, 1.5, "64", None, True])
def test_bad_batch_sizes_are_rejected_clearly(bad):
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        data.make_loader(torch_api.NamesDataset(["al"], [0]), bad)


def test_padding_fraction():
    assert torch_api.padding_fraction([[3, 1], [2, 2]]) == pytest.approx(1 - 8 / 10)
    assert torch_api.padding_fraction([[5, 5, 5]]) == 0.0
    with pytest.raises(ValueError, match="at least one sequence"):
        torch_api.padding_fraction([[]])
    with pytest.raises(ValueError, match="no batches"):
        torch_api.padding_fraction([])


def test_median_filter_matches_numpy_inside_and_clips_at_the_border():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(7, 9))
    ours = np.array(torch_api.median_filter3(a.tolist()))
    windows = np.lib.stride_tricks.sliding_window_view(a, (3, 3))
    np.testing.assert_allclose(ours[1:-1, 1:-1], np.median(windows, axis=(-2, -1)))
    corner = sorted(a[:2, :2].ravel())  # 4 values: the upper median
    assert ours[0, 0] == corner[2]
    assert torch_api.median_filter3([]) == []


def test_denoised_digits_are_seeded_by_index_and_identical_with_workers():
    ds = torch_api.DenoisedDigits(size=8, n=12)
    x3, y3 = ds[3]
    assert x3.shape == (1, 8, 8) and x3.dtype == torch.float32 and isinstance(y3, int)
    assert torch.equal(ds[3][0], x3)  # same item every time
    assert not torch.equal(torch_api.DenoisedDigits(size=8, n=12, seed=1)[3][0], x3)
    kept0, kept2 = [], []
    r0 = torch_api.time_loader(DataLoader(ds, batch_size=4), keep=kept0)
    r2 = torch_api.time_loader(DataLoader(ds, batch_size=4, num_workers=2), keep=kept2)
    assert r0["batches"] == r2["batches"] == 3
    assert set(r0) == {"first_batch_s", "total_s", "main_cpu_s", "batches"}
    assert 0 <= r0["first_batch_s"] <= r0["total_s"]
    for a, b in zip(kept0, kept2, strict=True):
        assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    with pytest.raises(IndexError):
        ds[12]
    with pytest.raises(ValueError, match="size"):
        torch_api.DenoisedDigits(size=4)
    with pytest.raises(ValueError, match="latency_ms"):
        torch_api.DenoisedDigits(latency_ms=-1)
    with pytest.raises(ValueError, match="n must be <="):
        torch_api.DenoisedDigits(n=10_000)
    with pytest.raises(ValueError, match="epochs"):
        torch_api.time_loader([], epochs=0)


def test_datasets_pickle_by_reference_to_an_importable_module():
    ds = torch_api.DenoisedDigits(size=8, n=3)
    again = pickle.loads(pickle.dumps(ds))
    assert type(again) is torch_api.DenoisedDigits and torch.equal(again[1][0], ds[1][0])
    assert b"helpers.torch_api.datasets" in pickle.dumps(torch_api.NamesDataset(["al"], [0]))


# --------------------------------------------------------------------------- Conv2d


def test_conv_output_size_with_dilation_matches_torch_on_a_grid():
    for W, f, p, s, d in itertools.product(
        range(1, 9), range(1, 5), range(3), range(1, 4), (1, 2, 3)
    ):
        try:
            ours = torch_api.conv_output_size(W, f, p, s, d)
        except ValueError as err:
            assert "no window fits" in str(err)
            ours = None
        try:
            x, w = torch.zeros(1, 1, 1, W), torch.zeros(1, 1, 1, f)
            theirs = F.conv2d(x, w, padding=(0, p), stride=s, dilation=d).shape[-1]
        except RuntimeError:
            theirs = None
        assert ours == theirs, (W, f, p, s, d)
    with pytest.raises(ValueError, match="stride S"):
        torch_api.conv_output_size(8, 3, S=0)
    with pytest.raises(ValueError, match="padding P"):
        torch_api.conv_output_size(8, 3, P=-1)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize(
    ("c_in", "kwargs"),
    [
        (3, dict(out_channels=8, kernel_size=3)),
        (3, dict(out_channels=8, kernel_size=(5, 2), stride=(2, 1), padding=(2, 0))),
        (3, dict(out_channels=4, kernel_size=3, padding="same", dilation=2)),
        (3, dict(out_channels=4, kernel_size=4, padding="same")),
        (3, dict(out_channels=4, kernel_size=3, padding="valid")),
        (6, dict(out_channels=6, kernel_size=3, groups=3, bias=False)),
        (3, dict(out_channels=3, kernel_size=1, groups=3)),
    ],
)
def test_conv2d_shapes_match_nn_conv2d(c_in, kwargs):
    x = torch.zeros(2, c_in, 11, 14)
    layer = nn.Conv2d(c_in, **kwargs)
    with torch.no_grad():
        out = layer(x)
    ours = torch_api.conv2d_shapes(x.shape, **kwargs)
    assert ours["output"] == tuple(out.shape)
    assert ours["weight"] == tuple(layer.weight.shape)
    assert ours["bias"] == (None if layer.bias is None else tuple(layer.bias.shape))
    assert ours["params"] == sum(p.numel() for p in layer.parameters())


def test_conv2d_shapes_refuse_what_pytorch_refuses():
    with pytest.raises(ValueError, match="strided"):
        torch_api.conv2d_shapes((1, 3, 8, 8), 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="groups=2 must divide"):
        torch_api.conv2d_shapes((1, 3, 8, 8), 4, 3, groups=2)
    with pytest.raises(ValueError, match="no window fits"):
        torch_api.conv2d_shapes((1, 3, 4, 4), 4, 7)
    with pytest.raises(ValueError, match="\\(N, C_in, H, W\\)"):
        torch_api.conv2d_shapes((3, 8, 8), 4, 3)
    with pytest.raises(ValueError, match="'same' or 'valid'"):
        torch_api.conv2d_shapes((1, 3, 8, 8), 4, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size must hold 2 ints"):
        torch_api.conv2d_shapes((1, 3, 8, 8), 4, (3, 3, 3))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_same_padding_matches_torch_even_kernels_and_dilation():
    torch.manual_seed(0)
    x = torch.randn(1, 1, 9, 10)
    for f, d in [(3, 1), (4, 1), (5, 2), (2, 3), (1, 1)]:
        w = torch.randn(1, 1, f, f)
        before, after = torch_api.same_padding(f, d)
        assert before + after == d * (f - 1) and after - before in (0, 1)
        ref = F.conv2d(x, w, padding="same", dilation=d)
        ours = F.conv2d(F.pad(x, (before, after, before, after)), w, dilation=d)
        torch.testing.assert_close(ours, ref)


def test_parameter_count_formula():
    for c_in, c_out, g, k, bias in itertools.product(
        (2, 4, 12), (4, 12), (1, 2, 4), (1, 3, (2, 5)), (True, False)
    ):
        if c_in % g or c_out % g:
            with pytest.raises(ValueError, match="must divide"):
                torch_api.conv2d_parameter_count(c_in, c_out, k, groups=g, bias=bias)
            continue
        layer = nn.Conv2d(c_in, c_out, k, groups=g, bias=bias)
        assert torch_api.conv2d_parameter_count(c_in, c_out, k, groups=g, bias=bias) == sum(
            p.numel() for p in layer.parameters()
        )


# --------------------------------------------------------------------------- pooling


def test_pool_output_size_matches_max_and_avg_pool_with_ceil_mode():
    for W, f, p, s, ceil in itertools.product(
        range(1, 10), range(1, 5), range(3), (None, 1, 2, 3), (False, True)
    ):
        try:
            ours = torch_api.pool_output_size(W, f, p, s, ceil_mode=ceil)
        except ValueError:
            ours = None
        for fn in (F.max_pool2d, F.avg_pool2d):
            try:
                theirs = fn(torch.zeros(1, 1, 1, W), (1, f), (1, s or f), (0, p), ceil_mode=ceil)
                theirs = theirs.shape[-1]
            except RuntimeError:
                theirs = None
            assert ours == theirs, (fn.__name__, W, f, p, s, ceil)
    assert (
        torch_api.pool_output_size(7, 2) == 3
        and torch_api.pool_output_size(7, 2, ceil_mode=True) == 4
    )
    with pytest.raises(ValueError, match="at most half"):
        torch_api.pool_output_size(8, 2, P=2)


def test_max_pool_dilation_size():
    for W, f, d, ceil in itertools.product(range(3, 10), (2, 3), (1, 2), (False, True)):
        try:
            ours = torch_api.pool_output_size(W, f, 0, 1, d, ceil_mode=ceil)
        except ValueError:
            ours = None
        try:
            theirs = F.max_pool2d(torch.zeros(1, 1, 1, W), (1, f), 1, 0, (1, d), ceil_mode=ceil)
            theirs = theirs.shape[-1]
        except RuntimeError:
            theirs = None
        assert ours == theirs


def test_adaptive_pooling_from_scratch():
    assert torch_api.adaptive_bins(10, 4) == [(0, 3), (2, 5), (5, 8), (7, 10)]
    for W, N in [(7, 3), (106, 5), (5, 5), (3, 7)]:
        bins = torch_api.adaptive_bins(W, N)
        covered = set().union(*(range(a, b) for a, b in bins))
        assert covered == set(range(W)) and all(b > a for a, b in bins)
    torch.manual_seed(0)
    x = torch.randn(2, 3, 13, 17, dtype=torch.float64)
    for size in [1, (5, 7), (13, 17), (20, 3)]:
        torch.testing.assert_close(
            torch_api.adaptive_avg_pool2d(x, size), F.adaptive_avg_pool2d(x, size)
        )
    torch.testing.assert_close(
        torch_api.adaptive_avg_pool2d(x[0], 2), F.adaptive_avg_pool2d(x[0], 2)
    )
    with pytest.raises(ValueError, match="\\(C, H, W\\)"):
        torch_api.adaptive_avg_pool2d(torch.zeros(5, 5), 2)
    with pytest.raises(ValueError, match="output size"):
        torch_api.adaptive_bins(5, 0)


# --------------------------------------------------------------------------- Embedding


def test_char_vectors_and_nearest():
    vectors = torch_api.char_vectors(data.first_names(), dim=6)
    assert vectors.shape == (27, 6) and (vectors[0] == 0).all()
    assert torch.equal(vectors, torch_api.char_vectors(data.first_names(), dim=6))
    near = [i for i, _ in torch_api.nearest(vectors, torch_api.encode("a").item(), k=3)]
    assert set(torch_api.decode(near)) <= set("aeiouy")
    sims = [s for _, s in torch_api.nearest(vectors, 5, k=5)]
    assert sims == sorted(sims, reverse=True) and all(-1 <= s <= 1 for s in sims)
    with pytest.raises(ValueError, match="all zeros"):
        torch_api.nearest(vectors, 0)
    with pytest.raises(ValueError, match="dim must be <= 26"):
        torch_api.char_vectors(["ab"], dim=27)
    with pytest.raises(ValueError, match="no pair"):
        torch_api.char_vectors(["a", "b"])


def test_name_classifier_packs_so_extra_padding_changes_nothing():
    torch.manual_seed(0)
    model = torch_api.NameClassifier(embedding_dim=4, hidden_size=8).eval()
    batch = [(torch_api.encode(n), 0) for n in ("alexander", "eve", "bob")]
    (padded, lengths), _ = torch_api.names_collate(batch)
    more = F.pad(padded, (0, 5))  # five more padding steps
    with torch.no_grad():
        torch.testing.assert_close(model((padded, lengths)), model((more, lengths)))
        alone = torch.cat([model((t[None], torch.tensor([len(t)]))) for t, _ in batch])
        torch.testing.assert_close(model((padded, lengths)), alone)
    assert model.embedding.padding_idx == torch_api.PAD


def test_name_classifier_pretrained_freeze_and_training():
    vectors = torch_api.char_vectors(data.first_names(), dim=5)
    frozen = torch_api.NameClassifier(pretrained=vectors, freeze=True)
    assert not frozen.embedding.weight.requires_grad
    assert torch.equal(frozen.embedding.weight, vectors)
    trainable = torch_api.NameClassifier(pretrained=vectors, freeze=False)
    assert trainable.embedding.weight.requires_grad
    with pytest.raises(ValueError, match="2-D tensor"):
        torch_api.NameClassifier(pretrained=torch.zeros(3))
    # a short training run on a subset: the loss falls and recall is a pair of fractions
    torch.manual_seed(0)
    ds = torch_api.NamesDataset()
    subset = torch.utils.data.Subset(ds, list(range(0, len(ds), 6)))
    loader = data.make_loader(subset, 64, shuffle=True, seed=0, collate_fn=torch_api.names_collate)
    history = train.fit(
        trainable,
        loader,
        epochs=3,
        optimizer=torch.optim.Adam(trainable.parameters(), lr=0.01),
        progress=False,
        live_plot=False,
    )
    assert history.train_loss[-1] < history.train_loss[0]
    recall = torch_api.class_recall(trainable, loader)
    assert len(recall) == 2 and all(0 <= r <= 1 for r in recall)
    assert trainable.training  # class_recall restores the mode


def test_embedding_padding_idx_gradient_stays_zero():
    emb = nn.Embedding(27, 4, padding_idx=torch_api.PAD)
    padded, _, _ = data.pad_collate([(torch_api.encode(n), 0) for n in ("anna", "bo")])
    emb(padded).sum().backward()
    assert (emb.weight.grad[0] == 0).all()
    counts = torch.bincount(padded.flatten(), minlength=27).float()
    torch.testing.assert_close(emb.weight.grad[1:, 0], counts[1:])


# --------------------------------------------------------------------------- shape table


def test_shape_table_measures_the_shapes():
    examples = [
        torch_api.ShapeExample("conv", nn.Conv2d(3, 8, 3, stride=2), (torch.zeros(2, 3, 9, 9),), "r1"),
        torch_api.ShapeExample("loss", nn.CrossEntropyLoss(), (torch.zeros(2, 5), torch.zeros(2, dtype=torch.long)), "r2"),
        torch_api.ShapeExample("loader", lambda dl: next(iter(dl)), (DataLoader(TensorDataset(torch.zeros(5, 2)), batch_size=4),), "r3"),
    ]  # fmt: skip
    table = torch_api.shape_table(examples)
    lines = table.splitlines()
    assert lines[2].split() == ["conv", "(2,", "3,", "9,", "9)", "->", "(2,", "8,", "4,", "4)"]
    assert lines[3].strip() == "parameters: weight (8, 3, 3, 3), bias (8,)"
    assert lines[5].endswith("->  ()") and lines[7].split() == ["rule:", "r2"]
    assert lines[8].split()[:4] == ["loader", "5", "items", "[(2,)]"]
    with pytest.raises(ValueError, match="at least one"):
        torch_api.shape_table([])
    packed = nn.utils.rnn.pack_padded_sequence(torch.zeros(2, 3, 4), [3, 1], batch_first=True)
    assert torch_api.shape_of(packed) == "packed (4, 4)"
    assert torch_api.shape_of(torch.zeros(2, dtype=torch.long)) == "(2,) int64"


# --------------------------------------------------------------------------- plots


def test_plots_draw_what_they_are_given():
    axes = api_plots.same_scale(
        {"big": torch.zeros(3, 20, 30), "small": torch.zeros(1, 5, 5)},
        boxes={"small": (1, 1, 3, 3)},
    )
    assert axes[0].get_title().endswith("20x30") and axes[1].get_title().endswith("5x5")
    assert axes[1].get_ylim() == axes[0].get_ylim() and len(axes[1].patches) == 1
    ax = api_plots.batch_fractions({"a": [0.1, 0.2], "b": [0.5, 0.5]}, target=0.5)
    assert len(ax.lines) == 3
    ax = api_plots.loader_timings({"x": 1.0, "y": 2.0})
    assert len(ax.patches) == 2
    ax = api_plots.vectors_2d(torch.randn(3, 2), ["a", "b", "c"], highlight="a")
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]
    for bad in (lambda: api_plots.same_scale({}), lambda: api_plots.batch_fractions({}),
                lambda: api_plots.loader_timings({}),
                lambda: api_plots.vectors_2d(torch.zeros(3, 1), ["a", "b", "c"]),
                lambda: api_plots.as_image(torch.zeros(2, 4, 4))):  # fmt: skip
        with pytest.raises(ValueError):
            bad()
    plt.close("all")


# --------------------------------------------------------------------------- explorer
# helpers.widgets.api is imported inside each test: the explorer is another module's
# subject, and an import error there must not hide the results of the tests above.


def test_kernel_and_photo():
    from helpers.widgets.api import kernel, photo

    k = kernel("vertical edge", 3)
    assert k.shape == (1, 3, 3, 3) and float(k.abs().sum()) == pytest.approx(1.0)
    assert (k[0, :, :, 0] < 0).all() and (k[0, :, :, 2] > 0).all()
    assert float(kernel("blur", 1).sum()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="kernel must be one of"):
        kernel("sharpen", 3)
    assert photo().shape == (3, 53, 80) and 0 <= float(photo().min()) <= float(photo().max()) <= 1


def test_explorer_shows_torch_shapes_and_reacts_to_moves():
    from helpers.widgets.api import ConvPoolExplorer, kernel, photo

    ex = ConvPoolExplorer()
    assert repr(ex).startswith("Explorer: Conv2d + pooling explorer")
    assert ex.last_error is None
    assert "(1, 1, 53, 80)" in ex.info.value and "MaxPool2d" in ex.info.value
    png = bytes(ex.image.value)
    ex.controls["stride"].value = 2
    assert ex.last_error is None and bytes(ex.image.value) != png
    conv = F.conv2d(F.pad(photo()[None], (1, 1, 1, 1)), kernel("vertical edge", 3), stride=2)
    assert ex.im_conv.get_array().shape == tuple(conv.shape[2:])
    assert f"→ output {tuple(conv.shape)}" in ex.info.value
    ex.set(kernel_size=5, dilation=3, padding=2, stride=1)
    assert ex.im_conv.get_array().shape == (53 + 4 - 12, 80 + 4 - 12)
    assert len(ex.taps.get_xdata()) == 25 and max(ex.taps.get_xdata()) == 12


def test_explorer_refusals_and_messages_never_raise():
    from helpers.widgets.api import ConvPoolExplorer

    ex = ConvPoolExplorer()
    ex.set(padding="same", stride=3)
    assert ex.last_error is None and ex.message.value.startswith("invalid:")
    assert "strided" in ex.message.value
    ex.set(stride=1)
    assert ex.message.value == "" or "not a multiple" in ex.message.value
    assert ex.im_conv.get_array().shape == (53, 80)  # 'same'
    ex.set(pool="max", pool_size=3, ceil_mode=True)
    assert "ceil_mode=True keeps" in ex.message.value
    assert ex.im_pool.get_array().shape == (18, 27)
    ex.set(pool="none")
    assert ex.none_text.get_text() == "no pooling"


def test_explorer_extremes_of_every_control():
    from helpers.widgets.api import KERNELS, MODES, PADDINGS, POOLS, ConvPoolExplorer

    ex = ConvPoolExplorer()
    values = {
        "kernel_size": (1, 9), "stride": (1, 4), "dilation": (1, 4), "pool_size": (1, 4),
        "padding": [v for _, v in PADDINGS], "padding_mode": MODES, "pool": POOLS,
        "preset": KERNELS, "ceil_mode": (False, True),
    }  # fmt: skip
    for name, options in values.items():
        for v in options:
            ex.controls[name].value = v
            assert ex.last_error is None, (name, v, ex.last_error)
    ex.set(kernel_size=9, dilation=4, padding="same", padding_mode="circular", stride=1)
    assert ex.last_error is None and ex.im_in.get_array().shape[:2] == (53 + 32, 80 + 32)
    ex.set(kernel_size=9, dilation=4, padding=0, stride=4, pool="avg", pool_size=4, ceil_mode=False)
    assert ex.last_error is None and ex.im_pool.get_array().shape == (1, 3)
    assert len(ex.timings_ms) > 20


# --------------------------------------------------------------------------- exercises


def test_exercise_checkers(capsys):
    right = {
        ch11.ex1: (49, 32),
        ch11.ex2: 64 * 8 * 25 + 64,
        ch11.ex3: torch.Size([1, 8, 14, 23]),
        ch11.ex4: 6,
    }
    for check, answer in right.items():
        assert not check(None)
        assert "Hint" in capsys.readouterr().out
        assert check(answer)
        assert "correct" in capsys.readouterr().out
    for check, wrong in [(ch11.ex1, (48, 32)), (ch11.ex2, 12863), (ch11.ex3, (1, 8, 14, 22)),
                         (ch11.ex4, 7), (ch11.ex2, "many"), (ch11.ex4, [6, 6])]:  # fmt: skip
        assert not check(wrong)
        out = capsys.readouterr().out
        assert "Hint" in out and "correct." not in out
