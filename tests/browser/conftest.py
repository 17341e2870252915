"""A real JupyterLab, served for the whole browser-test run, and headless Chromium.

The server runs on 127.0.0.1 with a random free port and a random token, over a
throwaway copy of notebooks/ and pic/ (JupyterLab autosaves: the committed notebooks must
never be overwritten), with throwaway config, runtime, settings and workspace folders, and
no news or update pop-ups. One server serves both xdist workers; the last worker to
finish stops it by its process id. The copied
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
    # JupyterLab's default windowing, as a learner has it: every cell is in the DOM and
    # Chromium skips style and layout work for cells off screen ("content-visibility");
    # start the notebook's kernel without the "Select Kernel" dialog
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "contentVisibility",
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
    """A running JupyterLab: its URL, token, process id, and REST helpers."""

    def __init__(self, base: str, token: str, pid: int) -> None:
        self.base, self.token, self.pid = base, token, pid
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

    def wait_for_shutdowns(self) -> None:
        """Wait for the kernel shutdowns this process started."""
        for thread in self._shutting_down:
            thread.join(timeout=30)

    def shutdown_kernels(self) -> None:
        """Shut down every session and kernel on the server."""
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

    def stop(self) -> None:
        """Shut the kernels down, then stop the server by its process id."""
        try:
            self.shutdown_kernels()
        except OSError:
            pass
        try:
            os.killpg(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    self.api("status")
                except OSError:
                    return
                time.sleep(0.2)
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # gone already
            pass


def _start_lab(tmp: pathlib.Path) -> dict:
    """Start JupyterLab over a throwaway copy of the course; return how to reach it."""
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
    log_path = tmp / "jupyterlab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                "--ServerApp.disable_check_xsrf=False",
                # a net should a killed test run leave the server behind: kernels idle
                # for 10 minutes are shut down, then the server 10 minutes after its last
                "--MappingKernelManager.cull_idle_timeout=600",
                "--ServerApp.shutdown_no_activity_timeout=600",
            ],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Lab(f"http://127.0.0.1:{port}", token, proc.pid)
    deadline = time.monotonic() + 90
    while True:
        try:
            server.api("status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    "JupyterLab did not start:\n" + log_path.read_text()[-3000:]
                ) from None
            time.sleep(0.3)
    return {"base": server.base, "token": token, "pid": proc.pid}


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """One JupyterLab for the whole test run, shared by the xdist workers.

    The first worker to get here starts it; each worker adds itself to the server's user
    count (in a file, under a lock) and the last one to leave stops it."""
    _browser_or_skip()
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder the workers of this run have in common
    info_path, lock = shared / "lab.json", FileLock(str(shared / "lab.json.lock"))
    with lock:
        if info_path.exists():
            info = json.loads(info_path.read_text())
        else:
            info = {**_start_lab(shared / "lab"), "users": 0}
        info["users"] += 1
        info_path.write_text(json.dumps(info))
    server = Lab(info["base"], info["token"], info["pid"])
    yield server
    server.wait_for_shutdowns()
    with lock:
        info = json.loads(info_path.read_text())
        info["users"] -= 1
        if info["users"]:
            info_path.write_text(json.dumps(info))
        else:
            info_path.unlink()
            server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium; launched before the server is asked for, so that a worker
    waiting for another to start the server has its browser ready meanwhile."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def page(browser, lab):
    """One JupyterLab page for the whole session: notebooks are opened and closed in it.

    Loading the JupyterLab app costs Chromium about 4 CPU seconds; a page per notebook
    paid that eleven times on a 2-core machine. The viewport is modest (software
    rendering costs by the pixel) but wide enough for an explorer's three sliders a row."""
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    workspace = f"course-browser-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    page.goto(f"{lab.base}/lab/workspaces/{workspace}?reset&token={lab.token}")
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=60_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
