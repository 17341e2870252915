"""Unit tests of the helper core: runtime, style, check, exercises, plots."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
import torch

from helpers import check, exercises, plots, runtime, style


# -- runtime -------------------------------------------------------------------------
def test_seed_everything_makes_torch_numpy_and_random_repeat():
    import random

    runtime.seed_everything(3)
    a = (torch.rand(3), np.random.rand(3), random.random())  # noqa: NPY002
    gen = runtime.seed_everything(3)
    b = (torch.rand(3), np.random.rand(3), random.random())  # noqa: NPY002
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]
    assert torch.equal(
        torch.rand(2, generator=gen), torch.rand(2, generator=torch.Generator().manual_seed(3))
    )


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "0", True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match="seed"):
        runtime.seed_everything(bad)


def test_device_prefers_what_is_available():
    dev = runtime.device()
    expected = (
        "cuda"
        if torch.cuda.is_available()
        else ("mps" if torch.backends.mps.is_available() else "cpu")
    )
    assert dev.type == expected
    assert runtime.device("cpu") == torch.device("cpu")


def test_device_rejects_unknown_or_missing():
    with pytest.raises(ValueError, match="prefer must be"):
        runtime.device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="not available"):
            runtime.device("cuda")


def test_environment_report_names_versions_and_device():
    report = runtime.environment_report()
    assert torch.__version__ in report and "device" in report and "threads" in report
    lines = dict(line.split(None, 1) for line in report.splitlines())
    # the machine's part is marked run-specific; the pinned libraries are compared as they are
    assert lines["device"].startswith("‹" + runtime.device().type) and lines["device"][-1] == "›"
    assert lines["torch"] == check.measured(torch.__version__)
    assert lines["threads"].startswith("‹") and lines["python"].startswith("‹")
    assert lines["numpy"] == np.__version__ and "‹" not in lines["matplotlib"]


# -- style ---------------------------------------------------------------------------
def test_style_changes_nothing_until_used():
    matplotlib.rcdefaults()
    before = dict(matplotlib.rcParams)
    import importlib

    importlib.reload(style)
    assert dict(matplotlib.rcParams) == before
    style.use()
    assert matplotlib.rcParams["axes.grid"] is True
    assert list(matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]) == style.COLORS
    matplotlib.rcdefaults()


# -- check ---------------------------------------------------------------------------
def test_compare_prints_one_aligned_row(capsys):
    x = torch.linspace(-3, 3, 7)
    check.compare("identity", x, x.clone())
    check.compare("close", x.double(), x.double() + 3e-8)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert "‹0 (exact)›" in out[0] and "ok" in out[0]
    assert "‹< 1e-07›" in out[1]
    assert out[0].index("max|Δ|") == out[1].index("max|Δ|")


def test_compare_raises_with_the_largest_difference():
    with pytest.raises(check.MismatchError, match=r"max \|ours - reference\| = 0\.5"):
        check.compare("off", [1.0, 2.0], [1.0, 2.5])


def test_compare_handles_nan_inf_and_rtol(capsys):
    nan, inf = float("nan"), float("inf")
    check.compare("nan and inf agree", [nan, inf, 1.0], [nan, inf, 1.0])
    with pytest.raises(check.MismatchError):
        check.compare("nan vs number", [nan], [1.0])
    check.compare("relative", [1000.0], [1000.5], atol=0, rtol=1e-3)
    with pytest.raises(check.MismatchError):
        check.compare("relative too tight", [1000.0], [1000.5], atol=0, rtol=1e-4)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(ours=[1.0, 2.0], reference=[1.0]), "shapes differ"),
        (dict(ours=[1.0], reference=[1.0], atol=-1), "atol must be a finite number >= 0"),
        (dict(ours=[1.0], reference=[1.0], rtol=-1), "rtol must be a finite number >= 0"),
        (dict(ours="abc", reference=[1.0]), "ours must be numeric"),
        (dict(ours=object(), reference=[1.0]), "ours must be a tensor"),
    ],
)
def test_compare_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        check.compare("bad", **kwargs)


def _sanitized(text: str) -> str:
    """``text`` as the notebook tests see it, through tests/sanitize.cfg."""
    import pathlib
    import re

    cfg = (pathlib.Path(__file__).parent / "sanitize.cfg").read_text()
    for regex, replace in re.findall("^regex: (.*)$\n^replace: (.*)$", cfg, re.M):
        text = re.sub(regex, replace, text)
    return text


def test_measured_marks_the_number_and_the_tests_mask_only_it():
    assert check.measured(0.05617, ".4f") == "‹0.0562›"
    assert check.measured(torch.tensor(357), "d") == "‹357›"
    assert check.measured("cuda") == "‹cuda›"
    one = f"epoch 3 | val loss {check.measured(0.0562, '.4f')} | accuracy {check.measured(98.9, '.1f')} %"
    other = f"epoch 3 | val loss {check.measured(0.46111, '.4f')} | accuracy {check.measured(99.17, '.2f')} %"
    assert _sanitized(one) == _sanitized(other) == "epoch 3 | val loss‹RUN›| accuracy‹RUN›%"
    # what is not marked is still compared: the epoch, the unit, a plain number
    assert _sanitized(one.replace("epoch 3", "epoch 4")) != _sanitized(other)
    assert _sanitized("loss 0.0562") != _sanitized("loss 0.0561")
    # padding in a table does not leak the marked number's width
    assert _sanitized(f"{check.measured(1.5, '.1f'):<12}|") == _sanitized(
        f"{check.measured(12.25, '.2f'):<12}|"
    )


@pytest.mark.parametrize(
    "value, spec, match",
    [
        ([1.0], "", "value must be a number"),
        (True, "", "value must be a number"),
        (torch.ones(2), "", "single number"),
        ("text", ".2f", "spec applies to numbers only"),
        (1.5, "d", "does not format"),
        ("a › b", "", "cannot hold"),
        ("two\nlines", "", "cannot hold"),
    ],
)
def test_measured_rejects_bad_input(value, spec, match):
    with pytest.raises(ValueError, match=match):
        check.measured(value, spec)


def test_claim_prints_yes_or_no(capsys):
    assert check.claim("held-out accuracy >= 98 %", 0.989 >= 0.98) is None
    check.claim("loss below 0.01", False)
    assert capsys.readouterr().out == "held-out accuracy >= 98 %: yes\nloss below 0.01: NO\n"
    with pytest.raises(ValueError, match="statement"):
        check.claim("  ", True)


def test_bound_label():
    assert check.bound_label(0.0) == "0 (exact)"
    assert check.bound_label(3e-8) == "< 1e-07"
    assert check.bound_label(1e-3) == "< 1e-02"
    assert check.bound_label(math.inf) == "inf"


# -- exercises -----------------------------------------------------------------------
def test_checker_stub_wrong_right(capsys):
    assert bool(exercises.check_answer("ex1", None, 2.0, hint="think")) is False
    assert bool(exercises.check_answer("ex1", ..., 2.0, hint="think")) is False
    assert bool(exercises.check_answer("ex1", 2.5, 2.0, hint="think")) is False
    assert bool(exercises.check_answer("ex1", torch.tensor(2.0), 2.0, hint="think")) is True
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ex1: not answered yet. Hint: think")
    assert "off by 0.5" in out[2]
    assert out[3] == "ex1: correct."


def test_checker_never_raises_on_odd_answers(capsys):
    assert bool(exercises.check_answer("ex", "a string", 1.0, hint="h")) is False
    assert bool(exercises.check_answer("ex", [1.0, 2.0], [1.0, 2.0, 3.0], hint="h")) is False
    assert bool(exercises.check_answer("ex", float("nan"), 1.0, hint="h")) is False
    assert bool(exercises.check_answer("shape", torch.Size([2, 3]), (2, 3), hint="h")) is True
    assert bool(exercises.check_answer("shape", (3, 2), (2, 3), hint="h")) is False
    out = capsys.readouterr().out
    assert "expected a number" in out and "expected shape" in out and "NaN" in out


# -- plots ---------------------------------------------------------------------------
def test_curves_draws_each_series_and_returns_the_axes():
    x = torch.linspace(0, 1, 5)
    ax = plots.curves(x, {"a": x, "b": 2 * x}, title="t")
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 2 * x.numpy())
    with pytest.raises(ValueError, match="shape"):
        plots.curves(x, {"a": x[:3]})
    with pytest.raises(ValueError, match="at least one"):
        plots.curves(x, {})


def test_history_and_confusion_and_grid():
    ax = plots.history({"train": [1.0, 0.5], "val": [1.2, 0.7]})
    assert len(ax.lines) == 2 and list(ax.lines[0].get_xdata()) == [1, 2]
    ax = plots.confusion_matrix(np.eye(3) * 5)
    assert len(ax.texts) == 3
    axes = plots.image_grid(torch.rand(5, 1, 8, 8), titles=list("abcde"), ncols=3)
    assert len(axes) == 6 and axes[0].get_title() == "a"
    lo, hi = (
        plots.image_grid(torch.randn(2, 3, 3), symmetric=True, cmap="RdBu_r")[1]
        .images[0]
        .get_clim()
    )
    assert lo == -hi > -float("inf")
    with pytest.raises(ValueError, match="square"):
        plots.confusion_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match="titles"):
        plots.image_grid(torch.rand(2, 8, 8), titles=["x"])


def test_verdict_is_truthy_only_when_right_and_displays_nothing():
    right, wrong = exercises.Verdict(True), exercises.Verdict(False)
    assert right and not wrong
    assert right._ipython_display_() is None
    assert repr(wrong) == "Verdict(correct=False)"
