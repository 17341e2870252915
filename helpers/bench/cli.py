"""The command line: ``python -m helpers.bench [--only PART ...]``."""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence

import numpy as np

from helpers.bench.budgets import (
    DEFAULT_NOTEBOOK_BUDGET_S,
    MAKE_TEST_BUDGET_S,
    MEMORY_BUDGET_MB,
    NOTEBOOK_BUDGET_S,
    OVERHEAD_BUDGET,
    ROOT,
    SLIDER_BUDGET_MS,
    TRAJECTORY_FULL_BUDGET_MS,
)
from helpers.bench.explorers import bench_explorer, bench_trajectory_full, explorer_classes
from helpers.bench.models import MODEL_BENCHES, bench_train_overhead
from helpers.bench.notebooks import bench_notebook
from helpers.bench.report import Report, Row, machine_info


def _timed(cmd: Sequence[str], cwd: pathlib.Path, env: dict | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    return time.perf_counter() - start, result.returncode


def run(args: argparse.Namespace) -> Report:
    report = Report(machine=machine_info())
    print("machine: " + ", ".join(f"{k} {v}" for k, v in report.machine.items()))

    if "notebooks" in args.only:
        print(f"== notebooks (headless, fresh kernel, median of {args.repeat})")
        paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
        if args.notebooks:
            paths = [p for p in paths if any(sel in p.stem for sel in args.notebooks)]
        for path in paths:
            runs = [bench_notebook(path) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            budget = NOTEBOOK_BUDGET_S.get(path.stem, DEFAULT_NOTEBOOK_BUDGET_S)
            report.add(Row("notebook", f"{path.stem} run", wall, "s", budget))
            report.add(
                Row("notebook", f"{path.stem} kernel peak RSS", peak, "MB", MEMORY_BUDGET_MB)
            )

    if "explorers" in args.only:
        print(f"== explorers (kernel side, {args.moves} moves across each slider)")
        from helpers import style

        style.use()
        for cls in explorer_classes():
            times, errors = bench_explorer(cls, args.moves)
            if not times:
                continue
            name = f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"
            note = f"{len(times)} moves" + (
                f"; {len(errors)} errors, first: {errors[0]}" if errors else ""
            )
            report.add(
                Row(
                    "explorer",
                    f"{name} median",
                    statistics.median(times),
                    "ms",
                    SLIDER_BUDGET_MS,
                    note=note,
                )
            )
            report.add(
                Row("explorer", f"{name} p95", float(np.percentile(times, 95)), "ms", note="")
            )

        times, errors = bench_trajectory_full(args.moves)
        note = f"{len(times)} moves" + (f"; {len(errors)} errors" if errors else "")
        report.add(
            Row("explorer", "optim.TrajectoryExplorer, 9 optimizers x 500 steps, median",
                statistics.median(times), "ms", TRAJECTORY_FULL_BUDGET_MS, note=note)
        )  # fmt: skip
        report.add(
            Row("explorer", "optim.TrajectoryExplorer, 9 optimizers x 500 steps, p95",
                float(np.percentile(times, 95)), "ms")
        )  # fmt: skip

    if "models" in args.only:
        print("== models")
        for bench in MODEL_BENCHES:
            for row in bench():
                report.add(row)

    if "overhead" in args.only:
        print("== helpers.train overhead")
        with_helpers, bare = bench_train_overhead(epochs=args.overhead_epochs)
        report.add(
            Row(
                "training",
                "fit (progress + live plot) / bare loop",
                with_helpers / bare,
                "x",
                OVERHEAD_BUDGET,
                note=f"{with_helpers:.2f} s vs {bare:.2f} s",
            )
        )

    if "make-test" in args.only:
        print("== make test (warm environment)")
        seconds, rc = _timed(["make", "test"], ROOT)
        report.add(
            Row("setup", "make test, warm", seconds, "s", MAKE_TEST_BUDGET_S, note=f"exit {rc}")
        )

    if "cold" in args.only:
        print("== cold set-up from a fresh clone (make setup)")
        with tempfile.TemporaryDirectory() as tmp:
            clone = pathlib.Path(tmp) / "course"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            seconds, rc = _timed(["make", "setup"], clone)
            shutil.rmtree(clone / ".venv", ignore_errors=True)
        report.add(
            Row("setup", "cold set-up (fresh clone, make setup)", seconds, "s", note=f"exit {rc}")
        )
    return report


ALL_PARTS = ["notebooks", "explorers", "models", "overhead", "make-test", "cold"]


#: the default run stays under 10 minutes on 2 cores; ``make test`` (about 6 minutes) and
#: the cold set-up (about 2) are measured with ``--only make-test cold``
DEFAULT_PARTS = ["notebooks", "explorers", "models", "overhead"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.bench",
        description="What the course costs a learner, measured (make bench).",
    )
    parser.add_argument("--repeat", type=int, default=1, help="notebook runs per notebook (median)")
    parser.add_argument("--moves", type=int, default=50, help="moves across each slider's range")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=ALL_PARTS,
        default=DEFAULT_PARTS,
        help="parts to run (default: notebooks explorers models overhead)",
    )
    parser.add_argument("--notebooks", nargs="*", help="substrings of notebook names to run")
    parser.add_argument("--overhead-epochs", type=int, default=20)
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "bench-results" / "bench.json")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.moves < 2 or args.overhead_epochs < 1:
        parser.error("--repeat and --overhead-epochs must be >= 1, --moves >= 2")
    start = time.perf_counter()
    report = run(args)
    elapsed = time.perf_counter() - start
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report.to_json() | {"seconds": elapsed}, indent=2))
    (args.out.with_suffix(".md")).write_text(report.table() + "\n")
    print()
    print(report.table())
    missed = [r for r in report.rows if r.met is False]
    print(
        f"\n{len(report.rows)} figures, {len(missed)} budgets missed; {elapsed:.0f} s; "
        f"written to {args.out} and {args.out.with_suffix('.md')}"
    )
    return 0
