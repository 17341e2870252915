"""helpers.cnn (the digit CNN and its MLP), helpers.plots.cnn and the chapter-9 exercises."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from helpers import cnn, data, runtime, train
from helpers.exercises import ch09
from helpers.plots import cnn as cnn_plots


def test_digit_cnn_shapes_and_parameter_count():
    model = cnn.DigitCNN()
    out = model(torch.zeros(5, 1, 8, 8))
    assert out.shape == (5, 10)
    # conv 1: 16 * (9 + 1), BN 1: 2 * 16, conv 2: 32 * (16 * 9 + 1), BN 2: 2 * 32, linear 32 * 4 * 10 + 10
    expected = 16 * 10 + 32 + 32 * (16 * 9 + 1) + 64 + 128 * 10 + 10
    assert cnn.count_parameters(model) == expected == 6186
    block = model.features[0]
    assert [type(m) for m in block] == [nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d]
    maps = model.first_maps(torch.rand(2, 1, 8, 8))
    assert maps.shape == (2, 16, 8, 8) and bool((maps >= 0).all())
    assert model.training  # first_maps restores the mode


def test_mlp_has_a_similar_parameter_count():
    mlp, model = cnn.MLP(), cnn.DigitCNN()
    assert mlp(torch.zeros(3, 1, 8, 8)).shape == (3, 10)
    assert cnn.count_parameters(mlp) == 64 * 82 + 82 + 82 * 10 + 10
    assert abs(
        cnn.count_parameters(mlp) - cnn.count_parameters(model)
    ) < 0.01 * cnn.count_parameters(model)


def test_conv_vs_dense_parameters_match_torch_layers():
    counts = cnn.conv_vs_dense_parameters(C=1, H=8, W=8, K=4, F=3)
    assert counts["conv"] == cnn.count_parameters(nn.Conv2d(1, 4, 3, padding=1))
    assert counts["dense"] == cnn.count_parameters(nn.Linear(64, 4 * 64))
    with pytest.raises(ValueError, match="F must be an int >= 1"):
        cnn.conv_vs_dense_parameters(C=1, H=8, W=8, K=4, F=0)


def test_bad_hyperparameters_raise_clear_errors():
    with pytest.raises(ValueError, match="channels must be a non-empty sequence"):
        cnn.DigitCNN(channels=())
    with pytest.raises(ValueError, match="divisible by 2\\*\\*4"):
        cnn.DigitCNN(channels=(4, 4, 4, 4))
    with pytest.raises(ValueError, match="kernel_size must be an odd positive int"):
        cnn.conv_block(1, 4, kernel_size=2)
    with pytest.raises(ValueError, match="hidden must be an int >= 1"):
        cnn.MLP(hidden=0)


def test_confusion_counts():
    y_true = torch.tensor([0, 0, 1, 2, 2, 2])
    y_pred = torch.tensor([0, 1, 1, 2, 0, 2])
    m = cnn.confusion_counts(y_true, y_pred, n_classes=3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert int(m.trace()) == int((y_true == y_pred).sum())
    with pytest.raises(ValueError, match="labels must lie in"):
        cnn.confusion_counts(torch.tensor([3]), torch.tensor([0]), n_classes=3)
    with pytest.raises(ValueError, match="equal length"):
        cnn.confusion_counts(torch.tensor([0, 1]), torch.tensor([0]), n_classes=3)


def _short_run(seed: int = 0, epochs: int = 3):
    runtime.seed_everything(seed)
    train_loader, test_loader = data.digits_loaders(batch_size=64, seed=0)
    model = cnn.DigitCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    history = train.fit(
        model, train_loader, epochs=epochs, optimizer=optimizer, val_loader=test_loader,
        progress=False, live_plot=False,
    )  # fmt: skip
    return model, test_loader, history


def test_seeded_training_is_reproducible_and_learns():
    model, test_loader, h1 = _short_run()
    _, _, h2 = _short_run()
    assert h1.train_loss == h2.train_loss and h1.val_accuracy == h2.val_accuracy
    assert h1.val_accuracy[-1] > 0.9
    x, y, pred = cnn.predict(model, test_loader)
    assert x.shape == (len(y), 1, 8, 8) and pred.shape == y.shape
    assert float((pred == y).float().mean()) == pytest.approx(h1.val_accuracy[-1])
    assert int(cnn.confusion_counts(y, pred).sum()) == len(y)


def test_plots_draw_what_they_are_given():
    import matplotlib.pyplot as plt

    axes = cnn_plots.maps(torch.randn(6, 1, 3, 3), titles=list("abcdef"), ncols=4, symmetric=True)
    assert len(axes) == 8 and axes[0].get_title() == "a"
    lo, hi = axes[0].images[0].get_clim()
    assert lo == -hi
    axes = cnn_plots.rgb_channels(torch.rand(3, 10, 12) * 255)
    assert [ax.get_title() for ax in axes] == ["RGB image", "R channel", "G channel", "B channel"]
    ax = cnn_plots.matrix(np.arange(16.0).reshape(4, 4), window=(1, 1, 2), padding=1)
    assert len(ax.texts) == 16 and len(ax.patches) == 2
    with pytest.raises(ValueError, match="must be 2-D"):
        cnn_plots.matrix(np.zeros(3))
    with pytest.raises(ValueError, match=r"\(3, H, W\)"):
        cnn_plots.rgb_channels(np.zeros((4, 5, 5)))
    plt.close("all")


def test_exercises(capsys):
    assert not ch09.ex1(None)
    assert "Hint" in capsys.readouterr().out
    assert ch09.ex1((1, 16, 7, 7))
    assert ch09.ex1(torch.Size([1, 16, 7, 7]))
    assert not ch09.ex1((1, 16, 8, 8))
    assert ch09.ex2(608) and not ch09.ex2(600) and not ch09.ex2("608")
    assert ch09.ex3(2) and not ch09.ex3(1)
    out = capsys.readouterr().out
    assert out.count("correct.") == 4


def test_hardest_puts_every_mistake_first_and_has_a_fixed_length():
    class Fixed(nn.Module):  # returns fixed logits: the model's "probabilities" are known
        def __init__(self, logits):
            super().__init__()
            self.logits = logits
            self.w = nn.Parameter(torch.zeros(()))

        def forward(self, x):
            return self.logits + 0 * self.w

    logits = torch.tensor([[4.0, 0.0], [0.0, 1.0], [0.0, 3.0], [0.2, 0.0], [2.0, 0.0]])
    y = torch.tensor([0, 0, 1, 0, 1])
    model = Fixed(logits)
    pred = logits.argmax(dim=1)  # [0, 1, 1, 0, 0]: samples 1 and 4 are mistakes
    x = torch.zeros(5, 1, 8, 8)
    order = cnn.hardest(model, x, y, pred, k=5)
    # mistakes by true-class probability (4: p=0.12, 1: p=0.27), then the correct ones
    # (3: p=0.55, 2: p=0.95, 0: p=0.98)
    assert order.tolist() == [4, 1, 3, 2, 0]
    assert cnn.hardest(model, x, y, pred, k=3).tolist() == [4, 1, 3]
    assert model.training  # the mode is restored
    with pytest.raises(ValueError, match="k must be an int"):
        cnn.hardest(model, x, y, pred, k=0)
    with pytest.raises(ValueError, match="equal lengths"):
        cnn.hardest(model, x, y, pred[:3], k=2)
