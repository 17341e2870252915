"""Kernel-side update latency of every explorer, over moves across each slider."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np


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


def bench_trajectory_full(moves: int = 50) -> tuple[list[float], list[str]]:
    """The chapter 6 explorer at its heaviest: all nine optimizers over 500 steps, every
    slider but ``steps`` moved across its range (each move recomputes the optimizers that
    read it). Update times in ms, and errors."""
    import ipywidgets as widgets

    from helpers.landscapes import OPTIMIZERS
    from helpers.widgets.optim import TrajectoryExplorer

    ex = TrajectoryExplorer(optimizers=list(OPTIMIZERS), steps=500)
    times, errors = [], []
    for name, control in ex.controls.items():
        if name == "steps" or not (
            hasattr(control, "min") or isinstance(control, widgets.SelectionSlider)
        ):
            continue
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
