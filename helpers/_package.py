"""One step the course's subpackages share when they re-export their modules' names."""

from __future__ import annotations

from typing import Any


def adopt(namespace: dict[str, Any]) -> None:
    """Make the public functions of a package's submodules answer to the package.

    Called at the end of a package ``__init__`` as ``adopt(globals())``: every function in
    ``__all__`` defined in a submodule (``helpers.losses.core.mse``) gets the package as
    its ``__module__`` (``helpers.losses``), where learners import it from and where
    ``help()`` and ``show()`` say it lives. Classes keep theirs (pickling needs it).
    """
    package = namespace["__name__"]
    for name in namespace["__all__"]:
        obj = namespace[name]
        if callable(obj) and not isinstance(obj, type) and obj.__module__.startswith(package + "."):
            obj.__module__ = package
