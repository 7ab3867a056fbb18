from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bundle.data.datalist import image_files, msd_datalist, split_datalist, wbc_datalist
from bundle.data.datasets import load_split
from bundle.data.screening import screen

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def make_wbc(root: Path, count: int = 3) -> Path:
    for dataset in ("dataset1", "dataset2"):
        (root / dataset / "images").mkdir(parents=True)
        (root / dataset / "masks").mkdir(parents=True)
        for i in range(1, count + 1):
            Image.fromarray(np.full((24, 20, 3), 40 * i, np.uint8)).save(root / dataset / "images" / f"{i:03d}.bmp")
            mask = np.zeros((24, 20), np.uint8)
            mask[5:15, 4:12], mask[8:12, 6:10] = 128, 255
            Image.fromarray(mask).save(root / dataset / "masks" / f"{i:03d}.png")
    return root


def test_wbc_pairs_every_image_with_its_mask(tmp_path):
    items = wbc_datalist(make_wbc(tmp_path))
    assert len(items) == 6
    assert all(Path(i["label"]).name == Path(i["image"]).stem + ".png" for i in items)


def test_wbc_image_without_mask_stays_listed_and_screening_names_both_files(tmp_path):
    make_wbc(tmp_path)
    (tmp_path / "dataset1" / "masks" / "002.png").unlink()
    items = wbc_datalist(tmp_path)
    assert len(items) == 6  # the seeded split does not shift
    good, failures = screen(items, "wbc", spatial_dims=2, in_channels=3, num_classes=3)
    assert len(good) == 5
    assert failures == [f"{tmp_path}/dataset1/masks/002.png: file does not exist (the label of {items[1]['image']})"]


@pytest.mark.parametrize("lister", [wbc_datalist, msd_datalist])
def test_empty_or_missing_folders_are_clear_errors(tmp_path, lister):
    with pytest.raises(FileNotFoundError, match="no images in"):
        lister(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        lister(tmp_path / "missing")


def test_msd_pairs_by_name_and_skips_resource_forks(tmp_path):
    for folder in ("imagesTr", "labelsTr"):
        (tmp_path / folder).mkdir()
        for name in ("a.nii.gz", "b.nii.gz", "._a.nii.gz"):
            (tmp_path / folder / name).touch()
    assert [Path(i["image"]).name for i in msd_datalist(tmp_path)] == ["a.nii.gz", "b.nii.gz"]
    (tmp_path / "labelsTr" / "b.nii.gz").unlink()
    assert msd_datalist(tmp_path)[1]["label"] == str(tmp_path / "labelsTr" / "b.nii.gz")


def test_split_is_seeded_disjoint_complete_and_64_16_20():
    items = [{"image": f"{i:03d}", "label": f"{i:03d}"} for i in range(100)]
    parts = {split: split_datalist(items, split, seed=7) for split in ("train", "validation", "test")}
    assert [len(parts[s]) for s in ("train", "validation", "test")] == [64, 16, 20]
    names = [item["image"] for part in parts.values() for item in part]
    assert sorted(names) == sorted(i["image"] for i in items)
    assert split_datalist(list(reversed(items)), "test", seed=7) == parts["test"]
    assert split_datalist(items, "test", seed=8) != parts["test"]
    assert split_datalist(items, "all") == items


def test_unknown_split_or_dataset_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="split must be one of"):
        split_datalist([], "holdout")
    with pytest.raises(ValueError, match="dataset must be one of"):
        load_split("camus", tmp_path, "train")


def test_image_files_from_a_file_or_a_folder(tmp_path):
    make_wbc(tmp_path)
    folder = tmp_path / "dataset1" / "images"
    (folder / "notes.txt").touch()
    assert len(image_files(folder)) == 3
    assert image_files(folder / "001.bmp") == [{"image": str(folder / "001.bmp")}]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        image_files(tmp_path / "nothing")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared real data (../shared/data) is not on this machine")
def test_real_datasets_split_as_documented():
    wbc = {s: load_split("wbc", SHARED / "wbc", s) for s in ("train", "validation", "test")}
    hippocampus = {s: load_split("hippocampus", SHARED / "hippocampus", s) for s in ("train", "validation", "test")}
    assert [len(v) for v in wbc.values()] == [205, 51, 64]
    assert [len(v) for v in hippocampus.values()] == [133, 33, 42]
