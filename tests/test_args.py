"""helpers.args: each check accepts what it promises and names the argument otherwise."""

import math

import numpy as np
import pytest
import torch

from helpers import args


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, True, "0.1", None, [0.1], -1e-9])
def test_number_rejects_and_names_the_argument(bad):
    with pytest.raises(ValueError, match=r"^lr must be a finite number >= 0, got "):
        args.number("lr", bad, low=0)


def test_number_accepts_and_converts():
    assert args.number("lr", 1) == 1.0 and type(args.number("lr", 1)) is float
    assert args.number("lr", np.float32(0.5)) == 0.5
    assert args.number("lr", torch.tensor(0.25)) == 0.25
    assert args.number("t", math.inf, finite=False) == math.inf
    with pytest.raises(ValueError, match="t must be a number > 0"):
        args.number("t", math.nan, low=0, low_open=True, finite=False)
    with pytest.raises(ValueError, match=r"p must be a finite number >= 0 and < 1, got 1"):
        args.number("p", 1, low=0, high=1, high_open=True)
    with pytest.raises(ValueError, match="x must be"):
        args.number("x", torch.ones(2))


@pytest.mark.parametrize("bad", [2.0, 2.5, True, "3", None, 0, -1, np.float64(3)])
def test_integer_rejects(bad):
    with pytest.raises(ValueError, match=r"^n must be an int >= 1, got "):
        args.integer("n", bad, low=1)


def test_integer_accepts_numpy_ints_and_bounds():
    assert args.integer("n", np.int64(3), low=1, high=3) == 3
    with pytest.raises(ValueError, match="n must be an int >= 1 and <= 3, got 4"):
        args.integer("n", 4, low=1, high=3)


def test_fraction_and_one_of():
    assert args.fraction("p", 0) == 0.0
    with pytest.raises(ValueError, match="p must be a finite number > 0 and <= 1"):
        args.fraction("p", 0, open_low=True)
    assert args.one_of("reduction", "sum", ("mean", "sum")) == "sum"
    for bad in ("SUM", None, ["sum"], True):
        with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum'\)"):
            args.one_of("reduction", bad, ("mean", "sum"))
    with pytest.raises(ValueError, match="k must be one of"):
        args.one_of("k", True, (1, 3))  # True == 1, but it is not a kernel size


def test_tensor_checks():
    x = torch.zeros(2, 3)
    assert args.tensor("x", x, ndim=(2, 4), floating=True, nonempty=True, finite=True) is x
    with pytest.raises(ValueError, match="x must be a torch.Tensor, got list"):
        args.tensor("x", [1.0])
    with pytest.raises(ValueError, match=r"x must be 3-D or 4-D, got shape \(2, 3\) \(2-D\)"):
        args.tensor("x", x, ndim=(3, 4))
    with pytest.raises(
        ValueError, match="x must be a floating-point tensor, got dtype torch.int64"
    ):
        args.tensor("x", torch.ones(2, dtype=torch.long), floating=True)
    with pytest.raises(ValueError, match="x must not be empty"):
        args.tensor("x", torch.ones(0), nonempty=True)
    with pytest.raises(ValueError, match="x must hold finite values"):
        args.tensor("x", torch.tensor([1.0, math.nan]), finite=True)


def test_same_shape_and_sizes():
    args.same_shape(("y_hat", "y"), torch.ones(3), torch.ones(3))
    with pytest.raises(
        ValueError, match=r"y_hat and y must have the same shape, got \(3,\) and \(3, 1\)"
    ):
        args.same_shape(("y_hat", "y"), torch.ones(3), torch.ones(3, 1))
    assert args.sizes("widths", [4, 8]) == (4, 8)
    with pytest.raises(ValueError, match=r"widths\[1\] must be an int >= 1, got 0"):
        args.sizes("widths", (4, 0))
    with pytest.raises(ValueError, match="widths must hold 2 ints, got 3"):
        args.sizes("widths", (1, 2, 3), length=2)
    with pytest.raises(ValueError, match="widths must be a sequence of ints"):
        args.sizes("widths", "48")
