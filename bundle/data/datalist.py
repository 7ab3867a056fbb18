"""Lists of {"image", "label"} files for each dataset layout (WBC, MSD, neurite-oasis), and the paper's seeded split."""

import random
from collections.abc import Callable
from pathlib import Path

SPLITS = ("train", "validation", "test", "all")
# The paper's 64 / 16 / 20 % train / validation / test split.
FRACTIONS = (0.64, 0.16, 0.20)


def _pairs(root: Path, pattern: str, pair_of: Callable[[Path], tuple[Path, Path]], layout: str) -> list[dict[str, str]]:
    """{"image", "label"} = ``pair_of(entry)`` for every entry matching ``pattern`` under ``root`` (sorted).

    ``layout`` describes the expected files for the error messages. macOS resource files
    (``._X``), which some copies of the public archives carry, are skipped. An image or label that is
    missing stays in the list, so that the seeded split does not shift: screening the list
    (``bundle.data.screening``) names the missing file and drops the pair.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"dataset folder {root} does not exist (expected {layout})")
    items = []
    for entry in sorted(root.glob(pattern)):
        if entry.name.startswith("._"):
            continue
        image, label = pair_of(entry)
        items.append({"image": str(image), "label": str(label)})
    if not items:
        raise FileNotFoundError(f"no images in {root}: expected {layout}")
    return items


def wbc_datalist(root: str | Path) -> list[dict[str, str]]:
    """WBC microscopy pairs: ``dataset*/images/NNN.bmp`` with ``dataset*/masks/NNN.png``, sorted by path."""
    return _pairs(
        Path(root),
        "dataset*/images/*.bmp",
        lambda image: (image, image.parent.parent / "masks" / f"{image.stem}.png"),
        "dataset*/images/*.bmp with dataset*/masks/*.png",
    )


def msd_datalist(root: str | Path) -> list[dict[str, str]]:
    """Medical Segmentation Decathlon pairs: ``imagesTr/X.nii.gz`` with ``labelsTr/X.nii.gz``, sorted by name."""
    root = Path(root)
    return _pairs(
        root,
        "imagesTr/*.nii.gz",
        lambda image: (image, root / "labelsTr" / image.name),
        "imagesTr/*.nii.gz with labelsTr/*.nii.gz",
    )


# The subject folders of the neurite-oasis release (Hoopes & Dalca's OASIS-1 collection).
NEURITE_OASIS_SUBJECTS = "OASIS_OAS1_*_MR1"


def neurite_oasis_datalist(root: str | Path, image: str, label: str) -> list[dict[str, str]]:
    """neurite-oasis pairs: ``OASIS_OAS1_NNNN_MR1/<image>.nii.gz`` with ``<label>.nii.gz`` beside it, by subject.

    ``image`` and ``label`` are file names without ``.nii.gz`` (``slice_norm`` and ``slice_seg24`` for the 2D
    coronal slices, ``aligned_norm`` and ``aligned_seg35`` for the aligned volumes). Every subject folder is
    listed, also one that lacks a file, so that screening names the file.
    """
    return _pairs(
        Path(root),
        NEURITE_OASIS_SUBJECTS,
        lambda subject: (subject / f"{image}.nii.gz", subject / f"{label}.nii.gz"),
        f"{NEURITE_OASIS_SUBJECTS}/{image}.nii.gz with {label}.nii.gz",
    )


def split_datalist(items: list[dict], split: str, seed: int = 0) -> list[dict]:
    """The ``split`` part of ``items`` after a shuffle seeded by ``seed`` (64/16/20 %), or "all" of them.

    "all" serves an external test set: every image of a folder. The same seed always gives the
    same three disjoint parts, whatever the order ``items`` came in. Two or three items, too few for
    16 % to round to one, still give one validation item (taken from the test part): a run needs
    something to validate on. From four items up the proportions alone decide.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if split == "all":
        return list(items)
    shuffled = sorted(items, key=lambda item: item["image"])
    random.Random(seed).shuffle(shuffled)
    n_train = round(FRACTIONS[0] * len(shuffled))
    n_val = round(FRACTIONS[1] * len(shuffled))
    if n_val == 0 and n_train < len(shuffled):
        n_val = 1
    bounds = {"train": (0, n_train), "validation": (n_train, n_train + n_val), "test": (n_train + n_val, None)}
    start, stop = bounds[split]
    return shuffled[start:stop]


IMAGE_SUFFIXES = (".nii.gz", ".nii", ".png", ".bmp")


def image_files(path: str | Path) -> list[dict[str, str]]:
    """[{"image": file}] for one image file, or for every NIfTI/PNG/BMP image in a folder (sorted).

    Every entry named like an image is listed, also a folder, a dangling link or a link loop so named: the
    loader then reports it by name (:class:`~bundle.data.validation.CheckedLoadImaged`) instead of it
    vanishing from the run uncounted.
    """
    path = Path(path)
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.iterdir() if p.name.lower().endswith(IMAGE_SUFFIXES))
    else:
        raise FileNotFoundError(f"input {path} does not exist")
    if not files:
        raise FileNotFoundError(f"no images ({', '.join(IMAGE_SUFFIXES)}) in {path}")
    return [{"image": str(file)} for file in files]
