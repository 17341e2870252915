"""Chapter 10: the from-scratch recurrent layer, the gradient measurements and the models."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from helpers import data, train
from helpers.layers import rnn
from helpers.rnn_models import (
    CharRNN,
    Forecaster,
    RecallClassifier,
    cross_entropy_per_token,
    first_token_task,
    forecast_mse,
    sample_names,
    sequence_cross_entropy,
)
from helpers.text import IGNORE_INDEX, char_vocab, encode_names, pad_names


# -- the cell and the unrolled layer against PyTorch ------------------------------------
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_cell_matches_rnncell_with_summed_biases(nonlinearity):
    torch.manual_seed(0)
    cell = nn.RNNCell(3, 5, nonlinearity=nonlinearity)
    x, h = torch.randn(4, 3), torch.randn(4, 5)
    b_h = cell.bias_ih + cell.bias_hh
    ours = rnn.rnn_cell(x, h, cell.weight_ih, cell.weight_hh, b_h, activation=nonlinearity)
    torch.testing.assert_close(ours, cell(x, h), atol=1e-6, rtol=0)
    # one bias alone is not the same computation
    only_ih = rnn.rnn_cell(
        x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, activation=nonlinearity
    )
    assert (only_ih - cell(x, h)).abs().max() > 1e-3


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("with_h0", [False, True])
def test_rnn_matches_nn_rnn(num_layers, batch_first, nonlinearity, with_h0):
    torch.manual_seed(1)
    T, B, D, H = 6, 3, 4, 5
    reference = nn.RNN(D, H, num_layers, nonlinearity=nonlinearity, batch_first=batch_first)
    ours = rnn.RNN.from_torch(reference)
    assert ours.batch_first == batch_first and ours.num_layers == num_layers
    x = torch.randn(B, T, D) if batch_first else torch.randn(T, B, D)
    h0 = torch.randn(num_layers, B, H) if with_h0 else None
    out_ref, h_ref = reference(x, h0)
    out, h_n = ours(x, h0)
    assert out.shape == out_ref.shape and h_n.shape == h_ref.shape
    torch.testing.assert_close(out, out_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(h_n, h_ref, atol=1e-6, rtol=0)


def test_rnn_gradients_match_nn_rnn():
    torch.manual_seed(2)
    reference = nn.RNN(3, 4, 2, batch_first=True)
    ours = rnn.RNN.from_torch(reference)
    x = torch.randn(2, 5, 3, requires_grad=True)
    x2 = x.detach().clone().requires_grad_(True)
    reference(x)[0].sum().backward()
    ours(x2)[0].sum().backward()
    torch.testing.assert_close(x2.grad, x.grad, atol=1e-6, rtol=0)
    torch.testing.assert_close(ours.w_hh[1].grad, reference.weight_hh_l1.grad, atol=1e-6, rtol=0)
    b_grad = ours.b_h[0].grad  # d/d(b_ih + b_hh) equals d/d b_ih
    torch.testing.assert_close(b_grad, reference.bias_ih_l0.grad, atol=1e-6, rtol=0)


def test_rnn_unbatched_and_without_bias():
    torch.manual_seed(3)
    reference = nn.RNN(2, 3, 2, bias=False)
    ours = rnn.RNN.from_torch(reference)
    assert ours.b_h is None
    x = torch.randn(7, 2)
    out_ref, h_ref = reference(x)
    out, h_n = ours(x)
    assert out.shape == (7, 3) and h_n.shape == (2, 3)
    torch.testing.assert_close(out, out_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(h_n, h_ref, atol=1e-6, rtol=0)


def test_rnn_float64_copy():
    reference = nn.RNN(2, 3).double()
    ours = rnn.RNN.from_torch(reference)
    x = torch.randn(4, 1, 2, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], atol=1e-12, rtol=0)


def test_parameter_count_does_not_depend_on_length():
    layer = rnn.RNN(4, 8)
    count = sum(p.numel() for p in layer.parameters())
    assert count == 8 * 4 + 8 * 8 + 8  # one bias: the notes' b_h
    for T in (1, 10, 100):
        out, _ = layer(torch.randn(T, 2, 4))
        assert out.shape == (T, 2, 8)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"input_size": 0, "hidden_size": 3}, "input_size"),
        ({"input_size": 2, "hidden_size": 2.5}, "hidden_size"),
        ({"input_size": 2, "hidden_size": 3, "num_layers": 0}, "num_layers"),
        ({"input_size": 2, "hidden_size": 3, "activation": "sigmoid"}, "activation"),
    ],
)
def test_rnn_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rnn.RNN(**kwargs)


def test_rnn_rejects_bad_inputs():
    layer = rnn.RNN(3, 4, 2)
    with pytest.raises(ValueError, match="features"):
        layer(torch.randn(5, 2, 7))
    with pytest.raises(ValueError, match="h0 must have shape"):
        layer(torch.randn(5, 2, 3), torch.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="at least one time step"):
        layer(torch.randn(0, 2, 3))
    with pytest.raises(ValueError, match=r"\(T, B, D\)"):
        layer(torch.randn(3))
    with pytest.raises(ValueError, match="nn.RNN"):
        rnn.RNN.from_torch(nn.GRU(2, 3))
    with pytest.raises(ValueError, match="unidirectional"):
        rnn.RNN.from_torch(nn.RNN(2, 3, bidirectional=True))


def test_cell_rejects_mismatched_shapes():
    w_xh, w_hh = torch.zeros(4, 3), torch.zeros(4, 4)
    with pytest.raises(ValueError, match="features"):
        rnn.rnn_cell(torch.zeros(2, 5), torch.zeros(2, 4), w_xh, w_hh)
    with pytest.raises(ValueError, match="units"):
        rnn.rnn_cell(torch.zeros(2, 3), torch.zeros(2, 6), w_xh, w_hh)
    with pytest.raises(ValueError, match="w_hh"):
        rnn.rnn_cell(torch.zeros(2, 3), torch.zeros(2, 4), w_xh, torch.zeros(4, 5))
    with pytest.raises(ValueError, match="activation"):
        rnn.rnn_cell(torch.zeros(3), torch.zeros(4), w_xh, w_hh, activation="softplus")


# -- vanishing and exploding gradients --------------------------------------------------
def _autograd_gradients(seq_len, scale, activation):
    p = rnn.distance_problem(seq_len, scale=scale)
    x = p["x"].clone().requires_grad_(True)
    h = torch.zeros(p["w_hh"].shape[0], dtype=torch.float64)
    for t in range(seq_len):
        h = rnn.rnn_cell(x[t], h, p["w_xh"], p["w_hh"], activation=activation)
    (grad,) = torch.autograd.grad((p["u"] * h).sum(), x)
    return grad.norm(dim=1).flip(0)


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_gradient_vs_distance_matches_autograd(activation, scale):
    ours = rnn.gradient_vs_distance(40, scale=scale, activation=activation)
    reference = _autograd_gradients(40, scale, activation)
    assert ours.shape == (40,)
    torch.testing.assert_close(ours, reference, rtol=1e-9, atol=0)


def test_gradient_vanishes_and_explodes_geometrically():
    g_small = rnn.gradient_vs_distance(60, scale=0.5, activation="identity")
    g_large = rnn.gradient_vs_distance(60, scale=1.5, activation="identity")
    # orthogonal Q: |u (γQ)^k| = γ^k, up to the fixed projection through ω_xh
    assert g_small[59] / g_small[0] < 1e-12
    assert g_large[59] / g_large[0] > 1e6
    slope = math.log(float(g_large[59] / g_large[30])) / 29
    assert abs(slope - math.log(1.5)) < 0.1
    g_tanh = rnn.gradient_vs_distance(60, scale=1.0, activation="tanh")
    assert g_tanh[59] < 1e-6 * g_tanh[0]


def test_recurrent_weights_are_scaled_orthogonal():
    w = rnn.recurrent_weights(16, 0.7, seed=3)
    torch.testing.assert_close(torch.linalg.svdvals(w), torch.full((16,), 0.7, dtype=torch.float64))
    with pytest.raises(ValueError, match="scale"):
        rnn.recurrent_weights(4, -1.0)
    with pytest.raises(ValueError, match="hidden_size"):
        rnn.recurrent_weights(0, 1.0)


def test_gradient_extremes_never_raise():
    g = rnn.gradient_vs_distance(400, scale=3.0, activation="relu")
    assert g.shape == (400,)
    g = rnn.gradient_vs_distance(400, scale=0.1, activation="tanh")
    assert (g >= 0).all()
    with pytest.raises(ValueError, match="seq_len"):
        rnn.gradient_vs_distance(0)
    with pytest.raises(ValueError, match="activation"):
        rnn.gradient_vs_distance(5, activation="gelu")


def test_pulse_response_fades():
    gap = rnn.pulse_response(0.5, steps=30, at=5)
    assert torch.all(gap[:4] == 0) and gap[4] > 1.0
    assert gap[29] < 1e-6 * gap[4]
    assert rnn.pulse_response(1.0, steps=30, at=5)[29] > gap[29]
    with pytest.raises(ValueError, match="at"):
        rnn.pulse_response(1.0, steps=10, at=11)


def test_graph_depth_grows_with_length_for_rnn_only():
    layer = rnn.RNN(3, 3, batch_first=True)
    conv = nn.Conv1d(3, 3, 3, padding=1)
    depths = []
    for T in (5, 50):
        x = torch.randn(1, T, 3)
        depths.append((rnn.graph_depth(layer(x)[0]), rnn.graph_depth(conv(x.transpose(1, 2)))))
    assert depths[1][0] - depths[0][0] == 4 * 45  # four dependent operations per step
    assert depths[0][1] == depths[1][1]
    with pytest.raises(ValueError, match="require grad"):
        rnn.graph_depth(torch.zeros(3))


# -- models ------------------------------------------------------------------------------
def test_forecaster_shapes_and_validation():
    model = Forecaster(8)
    assert model(torch.randn(5, 12, 1)).shape == (5, 1)
    with pytest.raises(ValueError, match=r"\(B, T, 1\)"):
        model(torch.randn(5, 12))
    with pytest.raises(ValueError, match="hidden_size"):
        Forecaster(0)


def test_forecaster_learns_better_than_repeat_last():
    torch.manual_seed(0)
    series = data.sine_series(600, noise=0.02)
    x, y = data.windows(series, 15)
    model = Forecaster(16)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = data.make_loader(torch.utils.data.TensorDataset(x[:450], y[:450]), 32, shuffle=True)
    train.fit(
        model,
        loader,
        epochs=8,
        optimizer=optimizer,
        loss_fn=nn.MSELoss(),
        accuracy=False,
        progress=False,
        live_plot=False,
    )
    baseline = float(((x[450:, -1] - y[450:]) ** 2).mean())
    assert forecast_mse(model, x[450:], y[450:]) < 0.5 * baseline


def _names_setup():
    names = ["anna", "bob", "cleo", "dan", "eve", "ada", "abe", "bea"]
    vocab = char_vocab(names)
    x, y = pad_names(encode_names(names, vocab))
    return names, vocab, x, y


def test_char_rnn_shapes_loss_and_sampling():
    _, vocab, x, y = _names_setup()
    torch.manual_seed(0)
    model = CharRNN(len(vocab), embedding_dim=4, hidden_size=8)
    logits = model(x)
    assert logits.shape == (*x.shape, len(vocab))
    loss = sequence_cross_entropy(logits, y)
    mask = y != IGNORE_INDEX
    manual = nn.functional.cross_entropy(logits[mask], y[mask])
    torch.testing.assert_close(loss, manual)
    loader = data.make_loader(torch.utils.data.TensorDataset(x, y), 3)
    exact = cross_entropy_per_token(model, loader)
    assert exact == pytest.approx(float(manual.detach()), rel=1e-5)
    names = sample_names(model, vocab, 5, seed=1, max_len=6)
    assert names == sample_names(model, vocab, 5, seed=1, max_len=6)  # seeded
    assert all(set(n) <= set("abcdelnov") and len(n) <= 6 for n in names)
    with pytest.raises(ValueError, match="temperature"):
        sample_names(model, vocab, 2, temperature=0.0)
    with pytest.raises(ValueError, match="logits"):
        sequence_cross_entropy(logits[0], y[0])
    with pytest.raises(ValueError, match="ids"):
        model(torch.full((1, 3), len(vocab)))


def test_first_token_task_and_recall_models():
    ds = first_token_task(6, 50, n_symbols=3, n_distractor_symbols=2, seed=4)
    x, y = ds.tensors
    assert x.shape == (50, 7) and torch.equal(x[:, 0], y)
    assert int(x[:, 1:].min()) >= 3 and int(x[:, 1:].max()) <= 4
    same = first_token_task(6, 50, n_symbols=3, seed=4).tensors[0]
    assert int(same.max()) <= 2
    for cell in ("rnn", "lstm", "gru"):
        model = RecallClassifier(cell, n_symbols=3, n_inputs=5, hidden_size=6, forget_bias=3.0)
        assert model(x).shape == (50, 3)
    lstm = RecallClassifier("lstm", hidden_size=4, forget_bias=2.0).rnn
    assert torch.all(lstm.bias_ih_l0[4:8] == 2.0) and torch.all(lstm.bias_hh_l0[4:8] == 0.0)
    with pytest.raises(ValueError, match="cell"):
        RecallClassifier("transformer")
    with pytest.raises(ValueError, match="n_distractors"):
        first_token_task(-1, 5)


def test_from_torch_copies_a_float64_rnn_bit_for_bit():
    torch.manual_seed(3)
    reference = nn.RNN(3, 4, 2, batch_first=True).double()
    with torch.no_grad():  # float64 draws: values a float32 copy would round
        for p in reference.parameters():
            p.uniform_(-0.5, 0.5)
    ours = rnn.RNN.from_torch(reference)
    for layer in range(2):
        assert ours.w_xh[layer].dtype == torch.float64
        assert torch.equal(ours.w_xh[layer], reference.get_parameter(f"weight_ih_l{layer}"))
        assert torch.equal(ours.w_hh[layer], reference.get_parameter(f"weight_hh_l{layer}"))
        b_sum = reference.get_parameter(f"bias_ih_l{layer}") + reference.get_parameter(
            f"bias_hh_l{layer}"
        )
        assert torch.equal(ours.b_h[layer], b_sum)
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    out_ref, h_ref = reference(x)
    out, h_n = ours(x)
    torch.testing.assert_close(out, out_ref, atol=1e-14, rtol=0)
    torch.testing.assert_close(h_n, h_ref, atol=1e-14, rtol=0)
