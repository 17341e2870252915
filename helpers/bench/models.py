"""The course's trained models against their budgets, and ``train.fit``'s overhead."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable

from helpers.bench.budgets import CNN_BUDGET_S
from helpers.bench.report import Row


def bench_train_overhead(epochs: int = 20, seed: int = 0) -> tuple[float, float]:
    """Seconds for ``fit`` (progress bar + live plot) and for a bare loop, same work.

    Both train chapter 9's digit CNN with the same batches and evaluate after every epoch;
    only the bookkeeping differs. ipywidgets and IPython are imported before timing (a
    notebook has them loaded already).
    """
    import ipywidgets  # noqa: F401
    import torch
    from IPython.display import display  # noqa: F401
    from torch import nn

    from helpers import cnn, data, runtime, train

    def make():
        runtime.seed_everything(seed)
        tr, te = data.digits_loaders(batch_size=64, seed=seed)
        model = cnn.DigitCNN(channels=(16, 32))
        return model, tr, te, torch.optim.Adam(model.parameters(), lr=0.01)

    model, tr, te, opt = make()
    sink = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        train.fit(
            model, tr, epochs=epochs, optimizer=opt, val_loader=te, progress=True, live_plot=True
        )
    with_helpers = time.perf_counter() - start

    model, tr, te, opt = make()
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for x, y in tr:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        train.evaluate(model, te, loss_fn)
    bare = time.perf_counter() - start
    return with_helpers, bare


def bench_cnn(epochs: int = 20) -> list[Row]:
    """Chapter 9's recipe (same seed, model, optimizer and schedule as the notebook)."""
    import torch

    from helpers import cnn, data, runtime, train

    device = runtime.device()
    runtime.seed_everything(0)
    train_loader, test_loader = data.digits_loaders(batch_size=64, seed=0)
    model = cnn.DigitCNN(channels=(16, 32)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = train.fit(
        model, train_loader, epochs=epochs, optimizer=optimizer, scheduler=scheduler,
        val_loader=test_loader, device=device, progress=False, live_plot=False,
    )  # fmt: skip
    to_98 = history.seconds_to(0.98)
    return [
        Row("model", f"digit CNN: training seconds to 98 % ({device.type})",
            to_98 if to_98 is not None else float("inf"), "s", CNN_BUDGET_S,
            note=f"{history.seconds[-1]:.1f} s for all {epochs} epochs"),
        Row("model", "digit CNN: final test accuracy", 100 * history.val_accuracy[-1], "%", 98.0,
            higher_is_better=True),
    ]  # fmt: skip


def bench_sequence_models() -> list[Row]:
    """Chapter 10's two recipes: the sine forecaster and the character-level name model."""
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import TensorDataset

    from helpers import data, rnn_models, runtime, text, train

    rows = []
    window, (start, split, end) = 20, (0, 1400, 1600)
    series = data.sine_series(2000, noise=0.02)
    x_tr, y_tr = data.windows(series[start:split], window)
    x_va, y_va = data.windows(series[split:end], window)
    x_te, y_te = data.windows(series[end:], window)
    runtime.seed_everything(0)
    model = rnn_models.Forecaster(hidden_size=32)
    epochs = 30
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    hist = train.fit(
        model, data.make_loader(TensorDataset(x_tr, y_tr), 32, shuffle=True, seed=0),
        epochs=epochs, optimizer=opt, loss_fn=nn.MSELoss(), accuracy=False,
        scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
        val_loader=data.make_loader(TensorDataset(x_va, y_va), 256), progress=False, live_plot=False,
    )  # fmt: skip
    mse = rnn_models.forecast_mse(model, x_te, y_te)
    baseline = float(F.mse_loss(x_te[:, -1], y_te))
    rows.append(Row("model", "forecaster: seconds per epoch", hist.seconds[-1] / epochs, "s"))
    rows.append(Row("model", "forecaster: test MSE / repeat-last MSE", mse / baseline, "", 0.10,
                    note=f"MSE {mse:.5f} vs {baseline:.5f}"))  # fmt: skip

    names = data.first_names()
    train_names, val_names, test_names = text.split_names(names, (0.8, 0.1, 0.1), seed=0)
    chars = text.char_vocab(train_names)
    enc = {k: text.encode_names(v, chars) for k, v in
           [("train", train_names), ("val", val_names), ("test", test_names)]}  # fmt: skip
    support = [chars[text.BOUNDARY]] + [chars[c] for c in "abcdefghijklmnopqrstuvwxyz"]
    k_best, _ = text.choose_k(enc["train"], len(chars), [0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
                              folds=5, support=support)  # fmt: skip
    bigram = text.bigram_probs(
        text.bigram_counts(enc["train"], len(chars)), k_best, support=support
    )
    bigram_ce = text.bigram_cross_entropy(bigram, enc["test"])
    loaders = {
        k: data.make_loader(TensorDataset(*text.pad_names(e)), 64 if k == "train" else 512,
                            shuffle=k == "train", seed=0)
        for k, e in enc.items()
    }  # fmt: skip
    runtime.seed_everything(0)
    lm = rnn_models.CharRNN(len(chars), embedding_dim=16, hidden_size=64)
    epochs = 8
    opt = torch.optim.Adam(lm.parameters(), lr=0.01)
    hist = train.fit(
        lm, loaders["train"], epochs=epochs, optimizer=opt, accuracy=False,
        scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
        loss_fn=rnn_models.sequence_cross_entropy, val_loader=loaders["val"],
        progress=False, live_plot=False,
    )  # fmt: skip
    rnn_ce = rnn_models.cross_entropy_per_token(lm, loaders["test"])
    rows.append(Row("model", "char-RNN: seconds per epoch", hist.seconds[-1] / epochs, "s"))
    rows.append(Row("model", "char-RNN: nats/char better than bigram", bigram_ce - rnn_ce, "nats", 0.15,
                    higher_is_better=True, note=f"{rnn_ce:.4f} vs bigram {bigram_ce:.4f}"))  # fmt: skip
    return rows


#: model benchmarks: functions returning Rows, one per trained model
MODEL_BENCHES: list[Callable[[], list[Row]]] = [bench_cnn, bench_sequence_models]
