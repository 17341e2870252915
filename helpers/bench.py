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

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import io
import json
import os
import pathlib
import pkgutil
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = [
    "Row",
    "Report",
    "bench_notebook",
    "bench_explorer",
    "explorer_classes",
    "slider_values",
    "bench_train_overhead",
    "main",
]

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK_BUDGET_S = {"09_cnn": 60.0, "10_rnn": 60.0}
DEFAULT_NOTEBOOK_BUDGET_S = 30.0
MEMORY_BUDGET_MB = 1536.0
SLIDER_BUDGET_MS = 50.0
CNN_BUDGET_S = 15.0
OVERHEAD_BUDGET = 1.10
MAKE_TEST_BUDGET_S = 240.0


@dataclass
class Row:
    """One measured figure, its budget, and whether it met it."""

    group: str
    name: str
    value: float
    unit: str
    budget: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget

    def cells(self) -> list[str]:
        if self.budget is None:
            target, mark = "", ""
        else:
            target = f"{'>=' if self.higher_is_better else '<='} {self.budget:g} {self.unit}"
            mark = "ok" if self.met else "MISSED"
        return [self.group, self.name, f"{self.value:.3g} {self.unit}", target, mark, self.note]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print("  " + " | ".join(c for c in row.cells() if c), flush=True)
        return row

    def table(self) -> str:
        """A Markdown table (the README's "How fast is it" section prints this)."""
        head = ["group", "what", "measured", "budget", "", "note"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r.cells()) + " |" for r in self.rows]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "machine": self.machine,
            "rows": [asdict(r) | {"met": r.met} for r in self.rows],
        }


def machine_info() -> dict[str, str]:
    import torch

    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "os": f"{platform.system()} {platform.release()}",
        "date": time.strftime("%Y-%m-%d"),
    }


# -- notebooks -------------------------------------------------------------------------
def _tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total / 2**20


def bench_notebook(path: pathlib.Path, timeout: int = 600) -> tuple[float, float]:
    """Execute ``path`` headless from a fresh kernel; (wall seconds, peak kernel RSS MB)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            km = client.km
            pid = getattr(getattr(km, "provisioner", None), "pid", None) if km else None
            if pid:
                peak[0] = max(peak[0], _tree_rss_mb(pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    try:
        client.execute()
    finally:
        stop.set()
        sampler.join()
    return time.perf_counter() - start, peak[0]


# -- explorers -------------------------------------------------------------------------
def explorer_classes() -> list[type]:
    """Every concrete Explorer subclass in helpers.widgets.* that builds with no argument."""
    import helpers.widgets as widgets_pkg
    from helpers.widgets import Explorer

    found = []
    for info in pkgutil.iter_modules(widgets_pkg.__path__):
        module = importlib.import_module(f"helpers.widgets.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                not issubclass(cls, Explorer)
                or cls is Explorer
                or cls.__module__ != module.__name__
            ):
                continue
            required = [
                p
                for p in inspect.signature(cls.__init__).parameters.values()
                if p.name != "self"
                and p.default is p.empty
                and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            ]
            if not required and cls.draw is not Explorer.draw:  # concrete, builds with no argument
                found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def slider_values(control: object, n: int = 50) -> list:
    """``n`` values across a slider's range (its options for a selection slider)."""
    if hasattr(control, "options") and not hasattr(control, "min"):
        options = list(control.options)
        if not options:
            return []
        idx = np.linspace(0, len(options) - 1, n).round().astype(int)
        values = [options[i] for i in idx]
        return [v[1] if isinstance(v, tuple) else v for v in values]
    if not (hasattr(control, "min") and hasattr(control, "max")):
        return []
    lo, hi = control.min, control.max
    values = np.linspace(lo, hi, n)
    if isinstance(control.value, int) and not isinstance(control.value, bool):
        return [int(round(v)) for v in values]
    if isinstance(control.value, tuple | list):  # range sliders: move the upper end
        return [(control.value[0], max(control.value[0], float(v))) for v in values]
    return [float(v) for v in values]


def bench_explorer(cls: type, moves: int = 50) -> tuple[list[float], list[str]]:
    """Kernel-side update times (ms) of ``moves`` moves across each slider of ``cls``."""
    import ipywidgets as widgets

    ex = cls()
    times, errors = [], []
    for name, control in ex.controls.items():
        if not (hasattr(control, "min") or isinstance(control, widgets.SelectionSlider)):
            continue  # dropdowns, checkboxes: not sliders
        original = control.value
        for value in slider_values(control, moves):
            before = len(ex.timings_ms)
            control.value = value
            if len(ex.timings_ms) > before:
                times.append(ex.timings_ms[-1])
            if ex.last_error:
                errors.append(f"{name}={value!r}: {ex.last_error}")
        control.value = original
    return times, errors


# -- training ---------------------------------------------------------------------------
def bench_train_overhead(epochs: int = 20, seed: int = 0) -> tuple[float, float]:
    """Seconds for ``fit`` (progress bar + live plot) and for a bare loop, same work.

    Both train chapter 9's digit CNN with the same batches and evaluate after every epoch;
    only the bookkeeping differs. ipywidgets and IPython are imported before timing (a
    notebook has them loaded already).
    """
    import ipywidgets  # noqa: F401
    import torch
    from IPython.display import display  # noqa: F401
    from torch import nn

    from helpers import cnn, data, runtime, train

    def make():
        runtime.seed_everything(seed)
        tr, te = data.digits_loaders(batch_size=64, seed=seed)
        model = cnn.DigitCNN(channels=(16, 32))
        return model, tr, te, torch.optim.Adam(model.parameters(), lr=0.01)

    model, tr, te, opt = make()
    sink = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        train.fit(
            model, tr, epochs=epochs, optimizer=opt, val_loader=te, progress=True, live_plot=True
        )
    with_helpers = time.perf_counter() - start

    model, tr, te, opt = make()
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for x, y in tr:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        train.evaluate(model, te, loss_fn)
    bare = time.perf_counter() - start
    return with_helpers, bare


def _timed(cmd: Sequence[str], cwd: pathlib.Path, env: dict | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    return time.perf_counter() - start, result.returncode


# -- the whole run ----------------------------------------------------------------------
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


def bench_cnn(epochs: int = 20) -> list[Row]:
    """Chapter 9's recipe (same seed, model, optimizer and schedule as the notebook)."""
    import torch

    from helpers import cnn, data, runtime, train

    device = runtime.device()
    runtime.seed_everything(0)
    train_loader, test_loader = data.digits_loaders(batch_size=64, seed=0)
    model = cnn.DigitCNN(channels=(16, 32)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = train.fit(
        model, train_loader, epochs=epochs, optimizer=optimizer, scheduler=scheduler,
        val_loader=test_loader, device=device, progress=False, live_plot=False,
    )  # fmt: skip
    to_98 = history.seconds_to(0.98)
    return [
        Row("model", f"digit CNN: training seconds to 98 % ({device.type})",
            to_98 if to_98 is not None else float("inf"), "s", CNN_BUDGET_S,
            note=f"{history.seconds[-1]:.1f} s for all {epochs} epochs"),
        Row("model", "digit CNN: final test accuracy", 100 * history.val_accuracy[-1], "%", 98.0,
            higher_is_better=True),
    ]  # fmt: skip


def bench_sequence_models() -> list[Row]:
    """Chapter 10's two recipes: the sine forecaster and the character-level name model."""
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import TensorDataset

    from helpers import data, rnn_models, runtime, text, train

    rows = []
    window, (start, split, end) = 20, (0, 1400, 1600)
    series = data.sine_series(2000, noise=0.02)
    x_tr, y_tr = data.windows(series[start:split], window)
    x_va, y_va = data.windows(series[split:end], window)
    x_te, y_te = data.windows(series[end:], window)
    runtime.seed_everything(0)
    model = rnn_models.Forecaster(hidden_size=32)
    epochs = 30
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    hist = train.fit(
        model, data.make_loader(TensorDataset(x_tr, y_tr), 32, shuffle=True, seed=0),
        epochs=epochs, optimizer=opt, loss_fn=nn.MSELoss(), accuracy=False,
        scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
        val_loader=data.make_loader(TensorDataset(x_va, y_va), 256), progress=False, live_plot=False,
    )  # fmt: skip
    mse = rnn_models.forecast_mse(model, x_te, y_te)
    baseline = float(F.mse_loss(x_te[:, -1], y_te))
    rows.append(Row("model", "forecaster: seconds per epoch", hist.seconds[-1] / epochs, "s"))
    rows.append(Row("model", "forecaster: test MSE / repeat-last MSE", mse / baseline, "", 0.10,
                    note=f"MSE {mse:.5f} vs {baseline:.5f}"))  # fmt: skip

    names = data.first_names()
    train_names, val_names, test_names = text.split_names(names, (0.8, 0.1, 0.1), seed=0)
    chars = text.char_vocab(train_names)
    enc = {k: text.encode_names(v, chars) for k, v in
           [("train", train_names), ("val", val_names), ("test", test_names)]}  # fmt: skip
    support = [chars[text.BOUNDARY]] + [chars[c] for c in "abcdefghijklmnopqrstuvwxyz"]
    k_best, _ = text.choose_k(enc["train"], len(chars), [0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
                              folds=5, support=support)  # fmt: skip
    bigram = text.bigram_probs(
        text.bigram_counts(enc["train"], len(chars)), k_best, support=support
    )
    bigram_ce = text.bigram_cross_entropy(bigram, enc["test"])
    loaders = {
        k: data.make_loader(TensorDataset(*text.pad_names(e)), 64 if k == "train" else 512,
                            shuffle=k == "train", seed=0)
        for k, e in enc.items()
    }  # fmt: skip
    runtime.seed_everything(0)
    lm = rnn_models.CharRNN(len(chars), embedding_dim=16, hidden_size=64)
    epochs = 8
    opt = torch.optim.Adam(lm.parameters(), lr=0.01)
    hist = train.fit(
        lm, loaders["train"], epochs=epochs, optimizer=opt, accuracy=False,
        scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
        loss_fn=rnn_models.sequence_cross_entropy, val_loader=loaders["val"],
        progress=False, live_plot=False,
    )  # fmt: skip
    rnn_ce = rnn_models.cross_entropy_per_token(lm, loaders["test"])
    rows.append(Row("model", "char-RNN: seconds per epoch", hist.seconds[-1] / epochs, "s"))
    rows.append(Row("model", "char-RNN: nats/char better than bigram", bigram_ce - rnn_ce, "nats", 0.15,
                    higher_is_better=True, note=f"{rnn_ce:.4f} vs bigram {bigram_ce:.4f}"))  # fmt: skip
    return rows


#: model benchmarks: functions returning Rows, one per trained model
MODEL_BENCHES: list[Callable[[], list[Row]]] = [bench_cnn, bench_sequence_models]

ALL_PARTS = ["notebooks", "explorers", "models", "overhead", "make-test", "cold"]
#: the default run stays under 10 minutes on 2 cores; ``make test`` (about 6 minutes) and
#: the cold set-up (about 2) are measured with ``--only make-test cold``
DEFAULT_PARTS = ["notebooks", "explorers", "models", "overhead"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.bench", description=__doc__.split("\n\n")[0]
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


if __name__ == "__main__":
    sys.exit(main())
