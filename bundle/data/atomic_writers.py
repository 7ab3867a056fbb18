"""MONAI image writers that write to a temporary name and rename, so no half-written label map is left.

MONAI's ``NibabelWriter`` and ``PILWriter`` write straight to the final name: a run killed while
writing leaves a truncated file that looks like a result. ``SaveImaged(writer=...)`` takes these.
"""

import logging
import os
from collections.abc import Sequence

import numpy as np
from monai.config import DtypeLike, NdarrayOrTensor
from monai.data import ImageWriter, NibabelWriter, PILWriter

from bundle.io import replace_atomically

logger = logging.getLogger(__name__)


class _AtomicWrite(ImageWriter):
    """Mixin for an ``ImageWriter`` (first in the bases, before the writer it wraps): the writer's own ``write``
    aimed at a temporary name, then renamed."""

    def write(self, filename: str | os.PathLike, verbose: bool = False, **kwargs) -> None:
        # MONAI's verbose line would name the temporary file: the final name is logged instead
        if verbose:
            logger.info("writing: %s", filename)
        replace_atomically(filename, lambda temporary: super(_AtomicWrite, self).write(temporary, False, **kwargs))


class AtomicNibabelWriter(_AtomicWrite, NibabelWriter):
    """``NibabelWriter`` (NIfTI) through a temporary name; a label map that needs no resampling keeps its array
    and 4 x 4 affine as they are."""

    @classmethod
    def resample_if_needed(
        cls,
        data_array: NdarrayOrTensor,
        affine: NdarrayOrTensor | None = None,
        target_affine: NdarrayOrTensor | None = None,
        output_spatial_shape: Sequence[int] | int | None = None,
        mode: str = "bilinear",
        padding_mode: str = "border",
        align_corners: bool = False,
        dtype: DtypeLike = np.float64,
    ) -> tuple[NdarrayOrTensor, NdarrayOrTensor | None]:
        """``data_array`` and ``affine`` unchanged where there is no target (``SaveImaged(resample=False)``, as
        every label map of the bundle is written); MONAI's resampling otherwise.

        Why: MONAI runs even that case through a resampler, which for a 2D array reduces the affine to its
        in-plane 3 x 3 part and needs it invertible. A neurite-oasis coronal slice's is not (its array's third
        axis is the world's y): writing its label map failed. Without a target the resampler changes nothing.
        """
        if target_affine is None and output_spatial_shape is None:
            return data_array, affine
        return super().resample_if_needed(
            data_array, affine, target_affine, output_spatial_shape, mode, padding_mode, align_corners, dtype
        )


class AtomicPILWriter(_AtomicWrite, PILWriter):
    """``PILWriter`` (PNG and other 2D formats) through a temporary name."""
