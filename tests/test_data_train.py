"""helpers.data (offline data, DataLoaders) and helpers.train (fit, evaluate, History)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from helpers import data, runtime, train


def test_digits_shapes_ranges_and_split():
    x, y = data.digits()
    assert x.shape == (1797, 1, 8, 8) and x.dtype == torch.float32
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0
    assert sorted(y.unique().tolist()) == list(range(10))
    train_set, test_set = data.digits_split(test_fraction=0.2, seed=0, flatten=True)
    assert len(train_set) + len(test_set) == 1797 and len(test_set) == 360
    assert train_set.tensors[0].shape[1] == 64
    # stratified: every class in the test split in proportion
    counts = torch.bincount(test_set.tensors[1], minlength=10)
    assert int(counts.min()) >= 34
    with pytest.raises(ValueError, match="test_fraction"):
        data.digits_split(test_fraction=1.0)


def test_seeded_shuffle_is_reproducible_and_independent_of_global_rng():
    ds = TensorDataset(torch.arange(20))
    first = [b[0].tolist() for b in data.make_loader(ds, 6, shuffle=True, seed=1)]
    torch.manual_seed(123)
    torch.rand(5)
    again = [b[0].tolist() for b in data.make_loader(ds, 6, shuffle=True, seed=1)]
    other = [b[0].tolist() for b in data.make_loader(ds, 6, shuffle=True, seed=2)]
    assert first == again and first != other
    assert sorted(sum(first, [])) == list(range(20))
    assert [len(b) for b in first] == [6, 6, 6, 2]
    assert len(list(data.make_loader(ds, 6, drop_last=True))) == 3


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True, None])
def test_make_loader_rejects_bad_batch_sizes(bad):
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        data.make_loader(TensorDataset(torch.arange(4)), bad)


def test_pad_collate_pads_to_the_longest_and_keeps_lengths():
    batch = [(torch.tensor([1, 2, 3]), 0), (torch.tensor([4]), 1), (torch.tensor([5, 6]), 1)]
    padded, lengths, labels = data.pad_collate(batch)
    assert padded.tolist() == [[1, 2, 3], [4, 0, 0], [5, 6, 0]]
    assert lengths.tolist() == [3, 1, 2] and labels.tolist() == [0, 1, 1]
    assert data.pad_collate(batch, padding_value=-1)[0][1].tolist() == [4, -1, -1]
    with pytest.raises(ValueError, match="batch must be a non-empty list"):
        data.pad_collate([])
    with pytest.raises(ValueError, match="1-D"):
        data.pad_collate([(torch.zeros(2, 2), 0)])


def test_first_names_offline():
    male, female, both = data.first_names("male"), data.first_names("female"), data.first_names()
    assert (len(male), len(female)) == (1219, 4275)
    assert male[0] == "james" and len(both) == len(set(male) | set(female))
    assert all(n.isalpha() and n.islower() for n in both)
    with pytest.raises(ValueError, match="which must be one of"):
        data.first_names("cats")


def test_sine_series_and_windows():
    s = data.sine_series(100, noise=0.0)
    assert s.shape == (100,) and abs(float(s[0])) < 1e-6
    x, y = data.windows(s, 10)
    assert x.shape == (90, 10, 1) and y.shape == (90, 1)
    assert torch.equal(x[5, :, 0], s[5:15]) and float(y[5, 0]) == float(s[15])
    with pytest.raises(ValueError, match="length"):
        data.windows(s, 100)
    with pytest.raises(ValueError, match="noise"):
        data.sine_series(10, noise=-1)


def _tiny_problem():
    runtime.seed_everything(0)
    x = torch.randn(64, 4)
    y = (x[:, 0] > 0).long()
    loader = data.make_loader(TensorDataset(x, y), 16, shuffle=True, seed=0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    return model, loader


def test_fit_learns_records_history_and_is_reproducible():
    model, loader = _tiny_problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    hist = train.fit(model, loader, epochs=8, optimizer=opt, val_loader=loader, progress=False)
    assert hist.epochs == 8 and len(hist.val_accuracy) == 8 and len(hist.seconds) == 8
    assert hist.train_loss[-1] < hist.train_loss[0]
    assert hist.val_accuracy[-1] >= 0.9
    assert hist.seconds_to(0.0) == hist.seconds[0] and hist.seconds_to(1.01) is None
    assert "val accuracy" in hist.summary()
    # losses and accuracies are this run's numbers (marked); the epoch count is a fact
    last = f"{100 * hist.val_accuracy[-1]:.2f}"
    assert f"val accuracy ‹{last}› %" in hist.summary() and "epochs 8 |" in hist.summary()
    model2, loader2 = _tiny_problem()
    hist2 = train.fit(
        model2,
        loader2,
        epochs=8,
        optimizer=torch.optim.SGD(model2.parameters(), lr=0.5),
        val_loader=loader2,
        progress=False,
    )
    assert hist2.train_loss == hist.train_loss


def test_fit_steps_schedulers_including_plateau():
    model, loader = _tiny_problem()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    hist = train.fit(model, loader, epochs=4, optimizer=opt, scheduler=sched, progress=False)
    assert hist.lr == [1.0, 1.0, 0.5, 0.5]
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    with pytest.raises(ValueError, match="val_loader"):
        train.fit(model, loader, epochs=1, optimizer=opt, scheduler=plateau, progress=False)


def test_evaluate_restores_mode_and_rejects_bad_epochs():
    model, loader = _tiny_problem()
    model.train()
    result = train.evaluate(model, loader, nn.CrossEntropyLoss())
    assert model.training and set(result) == {"loss", "accuracy"}
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="epochs"):
            train.fit(model, loader, epochs=bad, optimizer=opt, progress=False)


def test_live_plot_draws_without_warnings_under_the_course_style(capsys):
    """A warning in the live plot lands on stderr in every training cell (strict nbval)."""
    import warnings

    import matplotlib

    from helpers import style

    with matplotlib.rc_context():
        style.use()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            live = train._LivePlot(every=0.0, accuracy=True)
            hist = train.History(
                train_loss=[1.0, 0.5], val_loss=[1.1, 0.7], val_accuracy=[0.5, 0.8]
            )
            live.update(hist, force=True)
            live.update(hist, force=True)  # the same epoch is not drawn twice
    assert bytes(live.image.value).startswith(b"\x89PNG")
    assert live.drawn_epochs == 2
