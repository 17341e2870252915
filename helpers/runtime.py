"""Reproducibility and hardware: seeding, device choice and an environment report."""

from __future__ import annotations

import os
import platform
import random
import sys

import numpy as np
import torch

from helpers import args
from helpers.check import measured

__all__ = ["seed_everything", "device", "environment_report"]


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and CUDA) with ``seed``.

    Returns a fresh ``torch.Generator`` seeded with the same value, for code that wants
    its own random stream (a DataLoader's shuffling, say) independent of the global one.
    """
    seed = args.integer("seed", seed, low=0, high=2**32 - 1)  # NumPy's legacy seed range
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (the legacy global RNG, which old code still uses)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def device(prefer: str | None = None) -> torch.device:
    """The best available device: CUDA, then Apple's MPS, then the CPU.

    ``prefer`` forces one of ``"cuda"``, ``"mps"`` or ``"cpu"``; asking for a device this
    machine lacks raises a ``ValueError`` that says what is available.
    """
    available = ["cpu"]
    if torch.backends.mps.is_available():
        available.insert(0, "mps")
    if torch.cuda.is_available():
        available.insert(0, "cuda")
    prefer = args.one_of("prefer", prefer, (None, "cuda", "mps", "cpu"))
    if prefer is None:
        return torch.device(available[0])
    if prefer not in available:
        raise ValueError(f"device {prefer!r} is not available here; available: {available}")
    return torch.device(prefer)


def environment_report() -> str:
    """A short description of the software and hardware a notebook runs on.

    The pinned libraries (numpy, matplotlib) print plainly: a stored notebook that names
    another version fails its test, which is what a drifted lock should do. What belongs to
    the machine (Python's patch release and system, torch's build, e.g. ``+cpu`` or
    ``+cu126``, the device and the thread count) carries ``check.measured``'s mark.
    """
    import matplotlib

    dev = device()
    name = f"{dev}" + (f" ({torch.cuda.get_device_name(0)})" if dev.type == "cuda" else "")
    threads = (
        f"{torch.get_num_threads()} (OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')})"
    )
    lines = [
        f"python     {measured(f'{sys.version.split()[0]} ({platform.system()})')}",
        f"torch      {measured(torch.__version__)}",
        f"numpy      {np.__version__}",
        f"matplotlib {matplotlib.__version__}",
        f"device     {measured(name)}",
        f"threads    {measured(threads)}",
    ]
    return "\n".join(lines)
