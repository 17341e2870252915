"""helpers.optim rejects bad hyperparameters with an error naming the argument."""

from __future__ import annotations

import badinput
import pytest
import torch
from badinput import FINITE_TENSOR, FRACTION_BELOW_1, NONNEGATIVE, Case, fresh, values

from helpers import optim


def _params():
    return [torch.zeros(2, requires_grad=True)]


def _stepped(cls):
    w = torch.zeros(2, requires_grad=True)
    opt = cls([w])
    w.grad = torch.ones(2)
    opt.step()
    return opt, w


NOT_MY_PARAM = values(
    ("None", None),
    ("list", [0.0, 0.0]),
    ("another tensor", lambda: torch.zeros(2)),
)
STEPPED = {cls: _stepped(cls) for cls in (optim.AdaGrad, optim.RMSProp, optim.Adam)}

CASES = [
    Case(optim.Momentum, dict(params=fresh(_params), lr=0.1, beta=0.9),
         {"lr": NONNEGATIVE, "beta": FRACTION_BELOW_1}),
    Case(optim.AdaGrad, dict(params=fresh(_params), lr=0.1, eps=1e-10),
         {"lr": NONNEGATIVE, "eps": NONNEGATIVE}),
    Case(optim.RMSProp, dict(params=fresh(_params), lr=0.1, beta=0.99, eps=1e-8),
         {"lr": NONNEGATIVE, "beta": FRACTION_BELOW_1, "eps": NONNEGATIVE}),
    Case(optim.Adam, dict(params=fresh(_params), lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8),
         {"lr": NONNEGATIVE, "beta1": FRACTION_BELOW_1, "beta2": FRACTION_BELOW_1,
          "eps": NONNEGATIVE}),
    Case(optim.EMA, dict(beta=0.9), {"beta": FRACTION_BELOW_1}),
    Case(optim.ema, dict(x=fresh(lambda: torch.ones(5)), beta=0.9),
         {"x": FINITE_TENSOR + values(("0-d", lambda: torch.tensor(1.0))),
          "beta": FRACTION_BELOW_1},
         names={"x": "x must"}),
] + [
    Case(opt.effective_lr, dict(p=w), {"p": NOT_MY_PARAM}, names={"p": "p must"},
         id=f"{cls.__name__}.effective_lr")
    for cls, (opt, w) in STEPPED.items()
]  # fmt: skip


@pytest.mark.parametrize(*badinput.good_params(CASES))
def test_good_call_runs(case):
    badinput.check_good(case)


@pytest.mark.parametrize(*badinput.params(CASES))
def test_bad_input_is_rejected(case, arg, bad):
    badinput.check(case, arg, bad)


@pytest.mark.parametrize("cls", [optim.AdaGrad, optim.RMSProp, optim.Adam])
def test_effective_lr_before_any_step_is_refused(cls):
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="has taken a step"):
        cls([w]).effective_lr(w)


def test_effective_lr_is_the_factor_of_the_update():
    """ω_t - ω_{t-1} = -(effective rate) × g_t for AdaGrad and RMSProp, × m̂_t for Adam."""
    for cls in (optim.AdaGrad, optim.RMSProp, optim.Adam):
        w = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
        opt = cls([w], lr=0.1)
        for g in ([1.0, -2.0], [0.5, 3.0]):
            before = w.detach().clone()
            w.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
            factor = (
                w.grad
                if cls is not optim.Adam
                else opt.state[w]["m"] / (1 - 0.9 ** opt.state[w]["t"])
            )
            torch.testing.assert_close(w.detach() - before, -opt.effective_lr(w) * factor)
