"""The benchmark code itself, on tiny inputs (the real run is `make bench`)."""

from __future__ import annotations

import ipywidgets as widgets
import nbformat
import numpy as np

from helpers import bench
from helpers.widgets import Explorer


def test_row_marks_budgets_both_ways():
    assert bench.Row("g", "fast", 10.0, "ms", 50.0).met is True
    assert bench.Row("g", "slow", 60.0, "ms", 50.0).cells()[4] == "MISSED"
    assert bench.Row("g", "accurate", 0.99, "", 0.98, higher_is_better=True).met is True
    assert bench.Row("g", "no budget", 1.0, "s").met is None


def test_report_table_and_json(capsys):
    report = bench.Report(machine={"cores": "2"})
    report.add(bench.Row("notebook", "x run", 12.3, "s", 30.0))
    table = report.table().splitlines()
    assert table[0].startswith("| group") and "12.3 s" in table[2] and "ok" in table[2]
    assert report.to_json()["rows"][0]["met"] is True
    assert "x run" in capsys.readouterr().out


def test_slider_values_cover_the_range():
    assert bench.slider_values(widgets.IntSlider(min=2, max=50), 5) == [2, 14, 26, 38, 50]
    vals = bench.slider_values(widgets.FloatSlider(min=0.0, max=1.0), 3)
    assert vals == [0.0, 0.5, 1.0]
    assert bench.slider_values(widgets.SelectionSlider(options=["a", "b", "c"]), 3) == [
        "a",
        "b",
        "c",
    ]


class Tiny(Explorer):
    title = "tiny"

    def __init__(self):
        super().__init__(
            {
                "k": widgets.IntSlider(value=1, min=1, max=5),
                "d": widgets.Dropdown(options=["a", "b"]),
            }
        )

    def setup(self):
        (self.line,) = self.ax.plot([0, 1], [0, 1])

    def draw(self, k, d):
        self.line.set_ydata([0, k])


def test_bench_explorer_moves_every_slider_and_restores_it():
    times, errors = bench.bench_explorer(Tiny, moves=5)
    assert len(times) == 4  # 5 values, the first equal to the current one (no redraw)
    assert errors == [] and all(t > 0 for t in times)


def test_explorer_classes_finds_concrete_explorers_only():
    classes = bench.explorer_classes()
    assert classes and all(c.draw is not Explorer.draw for c in classes)
    names = {c.__name__ for c in classes}
    assert {"SamplingExplorer", "ElementwiseExplorer"} <= names


def test_bench_notebook_runs_a_tiny_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = [0] * 10**6\nprint(len(x))")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    seconds, peak_mb = bench.bench_notebook(path, timeout=60)
    assert 0 < seconds < 60
    assert peak_mb > 10  # a Python kernel holding a list of a million items


def test_overhead_ratio_is_measured_on_the_same_work():
    with_helpers, bare = bench.bench_train_overhead(epochs=1)
    assert with_helpers > 0 and bare > 0
    assert np.isfinite(with_helpers / bare)


def test_main_writes_json_and_markdown(tmp_path):
    out = tmp_path / "b.json"
    assert bench.main(["--only", "overhead", "--overhead-epochs", "1", "--out", str(out)]) == 0
    assert out.exists() and out.with_suffix(".md").read_text().startswith("| group")


def test_the_heaviest_trajectory_view_is_benched_without_errors():
    times, errors = bench.bench_trajectory_full(moves=2)
    assert not errors and len(times) >= 2 * 6  # six sliders (steps is held at 500)
    assert all(t > 0 for t in times)
