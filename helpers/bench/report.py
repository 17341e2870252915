"""One measured figure (``Row``) beside its budget, and the table of them (``Report``)."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Row:
    """One measured figure, its budget, and whether it met it."""

    group: str
    name: str
    value: float
    unit: str
    budget: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget

    def cells(self) -> list[str]:
        if self.budget is None:
            target, mark = "", ""
        else:
            target = f"{'>=' if self.higher_is_better else '<='} {self.budget:g} {self.unit}"
            mark = "ok" if self.met else "MISSED"
        return [self.group, self.name, f"{self.value:.3g} {self.unit}", target, mark, self.note]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print("  " + " | ".join(c for c in row.cells() if c), flush=True)
        return row

    def table(self) -> str:
        """A Markdown table (the README's "How fast is it" section prints this)."""
        head = ["group", "what", "measured", "budget", "", "note"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r.cells()) + " |" for r in self.rows]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "machine": self.machine,
            "rows": [asdict(r) | {"met": r.met} for r in self.rows],
        }


def machine_info() -> dict[str, str]:
    import torch

    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "os": f"{platform.system()} {platform.release()}",
        "date": time.strftime("%Y-%m-%d"),
    }
