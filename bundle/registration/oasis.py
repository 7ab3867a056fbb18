"""OASIS as neurite-oasis distributes it, for registration: pairs of subjects with their label maps.

The release's subjects are already affinely aligned to one template (``bundle.data.neurite_oasis``), so they
are cached as they are, with no MNI152 step (Mindboggle's ``bundle.registration.mindboggle.prepare`` needs
one): the 2D task registers the mid-coronal slices (the paper's OASIS-2D), the 3D task the aligned volumes.
Each subject becomes ``<subject>.npz`` (``image`` float32 in [0, 1], ``label`` int16) in the layout of
``bundle.registration.data``: arrays (x, coronal, other), the coronal axis (the release's third, anterior) moved
to axis 1, so that a slice is ``coronal`` index 0 of a volume one slice deep.
"""

import hashlib
import logging
from functools import partial
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

from bundle.data.datalist import neurite_oasis_datalist
from bundle.data.screening import screen
from bundle.data.validation import InputError, exit_on_bad_input
from bundle.io import remove_stale_temporaries, replace_atomically

logger = logging.getLogger(__name__)

# spatial dims -> (the release's image file, its label maps with their class counts, background included)
FILES = {
    2: ("slice_norm", {"seg24": 25, "seg4": 5}),
    3: ("aligned_norm", {"seg35": 36, "seg4": 5}),
}
# "1mm": the release's grid (160 x 192 slices; 160 x 192 x 224 volumes, cached as 160 x 224 x 192 with the coronal
# axis second); "2mm": every other voxel, images
# averaged over 2-voxel blocks (an odd axis loses its last voxel), labels taken at the blocks' first voxel
GRIDS = ("1mm", "2mm")
RELEASE_DATASET = {2: "oasis2d", 3: "oasis3d"}  # whose transform family screens the files
CORONAL = 2  # the release's anterior axis (orientation L, I, A)


def _files(spatial_dims: int, labels: str) -> tuple[str, str, int]:
    """The release's image and label file names (without .nii.gz) and the label classes of one setting."""
    if spatial_dims not in FILES:
        raise ValueError(f"spatial_dims must be 2 (slices) or 3 (volumes), got {spatial_dims!r}")
    image, label_maps = FILES[spatial_dims]
    if labels not in label_maps:
        raise ValueError(f"labels must be one of {sorted(label_maps)} for {spatial_dims}D OASIS, got {labels!r}")
    prefix = image.split("_")[0]
    return image, f"{prefix}_{labels}", label_maps[labels]


def _array(path: str) -> np.ndarray:
    """The voxels of the NIfTI file ``path`` as stored (screened before: it reads)."""
    image = nib.load(path)
    if not isinstance(image, nib.Nifti1Image | nib.Nifti2Image):
        raise InputError(path, f"is a {type(image).__name__}, not a NIfTI image")
    return np.asarray(image.dataobj)


def _coarser(image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The "2mm" grid of a (x, coronal, other) pair; a one-slice coronal axis stays one slice."""
    steps = [2 if n > 1 else 1 for n in image.shape]
    sizes = [n // step * step for n, step in zip(image.shape, steps, strict=True)]
    image = image[: sizes[0], : sizes[1], : sizes[2]]
    pooled = F.avg_pool3d(torch.from_numpy(np.ascontiguousarray(image))[None, None], steps)[0, 0].numpy()
    return pooled, label[: sizes[0] : steps[0], : sizes[1] : steps[1], : sizes[2] : steps[2]]


def prepare(
    data_dir: str | Path, cache_dir: str | Path, spatial_dims: int = 2, labels: str | None = None, grid: str = "1mm"
) -> Path:
    """Cache every subject of the neurite-oasis folder ``data_dir`` for registration; returns the cache folder
    (``<cache_dir>/<spatial_dims>d_<labels>_<grid>_<8 hex digits of data_dir's path>``), which the registration
    configs read as ``grid_dir``. A subject is cached once, by name: replace its files and the cache keeps the old
    ones (delete the cache folder to redo it).

    ``labels``: "seg24" or "seg4" for slices, "seg35" or "seg4" for volumes (None: seg24 / seg35, the paper's).
    Every subject's files are screened first (present, readable, finite, labels within range, image and label
    of one shape); any that fails is an :class:`InputError` naming its file. Subjects already cached are skipped.
    """
    labels = labels or ("seg24" if spatial_dims == 2 else "seg35")
    image_name, label_name, num_classes = _files(spatial_dims, labels)
    if grid not in GRIDS:
        raise ValueError(f"grid must be one of {GRIDS}, got {grid!r}")
    # one cache per data folder: two folders sharing one cache_dir would otherwise pair each other's subjects
    source = hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:8]
    out = Path(cache_dir) / f"{spatial_dims}d_{labels}_{grid}_{source}"
    items = neurite_oasis_datalist(data_dir, image=image_name, label=label_name)
    todo = [item for item in items if not (out / f"{Path(item['image']).parent.name}.npz").is_file()]
    if not todo:
        return out
    _, failures = screen(todo, RELEASE_DATASET[spatial_dims], spatial_dims, 1, num_classes)
    if failures:
        first = failures[0].split(": ", 1)
        raise InputError(first[0], f"{first[1]} ({len(failures)} of {len(todo)} OASIS subjects fail)")
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)  # what a killed process left (a live one's are kept)
    for item in todo:
        name = Path(item["image"]).parent.name
        image = np.moveaxis(_array(item["image"]).astype(np.float32), CORONAL, 1)
        label = np.moveaxis(_array(item["label"]).astype(np.int16), CORONAL, 1)
        if grid == "2mm":
            image, label = _coarser(image, label)
        replace_atomically(out / f"{name}.npz", partial(np.savez, image=image, label=label))
        logger.info("cached %s (%s, %s, %s grid)", name, image_name, label_name, grid)
    return out


# For the configs: a bad subject or setting is one line and exit status 2, not the parser's traceback.
checked_prepare = exit_on_bad_input(prepare)
