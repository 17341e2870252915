"""Every chapter notebook is committed as one clean run a learner can trust.

(The outputs themselves are checked by strict nbval: `make test` re-executes each notebook
and compares every text output with the stored one.)
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTERS = [
    "01_tensor_creation",
    "02_tensor_operations",
    "03_activation_functions",
    "04_parameter_initialization",
    "05_loss_functions",
    "06_optimizers",
    "07_learning_rate_schedules",
    "08_regularization",
    "09_cnn",
    "10_rnn",
    "11_pytorch_api",
]
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/|/Users/|[A-Z]:\\\\)")
MAX_BYTES = 2_000_000


def load(path):
    return json.loads(path.read_text())


def test_notebook_names_are_the_chapters_of_the_contract():
    names = [p.stem for p in NOTEBOOKS]
    assert names, "no notebooks found"
    assert set(names) <= set(CHAPTERS), f"unexpected notebooks: {set(names) - set(CHAPTERS)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_one_clean_run(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(code)}: re-run "
        f"`make notebooks NB={path.relative_to(ROOT)}`"
    )
    for i, cell in enumerate(code, 1):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: cell [{i}] stores an error"
            text = json.dumps(out.get("text", "")) + json.dumps(
                out.get("data", {}).get("text/plain", "")
            )
            assert not MACHINE_PATH.search(text), f"{path.name}: cell [{i}] shows a machine path"
            assert "image/svg+xml" not in out.get("data", {}), f"{path.name}: SVG output (use PNG)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_anatomy(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown"
    text = "".join(first["source"])
    number = int(path.stem.split("_")[0])
    assert re.match(rf"# {number}\. \S", text), f"{path.name}: must open with '# {number}. Title'"
    assert "**Learning goals**" in text, f"{path.name}: no learning goals in the first cell"
    goals = re.findall(r"^[-*] ", text.split("**Learning goals**")[1], flags=re.M)
    assert 3 <= len(goals) <= 5, f"{path.name}: {len(goals)} learning goals, want 3-5"
    sources = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "runtime.seed_everything(" in sources and "style.use()" in sources
    assert re.search(r"^## .*[Ss]ummary", sources, flags=re.M), f"{path.name}: no summary section"
    assert re.search(r"^## .*[Ee]xercises", sources, flags=re.M), (
        f"{path.name}: no exercises section"
    )
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"


def _comments(src: str) -> list[str]:
    return [ln.strip().lstrip("#").strip() for ln in src.splitlines() if ln.strip().startswith("#")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_ignored_outputs_say_why(path):
    """nbval honours only the exact comment line `# NBVAL_IGNORE_OUTPUT` (or the cell tag
    `nbval-ignore-output`); such a cell must also carry a comment saying why."""
    for cell in load(path)["cells"]:
        src = "".join(cell["source"])
        comments = _comments(src)
        tagged = "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
        marked = "NBVAL_IGNORE_OUTPUT" in comments
        assert not any(
            c.startswith("NBVAL_IGNORE_OUTPUT") and c != "NBVAL_IGNORE_OUTPUT" for c in comments
        ), (
            f"{path.name}: nbval ignores '# NBVAL_IGNORE_OUTPUT<more text>'; put the marker alone on "
            f"its line and the reason in a comment below it:\n{src[:200]}"
        )
        if marked or tagged:
            reasons = [c for c in comments if c != "NBVAL_IGNORE_OUTPUT" and len(c) >= 10]
            assert reasons, (
                f"{path.name}: an ignored output needs a comment saying why:\n{src[:200]}"
            )
