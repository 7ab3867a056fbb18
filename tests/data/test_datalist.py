from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from PIL import Image

from bundle.data.datalist import image_files, msd_datalist, neurite_oasis_datalist, split_datalist, wbc_datalist
from bundle.data.datasets import get_dataset, load_split
from bundle.data.screening import screen

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
OASIS = SHARED / "oasis"
# The affine of neurite-oasis's slices: coronal, array axis 2 (one slice) along the world's y.
OASIS_SLICE_AFFINE = np.array([[-1.0, 0, 0, 80], [0, 0, 1, -0.5], [0, -1, 0, 96], [0, 0, 0, 1]])


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


def make_neurite_oasis(root: Path, count: int = 2, shape: tuple[int, ...] = (160, 192, 1)) -> Path:
    """``count`` subjects in the neurite-oasis layout, 2D slices only (``slice_norm``, ``slice_seg24``), stored as
    the release stores them: ``shape`` with a third axis of 1, intensities in [0, 1], labels 0..24."""
    for i in range(1, count + 1):
        subject = root / f"OASIS_OAS1_{i:04d}_MR1"
        subject.mkdir(parents=True)
        image = np.zeros(shape, np.float32)
        label = np.zeros(shape, np.uint8)
        image[20:-20, 20:-20] = np.random.default_rng(i).uniform(0.1, 1.0, image[20:-20, 20:-20].shape)
        for value in range(1, 25):  # 24 bands of labels inside the "brain"
            label[20 + 5 * value : 25 + 5 * value, 20:-20] = value
        nib.save(nib.Nifti1Image(image, OASIS_SLICE_AFFINE), subject / "slice_norm.nii.gz")
        nib.save(nib.Nifti1Image(label, OASIS_SLICE_AFFINE), subject / "slice_seg24.nii.gz")
    return root


def oasis2d_items(root: Path) -> list[dict[str, str]]:
    return get_dataset("oasis2d").datalist(root)


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


def test_neurite_oasis_pairs_each_subjects_image_with_its_label_map_and_skips_resource_forks(tmp_path):
    make_neurite_oasis(tmp_path, count=3)
    (tmp_path / "._OASIS_OAS1_0001_MR1").touch()
    (tmp_path / "seg24_labels.txt").touch()  # the release's label tables sit beside the subjects
    items = oasis2d_items(tmp_path)
    assert [Path(i["image"]).parent.name for i in items] == [f"OASIS_OAS1_{i:04d}_MR1" for i in (1, 2, 3)]
    assert all(Path(i["label"]) == Path(i["image"]).with_name("slice_seg24.nii.gz") for i in items)
    volumes = neurite_oasis_datalist(tmp_path, image="aligned_norm", label="aligned_seg35")
    assert Path(volumes[0]["label"]).name == "aligned_seg35.nii.gz"


def test_an_oasis_subject_without_its_label_map_stays_listed_and_screening_names_the_file(tmp_path):
    make_neurite_oasis(tmp_path, count=3)
    missing = tmp_path / "OASIS_OAS1_0002_MR1" / "slice_seg24.nii.gz"
    missing.unlink()
    items = oasis2d_items(tmp_path)
    assert len(items) == 3  # the seeded split does not shift
    good, failures = screen(items, "oasis2d", spatial_dims=2, in_channels=1, num_classes=25)
    assert len(good) == 2
    assert failures == [f"{missing}: file does not exist (the label of {items[1]['image']})"]


@pytest.mark.parametrize("lister", [wbc_datalist, msd_datalist, oasis2d_items])
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


@pytest.mark.parametrize(
    ("count", "sizes"), [(1, [1, 0, 0]), (2, [1, 1, 0]), (3, [2, 1, 0]), (4, [3, 1, 0]), (7, [4, 1, 2])]
)
def test_two_or_three_items_still_give_one_validation_item(count, sizes):
    """Too few for 16 % to round to one: the validation item comes from the test part; from 4 up, rounding alone."""
    items = [{"image": f"{i:03d}", "label": f"{i:03d}"} for i in range(count)]
    parts = [split_datalist(items, split, seed=0) for split in ("train", "validation", "test")]
    assert [len(part) for part in parts] == sizes
    assert sorted(item["image"] for part in parts for item in part) == [item["image"] for item in items]


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


@pytest.mark.skipif(not OASIS.is_dir(), reason=f"the OASIS subjects (neurite-oasis layout) are not at {OASIS}")
@pytest.mark.parametrize("dataset", ["oasis2d", "oasis3d"])
def test_real_oasis_subjects_split_into_one_training_and_one_validation_subject(dataset):
    splits = {s: load_split(dataset, OASIS, s) for s in ("train", "validation", "test")}
    subjects = {s: [Path(item["image"]).parent.name for item in items] for s, items in splits.items()}
    assert subjects == {"train": ["OASIS_OAS1_0001_MR1"], "validation": ["OASIS_OAS1_0002_MR1"], "test": []}
    assert all(Path(item[key]).is_file() for items in splits.values() for item in items for key in ("image", "label"))
