"""Screening a datalist before a run: every file is loaded and checked once, bad ones are dropped and named.

A run on a folder then goes on with the good files instead of stopping at the first bad one deep
inside a data loader. The checks are the transform chain's own (``checked_loading``), so a file
that passes here also passes there. They need the data, not only headers: a truncated file, NaN
intensities or a stray label value are only visible there.
"""

import logging
from collections.abc import Sequence
from pathlib import Path

from monai.transforms import Compose

from bundle.data.datalist import image_files
from bundle.data.datasets import load_split
from bundle.data.transforms import checked_loading
from bundle.data.validation import InputError, exit_on_bad_input, explain

logger = logging.getLogger(__name__)


def screen(
    items: Sequence[dict],
    dataset: str,
    spatial_dims: int,
    in_channels: int | None = None,
    num_classes: int | None = None,
) -> tuple[list[dict], list[str]]:
    """The ``items`` ({"image"[, "label"]} file names) whose files load and pass the checks, and one
    message per dropped item ("<file>: <problem>"), in order."""
    good, failures = [], []
    for item in items:
        keys = [key for key in ("image", "label") if key in item]
        try:
            Compose(checked_loading(dataset, keys, spatial_dims, in_channels, num_classes))(dict(item))
            good.append(dict(item))
        except Exception as error:  # every failure is reported by name; the other files go on
            failures.append(explain(error))
    return good, failures


def screened(
    items: Sequence[dict],
    dataset: str,
    spatial_dims: int,
    in_channels: int | None = None,
    num_classes: int | None = None,
) -> list[dict]:
    """:func:`screen` for a config: logs each dropped file and a summary; raises an :class:`InputError`
    when no file is left."""
    good, failures = screen(items, dataset, spatial_dims, in_channels, num_classes)
    for failure in failures:
        logger.warning("skipped %s", failure)
    if failures:
        logger.warning("%d of %d inputs skipped (named above); going on with %d", len(failures), len(items), len(good))
    if not good:
        first = items[0]["image"] if items else "the datalist"
        raise InputError(first, f"no usable input among {len(items)}: {'; '.join(failures[:3]) or 'empty list'}")
    return good


def screened_split(
    dataset: str,
    root: str | Path,
    split: str,
    seed: int,
    spatial_dims: int,
    in_channels: int | None = None,
    num_classes: int | None = None,
) -> list[dict]:
    """One split (``"train"``, ``"validation"``, ``"test"``) of registered ``dataset`` under ``root``
    (:func:`~bundle.data.datasets.load_split`, split seed ``seed``) after :func:`screened`: what every
    segmentation config's datasets hold. An empty split is an :class:`InputError` saying so (a dataset of two or
    three items has no test split)."""
    items = load_split(dataset, root, split, seed)
    if not items:
        raise InputError(root, f"its {split} split is empty (split seed {seed}): run on another split")
    return screened(items, dataset, spatial_dims, in_channels, num_classes)


def screened_folder(input: str | Path, dataset: str, spatial_dims: int, in_channels: int | None = None) -> list[dict]:
    """The images of ``input`` (one image file or a folder of them, :func:`~bundle.data.datalist.image_files`)
    after :func:`screened`: what configs/inference.json runs on."""
    return screened(image_files(input), dataset, spatial_dims, in_channels)


# For the configs: a split or a folder with no usable image is one line and exit status 2, not the parser's traceback.
checked_screened_split = exit_on_bad_input(screened_split)
checked_screened_folder = exit_on_bad_input(screened_folder)
