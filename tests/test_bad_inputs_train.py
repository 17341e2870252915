"""helpers.train rejects bad models, loaders, optimizers and settings, naming the argument."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import FINITE, NONNEGATIVE, POSITIVE_INT, Case, fresh, values
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers import train

X = torch.randn(8, 3, generator=torch.Generator().manual_seed(0))
Y = torch.tensor([0, 1, 0, 1, 1, 0, 1, 0])
LOADER = DataLoader(TensorDataset(X, Y), batch_size=4)


def _model():
    torch.manual_seed(0)
    return nn.Linear(3, 2)


def _fit_good():
    model = _model()
    return dict(
        model=model,
        train_loader=LOADER,
        epochs=1,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        loss_fn=nn.CrossEntropyLoss(),
        val_loader=LOADER,
        scheduler=None,
        device="cpu",
        accuracy=True,
        progress=False,
        live_plot=False,
        plot_every=1.0,
        desc="t",
    )


def _fit(**kwargs):
    good = _fit_good()
    good.update(kwargs)
    return train.fit(**good)


BOOL = values(("None", None), ("int", 1), ("str", "yes"))
MODEL = values(("None", None), ("str", "model"), ("no parameters", lambda: nn.ReLU()))
LOADERS = values(("None", None), ("int", 3), ("str", "batches"))
DEVICE = values(("unknown", "tpu9"), ("float", 3.5), ("list", ["cpu"]))
LOSS = values(("None", None), ("str", "mse"))

CASES = [
    Case(train.History().seconds_to, dict(accuracy=0.9), {"accuracy": FINITE},
         id="History.seconds_to"),
    Case(train.evaluate,
         dict(model=fresh(_model), loader=LOADER, loss_fn=nn.CrossEntropyLoss(), device="cpu",
              accuracy=True),
         {"model": MODEL, "loader": LOADERS + values(("empty", lambda: [])),
          "loss_fn": LOSS, "device": DEVICE, "accuracy": BOOL}),
    Case(train.accuracy, dict(model=fresh(_model), x=X, y=Y),
         {"x": values(("None", None), ("list", [[1.0, 2.0, 3.0]]), ("empty", lambda: torch.empty(0))),
          "y": values(("None", None), ("float labels", lambda: Y.float()),
                      ("wrong length", lambda: Y[:3]), ("2-D", lambda: Y.reshape(2, 4)))},
         names={"x": "x must", "y": "y must"}),
    Case(_fit, {k: None for k in ("model", "train_loader", "epochs", "optimizer", "loss_fn",
                                  "val_loader", "scheduler", "device", "accuracy", "progress",
                                  "live_plot", "plot_every", "desc")},
         {"model": MODEL, "train_loader": LOADERS, "epochs": POSITIVE_INT,
          "optimizer": values(("None", None), ("str", "sgd"), ("class", torch.optim.SGD)),
          "loss_fn": values(("str", "mse")), "val_loader": LOADERS[1:],
          "scheduler": values(("str", "cosine"), ("int", 1)), "device": DEVICE,
          "accuracy": BOOL, "progress": BOOL, "live_plot": values(("int", 1), ("str", "yes")),
          "plot_every": NONNEGATIVE, "desc": values(("None", None), ("int", 3))},
         id="fit"),
]  # fmt: skip


def test_fit_good_call_runs():
    assert train.fit(**_fit_good()).epochs == 1


@pytest.mark.parametrize(*badinput.good_params(CASES[:3]))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    if case.id == "fit":  # the good values come from _fit_good: pass only the bad one
        with pytest.raises((ValueError, TypeError)) as info:
            _fit(**{arg: bad.make()})
        assert arg in str(info.value), f"fit({arg}={bad.label}): {info.value}"
        return
    badinput.check(case, arg, bad)
