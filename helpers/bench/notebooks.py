"""A notebook executed headless from a fresh kernel: wall time and peak kernel memory."""

from __future__ import annotations

import contextlib
import pathlib
import threading
import time


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
