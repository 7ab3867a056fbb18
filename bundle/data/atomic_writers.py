"""MONAI image writers that write to a temporary name and rename, so no half-written label map is left.

MONAI's ``NibabelWriter`` and ``PILWriter`` write straight to the final name: a run killed while
writing leaves a truncated file that looks like a result. ``SaveImaged(writer=...)`` takes these.
"""

import os
from collections.abc import Callable
from pathlib import Path

from monai.data import NibabelWriter, PILWriter


def _temporary(filename: str | os.PathLike) -> Path:
    """A hidden name beside ``filename`` with the same extension (the writers choose the format by it)."""
    path = Path(filename)
    return path.with_name(f".partial.{path.name}")


def replace_atomically(filename: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """``write(temporary)`` to a hidden name beside ``filename``, then rename it to ``filename``; nothing is
    left behind when ``write`` fails."""
    temporary = _temporary(filename)
    try:
        write(temporary)
        os.replace(temporary, filename)
    finally:
        temporary.unlink(missing_ok=True)


class _AtomicWrite:
    """Mixin: the image writer's own ``write`` aimed at a temporary name, then renamed."""

    def write(self, filename: str | os.PathLike, verbose: bool = False, **kwargs) -> None:
        replace_atomically(filename, lambda temporary: super(_AtomicWrite, self).write(temporary, verbose, **kwargs))


class AtomicNibabelWriter(_AtomicWrite, NibabelWriter):
    """``NibabelWriter`` (NIfTI) through a temporary name."""


class AtomicPILWriter(_AtomicWrite, PILWriter):
    """``PILWriter`` (PNG and other 2D formats) through a temporary name."""
