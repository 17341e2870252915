"""Every exercise checker answers any learner input with feedback, never a traceback.

The promise of ``helpers.exercises``: a checker prints one line and returns a falsy
``Verdict`` for a wrong answer of any type or shape. Each ``exN`` of every chapter is fed
the odd answers a learner types (placeholders, strings, NaN, arrays and tensors of the
wrong shape or dtype, containers, the expected answer's neighbours).
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil

import numpy as np
import pytest
import torch

import helpers.exercises

ODD_ANSWERS = {
    "None": None,
    "Ellipsis": ...,
    "str": "0.5",
    "empty str": "",
    "bool": True,
    "int": 3,
    "negative float": -1.5,
    "nan": math.nan,
    "inf": math.inf,
    "complex": 1 + 2j,
    "empty list": [],
    "ragged list": [[1, 2], [3]],
    "list of str": ["a", "b"],
    "tuple of floats": (15.0, 14.0),
    "tuple of 3 ints": (1, 2, 3),
    "dict": {"a": 1},
    "set": {1, 2},
    "numpy pair": np.array([15, 14]),
    "numpy 2-D": np.ones((2, 3)),
    "numpy empty": np.zeros(0),
    "numpy bool": np.array([True, False]),
    "numpy str": np.array(["x"]),
    "numpy nan": np.array([math.nan, 1.0]),
    "tensor int": torch.tensor([15, 14]),
    "tensor float 3-D": torch.ones(2, 2, 2),
    "tensor scalar": torch.tensor(0.25),
    "tensor requires grad": torch.ones(3, requires_grad=True),
    "tensor empty": torch.empty(0),
    "torch.Size": torch.Size([2, 3]),
    "function": print,
    "object": object(),
}


def _checkers():
    for info in pkgutil.iter_modules(helpers.exercises.__path__):
        module = importlib.import_module(f"helpers.exercises.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("ex") and name[2:].isdigit() and fn.__module__ == module.__name__:
                yield pytest.param(fn, id=f"{info.name}.{name}")


CHECKERS = list(_checkers())


def test_every_chapter_has_checkers():
    chapters = {p.id.split(".")[0] for p in CHECKERS}
    assert len(chapters) >= 11, chapters


@pytest.mark.parametrize("label", list(ODD_ANSWERS))
@pytest.mark.parametrize("checker", CHECKERS)
def test_checker_never_raises(checker, label, capsys):
    answer = ODD_ANSWERS[label]
    verdict = checker(answer)
    out = capsys.readouterr().out
    assert out.strip(), f"{checker.__name__}({label}) printed no feedback"
    assert not verdict or label in {"int", "tuple of floats", "numpy pair", "tensor int"}, (
        f"{checker.__name__}({label}) accepted an odd answer"
    )
