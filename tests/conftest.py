"""Shared test set-up: Agg backend, the network guard, and small helpers."""

from __future__ import annotations

import pathlib
import runpy

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NETGUARD_FILE = ROOT / "tests" / "ipython" / "profile_default" / "startup" / "00-netguard.py"
NETGUARD = runpy.run_path(str(NETGUARD_FILE))  # installs the guard in this process


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
