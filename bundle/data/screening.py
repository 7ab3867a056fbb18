"""Screening a datalist before a run: every file is loaded and checked once, bad ones are dropped and named.

A run on a folder then goes on with the good files instead of stopping at the first bad one deep
inside a data loader. The checks are the transform chain's own (``checked_loading``), so a file
that passes here also passes there. They need the data, not only headers: a truncated file, NaN
intensities or a stray label value are only visible there.
"""

import logging
from collections.abc import Sequence

from monai.transforms import Compose

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


# For configs/inference.json: a folder with no usable image is one line and exit status 2.
checked_screened = exit_on_bad_input(screened)
