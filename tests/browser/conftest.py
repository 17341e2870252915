"""A real JupyterLab, served for the whole browser-test session, and headless Chromium.

The server runs on 127.0.0.1 with a random free port and a random token, over a
throwaway copy of notebooks/ and pic/ (JupyterLab autosaves: the committed notebooks must
never be overwritten), with throwaway config, runtime, settings and workspace folders, and
no news or update pop-ups. It is stopped by its process id at the end. The copied
notebooks have their outputs cleared, as Edit > Clear Outputs of All Cells would: the
tests run every cell anyway, and drawing the stored outputs first cost Chromium about a
CPU second per notebook on a machine where the suite is CPU-bound.

Chromium missing: the tests skip with one line saying how to enable them, unless
COURSE_REQUIRE_BROWSER=1 (set by .ci/run), which turns that into a failure.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = pathlib.Path(
    os.environ.get("COURSE_BROWSER_ARTIFACTS", "/tmp/course-browser-artifacts")
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-gpu-compositing",  # software compositing in-process: ~10 % less CPU here
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # render every cell (no virtual scrolling), so every explorer is in the DOM; start the
    # notebook's kernel without the "Select Kernel" dialog
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser_or_skip() -> None:
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append(f"Chromium ({CHROMIUM})")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not missing:
        return
    line = (
        f"browser tests need {' and '.join(missing)}: on Debian/Ubuntu "
        "`sudo apt-get install chromium` (never `playwright install`)"
    )
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(line + " [COURSE_REQUIRE_BROWSER=1: missing browser is a failure]")
    pytest.skip(line)


def _without_outputs(path: pathlib.Path) -> dict:
    """The notebook at ``path`` with no outputs, execution counts or stored widget state."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    return nb


class Lab:
    """A running JupyterLab: its URL, token, and REST helpers."""

    def __init__(self, base: str, token: str, root: pathlib.Path, proc: subprocess.Popen) -> None:
        self.base, self.token, self.root, self.proc = base, token, root, proc
        self._shutting_down: list[threading.Thread] = []

    def api(self, path: str, method: str = "GET") -> object:
        req = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every session and kernel (and wait for those shutting down already)."""
        for thread in self._shutting_down:
            thread.join(timeout=30)
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def shutdown_in_background(self, nb_path: str) -> None:
        """Shut down the kernel of ``nb_path`` without waiting: the server takes a second
        or two to stop a kernel, time the next notebook can use."""
        ids = [s["id"] for s in self.api("sessions") if s["path"] == nb_path]

        def stop() -> None:
            for session_id in ids:
                try:
                    self.api(f"sessions/{session_id}", method="DELETE")
                except OSError:  # gone already, or the server is stopping
                    pass

        thread = threading.Thread(target=stop, daemon=True)
        thread.start()
        self._shutting_down.append(thread)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    _browser_or_skip()
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "course"
    (root / "notebooks").mkdir(parents=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        (root / "notebooks" / path.name).write_text(json.dumps(_without_outputs(path)))
    if (ROOT / "pic").exists():
        shutil.copytree(ROOT / "pic", root / "pic")
    settings = tmp / "settings"
    for rel, value in SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        IPYTHONDIR=str(ROOT / "tests" / "ipython"),  # kernels load the network guard
        OMP_NUM_THREADS="1",
    )
    log = open(tmp / "jupyterlab.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--ServerApp.disable_check_xsrf=False",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Lab(f"http://127.0.0.1:{port}", token, root, proc)
    deadline = time.monotonic() + 90
    while True:
        try:
            server.api("status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError(
                    "JupyterLab did not start:\n" + (tmp / "jupyterlab.log").read_text()[-3000:]
                ) from None
            time.sleep(0.3)
    yield server
    try:
        server.shutdown_kernels()
    except OSError:
        pass
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def page(lab, browser):
    """One JupyterLab page for the whole session: notebooks are opened and closed in it.

    Loading the JupyterLab app costs Chromium about 4 CPU seconds; a page per notebook
    paid that eleven times on a 2-core machine. The viewport is modest (software
    rendering costs by the pixel) but wide enough for an explorer's three sliders a row."""
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.goto(f"{lab.base}/lab/workspaces/course-browser-tests?reset&token={lab.token}")
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=60_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
