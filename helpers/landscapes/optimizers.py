"""The optimizers the chapter 6 explorer overlays, by name, with its hyperparameter conventions."""

from __future__ import annotations

from collections.abc import Callable

import torch

from helpers import args, optim

__all__ = ["OPTIMIZERS", "optimizer_maker"]

#: name -> the hyperparameters it reads (``lr_gd`` or ``lr_adaptive``, ``beta1``, ``beta2``)
OPTIMIZERS: dict[str, tuple[str, ...]] = {
    "GD": ("lr_gd",),
    "Momentum": ("lr_gd", "beta1"),
    "SGD momentum (torch)": ("lr_gd", "beta1"),
    "AdaGrad": ("lr_adaptive",),
    "Adagrad (torch)": ("lr_adaptive",),
    "RMSProp": ("lr_adaptive", "beta2"),
    "RMSprop (torch)": ("lr_adaptive", "beta2"),
    "Adam": ("lr_adaptive", "beta1", "beta2"),
    "Adam (torch)": ("lr_adaptive", "beta1", "beta2"),
}


def optimizer_maker(
    name: str,
    *,
    lr_gd: float = 0.1,
    lr_adaptive: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.99,
) -> Callable[[list[torch.Tensor]], torch.optim.Optimizer]:
    """``params -> Optimizer`` for one of ``OPTIMIZERS``, with the explorer's conventions.

    ``lr_gd`` is the learning rate of GD and Momentum (their steps scale with the
    gradient); ``lr_adaptive`` that of AdaGrad, RMSProp and Adam (steps of about ``lr``
    whatever the gradient's size). ``beta1`` is Momentum's β and Adam's β₁ (the first
    moment's EMA); ``beta2`` is RMSProp's β and Adam's β₂ (the second moment's EMA).
    "SGD momentum (torch)" is ``torch.optim.SGD(lr=lr_gd * (1 - beta1), momentum=beta1)``:
    the rescaling under which it follows our Momentum's path. PyTorch's get
    ``foreach=False``: the single-tensor loop they pick on the CPU anyway, without the
    per-step device inspection that choosing costs (about 6 % of a run).
    """
    name = args.one_of("name", name, tuple(OPTIMIZERS))
    lr_gd = args.number("lr_gd", lr_gd, low=0)
    lr_adaptive = args.number("lr_adaptive", lr_adaptive, low=0)
    beta1 = args.fraction("beta1", beta1, open_high=True)
    beta2 = args.fraction("beta2", beta2, open_high=True)
    makers: dict[str, Callable[[list[torch.Tensor]], torch.optim.Optimizer]] = {
        "GD": lambda p: torch.optim.SGD(p, lr=lr_gd, foreach=False),
        "Momentum": lambda p: optim.Momentum(p, lr=lr_gd, beta=beta1),
        "SGD momentum (torch)": lambda p: torch.optim.SGD(
            p, lr=lr_gd * (1 - beta1), momentum=beta1, foreach=False
        ),
        "AdaGrad": lambda p: optim.AdaGrad(p, lr=lr_adaptive),
        "Adagrad (torch)": lambda p: torch.optim.Adagrad(p, lr=lr_adaptive, foreach=False),
        "RMSProp": lambda p: optim.RMSProp(p, lr=lr_adaptive, beta=beta2),
        "RMSprop (torch)": lambda p: torch.optim.RMSprop(
            p, lr=lr_adaptive, alpha=beta2, foreach=False
        ),
        "Adam": lambda p: optim.Adam(p, lr=lr_adaptive, beta1=beta1, beta2=beta2),
        "Adam (torch)": lambda p: torch.optim.Adam(
            p, lr=lr_adaptive, betas=(beta1, beta2), foreach=False
        ),
    }
    return makers[name]
