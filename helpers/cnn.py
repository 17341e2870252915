r"""The chapter-9 models: a small digit CNN and an MLP of similar size, and their tools.

The CNN stacks the notes' typical block, Convolution -> BatchNorm -> ReLU -> Pooling,

.. math::

    x \xrightarrow{\text{conv}} z \xrightarrow{\text{BN}} y
      \xrightarrow{\text{ReLU}} h \xrightarrow{\text{max pool}} p,

twice on the 8x8 digits (8x8 -> 4x4 -> 2x2), then one linear layer maps the flattened
maps to the 10 class scores. The MLP flattens the 64 pixels and uses one hidden layer,
sized so that both models have about the same number of parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from torch import nn
from torch.utils.data import DataLoader

from helpers import args

__all__ = [
    "conv_block",
    "DigitCNN",
    "MLP",
    "count_parameters",
    "conv_vs_dense_parameters",
    "predict",
    "hardest",
    "confusion_counts",
]


def _module(model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return model


def _device(device: object, model: nn.Module) -> torch.device:
    """``device`` as a torch.device; None: the device of the model's parameters."""
    if device is None:
        return next(model.parameters()).device
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(
            f"device must be a torch.device, 'cpu', 'cuda', ..., got {device!r}"
        ) from err


def _labels(name: str, y: object) -> torch.Tensor:
    """A 1-D integer tensor of class ids."""
    y = args.tensor(name, y, ndim=1, nonempty=True)
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise ValueError(f"{name} must be an integer tensor of class ids, got {y.dtype}")
    return y


def conv_block(c_in: int, c_out: int, *, kernel_size: int = 3, pool: int = 2) -> nn.Sequential:
    """Conv (padding keeps the size) -> BatchNorm -> ReLU -> MaxPool: the notes' block."""
    c_in, c_out = args.integer("c_in", c_in, low=1), args.integer("c_out", c_out, low=1)
    pool = args.integer("pool", pool, low=1)
    if args.integer("kernel_size", kernel_size, low=1) % 2 != 1:
        raise ValueError(
            f"kernel_size must be an odd positive int (so padding keeps the size), got {kernel_size!r}"
        )
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size, padding=kernel_size // 2),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
        nn.MaxPool2d(pool),
    )


class DigitCNN(nn.Module):
    """Two conv blocks (8x8 -> 4x4 -> 2x2) and a linear classifier, for (N, 1, 8, 8) digits.

    ``channels`` are the feature maps of the two blocks (16 and 32: 6,186 parameters).
    """

    def __init__(
        self, channels: Sequence[int] = (16, 32), n_classes: int = 10, size: int = 8
    ) -> None:
        super().__init__()
        if isinstance(channels, str) or not isinstance(channels, Sequence) or not channels:
            raise ValueError(
                f"channels must be a non-empty sequence of positive ints, got {channels!r}"
            )
        channels = args.sizes("channels", channels)
        n_classes = args.integer("n_classes", n_classes, low=2)
        if args.integer("size", size, low=1) % (2 ** len(channels)) != 0:
            raise ValueError(
                f"size {size} must be divisible by 2**{len(channels)} (one 2x2 pooling per block)"
            )
        c_ins = (1, *channels[:-1])
        self.features = nn.Sequential(
            *(conv_block(a, b) for a, b in zip(c_ins, channels, strict=True))
        )
        side = size // 2 ** len(channels)
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(channels[-1] * side * side, n_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))

    @torch.no_grad()
    def first_maps(self, x: torch.Tensor) -> torch.Tensor:
        """Feature maps of the first block after ReLU, before pooling: (N, C_1, 8, 8)."""
        was_training = self.training
        self.eval()
        try:
            block = self.features[0]
            return block[2](block[1](block[0](x)))
        finally:
            self.train(was_training)


class MLP(nn.Module):
    """Flatten -> Linear(n_in, hidden) -> ReLU -> Linear(hidden, n_classes)."""

    def __init__(self, n_in: int = 64, hidden: int = 82, n_classes: int = 10) -> None:
        super().__init__()
        n_in, hidden = args.integer("n_in", n_in, low=1), args.integer("hidden", hidden, low=1)
        n_classes = args.integer("n_classes", n_classes, low=1)
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def count_parameters(model: nn.Module) -> int:
    """The number of learnable scalars (entries of parameters with requires_grad)."""
    _module(model)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def conv_vs_dense_parameters(C: int, H: int, W: int, K: int, F: int) -> dict[str, int]:
    r"""Parameters of a conv layer and of a dense layer with the same input and output.

    A conv layer with K kernels of F x F x C (stride 1, 'same' padding) on a (C, H, W)
    input has :math:`K(F^2 C + 1)` parameters, whatever H and W. A dense layer that maps
    the same C·H·W inputs to the same K·H·W outputs has :math:`(CHW + 1)\,KHW`: every output
    sees every input (no local connectivity) with its own weights (no weight sharing).
    """
    C, H, W = args.integer("C", C, low=1), args.integer("H", H, low=1), args.integer("W", W, low=1)
    K, F = args.integer("K", K, low=1), args.integer("F", F, low=1)
    return {"conv": K * (F * F * C + 1), "dense": (C * H * W + 1) * K * H * W}


@torch.no_grad()
def predict(
    model: nn.Module, loader: DataLoader, *, device: torch.device | str | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """All inputs, targets and argmax predictions of ``model`` over ``loader`` (on the CPU)."""
    _module(model)
    if not isinstance(loader, Iterable):
        raise ValueError(
            f"loader must be an iterable of (x, y) batches, got {type(loader).__name__}"
        )
    device = _device(device, model)
    was_training = model.training
    model.eval()
    xs, ys, preds = [], [], []
    try:
        for x, y in loader:
            xs.append(x)
            ys.append(y)
            preds.append(model(x.to(device)).argmax(dim=1).cpu())
    finally:
        model.train(was_training)
    if not xs:
        raise ValueError("the loader yielded no samples")
    return torch.cat(xs), torch.cat(ys), torch.cat(preds)


@torch.no_grad()
def hardest(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    pred: torch.Tensor,
    k: int,
    *,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Indices of the ``k`` samples the model found hardest: every mistake first.

    Mistakes (``pred != y``) come first, then the correct answers; within each group the
    samples are ordered by the probability the model gives their true class, lowest first.
    A fixed ``k`` gives a figure with a fixed number of panels, however many mistakes a
    run makes (all of them are shown as long as there are at most ``k``).
    """
    _module(model)
    x = args.tensor("x", x, floating=True, nonempty=True, finite=True)
    y, pred = _labels("y", y), _labels("pred", pred)
    k = args.integer("k", k, low=1, high=len(y))
    if not (len(x) == len(y) == len(pred)):
        raise ValueError(
            f"x, y and pred must have equal lengths, got {len(x)}, {len(y)}, {len(pred)}"
        )
    device = _device(device, model)
    was_training = model.training
    model.eval()
    try:
        probs = model(x.to(device)).softmax(dim=1).cpu()
    finally:
        model.train(was_training)
    y, pred = torch.as_tensor(y).long(), torch.as_tensor(pred).long()
    p_true = probs[torch.arange(len(y)), y].double()
    # p_true lies in [0, 1]: adding 1 to the correct answers puts every mistake first.
    order = torch.argsort(p_true + (pred == y).double(), stable=True)
    return order[:k]


def confusion_counts(
    y_true: torch.Tensor, y_pred: torch.Tensor, n_classes: int = 10
) -> torch.Tensor:
    """Counts M[t, p] of samples of true class t predicted as p (rows: true class)."""
    y_true, y_pred = _labels("y_true", y_true).long(), _labels("y_pred", y_pred).long()
    n_classes = args.integer("n_classes", n_classes, low=1)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and y_pred must be 1-D of equal length, got {tuple(y_true.shape)} and {tuple(y_pred.shape)}"
        )
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(f"labels must lie in [0, {n_classes - 1}]: {name} leaves them")
    return torch.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).view(
        n_classes, n_classes
    )
