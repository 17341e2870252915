"""PNG bytes -> pixel array, for the tests that compare an explorer's fast (blitted)
update with a full redraw. Imported as ``from pixels import png_pixels`` (pytest puts
tests/ on sys.path)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def png_pixels(png: bytes, mode: str = "RGBA") -> np.ndarray:
    """The image in ``png`` as an (H, W, channels) uint8 array in ``mode``."""
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert(mode))
