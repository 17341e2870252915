"""Every explorer, proven in a real JupyterLab in headless Chromium.

For each notebook with explorers: open it (File > Open from Path), Run All Cells through
the menu, wait for the kernel, check that no cell shows an error and every explorer
rendered, then move a slider with the keyboard (and change a dropdown where there is one)
and check that the figure's pixels changed and no error appeared; then File > Close Tab
and shut the notebook's kernel down. The key-press-to-new-figure latency is printed per
explorer (target: median under 300 ms). A screenshot per notebook is saved.

Speed (target: the suite within 3 minutes on 2 cores, two xdist workers): both workers
share one JupyterLab server, each keeps one page and opens its notebooks in it, and the
notebooks run longest first (by the cell times stored in the committed run), so that no
long one starts last. The suite is CPU-bound: the notebooks' own computing is about half
of its CPU time, Chromium's drawing of JupyterLab most of the rest.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from datetime import datetime

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT_S = 240
LATENCY_TARGET_MS = 300
ERROR_TEXTS = ["Error displaying widget", "model not found", "Traceback (most recent call last)"]
# the open notebook's outputs that show one of the error texts, their first 1,500 characters
OUTPUT_ERRORS_JS = """(errorTexts) => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
    .map(o => o.textContent).filter(t => errorTexts.some(e => t.includes(e)))
    .map(t => t.slice(0, 1500))"""
# the open notebook's Run All state: its first error output's text (or null), how many code
# cells show an execution count, how many a "*", whether the kernel is idle
RUN_STATE_JS = (
    """(errorTexts) => {
        const errors = ("""
    + OUTPUT_ERRORS_JS
    + """)(errorTexts);
        const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
        const prompts = [...nb.querySelectorAll('.jp-Cell.jp-CodeCell .jp-InputArea-prompt')]
            .map(p => p.textContent.trim());
        return {
            error: errors.length ? errors[0] : null,
            done: prompts.filter(t => /^\\[\\d+\\]:$/.test(t)).length,
            running: prompts.filter(t => t.includes('*')).length,
            idle: !!nb.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']"),
        };
    }"""
)
# that state once there is an error or every code cell has run and the kernel is idle
RUN_OUTCOME_JS = (
    """([n, errorTexts]) => {
        const s = ("""
    + RUN_STATE_JS
    + """)(errorTexts);
        return s.error || (s.done >= n && s.running === 0 && s.idle) ? s : false;
    }"""
)


def stored_explorers(path) -> int:
    """How many explorers the committed run of a notebook displayed."""
    count = 0
    for cell in json.loads(path.read_text())["cells"]:
        for out in cell.get("outputs", []):
            text = "".join(out.get("data", {}).get("text/plain", ""))
            count += text.startswith("Explorer: ")
    return count


def stored_seconds(path) -> float:
    """Seconds the committed run spent executing cells (from the cells' execution times)."""
    total = 0.0
    for cell in json.loads(path.read_text())["cells"]:
        times = cell.get("metadata", {}).get("execution", {})
        start, end = times.get("iopub.execute_input"), times.get("shell.execute_reply")
        if start and end:
            total += (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    return total


# longest first: with two workers, a long notebook started last would run alone
WITH_EXPLORERS = sorted(
    (p for p in NOTEBOOKS if stored_explorers(p)), key=lambda p: (-stored_seconds(p), p.name)
)


def test_every_notebook_that_builds_an_explorer_is_covered():
    """A notebook importing helpers.widgets must display its explorers (and so be tested)."""
    uses_widgets = [
        p.name
        for p in NOTEBOOKS
        if re.search(r"helpers\.widgets|from helpers import .*widgets", p.read_text())
    ]
    covered = [p.name for p in WITH_EXPLORERS]
    assert uses_widgets, "no notebook uses helpers.widgets"
    assert set(uses_widgets) <= set(covered), f"not covered: {set(uses_widgets) - set(covered)}"


def _wait_for_run(page, n_code_cells: int) -> None:
    """Until every code cell shows its execution count and the kernel is idle; fails at
    once, with the error's text, should a cell show an error. The page polls itself (every
    250 ms): a poll from here would cost a round trip through Playwright's driver and
    Chromium's browser process, a few hundred of them per notebook."""
    try:
        state = page.wait_for_function(
            RUN_OUTCOME_JS, arg=[n_code_cells, ERROR_TEXTS], polling=250,
            timeout=RUN_TIMEOUT_S * 1000,
        ).json_value()  # fmt: skip
    except Exception as exc:
        if type(exc).__name__ != "TimeoutError":  # playwright's, not imported here
            raise
        state = page.evaluate(RUN_STATE_JS, ERROR_TEXTS)
        raise AssertionError(
            f"notebook did not finish within {RUN_TIMEOUT_S} s: {n_code_cells} code cells, {state}"
        ) from None
    if state["error"]:
        raise AssertionError(f"a cell shows an error:\n{state['error']}")


def _wait_for_kernel(page, lab, nb_path: str) -> None:
    """Until the notebook's own kernel session exists and is idle (Run All before that
    would start a second kernel, and widgets would talk to the wrong one)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count():  # "Select Kernel", should the setting not have applied
            dialog.first.click()
        sessions = [s for s in lab.api("sessions") if s["path"] == nb_path]
        if sessions and sessions[0]["kernel"]["execution_state"] == "idle":
            page.wait_for_selector(
                ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
                timeout=30_000,
            )
            return
        time.sleep(0.3)
    raise AssertionError(f"no idle kernel for {nb_path} within 90 s")


def _output_errors(page) -> list[str]:
    """The open notebook's outputs that show an error text (their first 1,500 characters);
    read as textContent, so cells scrolled out of view count too."""
    return page.evaluate(OUTPUT_ERRORS_JS, ERROR_TEXTS)


def _page_errors(page) -> list[str]:
    """Outputs that show an error, and explorer messages that start with "Error:"."""
    found = _output_errors(page)
    for msg in page.locator(".course-explorer .widget-html-content").all_inner_texts():
        if msg.strip().startswith("Error:"):
            found.append(msg.strip())
    return found


def _img_src(img) -> str:
    return img.evaluate("el => el.src")


def _press_and_time(page, handle, img, key: str, timeout_ms: int = 5000) -> float | None:
    """Press ``key`` on a focused slider handle; ms until the figure's src changed."""
    before = _img_src(img)
    handle.focus()
    start = time.perf_counter()
    handle.press(key)
    try:
        page.wait_for_function(
            "([el, src]) => el.src !== src && el.complete", arg=[img.element_handle(), before],
            timeout=timeout_ms, polling="raf",
        )  # fmt: skip
    except Exception:  # playwright's TimeoutError: the figure did not change
        return None
    return (time.perf_counter() - start) * 1000.0


def _menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _open(page, lab, nb_path: str) -> None:
    """File > Open from Path, wait for the kernel, fold the file browser it revealed."""
    _menu(page, "File", "Open from Path")
    page.locator(".jp-Dialog input").fill(nb_path)
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator("#jp-left-stack").wait_for(state="visible", timeout=30_000)
    _fold_left_sidebar(page)
    _wait_for_kernel(page, lab, nb_path)
    _fold_left_sidebar(page)  # should the reveal have outlasted the first fold


def _fold_left_sidebar(page) -> None:
    """Fold the file browser that Open from Path reveals (a click on its open tab): the
    notebook gets the page's whole width, and Chromium one panel less to keep drawn."""
    stack = page.locator("#jp-left-stack")
    for _ in range(5):
        if not stack.is_visible():
            return
        tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if tab.count():
            tab.first.click()
        try:
            stack.wait_for(state="hidden", timeout=2_000)
        except Exception:  # playwright's TimeoutError: the reveal was still going on
            continue
    assert not stack.is_visible(), "the left sidebar would not fold"


def _close(page, lab, nb_path: str) -> None:
    """File > Close Tab without saving, whatever state the page is in; then shut the
    notebook's kernel down in the background (the next notebook need not wait for it)."""
    try:
        for _ in range(3):  # a dialog or menu left open by a failure
            if not page.locator(".jp-Dialog, .lm-Menu").count():
                break
            page.keyboard.press("Escape")
        if page.locator(".jp-NotebookPanel").count():
            _menu(page, "File", "Close Tab")
            page.wait_for_function(  # "Save your work?" or closed outright
                "() => document.querySelector('.jp-Dialog')"
                " || !document.querySelector('.jp-NotebookPanel')",
                timeout=10_000,
            )
            discard = page.locator(".jp-Dialog button", has_text="Discard")
            if discard.count():
                discard.click()
            page.wait_for_selector(".jp-NotebookPanel", state="detached", timeout=30_000)
    finally:
        lab.shutdown_in_background(nb_path)


@pytest.mark.parametrize("path", WITH_EXPLORERS, ids=[p.stem for p in WITH_EXPLORERS])
def test_explorers_render_and_respond(page, lab, artifacts, path):
    nb = json.loads(path.read_text())
    n_code = sum(
        1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
    )
    expected = stored_explorers(path)
    shot = artifacts / f"{path.stem}.png"
    phases = [time.perf_counter()]
    try:
        _open(page, lab, f"notebooks/{path.name}")
        phases.append(time.perf_counter())
        # clear outputs first (the copy has none), so every prompt seen is this run's
        _menu(page, "Edit", "Clear Outputs of All Cells")
        _menu(page, "Run", "Run All Cells")
        _wait_for_run(page, n_code)
        phases.append(time.perf_counter())
        assert _page_errors(page) == [], f"{path.name}: errors after Run All"
        explorers = page.locator(".course-explorer")
        page.wait_for_function(
            f"() => document.querySelectorAll('.course-explorer img.widget-image').length >= {expected}",
            timeout=30_000,
        )
        assert explorers.count() == expected, (
            f"{path.name}: {explorers.count()} of {expected} explorers rendered"
        )

        latencies = {}
        for i in range(expected):
            ex = explorers.nth(i)
            ex.scroll_into_view_if_needed()
            img = ex.locator("img.widget-image").first
            pixels_before = img.screenshot()
            handles = ex.locator(".widget-slider .noUi-handle")
            assert handles.count() >= 1, f"{path.name}: explorer {i + 1} has no slider"
            handle = handles.first
            times = []
            for key in ["ArrowRight", "ArrowLeft"] * 2 + ["ArrowRight"]:
                ms = _press_and_time(page, handle, img, key)
                if ms is None:  # at the end of its range: go the other way
                    other = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
                    ms = _press_and_time(page, handle, img, other)
                assert ms is not None, (
                    f"{path.name}: explorer {i + 1}: slider move changed no figure"
                )
                times.append(ms)
            selects = ex.locator(".widget-dropdown select")
            if selects.count():
                select = selects.first
                options = select.locator("option").all_inner_texts()
                current = select.evaluate("el => el.options[el.selectedIndex].text")
                other = next(o for o in options if o != current)
                before = _img_src(img)
                select.select_option(label=other)
                page.wait_for_function(
                    "([el, src]) => el.src !== src && el.complete",
                    arg=[img.element_handle(), before], timeout=10_000,
                )  # fmt: skip
            page.wait_for_timeout(100)
            assert img.screenshot() != pixels_before, (
                f"{path.name}: explorer {i + 1}: pixels unchanged"
            )
            latencies[i + 1] = statistics.median(times)
        assert _page_errors(page) == [], f"{path.name}: errors after moving the sliders"
        phases.append(time.perf_counter())
        report = ", ".join(f"#{k}: {v:.0f} ms" for k, v in latencies.items())
        print(f"\n[browser] {path.name}: key press -> new figure, median per explorer: {report}")
        slow = {k: v for k, v in latencies.items() if v > LATENCY_TARGET_MS}
        if slow:
            print(f"[browser] {path.name}: above the {LATENCY_TARGET_MS} ms target: {slow}")
        steps = [f"{b - a:.1f} s" for a, b in zip(phases, phases[1:], strict=False)]
        print(f"[browser] {path.name}: open, run all, sliders: {', '.join(steps)}")
    finally:
        page.screenshot(path=str(shot), full_page=False)
        print(f"[browser] screenshot: {shot}")
        _close(page, lab, f"notebooks/{path.name}")
