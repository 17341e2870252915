"""Regenerate pic/: ``python -m helpers.figures [OUTDIR]`` (``make figures``).

Every figure the notes reference is drawn here from the same helper code the notebooks
use, deterministically (Agg, fixed size and dpi, no timestamp), so
tests/test_figures.py can prove that pic/ is up to date with the code.

Each entry of ``FIGURES`` maps a file name to a function that returns a Figure. Chapters
add their entries in their own block below.
"""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Callable

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import style

__all__ = ["FIGURES", "PIC_DIR", "function_figure", "render", "main"]

PIC_DIR = pathlib.Path(__file__).resolve().parents[1] / "pic"
SIZE = (5.0, 3.2)
DPI = 100


def new_figure(size: tuple[float, float] = SIZE) -> tuple[Figure, Axes]:
    """A figure in the course style, detached from pyplot."""
    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=size, dpi=DPI, layout="constrained")
        ax = fig.subplots()
    return fig, ax


def function_figure(
    x: object,
    curves: dict[str, object],
    *,
    title: str,
    xlabel: str = "x",
    ylabel: str | None = None,
    marks: list[tuple[float, float, str]] | None = None,
) -> Figure:
    """A figure of one or more curves over ``x``, with optional marked points (x, y, text)."""
    from helpers import plots

    with matplotlib.rc_context(style.RC):
        fig, ax = new_figure()
        plots.curves(x, curves, ax, title=title, xlabel=xlabel, ylabel=ylabel)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        for mx, my, text in marks or []:
            ax.plot([mx], [my], "o", color="black", ms=4)
            ax.annotate(text, (mx, my), textcoords="offset points", xytext=(8, 6), fontsize=9)
    return fig


FIGURES: dict[str, Callable[[], Figure]] = {}

# --- chapter 3: activation functions (entries added by the chapter) -----------------


def _ch03_figure(
    name: str,
    span: float,
    label: str,
    *,
    title: str,
    marks: list[tuple[float, float, str]],
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """``helpers.activations.<name>`` over [-span, span] (801 points, x = 0 exactly)."""
    import torch

    from helpers import activations

    x = torch.linspace(-span, span, 801, dtype=torch.float64)
    y = getattr(activations, name)(x)
    if name == "relu_derivative":
        y[401] = float("nan")  # break the line at the jump: no vertical segment at x = 0
    fig = function_figure(x, {label: y}, title=title, ylabel=label, marks=marks)
    ax = fig.axes[0]
    if ylim is not None:
        ax.set_ylim(*ylim)
    if name == "relu_derivative":
        ax.plot([0.0], [1.0], "o", mfc="white", color="black", ms=4)  # the value not taken
    return fig


FIGURES["sigmoid.png"] = lambda: _ch03_figure(
    "sigmoid",
    8.0,
    "σ(x)",
    title=r"Sigmoid  $\sigma(x) = 1 / (1 + e^{-x})$",
    marks=[(0.0, 0.5, "σ(0) = 0.5")],
)
FIGURES["sigmoid_derivative.png"] = lambda: _ch03_figure(
    "sigmoid_derivative",
    8.0,
    "σ'(x)",
    title=r"Sigmoid derivative  $\sigma'(x) = \sigma(x)(1 - \sigma(x))$",
    marks=[(0.0, 0.25, "max σ'(0) = 0.25")],
    ylim=(-0.015, 0.3),
)
FIGURES["tanh.png"] = lambda: _ch03_figure(
    "tanh",
    6.0,
    "tanh(x)",
    title=r"Tanh  $\tanh(x) = (e^{x} - e^{-x}) / (e^{x} + e^{-x})$",
    marks=[(0.0, 0.0, "tanh(0) = 0")],
)
FIGURES["tanh_derivative.png"] = lambda: _ch03_figure(
    "tanh_derivative",
    6.0,
    "tanh'(x)",
    title=r"Tanh derivative  $\tanh'(x) = 1 - \tanh^2(x)$",
    marks=[(0.0, 1.0, "max tanh'(0) = 1")],
    ylim=(-0.06, 1.2),
)
FIGURES["relu.png"] = lambda: _ch03_figure(
    "relu",
    4.0,
    "ReLU(x)",
    title=r"ReLU  $\mathrm{ReLU}(x) = \max(0, x)$",
    marks=[(0.0, 0.0, "ReLU(0) = 0")],
)
FIGURES["relu_derivative.png"] = lambda: _ch03_figure(
    "relu_derivative",
    4.0,
    "ReLU'(x)",
    title="ReLU derivative: 0 for x < 0, 1 for x > 0",
    marks=[(0.0, 0.0, "at x = 0 PyTorch uses 0")],
    ylim=(-0.06, 1.15),
)

# --- chapter 5: loss functions (entries added by the chapter) -----------------------


def _ch05_probabilities() -> object:
    """p on (0, 1): 397 points from 0.01 to 0.99 (the loss is infinite at the ends)."""
    import torch

    return torch.linspace(0.01, 0.99, 397, dtype=torch.float64)


def _ch05_cross_entropy() -> Figure:
    """-log p of one sample, p the predicted probability of its true class (helpers.losses)."""
    import math

    import torch

    from helpers import losses

    p = _ch05_probabilities()
    probs = torch.stack([p, 1 - p], dim=1)  # class 0 is the true class
    loss = losses.cross_entropy_simplified(
        probs, torch.zeros(len(p), dtype=torch.long), reduction="none"
    )
    return function_figure(
        p,
        {r"$\mathcal{L} = -\log p$": loss},
        title=r"Cross-entropy of one sample: $\mathcal{L} = -\log p$",
        xlabel="p: predicted probability of the true class",
        ylabel="loss",
        marks=[
            (q, float(-torch.log(torch.tensor(q))), f"p = {q}: {-math.log(q):.3f}")
            for q in (0.1, 0.5, 0.9)
        ],
    )


def _ch05_binary_entropy() -> Figure:
    """Both branches of binary cross-entropy over p (helpers.losses.binary_cross_entropy)."""
    import torch

    from helpers import losses

    p = _ch05_probabilities()
    return function_figure(
        p,
        {
            r"$y = 1$: $-\log p$": losses.binary_cross_entropy(
                p, torch.ones_like(p), reduction="none"
            ),
            r"$y = 0$: $-\log(1-p)$": losses.binary_cross_entropy(
                p, torch.zeros_like(p), reduction="none"
            ),
        },
        title="Binary cross-entropy",
        xlabel="p: predicted probability of the positive class",
        ylabel="loss",
    )


def _ch05_regression(name: str, title: str, label: str) -> Figure:
    """A regression loss over the error e = ŷ - y in [-3, 3] (helpers.losses.curve)."""
    import torch

    from helpers import losses

    e = torch.linspace(-3.0, 3.0, 601, dtype=torch.float64)
    loss, _ = losses.curve(name, e)
    return function_figure(
        e, {label: loss}, title=f"{title}: {label}", xlabel=r"error $\hat y - y$", ylabel="loss"
    )


def _ch05_huber(delta: float = 1.0) -> Figure:
    """Huber with its two pieces drawn past the switch points |e| = delta."""
    import matplotlib as mpl
    import torch

    from helpers import losses, plots

    e = torch.linspace(-3.0, 3.0, 601, dtype=torch.float64)
    loss, _ = losses.curve("huber", e, delta=delta)
    names = (
        rf"Huber, $\delta = {delta:g}$",
        r"$\frac{1}{2}e^2$ (used for $|e| \leq \delta$)",
        r"$\delta|e| - \frac{1}{2}\delta^2$ (used for $|e| > \delta$)",
    )
    curves = {names[0]: loss, names[1]: 0.5 * e**2, names[2]: delta * e.abs() - 0.5 * delta**2}
    with mpl.rc_context(style.RC):
        fig, ax = new_figure()
        plots.curves(
            e,
            curves,
            ax,
            title=r"Huber loss / Smooth L1 ($\delta = 1$)",
            xlabel=r"error $e = \hat y - y$",
            ylabel="loss",
            styles={names[1]: ":", names[2]: "--"},
        )
        ax.set_ylim(-0.6, 3.2)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        for s in (-1, 1):
            ax.axvline(s * delta, color="0.5", lw=0.8, ls=":")
            ax.plot([s * delta], [0.5 * delta**2], "o", color="black", ms=4)
        ax.annotate(
            r"$|e| = \delta$",
            (delta, 0.5 * delta**2),
            textcoords="offset points",
            xytext=(6, -14),
            fontsize=9,
        )
    return fig


FIGURES["Cross_Entropy.png"] = _ch05_cross_entropy
FIGURES["Binary_Entropy.png"] = _ch05_binary_entropy
FIGURES["MAE_LOSS.png"] = lambda: _ch05_regression("l1", "MAE / L1 loss", r"$|y - \hat y|$")
FIGURES["MSE_LOSS.png"] = lambda: _ch05_regression("l2", "MSE / L2 loss", r"$(y - \hat y)^2$")
FIGURES["Huber_LOSS.png"] = _ch05_huber


def render(fig: Figure, path: pathlib.Path) -> None:
    """Save ``fig`` as a PNG without metadata that changes between runs."""
    with matplotlib.rc_context(style.RC):
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m helpers.figures [OUTDIR]", file=sys.stderr)
        return 2
    outdir = pathlib.Path(args[0]) if args else PIC_DIR
    matplotlib.use("Agg")  # a script: never open a window (figures here never touch pyplot)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, make in FIGURES.items():
        render(make(), outdir / name)
        print(f"wrote {outdir / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
