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


IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION")
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip", "raises-exception")
# Object reprs that leak from a cell's last expression (an execute_result): their text
# follows the run (an address the allocator). A shown figure's text fallback
# ("<Figure size 720x270 with 2 Axes>") is compared too, so its panel count must not
# depend on the run either.
LEAKED_REPR = re.compile(r"<(Figure size|matplotlib\.|Axes|[A-Za-z.]* object at )|Line2D\(|Text\(")
MARK = re.compile(r"‹[^›\n]*›")


def _texts(cell: dict) -> list[tuple[str, str]]:
    """(output_type, text) of each output of ``cell``."""
    out = []
    for o in cell.get("outputs", []):
        text = o.get("text", "") or o.get("data", {}).get("text/plain", "")
        out.append((o["output_type"], text if isinstance(text, str) else "".join(text)))
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_output_escapes_the_comparison(path):
    """Strict nbval compares every output: no cell opts out. A number that varies with the
    CPU, GPU or thread count goes through ``check.measured`` (masked by tests/sanitize.cfg),
    and no cell leaks an object repr whose text follows the run."""
    for i, cell in enumerate(c for c in load(path)["cells"] if c["cell_type"] == "code"):
        src = "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        assert not any(m in src for m in IGNORE_MARKERS) and not set(tags) & set(IGNORE_TAGS), (
            f"{path.name}: code cell {i} opts out of nbval; print run-specific numbers "
            f"through check.measured instead:\n{src[:200]}"
        )
        for kind, text in _texts(cell):
            leak = LEAKED_REPR.search(text) if kind == "execute_result" else None
            assert not leak, (
                f"{path.name}: code cell {i} leaks {leak.group(0)!r}...: end the cell with "
                f"plt.show() or assign the value"
            )
            unclosed = MARK.sub("", text)
            assert "‹" not in unclosed and "›" not in unclosed, (
                f"{path.name}: code cell {i} has a broken ‹...› mark"
            )
