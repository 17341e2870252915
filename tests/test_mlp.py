"""helpers.mlp.mlp: the layer layout, and the random stream of the builders it replaced."""

from __future__ import annotations

import torch
from torch import nn

from helpers.layers import regularization as reg
from helpers.mlp import mlp


def _kinds(model):
    return [type(m).__name__ for m in model]


def test_layout_and_shapes():
    net = mlp([4, 8, 8, 3])
    assert _kinds(net) == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert net(torch.randn(5, 4)).shape == (5, 3)
    net = mlp([4, 8, 3], "tanh", dropout=0.5, batch_norm=True, readout=False)
    assert _kinds(net) == ["Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear", "Tanh"]
    assert net[0].bias is None and net[4].bias is not None
    assert _kinds(mlp([4, 8, 3], None)) == ["Linear", "Linear"]


def test_same_stream_as_a_hand_built_sequential():
    torch.manual_seed(0)
    ref = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    torch.manual_seed(0)
    net = mlp([64, 16, 10])
    for a, b in zip(ref.parameters(), net.parameters(), strict=True):
        assert torch.equal(a, b)


def test_std_redraws_after_building_and_dtype_converts_last():
    torch.manual_seed(1)
    layers = [nn.Linear(6, 5, bias=False), reg.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2)]
    for m in layers:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.3)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    ref = nn.Sequential(*layers).double()
    torch.manual_seed(1)
    net = mlp([6, 5, 2], batch_norm=True, std=0.3, dtype=torch.float64)
    assert {p.dtype for p in net.parameters()} == {torch.float64}
    for a, b in zip(ref.parameters(), net.parameters(), strict=True):
        assert torch.equal(a, b)


def test_init_runs_on_each_linear_in_order():
    seen = []
    mlp([3, 4, 5, 2], init=lambda linear: seen.append(linear.in_features))
    assert seen == [3, 4, 5]
