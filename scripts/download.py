"""Download a dataset of the bundle into the layout its loaders read.

Examples:
    python scripts/download.py wbc --root data/wbc [--mirror http://host/wbc]
    python scripts/download.py hippocampus --root data/hippocampus \
        [--mirror http://host/Task04_Hippocampus.tar --mirror_md5 HEX]
    python scripts/download.py oasis --dataset oasis2d --root data/oasis --mirror_md5 HEX \
        [--mirror http://host/neurite-oasis.2d.v1.0.tar]
A given mirror is the only source tried: it never falls back to the public one.
"""

import sys

from bundle.cli import fire_checked
from bundle.data.download import fetch_msd, fetch_neurite_oasis, fetch_wbc


def wbc(root: str, mirror: str | None = None) -> str:
    """Fetch the WBC files that ``root`` lacks (see bundle.data.download.fetch_wbc); print the folder."""
    return str(fetch_wbc(root, mirror))


def hippocampus(root: str, mirror: str | None = None, mirror_md5: str | int | None = None) -> str:
    """Fetch MSD Task04_Hippocampus into ``root`` unless it is there (see bundle.data.download.fetch_msd);
    ``mirror`` (a URL or local path of the task's tar) and ``mirror_md5`` are the config keys of the same names."""
    return str(fetch_msd(root, "Task04_Hippocampus", url=mirror, md5=mirror_md5))


def oasis(root: str, dataset: str = "oasis2d", mirror: str | None = None, mirror_md5: str | int | None = None) -> str:
    """Fetch the neurite-oasis tar of ``dataset`` ("oasis2d": the 2D slices, 24 MB; "oasis3d": the full release
    with the 3D volumes, 6.6 GB) into ``root`` and check every subject (see
    bundle.data.download.fetch_neurite_oasis). ``mirror_md5`` is required: the publisher gives no checksum."""
    return str(fetch_neurite_oasis(root, dataset, url=mirror, md5=mirror_md5))


if __name__ == "__main__":
    try:
        fire_checked({"wbc": wbc, "hippocampus": hippocampus, "oasis": oasis})
    except (OSError, ValueError) as err:  # HashCheckError is a ValueError; anything else is a bug, keep its traceback
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
