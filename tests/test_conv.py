"""helpers.layers.conv: convolution and pooling from scratch against torch, and their errors."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from helpers.layers.conv import (
    avg_pool2d,
    conv2d,
    conv_output_size,
    flip_kernel,
    max_pool2d,
    pad2d,
    shift2d,
    window,
)


def _rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@pytest.mark.parametrize(
    ("n", "c", "h", "w", "k", "f", "s", "p"),
    [
        (1, 1, 8, 8, 1, 3, 1, 0),
        (2, 3, 9, 11, 4, 3, 2, 1),
        (3, 2, 7, 5, 5, 2, 3, 2),
        (1, 3, 6, 6, 2, 6, 1, 0),  # kernel as large as the input: a 1x1 output
        (2, 1, 5, 5, 3, 1, 1, 0),  # 1x1 kernels
        (1, 2, 4, 4, 2, 5, 1, 1),  # kernel larger than the input, fits once padded
    ],
)
def test_conv2d_matches_torch(n, c, h, w, k, f, s, p):
    x, weight, bias = _rand(n, c, h, w), _rand(k, c, f, f, seed=1), _rand(k, seed=2)
    ours = conv2d(x, weight, bias, stride=s, padding=p)
    ref = F.conv2d(x, weight, bias, stride=s, padding=p)
    assert ours.shape == ref.shape
    torch.testing.assert_close(ours, ref, atol=1e-12, rtol=0)
    torch.testing.assert_close(
        conv2d(x, weight, stride=s, padding=p), F.conv2d(x, weight, stride=s, padding=p)
    )


def test_conv2d_unbatched_rectangular_kernel_and_nn_conv2d():
    x = _rand(3, 10, 7).float()
    layer = nn.Conv2d(3, 4, kernel_size=(3, 2), stride=2, padding=1)
    ours = conv2d(x, layer.weight.detach(), layer.bias.detach(), stride=2, padding=1)
    with torch.no_grad():
        ref = layer(x)
    assert ours.shape == ref.shape == (4, 5, 4)
    torch.testing.assert_close(ours, ref, atol=1e-5, rtol=0)


def test_conv2d_is_cross_correlation_and_flip_gives_true_convolution():
    x, kernel = _rand(1, 1, 6, 6), _rand(1, 1, 3, 3, seed=3)
    assert not torch.allclose(conv2d(x, kernel), conv2d(x, flip_kernel(kernel)))
    symmetric = kernel + flip_kernel(kernel)
    torch.testing.assert_close(conv2d(x, symmetric), conv2d(x, flip_kernel(symmetric)))


def test_conv2d_gradients_flow_like_torch():
    x = _rand(2, 2, 6, 6).requires_grad_()
    weight = _rand(3, 2, 3, 3, seed=1).requires_grad_()
    conv2d(x, weight, stride=2, padding=1).square().sum().backward()
    gx, gw = x.grad.clone(), weight.grad.clone()
    x.grad = weight.grad = None
    F.conv2d(x, weight, stride=2, padding=1).square().sum().backward()
    torch.testing.assert_close(gx, x.grad)
    torch.testing.assert_close(gw, weight.grad)


def test_window_times_kernel_is_one_output_entry():
    x, kernel, bias = _rand(2, 7, 7), _rand(1, 2, 3, 3, seed=1), _rand(1, seed=2)
    y = conv2d(x, kernel, bias, stride=2, padding=1)
    for i, j in [(0, 0), (1, 2), (3, 3)]:
        value = (window(x, i, j, 3, stride=2, padding=1) * kernel[0]).sum() + bias[0]
        torch.testing.assert_close(value, y[0, i, j])
    with pytest.raises(ValueError, match="outside"):
        window(x, 4, 0, 3, stride=2, padding=1)


def test_conv_output_size_matches_conv2d_shapes_over_a_grid():
    checked = 0
    for W, f, p, s in itertools.product(range(1, 11), range(1, 6), range(0, 3), range(1, 4)):
        if f > W + 2 * p:
            with pytest.raises(ValueError, match="larger than the padded input"):
                conv_output_size(W, f, p, s)
            continue
        out = nn.Conv2d(1, 1, f, stride=s, padding=p)(torch.zeros(1, 1, W, W))
        assert out.shape[-1] == conv_output_size(W, f, p, s), (W, f, p, s)
        checked += 1
    assert checked == 411  # of 450 combinations; the other 39 have no window that fits


def test_conv_output_size_floors():
    assert conv_output_size(8, 3, 0, 2) == 3  # (8 - 3) / 2 + 1 = 3.5
    assert conv_output_size(7, 3, 0, 2) == 3
    assert conv_output_size(32, 5, 2, 1) == 32


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((8, 3, 0, 0), "stride S must be an int >= 1"),
        ((8, 3, 0, -1), "stride S must be an int >= 1"),
        ((8, 3, -1, 1), "padding P must be an int >= 0"),
        ((0, 3, 0, 1), "input size W must be an int >= 1"),
        ((8, 0, 0, 1), "kernel size F must be an int >= 1"),
        ((8, 2.5, 0, 1), "kernel size F must be an int"),
        (
            (4, 7, 1, 1),
            "kernel size F=7 is larger than the padded input W \\+ 2P = 4 \\+ 2\\*1 = 6",
        ),
    ],
)
def test_conv_output_size_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        conv_output_size(*args)


def test_conv2d_errors_are_clear_value_errors():
    x = torch.zeros(1, 3, 8, 8)
    with pytest.raises(
        ValueError, match="channel mismatch: the input has C=3 channels but each kernel has 1"
    ):
        conv2d(x, torch.zeros(4, 1, 3, 3))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d(torch.zeros(1, 1, 4, 4), torch.zeros(2, 1, 7, 7), padding=1)
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        conv2d(x, torch.zeros(2, 3, 3, 3), stride=0)
    with pytest.raises(ValueError, match="padding must be an int >= 0"):
        conv2d(x, torch.zeros(2, 3, 3, 3), padding=-1)
    with pytest.raises(ValueError, match=r"shape \(C, H, W\) or \(N, C, H, W\)"):
        conv2d(torch.zeros(8, 8), torch.zeros(2, 1, 3, 3))
    with pytest.raises(ValueError, match="weight must be a tensor of shape"):
        conv2d(x, torch.zeros(3, 3, 3))
    with pytest.raises(ValueError, match=r"bias must be None or a tensor of shape \(2,\)"):
        conv2d(x, torch.zeros(2, 3, 3, 3), torch.zeros(3))
    with pytest.raises(ValueError, match="must be a torch.Tensor"):
        conv2d([[1.0]], torch.zeros(2, 3, 3, 3))


@pytest.mark.parametrize(
    ("f", "s", "p"), [(2, None, 0), (3, 2, 1), (3, 1, 1), (2, 1, 0), (4, 3, 2)]
)
def test_pooling_matches_torch(f, s, p):
    x = _rand(2, 3, 9, 8)
    torch.testing.assert_close(max_pool2d(x, f, s, p), nn.MaxPool2d(f, s, p)(x))
    torch.testing.assert_close(avg_pool2d(x, f, s, p), nn.AvgPool2d(f, s, p)(x))


def test_pooling_keeps_channels_has_no_parameters_and_follows_the_size_formula():
    x = _rand(5, 8, 8)
    y = max_pool2d(x, 2)
    assert y.shape == (5, conv_output_size(8, 2, 0, 2), 4)
    assert list(nn.MaxPool2d(2).parameters()) == [] and list(nn.AvgPool2d(2).parameters()) == []
    # each channel on its own: pooling a single channel gives the same map
    torch.testing.assert_close(max_pool2d(x[2:3], 2)[0], y[2])


def test_pooling_errors():
    x = torch.zeros(1, 4, 4)
    with pytest.raises(ValueError, match="padding must be at most half the kernel size"):
        max_pool2d(x, 3, padding=2)
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        avg_pool2d(x, 2, stride=0)
    with pytest.raises(ValueError, match="larger than the padded input"):
        max_pool2d(x, 5)
    with pytest.raises(ValueError, match="kernel_size must be an int >= 1"):
        max_pool2d(x, 0)


def test_pad2d_and_shift2d():
    x = torch.arange(9.0).view(3, 3)
    padded = pad2d(x, 1)
    assert padded.shape == (5, 5) and padded[0].abs().sum() == 0
    torch.testing.assert_close(padded[1:4, 1:4], x)
    torch.testing.assert_close(shift2d(x, 1, -1), torch.tensor([[0.0, 0, 0], [1, 2, 0], [4, 5, 0]]))
    assert shift2d(x, 3, 0).abs().sum() == 0
    with pytest.raises(ValueError, match="dy must be an int"):
        shift2d(x, 0.5, 0)


def test_convolution_is_translation_equivariant_away_from_the_border():
    x = torch.zeros(1, 1, 16, 16, dtype=torch.float64)
    x[..., 4:10, 5:9] = _rand(1, 1, 6, 4)
    kernel = _rand(3, 1, 3, 3, seed=1)
    shifted_then_conv = conv2d(shift2d(x, 2, 3), kernel, padding=1)
    conv_then_shifted = shift2d(conv2d(x, kernel, padding=1), 2, 3)
    torch.testing.assert_close(shifted_then_conv, conv_then_shifted)


def test_window_count_is_conv_output_size_without_the_check():
    from helpers.layers.conv import conv_output_size, window_count

    for W in range(1, 9):
        for K in range(1, 6):
            for P in range(3):
                for S in range(1, 4):
                    for D in (1, 2):
                        n = window_count(W, K, P, S, D)
                        if D * (K - 1) + 1 <= W + 2 * P:
                            assert n == conv_output_size(W, K, P, S, D) >= 1
                        else:
                            assert n < 1
