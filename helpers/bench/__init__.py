"""What the course costs a learner, measured: ``python -m helpers.bench`` (``make bench``).

Measures on this machine, prints a table with the budget beside every figure (DESIGN.md),
and writes the figures to a JSON file:

* per notebook: headless execution wall time from a fresh kernel, and the kernel's peak
  memory (RSS of the kernel process tree, sampled every 50 ms); ``--repeat N`` for medians;
* per explorer: kernel-side update latency (median, p95) over 50 moves across each
  slider's range, figure drawing (Agg, PNG) included;
* the digit CNN: training seconds to reach 98 % test accuracy, and the final accuracy;
* the sequence models: seconds per epoch and held-out loss against their baselines;
* the overhead of ``helpers.train.fit`` (progress bar + live plot) against a bare loop;
* ``make test`` on the warm environment, and the cold set-up from a fresh clone.

The command exits non-zero only on a crash, never on a missed budget (machines are noisy).
"""

from helpers.bench.budgets import ROOT, SLIDER_BUDGET_MS
from helpers.bench.cli import main, run
from helpers.bench.explorers import (
    bench_explorer,
    bench_trajectory_full,
    explorer_classes,
    slider_values,
)
from helpers.bench.models import bench_cnn, bench_sequence_models, bench_train_overhead
from helpers.bench.notebooks import bench_notebook
from helpers.bench.report import Report, Row, machine_info

__all__ = [
    "ROOT",
    "SLIDER_BUDGET_MS",
    "Report",
    "Row",
    "bench_cnn",
    "bench_explorer",
    "bench_notebook",
    "bench_sequence_models",
    "bench_train_overhead",
    "bench_trajectory_full",
    "explorer_classes",
    "machine_info",
    "main",
    "run",
    "slider_values",
]
