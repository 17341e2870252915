"""The helper package behind the course notebooks.

One concept per module (see ``../shared/DESIGN.md``): ``runtime``, ``style``, ``plots``,
``check``, the math modules (``activations``, ``losses``, ``initialization``, ``optim``,
``landscapes``, ``schedules``, ``layers``), ``data``, ``train``, ``widgets``, ``exercises``
and ``figures``. Importing ``helpers`` does nothing: import the module you need,
``from helpers import check, runtime``.
"""

__version__ = "0.1.0"
