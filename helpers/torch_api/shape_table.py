r"""The "which shape goes where" table of chapter 11, computed by running the layers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence
from torch.utils.data import DataLoader, Dataset

__all__ = ["ShapeExample", "shape_of", "shape_table"]


@dataclass(frozen=True)
class ShapeExample:
    """One row of the shape table: run ``fn(*inputs)`` and record the shapes in and out."""

    api: str
    fn: Callable
    inputs: tuple
    rule: str

    def __post_init__(self) -> None:
        for name in ("api", "rule"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a str, got {getattr(self, name)!r}")
        if not callable(self.fn):
            raise ValueError(f"fn must be callable (a module or a function), got {self.fn!r}")
        if not isinstance(self.inputs, tuple) or not self.inputs:
            raise ValueError(f"inputs must be a non-empty tuple of arguments, got {self.inputs!r}")


def shape_of(obj: object) -> str:
    """A short description of a tensor's (or a nested structure's) shape, for the table.

    Tensors: ``(32, 11)``, suffixed with the dtype unless it is float32; a PackedSequence:
    ``packed (n, d)``; a DataLoader or Dataset: what one item looks like.
    """
    if isinstance(obj, PackedSequence):
        return f"packed {tuple(obj.data.shape)}"
    if isinstance(obj, torch.Tensor):
        dtype = "" if obj.dtype == torch.float32 else f" {str(obj.dtype).replace('torch.', '')}"
        return f"{tuple(obj.shape)}{dtype}"
    if isinstance(obj, DataLoader):
        return f"{len(obj.dataset)} items {shape_of(obj.dataset[0])}"
    if isinstance(obj, Dataset):
        return f"item {shape_of(obj[0])}"
    if isinstance(obj, tuple | list):
        return "[" + ", ".join(shape_of(o) for o in obj) + "]"
    if isinstance(obj, bool | int | float):
        return type(obj).__name__
    return type(obj).__name__


def shape_table(examples: Sequence[ShapeExample]) -> str:
    """The 'which shape goes where' table: each example is run, its shapes measured.

    One block per example: the API, the input shapes and the output shapes on one line,
    then the parameter shapes (from the module's ``named_parameters``) and the rule the
    shapes follow, indented.
    """
    if isinstance(examples, str) or not isinstance(examples, Sequence) or not examples:
        raise ValueError("examples must hold at least one ShapeExample")
    if not all(isinstance(ex, ShapeExample) for ex in examples):
        raise ValueError("examples must hold only ShapeExample rows")
    rows = []
    for ex in examples:
        with torch.no_grad():
            out = ex.fn(*ex.inputs)
        params = "none"
        if isinstance(ex.fn, nn.Module):
            named = list(ex.fn.named_parameters())
            if named:
                params = ", ".join(f"{n} {tuple(p.shape)}" for n, p in named)
        inputs = ex.inputs[0] if len(ex.inputs) == 1 else ex.inputs
        rows.append((ex.api, shape_of(inputs), shape_of(out), params, ex.rule))
    w_api = max(len("API"), *(len(r[0]) for r in rows))
    w_in = max(len("input"), *(len(r[1]) for r in rows))
    lines = [f"{'API':<{w_api}}  {'input':<{w_in}}  ->  output", "-" * (w_api + w_in + 20)]
    for api, shape_in, shape_out, params, rule in rows:
        lines.append(f"{api:<{w_api}}  {shape_in:<{w_in}}  ->  {shape_out}")
        lines.append(f"    parameters: {params}")
        lines.append(f"    rule:       {rule}")
    return "\n".join(lines)
