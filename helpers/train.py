"""Training loops for the notebooks: ``fit``, ``evaluate`` and a ``History``.

``fit`` shows a progress bar (``tqdm.auto``: a widget in JupyterLab, text elsewhere) and,
in a notebook, a live plot of the loss (and accuracy) that redraws at most every
``plot_every`` seconds, so the bookkeeping stays a few per cent of the training time
(the benchmarks measure it against a bare loop). Printed numbers are rounded; wall times
are kept in the History but never printed, so stored outputs stay reproducible.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from helpers import args, check

__all__ = ["History", "accuracy", "evaluate", "fit"]


@dataclass
class History:
    """Per-epoch records of a ``fit`` run (lists of equal length, one entry per epoch)."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # cumulative training time

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def seconds_to(self, accuracy: float) -> float | None:
        """Training seconds until validation accuracy first reached ``accuracy`` (or None)."""
        accuracy = args.number("accuracy", accuracy)
        for acc, sec in zip(self.val_accuracy, self.seconds, strict=False):
            if acc >= accuracy:
                return sec
        return None

    def summary(self) -> str:
        """One rounded line about the last epoch (no wall times: they vary run to run).

        Losses and accuracies are this run's measurements (their digits follow the CPU, GPU
        and thread count), so they carry ``check.measured``'s mark; the epoch count does not.
        """
        if not self.epochs:
            return "no epochs run"
        parts = [
            f"epochs {self.epochs}",
            f"train loss {check.measured(self.train_loss[-1], '.4f')}",
        ]
        if self.val_loss:
            parts.append(f"val loss {check.measured(self.val_loss[-1], '.4f')}")
        if self.val_accuracy:
            parts.append(f"val accuracy {check.measured(100 * self.val_accuracy[-1], '.2f')} %")
        return " | ".join(parts)


def _check_model_and_loss(model: object, loss_fn: object) -> None:
    if not isinstance(model, nn.Module) or next(model.parameters(), None) is None:
        raise ValueError(f"model must be an nn.Module with parameters, got {model!r:.60}")
    if not callable(loss_fn):
        raise ValueError(
            f"loss_fn must be a function (output, target) -> loss, got {loss_fn!r:.60}"
        )


def _check_loader(name: str, loader: object) -> None:
    if not hasattr(loader, "__iter__") or isinstance(loader, str | bytes):
        raise ValueError(
            f"{name} must be a DataLoader (an iterable of batches), got {loader!r:.60}"
        )


def _device(device: object, model: nn.Module) -> torch.device:
    """``device`` as a torch.device, or the model's when it is None."""
    if device is None:
        return next(model.parameters()).device
    try:
        return torch.device(device)  # type: ignore[arg-type]
    except (TypeError, RuntimeError) as err:
        raise ValueError(f"device must be a torch.device or a name such as 'cpu': {err}") from None


def _batches_on(batch: tuple | list, device: torch.device) -> tuple[torch.Tensor, ...]:
    return tuple(t.to(device) if isinstance(t, torch.Tensor) else t for t in batch)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: DataLoader,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    device: torch.device | str | None = None,
    accuracy: bool = True,
) -> dict[str, float]:
    """Mean loss (and accuracy, argmax over dim 1) of ``model`` over ``loader``.

    The model is put in eval mode for the pass and restored to its previous mode after.
    """
    _check_model_and_loss(model, loss_fn)
    _check_loader("loader", loader)
    accuracy = args.one_of("accuracy", accuracy, (True, False))
    device = _device(device, model)
    was_training = model.training
    model.eval()
    total, loss_sum, correct = 0, 0.0, 0
    try:
        for batch in loader:
            x, y = _batches_on(batch, device)[:2]
            out = model(x)
            n = len(y)
            loss_sum += float(loss_fn(out, y)) * n
            if accuracy:
                correct += int((out.argmax(dim=1) == y).sum())
            total += n
    finally:
        model.train(was_training)
    if total == 0:
        raise ValueError("the loader yielded no samples")
    result = {"loss": loss_sum / total}
    if accuracy:
        result["accuracy"] = correct / total
    return result


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of samples whose arg max over the classes (dim 1) equals the label ``y``.

    Runs ``model`` in its current mode, on ``x``'s device moved to the model's: call
    ``model.eval()`` first for a test accuracy (leaving dropout or batch norm in training
    mode is one of the mistakes chapter 8 measures with this function).
    """
    x = args.tensor("x", x, nonempty=True)
    y = args.tensor("y", y, ndim=1)
    if y.is_floating_point() or len(y) != len(x):
        raise ValueError(
            f"y must hold one integer label per row of x ({len(x)}), got dtype {y.dtype} "
            f"and shape {tuple(y.shape)}"
        )
    device = next(model.parameters()).device
    return float((model(x.to(device)).argmax(dim=1).cpu() == y.cpu()).double().mean())


class _LivePlot:
    """A PNG of the loss curves in an ipywidgets.Image, redrawn at most every ``every`` s.

    The lines are created once and only their data change, the margins are fixed (no
    layout engine) and the PNG is written at a fast zlib level, so a redraw costs a few
    tens of milliseconds; an epoch already drawn is never drawn twice.
    """

    def __init__(self, every: float, accuracy: bool) -> None:
        import ipywidgets as widgets
        from IPython.display import display
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from helpers.plots import png_bytes

        self.png_bytes = png_bytes  # the one PNG encoder (fast zlib level, no timestamp)
        self.every = every
        # fixed margins, no layout engine: solving a layout costs more than drawing
        self.fig = Figure(figsize=(8.0, 2.8), dpi=72, layout="none")  # not the style's engine
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.9, wspace=0.2)
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(1, 2 if accuracy else 1, squeeze=False)[0]
        self.loss_ax = axes[0]
        (self.train_line,) = self.loss_ax.plot([], [], label="train loss")
        (self.val_line,) = self.loss_ax.plot([], [], label="val loss")
        self.loss_ax.set_xlabel("epoch")
        self.loss_ax.set_title("loss")
        self.loss_ax.legend(loc="upper right")
        self.acc_ax = axes[1] if accuracy else None
        if self.acc_ax is not None:
            (self.acc_line,) = self.acc_ax.plot([], [], color="#009E73")
            self.acc_ax.set_xlabel("epoch")
            self.acc_ax.set_title("val accuracy (%)")
        self.image = widgets.Image(format="png")
        self.last = time.perf_counter()  # first drawing after ``every`` seconds, not at once
        self.drawn_epochs = -1
        display(self.image)

    def update(self, history: History, force: bool = False) -> None:
        now = time.perf_counter()
        if history.epochs == self.drawn_epochs or (not force and now - self.last < self.every):
            return
        self.drawn_epochs = history.epochs
        self.last = now
        epochs = list(range(1, history.epochs + 1))
        self.train_line.set_data(epochs, history.train_loss)
        self.val_line.set_data(epochs[: len(history.val_loss)], history.val_loss)
        if self.acc_ax is not None:
            self.acc_line.set_data(
                epochs[: len(history.val_accuracy)], [100 * a for a in history.val_accuracy]
            )
        for ax in (self.loss_ax, self.acc_ax):
            if ax is not None:
                ax.relim()
                ax.autoscale_view()
        self.fig.canvas.draw()
        self.image.value = self.png_bytes(self.fig)
        # self-throttle: on a slow or busy machine keep redraws under ~10 % of the time
        spent = time.perf_counter() - now
        self.last = time.perf_counter()
        self.every = max(self.every, 10.0 * spent)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    *,
    epochs: int,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    val_loader: DataLoader | None = None,
    scheduler: object | None = None,
    device: torch.device | str | None = None,
    accuracy: bool = True,
    progress: bool = True,
    live_plot: bool | None = None,
    plot_every: float = 1.0,
    desc: str = "training",
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_loader``; return its History.

    Each iteration: forward, ``loss_fn(output, target)``, ``optimizer.zero_grad()``,
    backward, ``optimizer.step()``. After each epoch: ``scheduler.step()`` (or
    ``scheduler.step(val_loss)`` for ReduceLROnPlateau), then evaluation on ``val_loader``.
    ``live_plot=None`` means: on in a notebook, off elsewhere.
    """
    epochs = args.integer("epochs", epochs, low=1)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(f"optimizer must be a torch.optim.Optimizer, got {optimizer!r:.60}")
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    _check_model_and_loss(model, loss_fn)
    _check_loader("train_loader", train_loader)
    if val_loader is not None:
        _check_loader("val_loader", val_loader)
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise ValueError(f"scheduler must be None or have a step() method, got {scheduler!r:.60}")
    for name, flag in (("accuracy", accuracy), ("progress", progress)):
        args.one_of(name, flag, (True, False))
    live_plot = args.one_of("live_plot", live_plot, (None, True, False))
    plot_every = args.number("plot_every", plot_every, low=0)
    if not isinstance(desc, str):
        raise ValueError(f"desc must be a string (the progress bar's label), got {desc!r:.60}")
    device = _device(device, model)
    model.to(device)
    plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    if plateau and val_loader is None:
        raise ValueError("ReduceLROnPlateau needs a val_loader to watch")
    live = (
        _LivePlot(plot_every, accuracy and val_loader is not None)
        if (live_plot if live_plot is not None else _in_notebook())
        else None
    )
    history = History()
    bar = tqdm(range(epochs), desc=desc, disable=not progress, leave=True)
    elapsed = 0.0
    for _ in bar:
        start = time.perf_counter()
        model.train()
        loss_sum, count = 0.0, 0
        for batch in train_loader:
            x, y = _batches_on(batch, device)[:2]
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += float(loss.detach()) * len(y)
            count += len(y)
        history.train_loss.append(loss_sum / max(count, 1))
        history.lr.append(optimizer.param_groups[0]["lr"])
        if val_loader is not None:
            result = evaluate(model, val_loader, loss_fn, device=device, accuracy=accuracy)
            history.val_loss.append(result["loss"])
            if accuracy:
                history.val_accuracy.append(result["accuracy"])
        if scheduler is not None:
            scheduler.step(history.val_loss[-1]) if plateau else scheduler.step()
        elapsed += time.perf_counter() - start
        history.seconds.append(elapsed)
        if live is not None:
            live.update(history)
        postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
        if history.val_accuracy:
            postfix["val_acc"] = f"{100 * history.val_accuracy[-1]:.1f}%"
        bar.set_postfix(postfix, refresh=False)
    if live is not None:
        live.update(history, force=True)
    return history
