"""Download a dataset of the bundle into the layout its loaders read.

Examples:
    python scripts/download.py wbc --root data/wbc [--mirror http://host/wbc]
    python scripts/download.py hippocampus --root data/hippocampus [--url http://host/Task04_Hippocampus.tar --md5 HEX]
"""

import sys

import fire

from bundle.data.download import fetch_msd, fetch_wbc


def wbc(root: str, mirror: str | None = None) -> str:
    """Fetch the WBC files that ``root`` lacks (see bundle.data.download.fetch_wbc); print the folder."""
    return str(fetch_wbc(root, mirror))


def hippocampus(root: str, url: str | None = None, md5: str | None = None) -> str:
    """Fetch MSD Task04_Hippocampus into ``root`` unless it is there (see bundle.data.download.fetch_msd)."""
    # fire turns an all-digit md5 into an int; the library checks the string's shape
    return str(fetch_msd(root, "Task04_Hippocampus", url=url, md5=None if md5 is None else str(md5)))


if __name__ == "__main__":
    try:
        fire.Fire({"wbc": wbc, "hippocampus": hippocampus})
    except (OSError, ValueError) as err:  # HashCheckError is a ValueError; anything else is a bug, keep its traceback
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
