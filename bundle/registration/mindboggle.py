"""Mindboggle-101 (OASIS-TRT-20 part) brains, affinely aligned to MNI152 and cached on common grids.

Layout read: ``<data_dir>/<subject>/t1weighted_brain.nii.gz`` and ``<subject>/<subject>_labels.nii.gz``
(DKT cortical + subcortical labels, about 99 ids). Cache written: ``<cache_dir>/affine/<subject>.tfm``
(the template -> subject transform, computed once) and ``<cache_dir>/<grid>/<subject>.npz`` with
``image`` (float32, scaled to [0, 1]) and ``label`` (int16, original label ids), arrays indexed
(x, y, z) in the template's RAS orientation.
"""

import logging
from functools import partial
from pathlib import Path

import numpy as np
import SimpleITK as sitk  # noqa: N813  (SimpleITK's own documented alias)

from bundle.io import remove_stale_temporaries, replace_atomically
from bundle.registration.alignment import affine_to_template, brain_template, resample_to, template_grid

logger = logging.getLogger(__name__)

# name -> (spacing in mm, size in voxels): the GPU size and the reduced CPU size of the 3D task;
# the 2D task takes coronal slices of "1mm".
GRIDS = {"1mm": (1.0, (160, 192, 160)), "2mm": (2.0, (80, 96, 80))}
IMAGE = "t1weighted_brain.nii.gz"


def _write_transform(transform: sitk.Transform, path: Path) -> None:
    sitk.WriteTransform(transform, str(path))


def subjects(data_dir: str | Path) -> list[str]:
    """Names of the subject folders of ``data_dir`` holding both a T1 image and a label map, sorted."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ValueError(f"Mindboggle folder {data_dir} does not exist")
    names = sorted(
        path.name
        for path in data_dir.iterdir()
        if (path / IMAGE).is_file() and (path / f"{path.name}_labels.nii.gz").is_file()
    )
    if not names:
        raise ValueError(f"{data_dir} holds no <subject>/{IMAGE} with <subject>/<subject>_labels.nii.gz")
    return names


def scale_intensity(image: np.ndarray) -> np.ndarray:
    """Divide by the 99.9th percentile of the non-zero (brain) voxels, clip to [0, 1]: robust to a few bright voxels."""
    brain = image[image > 0]
    top = np.percentile(brain, 99.9) if brain.size else 1.0
    return np.clip(image / top, 0.0, 1.0).astype(np.float32)


def prepare(data_dir: str | Path, mni_dir: str | Path, cache_dir: str | Path, grid: str = "2mm") -> Path:
    """Align every subject to the template (cached) and resample it onto ``grid``; returns the grid's folder.

    Subjects already in the cache are skipped, so a second call costs only the file listing.
    """
    if grid not in GRIDS:
        raise ValueError(f"grid must be one of {sorted(GRIDS)}, got {grid!r}")
    cache_dir = Path(cache_dir)
    out = cache_dir / grid
    names = subjects(data_dir)
    todo = [name for name in names if not (out / f"{name}.npz").is_file()]
    if not todo:
        return out
    template = brain_template(mni_dir)
    spacing, size = GRIDS[grid]
    reference = template_grid(template, spacing, size)
    (cache_dir / "affine").mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    for folder in (cache_dir / "affine", out):  # what a killed process left (a live one's are kept)
        remove_stale_temporaries(folder)
    for name in todo:
        subject = Path(data_dir) / name
        image = sitk.ReadImage(str(subject / IMAGE), sitk.sitkFloat32)
        tfm = cache_dir / "affine" / f"{name}.tfm"
        if tfm.is_file():
            transform = sitk.ReadTransform(str(tfm))
        else:
            transform = affine_to_template(image, template)
            # every process of a torchrun start may prepare the cache at once: each through its own temporary
            replace_atomically(tfm, partial(_write_transform, transform))
        label = sitk.ReadImage(str(subject / f"{name}_labels.nii.gz"), sitk.sitkInt32)
        aligned = scale_intensity(resample_to(image, transform, reference, label=False))
        labels = resample_to(label, transform, reference, label=True).astype(np.int16)
        replace_atomically(out / f"{name}.npz", partial(np.savez, image=aligned, label=labels))
        logger.info("aligned %s to MNI152 on the %s grid", name, grid)
    return out
