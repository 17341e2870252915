"""The chapter 8 explorers, driven from code (headless)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.widgets.regularization import BatchNormExplorer, DropoutExplorer


def _stairs_values(ex, i):
    return np.asarray(
        ex.stairs[i].get_data().values
        if isinstance(ex.stairs, list)
        else ex.stairs.get_data().values
    ).copy()


def test_dropout_explorer_p_changes_mask_and_distribution():
    ex = DropoutExplorer(passes=200)
    assert ex.last_error is None
    assert repr(ex) == "Explorer: dropout p (controls: p, seed)"
    mask_before = np.asarray(ex.mask_artist.get_array()).copy()
    hist_before = _stairs_values(ex, 0)
    png_before = ex.image.value
    ex.controls["p"].value = 0.8
    assert ex.last_error is None
    assert not np.array_equal(np.asarray(ex.mask_artist.get_array()), mask_before)
    assert not np.array_equal(_stairs_values(ex, 0), hist_before)
    assert ex.image.value != png_before
    # more dropout, fewer units kept
    assert np.asarray(ex.mask_artist.get_array()).mean() < mask_before.mean()
    assert "kept" in ex.message.value


def test_dropout_explorer_mean_kept_spread_grows():
    ex = DropoutExplorer(passes=2000)
    stds = []
    for p in (0.1, 0.5, 0.8):
        ex.controls["p"].value = p
        mean = ex.mean_line.get_xdata()[0]
        assert mean == ex.stats["mean"]
        assert abs(mean - ex.z_eval) < 0.3
        assert f"std {ex.stats['std']:.3f}" in ex.message.value
        stds.append(ex.stats["std"])
    assert stds[0] < stds[1] < stds[2]


@pytest.mark.parametrize(("p", "seed"), [(0.0, 0), (0.9, 20), (0.0, 20), (0.9, 0)])
def test_dropout_explorer_extremes_are_safe(p, seed):
    ex = DropoutExplorer(passes=100)
    ex.set(p=p, seed=seed)
    assert ex.last_error is None
    if p == 0.0:
        assert "p = 0" in ex.message.value
        assert np.asarray(ex.mask_artist.get_array()).min() == 1.0


def test_dropout_explorer_seed_changes_mask():
    ex = DropoutExplorer(passes=50)
    before = np.asarray(ex.mask_artist.get_array()).copy()
    ex.controls["seed"].value = 7
    assert not np.array_equal(np.asarray(ex.mask_artist.get_array()), before)


def test_dropout_explorer_bad_arguments():
    with pytest.raises(ValueError, match="square"):
        DropoutExplorer(n_units=10)
    with pytest.raises(ValueError, match="passes"):
        DropoutExplorer(passes=1)


def test_batchnorm_explorer_normalizes_any_shift_and_scale():
    ex = BatchNormExplorer()
    assert ex.last_error is None
    before = [_stairs_values(ex, i) for i in range(3)]
    ex.set(shift=-4.0, scale=0.5)
    assert ex.last_error is None
    after = [_stairs_values(ex, i) for i in range(3)]
    assert not np.array_equal(before[0], after[0])  # the input moved
    np.testing.assert_allclose(before[1], after[1])  # z_hat did not
    assert ex.stats[1] == (0.0, 1.0)
    assert "ẑ: mean +0.00, std 1.00" in ex.message.value
    ex.set(gamma=2.0, beta=-1.5)
    assert ex.stats[2] == (-1.5, 2.0)
    assert "y: mean -1.50, std 2.00" in ex.message.value
    z = ex.base[:64] * 0.5 - 4.0  # the default batch of 64, shifted and scaled
    assert ex.stats[0] == (round(float(z.mean()), 2), round(float(z.std(unbiased=False)), 2))


def test_batchnorm_explorer_messages_and_extremes():
    ex = BatchNormExplorer()
    for name, control in ex.controls.items():
        for value in (control.min, control.max):
            ex.controls[name].value = value
            assert ex.last_error is None, (name, value, ex.last_error)
    ex.set(batch=2, gamma=1.0)
    assert "Batch of 2" in ex.message.value
    values = _stairs_values(ex, 1)
    assert values.sum() == pytest.approx(1.0)
    ex.set(batch=64, gamma=0.0)
    assert "γ = 0" in ex.message.value
    assert len(ex.timings_ms) > 10


@pytest.mark.parametrize("cls", [DropoutExplorer, BatchNormExplorer])
def test_fast_render_matches_a_full_redraw(cls):
    from pixels import png_pixels

    from helpers.widgets import Explorer

    ex = cls()
    first = ex.controls[next(iter(ex.controls))]
    first.value = first.max  # an update: drawn with the cached background
    fast = png_pixels(ex.image.value, "RGB").astype(int)
    full = png_pixels(Explorer.render_png(ex), "RGB").astype(int)  # the base: all redrawn
    assert fast.shape == full.shape
    differs = (np.abs(fast - full).max(axis=2) > 8).mean()
    assert differs < 0.01, f"{100 * differs:.2f} % of the pixels differ"


def test_relayout_rebuilds_the_background():
    ex = BatchNormExplorer()
    old = ex.full_draws
    ex.relayout()
    ex.controls["beta"].value = 1.0
    assert ex.full_draws == old + 1
    assert ex.last_error is None
