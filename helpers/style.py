"""The course's one figure style. Nothing happens at import: call ``use()``."""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["COLORS", "RC", "use"]

#: Colour cycle (colour-blind friendly, after Okabe & Ito).
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

RC = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    "font.size": 10,
}


def use() -> None:
    """Apply the course style to matplotlib, and inline figures as PNG in a notebook.

    PNG, not SVG: nbval skips PNG, while SVG embeds a timestamp that changes every run.
    """
    mpl.rcParams.update(RC)
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # plain Python: nothing more to do
        shell = None
    if shell is not None and "IPKernelApp" in getattr(shell, "config", {}):
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
