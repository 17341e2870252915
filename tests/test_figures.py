"""pic/ holds every figure the notes reference, and is up to date with the code."""

from __future__ import annotations

import matplotlib.image
import numpy as np
import pytest
from conftest import ROOT

from helpers import figures

#: the names the curriculum notes use (part of the contract, see DESIGN.md)
REQUIRED = [
    "sigmoid.png", "sigmoid_derivative.png", "tanh.png", "tanh_derivative.png", "relu.png",
    "relu_derivative.png", "Cross_Entropy.png", "Binary_Entropy.png", "MAE_LOSS.png",
    "MSE_LOSS.png", "Huber_LOSS.png",
]  # fmt: skip


def test_every_figure_the_notes_reference_is_registered_and_in_pic():
    missing = [n for n in REQUIRED if n not in figures.FIGURES]
    assert not missing, f"not drawn by helpers.figures: {missing}"
    absent = [n for n in REQUIRED if not (ROOT / "pic" / n).exists()]
    assert not absent, f"missing from pic/ (run `make figures`): {absent}"


def test_pic_holds_no_stale_figure():
    stale = sorted(p.name for p in (ROOT / "pic").glob("*.png") if p.name not in figures.FIGURES)
    assert not stale, f"pic/ files no code draws any more: {stale}"


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_pic_is_up_to_date_with_the_code(name, tmp_path):
    figures.render(figures.FIGURES[name](), tmp_path / name)
    fresh = matplotlib.image.imread(tmp_path / name)
    stored = matplotlib.image.imread(ROOT / "pic" / name)
    assert fresh.shape == stored.shape, f"{name}: size changed; run `make figures`"
    assert np.array_equal(fresh, stored), f"{name}: pic/ is out of date; run `make figures`"


def test_figures_cli_writes_into_a_given_folder(tmp_path):
    assert figures.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(figures.FIGURES)
    assert figures.main(["a", "b"]) == 2
