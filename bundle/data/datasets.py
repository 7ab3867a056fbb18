"""The segmentation datasets the bundle knows, in one registry: every other module reads them from here.

Adding a dataset (docs/design.md, "Adding a dataset"): a datalist function for its file layout in
``bundle/data/datalist.py`` (or an existing one), a config overlay ``configs/<name>.json`` (dataset_name,
spatial_dims, in_channels, labels, num_classes where not 3, spatial_size, features, models_dir), and one entry
below.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bundle.data.datalist import msd_datalist, neurite_oasis_datalist, split_datalist, wbc_datalist
from bundle.paths import MODELS


@dataclass(frozen=True)
class SegmentationDataset:
    """What the bundle needs to know of one segmentation dataset.

    Args:
        name: the config's ``dataset_name`` and the scripts' ``--dataset``.
        family: the transform chain (``bundle.data.transforms``): "wbc" (2D RGB BMP/PNG images, masks of
            0 / 128 / 255, label maps written as PNG), "msd" (NIfTI volumes resampled to 1 mm) or "oasis"
            (neurite-oasis NIfTI: aligned, 1 mm, intensities in [0, 1]; 2D slices stored with a third axis of 1).
        datalist: root folder -> [{"image", "label"}] in the dataset's published layout.
        overlays: config files layered on ``train.json`` / ``inference.json`` (names in ``configs/``).
        shipped_weights: the trained model under ``models/``, or None where none ships.
        metadata: metadata files layered on ``configs/metadata.json`` (names in ``configs/``), as MONAI merges a
            ``--meta_file`` list: what describes this dataset's model (the export embeds it).
    """

    name: str
    family: str
    datalist: Callable[[str | Path], list[dict[str, str]]]
    overlays: tuple[str, ...] = ()
    shipped_weights: Path | None = None
    metadata: tuple[str, ...] = ()

    def weights_file(self) -> Path:
        """``shipped_weights`` of a dataset that has them (every scripts' ``--dataset``); a ValueError otherwise."""
        if self.shipped_weights is None:
            raise ValueError(f"dataset {self.name!r} ships no trained weights")
        return self.shipped_weights

    def checkpoint_dir(self, given: str | None) -> str:
        """The folder of the model.pt a script evaluates: ``given``, else that of the shipped weights; a ValueError
        asking for ``--ckpt_dir`` where none ship."""
        if given is not None:
            return given
        if self.shipped_weights is None:
            raise ValueError(
                f"dataset {self.name!r} ships no trained weights: give --ckpt_dir, the folder of a training run's "
                f"model.pt (runs/{self.name} by default)"
            )
        return str(self.shipped_weights.parent)


DATASETS = {
    dataset.name: dataset
    for dataset in (
        SegmentationDataset("hippocampus", "msd", msd_datalist, (), MODELS / "model.pt"),
        SegmentationDataset(
            "wbc", "wbc", wbc_datalist, ("wbc.json",), MODELS / "wbc" / "model.pt", ("metadata_wbc.json",)
        ),
        # Any other Medical Segmentation Decathlon task in its layout, with the hippocampus configs' settings.
        SegmentationDataset("msd", "msd", msd_datalist),
        # neurite-oasis (OASIS-1 as Hoopes & Dalca distribute it): the paper's 2D task, 24 structures of the
        # mid-coronal slice; and the whole aligned volumes with 35 structures.
        SegmentationDataset(
            "oasis2d",
            "oasis",
            partial(neurite_oasis_datalist, image="slice_norm", label="slice_seg24"),
            ("oasis2d.json",),
        ),
        SegmentationDataset(
            "oasis3d",
            "oasis",
            partial(neurite_oasis_datalist, image="aligned_norm", label="aligned_seg35"),
            ("oasis3d.json",),
        ),
    )
}
# The datasets with shipped weights: the scripts' --dataset choices.
SHIPPED = tuple(name for name, dataset in DATASETS.items() if dataset.shipped_weights is not None)


def numbered_labels(count: int) -> list[str]:
    """Foreground label names "label_1" .. "label_<count>", for a config whose dataset's structure names are not
    known here (the OASIS overlays: the release's name tables could not be read)."""
    return [f"label_{i}" for i in range(1, count + 1)]


def get_dataset(name: str) -> SegmentationDataset:
    """The registered dataset ``name``; a ValueError naming the known ones otherwise."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}")
    return DATASETS[name]


def get_shipped(name: str) -> SegmentationDataset:
    """The dataset ``name`` of a script's ``--dataset``: one with shipped weights."""
    if name not in SHIPPED:
        raise ValueError(
            f"--dataset must be one of {sorted(SHIPPED)} (the datasets with shipped weights), got {name!r}"
        )
    return DATASETS[name]


def load_split(dataset: str, root: str | Path, split: str, seed: int = 0) -> list[dict[str, str]]:
    """The ``split`` (``bundle.data.datalist.SPLITS``) of the registered ``dataset`` found in ``root``."""
    return split_datalist(get_dataset(dataset).datalist(root), split, seed)
