"""The neurite-oasis release of OASIS-1: the archive of each of the bundle's OASIS datasets, and the check of
an extracted copy.

neurite-oasis (A. Hoopes, A. V. Dalca; 414 OASIS-1 subjects processed with FreeSurfer and SAMSEG, affinely
aligned to one template, skull-stripped, bias-corrected, intensities scaled to [0, 1]; OASIS Data Use
Agreement, oasis-brains.org) is published as two tars (github.com/adalca/medical-datasets, neurite-oasis.md):
the 2D one (24 MB) with the mid-coronal slices, the full one (6.6 GB) with the 3D volumes as well. Their top
level holds the subject folders and the label tables (as the release page and the scripts that unpack them
show; neither tar was downloaded here)::

    OASIS_OAS1_NNNN_MR1/slice_norm.nii.gz, slice_seg24.nii.gz      160 x 192 (stored 160 x 192 x 1), labels 0..24
    OASIS_OAS1_NNNN_MR1/aligned_norm.nii.gz, aligned_seg35.nii.gz  160 x 192 x 224 (full tar only), labels 0..35
    seg24_labels.txt, seg35_labels.txt, seg4_labels.txt, subjects.txt

Only the subject folders are required: an archive laid out otherwise is refused with a message saying so.
The publisher gives no checksum, so none is pinned here: a download needs the user's md5 of the tar.
"""

from dataclasses import dataclass
from pathlib import Path

from bundle.data.datasets import get_dataset
from bundle.data.screening import screen
from bundle.data.validation import declared_shape

SOURCE = "https://surfer.nmr.mgh.harvard.edu/ftp/data/neurite/data"


@dataclass(frozen=True)
class NeuriteOasisRelease:
    """What the release ships for one of the bundle's OASIS datasets.

    Args:
        archive: URL of the tar that holds the dataset's files.
        shape: spatial shape of every image and label map (trailing axes of 1 allowed: the slices are stored so).
        num_classes: label classes, background included (labels 0 .. num_classes - 1).
    """

    archive: str
    shape: tuple[int, ...]
    num_classes: int


RELEASES = {
    "oasis2d": NeuriteOasisRelease(f"{SOURCE}/neurite-oasis.2d.v1.0.tar", (160, 192), 25),
    "oasis3d": NeuriteOasisRelease(f"{SOURCE}/neurite-oasis.v1.0.tar", (160, 192, 224), 36),
}


def get_release(dataset: str) -> NeuriteOasisRelease:
    """The release of ``dataset`` ("oasis2d" or "oasis3d"); a ValueError naming both otherwise."""
    if dataset not in RELEASES:
        raise ValueError(f"neurite-oasis datasets are {sorted(RELEASES)}, got {dataset!r}")
    return RELEASES[dataset]


def _sizes(shape: tuple[int, ...]) -> str:
    return " x ".join(str(n) for n in shape)


def _shape_problem(path: str, release: NeuriteOasisRelease) -> str | None:
    """ "<file>: <problem>" where the header of ``path`` declares another shape than the release's, else None
    (a missing or unreadable file is left to the loader's own message)."""
    shape = declared_shape(path)
    if shape is None:
        return None
    spatial, rest = shape[: len(release.shape)], shape[len(release.shape) :]
    if spatial == release.shape and all(n == 1 for n in rest):
        return None
    return f"{path}: shape {_sizes(shape)}, expected {_sizes(release.shape)} as neurite-oasis ships it"


def check_subjects(root: str | Path, dataset: str) -> tuple[int, list[str]]:
    """Checks every subject of ``dataset`` under ``root`` (an extracted archive or a dataset folder).

    Each subject's image and label map must be there and readable, have the release's shape (read from the
    headers), and pass the bundle's own input checks (``bundle.data.screening.screen``: finite, not all zero,
    label values within 0 .. num_classes - 1, label and image of one shape).

    Returns:
        The number of subjects, and one line "<file>: <problem>" per subject that fails (its first problem).
    """
    release = get_release(dataset)
    items = get_dataset(dataset).datalist(root)
    problems = []
    for item in items:
        problem = _shape_problem(item["image"], release) or _shape_problem(item["label"], release)
        if problem is None:
            _, failures = screen([item], dataset, len(release.shape), 1, release.num_classes)
            problem = failures[0] if failures else None
        if problem is not None:
            problems.append(problem)
    return len(items), problems
