"""MONAI image writers that write to a temporary name and rename, so no half-written label map is left.

MONAI's ``NibabelWriter`` and ``PILWriter`` write straight to the final name: a run killed while
writing leaves a truncated file that looks like a result. ``SaveImaged(writer=...)`` takes these.
"""

import os

from monai.data import ImageWriter, NibabelWriter, PILWriter

from bundle.io import replace_atomically


class _AtomicWrite(ImageWriter):
    """Mixin for an ``ImageWriter`` (first in the bases, before the writer it wraps): the writer's own ``write``
    aimed at a temporary name, then renamed."""

    def write(self, filename: str | os.PathLike, verbose: bool = False, **kwargs) -> None:
        replace_atomically(filename, lambda temporary: super(_AtomicWrite, self).write(temporary, verbose, **kwargs))


class AtomicNibabelWriter(_AtomicWrite, NibabelWriter):
    """``NibabelWriter`` (NIfTI) through a temporary name."""


class AtomicPILWriter(_AtomicWrite, PILWriter):
    """``PILWriter`` (PNG and other 2D formats) through a temporary name."""
