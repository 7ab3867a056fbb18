"""MONAI image writers that write to a temporary name and rename, so no half-written label map is left.

MONAI's ``NibabelWriter`` and ``PILWriter`` write straight to the final name: a run killed while
writing leaves a truncated file that looks like a result. ``SaveImaged(writer=...)`` takes these.
"""

import os
from pathlib import Path

from monai.data import NibabelWriter, PILWriter


def _temporary(filename: str | os.PathLike) -> Path:
    """A hidden name beside ``filename`` with the same extension (the writers choose the format by it)."""
    path = Path(filename)
    return path.with_name(f".partial.{path.name}")


class AtomicNibabelWriter(NibabelWriter):
    """``NibabelWriter`` (NIfTI) through a temporary name."""

    def write(self, filename: str | os.PathLike, verbose: bool = False, **obj_kwargs) -> None:
        temporary = _temporary(filename)
        try:
            super().write(temporary, verbose=verbose, **obj_kwargs)
            os.replace(temporary, filename)
        finally:
            temporary.unlink(missing_ok=True)


class AtomicPILWriter(PILWriter):
    """``PILWriter`` (PNG and other 2D formats) through a temporary name."""

    def write(self, filename: str | os.PathLike, verbose: bool = False, **kwargs) -> None:
        temporary = _temporary(filename)
        try:
            super().write(temporary, verbose=verbose, **kwargs)
            os.replace(temporary, filename)
        finally:
            temporary.unlink(missing_ok=True)
