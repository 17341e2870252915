"""``python -m helpers.bench``: see ``helpers.bench``."""

import sys

from helpers.bench.cli import main

sys.exit(main())
