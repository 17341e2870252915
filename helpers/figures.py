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

matplotlib.use("Agg")  # a script: never open a window

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import style  # noqa: E402

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

# --- chapter 5: loss functions (entries added by the chapter) -----------------------


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
    outdir.mkdir(parents=True, exist_ok=True)
    for name, make in FIGURES.items():
        render(make(), outdir / name)
        print(f"wrote {outdir / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
