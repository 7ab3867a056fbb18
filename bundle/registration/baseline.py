"""The classical baseline: SimpleITK's diffeomorphic demons on the same pairs, with its time per pair."""

import time
from collections.abc import Iterable, Sequence

import numpy as np
import SimpleITK as sitk  # noqa: N813  (SimpleITK's own documented alias)
import torch

from bundle.registration.data import PairDataset, label_ids, split_subjects
from bundle.registration.engine import summarize
from bundle.registration.evaluation import nonpositive_jacobian_fraction, pair_dice
from bundle.registration.report import write_rows
from bundle.registration.warp import warp_labels


def shrink(image: sitk.Image, factor: int) -> sitk.Image:
    """``image`` smoothed (a Gaussian of factor / 2 voxels, against aliasing) and subsampled by ``factor``."""
    if factor == 1:
        return image
    return sitk.Shrink(sitk.SmoothingRecursiveGaussian(image, 0.5 * factor), [factor] * image.GetDimension())


def demons(
    moving: np.ndarray, fixed: np.ndarray, iterations: int = 50, sigma: float = 1.5, levels: int = 3
) -> np.ndarray:
    """Displacement (ndim, *spatial) in voxels taking ``moving`` onto ``fixed`` (both (*spatial), unit spacing).

    Diffeomorphic demons, multi-resolution (``levels`` halvings, ``iterations`` per level), the
    field smoothed with a Gaussian of ``sigma`` voxels. Returned in the networks' convention:
    channel i is the displacement along array axis i (SimpleITK orders components x, y, z,
    i.e. the array axes reversed).
    """
    fixed_image, moving_image = sitk.GetImageFromArray(fixed), sitk.GetImageFromArray(moving)
    filter_ = sitk.DiffeomorphicDemonsRegistrationFilter()
    filter_.SetNumberOfIterations(iterations)
    filter_.SetStandardDeviations(sigma)
    filter_.SetSmoothDisplacementField(True)
    field = None
    for level in reversed(range(levels)):
        factor = 2**level
        f, m = (shrink(image, factor) for image in (fixed_image, moving_image))
        if field is None:
            field = sitk.Image(f.GetSize(), sitk.sitkVectorFloat64, fixed.ndim)
            field.CopyInformation(f)
        else:
            field = sitk.Resample(field, f, sitk.Transform(), sitk.sitkLinear, 0.0, sitk.sitkVectorFloat64)
        field = filter_.Execute(f, m, field)
    if field is None:  # no level ran
        raise ValueError(f"demons needs levels >= 1, got {levels}")
    array = sitk.GetArrayFromImage(field)  # (*spatial, ndim), components x, y(, z)
    return np.moveaxis(array[..., ::-1], -1, 0).astype(np.float32)


def evaluate_demons(data: Iterable[dict], num_classes: int, **options) -> dict:
    """Demons on every pair of ``data`` (unbatched ``PairDataset`` items): ``summarize``'s dict plus seconds per pair.

    The time covers the registration alone (SimpleITK, its configured thread count), not the
    label warping and Dice, which use the same code as the networks.
    """
    dice, folding, seconds = [], [], []
    for item in data:
        image = item["image"]
        start = time.perf_counter()
        ddf = torch.from_numpy(demons(image[0].numpy(), image[1].numpy(), **options))[None]
        seconds.append(time.perf_counter() - start)
        warped = warp_labels(item["moving_label"][None], ddf)
        dice += pair_dice(warped, item["fixed_label"][None], num_classes).tolist()
        folding += nonpositive_jacobian_fraction(ddf).tolist()
    return summarize(dice, folding) | {"seconds_per_pair": float(np.mean(seconds))}


def run_baseline(
    grid_dir: str,
    output_dir: str,
    split: str = "test",
    seed: int = 0,
    slices: Sequence[int] | None = (-8, -4, 0, 4, 8),
    iterations: int = 50,
    sigma: float = 1.5,
    levels: int = 3,
) -> list[dict]:
    """Affine-only and demons rows for the pairs of ``split`` in ``grid_dir`` (``slices``: the 2D task's
    coronal offsets, None for 3D), written as ``baseline.csv`` / ``baseline.json`` in ``output_dir``."""
    ids = label_ids(grid_dir)
    pairs = PairDataset(grid_dir, split_subjects(grid_dir, split, seed), ids, slices)
    items = [pairs[index] for index in range(len(pairs))]
    affine = summarize([pair_dice(i["moving_label"][None], i["fixed_label"][None], len(ids)).item() for i in items])
    options = {"iterations": iterations, "sigma": sigma, "levels": levels}
    rows = [
        {"method": "affine", "phi": None, **affine},
        {"method": "demons", "phi": None, **evaluate_demons(items, len(ids), **options), "options": options},
    ]
    write_rows(rows, output_dir, "baseline")
    return rows
