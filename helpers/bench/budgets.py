"""The budgets of DESIGN.md, in the units the benchmarks measure."""

from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]  # the repository


NOTEBOOK_BUDGET_S = {"09_cnn": 60.0, "10_rnn": 60.0}


DEFAULT_NOTEBOOK_BUDGET_S = 30.0


MEMORY_BUDGET_MB = 1536.0


SLIDER_BUDGET_MS = 25.0  # issue 23: every explorer, median
#: the chapter 6 explorer with all nine optimizers over 500 steps, median of slider moves
TRAJECTORY_FULL_BUDGET_MS = 100.0


CNN_BUDGET_S = 15.0


OVERHEAD_BUDGET = 1.10


MAKE_TEST_BUDGET_S = 240.0
