"""Pairs of aligned brains for registration: every ordered (moving, fixed) pair of a set of subjects,
as 3D volumes or as matching 2D coronal slices (the paper's OASIS-2D setting)."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from bundle.data.datalist import split_datalist
from bundle.data.validation import exit_on_bad_input

CORONAL_AXIS = 1  # arrays are (x, y, z) in RAS: y runs posterior -> anterior


def grid_subjects(grid_dir: str | Path) -> list[str]:
    """The subjects cached in ``grid_dir`` (``<subject>.npz`` with ``image`` and ``label``), sorted."""
    names = sorted(path.stem for path in Path(grid_dir).glob("*.npz") if not path.name.startswith("."))
    if len(names) < 2:
        raise ValueError(f"{grid_dir} must hold at least two <subject>.npz files (image, label), found {names}")
    return names


def split_subjects(grid_dir: str | Path, split: str, seed: int = 0) -> list[str]:
    """The subjects of ``split`` ("train", "validation", "test", "all"): the segmentation datasets'
    seeded 64/16/20 % split, over subjects, so no subject of one split appears in another's pairs."""
    items = [{"image": name} for name in grid_subjects(grid_dir)]
    return [item["image"] for item in split_datalist(items, split, seed)]


def label_ids(grid_dir: str | Path) -> list[int]:
    """Every label id present in any cached subject, sorted (0 first): index k in the data is id label_ids[k].

    Taken over all subjects, whatever the split, so every split shares one numbering.
    """
    ids: set[int] = set()
    for name in grid_subjects(grid_dir):
        with np.load(Path(grid_dir) / f"{name}.npz") as arrays:
            ids.update(np.unique(arrays["label"]).tolist())
    return sorted(ids | {0})


class PairDataset(Dataset):
    """Every ordered pair (moving != fixed) of ``subjects``, at each of ``slices`` (2D) or whole (3D).

    Each item: "image" (2, *spatial) float32 = [moving, fixed]; "label" (1, *spatial) = the fixed
    image (the unsupervised target); "moving_label", "fixed_label" (1, *spatial) int64 label
    indices into ``ids`` (0 = background; at most 32767 labels).

    Args:
        grid_dir: folder of cached ``<subject>.npz`` (see ``bundle.registration.mindboggle``).
        subjects: names to pair.
        ids: the label numbering (``label_ids(grid_dir)``).
        slices: coronal slice offsets from the middle of the volume for the 2D task, or None for 3D.
    """

    def __init__(
        self, grid_dir: str | Path, subjects: Sequence[str], ids: Sequence[int], slices: Sequence[int] | None = None
    ) -> None:
        if len(subjects) < 2:
            raise ValueError(f"pairs need at least two subjects, got {list(subjects)}")
        lookup = {value: index for index, value in enumerate(ids)}
        self.images, self.labels = [], []
        for name in subjects:
            with np.load(Path(grid_dir) / f"{name}.npz") as arrays:
                image, label = arrays["image"].astype(np.float32), arrays["label"]
            unknown = set(np.unique(label).tolist()) - set(lookup)
            if unknown:
                raise ValueError(f"{grid_dir}/{name}.npz holds label ids {sorted(unknown)[:5]} missing from ids")
            remap = np.vectorize(lookup.get, otypes=[np.int16])  # int16 keeps 3D volumes small; long per item
            values, inverse = np.unique(label, return_inverse=True)
            self.images.append(torch.from_numpy(image))
            self.labels.append(torch.from_numpy(remap(values)[inverse].reshape(label.shape)))
        self.slices = None if slices is None else [int(s) for s in slices]
        if self.slices is not None:
            middle, depth = self.images[0].shape[CORONAL_AXIS] // 2, self.images[0].shape[CORONAL_AXIS]
            bad = [s for s in self.slices if not 0 <= middle + s < depth]
            if bad:
                raise ValueError(f"slice offsets {bad} fall outside the {depth} coronal slices of {grid_dir}")
            self.slices = [middle + s for s in self.slices]
        count = len(subjects)
        pairs = [(m, f) for m in range(count) for f in range(count) if m != f]
        views: Sequence[int | None] = self.slices or [None]  # None: the whole volume
        self.items = [(m, f, s) for m, f in pairs for s in views]

    def __len__(self) -> int:
        return len(self.items)

    def _view(self, volume: torch.Tensor, index: int | None) -> torch.Tensor:
        return (volume if index is None else volume.select(CORONAL_AXIS, index))[None]

    def __getitem__(self, item: int) -> dict[str, torch.Tensor]:
        moving, fixed, index = self.items[item]
        fixed_image = self._view(self.images[fixed], index)
        return {
            "image": torch.cat([self._view(self.images[moving], index), fixed_image]),
            "label": fixed_image,
            "moving_label": self._view(self.labels[moving], index).long(),
            "fixed_label": self._view(self.labels[fixed], index).long(),
        }


def label_count(grid_dir: str | Path) -> int:
    """How many labels (background included) the cached subjects in ``grid_dir`` hold: the configs' ``num_classes``."""
    return len(label_ids(grid_dir))


def registration_pairs(
    grid_dir: str | Path, split: str, seed: int = 0, slices: Sequence[int] | None = None
) -> PairDataset:
    """The pairs of one split's subjects in ``grid_dir`` (the entry point the bundle configs use); a ValueError
    where the split holds fewer than two subjects."""
    subjects = split_subjects(grid_dir, split, seed)
    if len(subjects) < 2:
        raise ValueError(
            f"{grid_dir}: its {split} split (split seed {seed}) holds {len(subjects)} of its subjects {subjects}, and "
            "pairs need two: give more subjects (a trial on very few: --train#dataset#split all --val_split all to "
            "train, --eval_split all to evaluate)"
        )
    return PairDataset(grid_dir, subjects, label_ids(grid_dir), slices)


# For the configs: a split too small for pairs is one line and exit status 2, not the parser's traceback.
checked_registration_pairs = exit_on_bad_input(registration_pairs)
