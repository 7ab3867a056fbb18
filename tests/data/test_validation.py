"""Every kind of bad input gets one message naming the file and the problem; the other files go on.

Table-driven: each row spoils one case of a tiny dataset, then the datalist screening (training,
evaluation, sweep and inference configs) and the folder run (scripts/segment.py) are checked.
"""

import gzip
import os
from collections.abc import Callable
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from PIL import Image

from bundle.data.datalist import image_files, msd_datalist, wbc_datalist
from bundle.data.screening import screen, screened
from bundle.data.transforms import preprocessing
from bundle.data.validation import InputError, explain, max_voxels
from bundle.nets import PhiUNet
from bundle.segmentation.folder import segment
from tests.data.test_datalist import make_wbc

SHAPE = (10, 12, 9)


def _volume(seed: int = 0, shape: tuple = SHAPE) -> np.ndarray:
    return np.random.default_rng(seed).uniform(1, 200, shape).astype(np.float32)


def _label(shape: tuple = SHAPE) -> np.ndarray:
    label = np.zeros(shape, np.uint8)
    label[2:5, 3:8, 2:6], label[5:8, 3:8, 2:6] = 1, 2
    return label


def _save(array: np.ndarray, path: Path) -> None:
    nib.save(nib.Nifti1Image(array, np.eye(4)), path)


def make_cases(root: Path, count: int = 3) -> list[dict[str, str]]:
    """``count`` good MSD cases (imagesTr / labelsTr) named case_0 ..."""
    for folder in ("imagesTr", "labelsTr"):
        (root / folder).mkdir(parents=True)
    for i in range(count):
        _save(_volume(i), root / "imagesTr" / f"case_{i}.nii.gz")
        _save(_label(), root / "labelsTr" / f"case_{i}.nii.gz")
    return msd_datalist(root)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _with_value(value: float) -> Callable[[Path], None]:
    def spoil(path: Path) -> None:
        volume = _volume()
        volume[1, 2, 3] = value
        _save(volume, path)

    return spoil


# (case, which file of case_1 to spoil, how, the expected problem)
MSD_ROWS = [
    ("missing image", "image", lambda p: p.unlink(), "file does not exist"),
    ("missing label", "label", lambda p: p.unlink(), "file does not exist (the label of"),
    ("truncated image", "image", _truncate, "cannot be read as an image"),
    ("not an image", "label", lambda p: p.write_bytes(gzip.compress(b"hello")), "cannot be read as an image"),
    ("2D image", "image", lambda p: _save(_volume(shape=(10, 12)), p), "image has 2 spatial dimensions"),
    ("two channels", "image", lambda p: _save(_volume(shape=(*SHAPE, 2)), p), "image has 2 channels"),
    ("NaN", "image", _with_value(np.nan), "image holds 1 NaN or infinite values"),
    ("Inf", "image", _with_value(np.inf), "image holds 1 NaN or infinite values"),
    ("float64 beyond float32", "image", lambda p: _save(_volume().astype(np.float64) * 1e298, p), "reach 2e+300"),
    ("all zero", "image", lambda p: _save(np.zeros(SHAPE, np.float32), p), "image is all zeros"),
    ("label value 5", "label", lambda p: _save(_label() * 0 + 5, p), "label values 5 are outside the classes 0..2"),
    ("label of another shape", "label", lambda p: _save(_label((10, 12, 8)), p), "label shape (10, 12, 8) differs"),
    ("label with channels", "label", lambda p: _save(np.stack([_label()] * 2, -1), p), "label has 2 channels"),
]


@pytest.mark.parametrize(("key", "spoil", "problem"), [row[1:] for row in MSD_ROWS], ids=[row[0] for row in MSD_ROWS])
def test_screening_names_the_bad_file_and_keeps_the_others(tmp_path, key, spoil, problem):
    items = make_cases(tmp_path)
    spoil(Path(items[1][key]))
    good, failures = screen(items, "hippocampus", spatial_dims=3, in_channels=1, num_classes=3)
    assert good == [items[0], items[2]]
    assert len(failures) == 1
    assert failures[0].startswith(f"{items[1][key]}: ") and problem in failures[0]
    assert "Traceback" not in failures[0] and "\n" not in failures[0]


WBC_ROWS = [
    ("grey image", "image", lambda p: Image.fromarray(np.full((24, 20), 9, np.uint8)).save(p), "image has 1 channels"),
    ("RGB mask", "label", lambda p: Image.fromarray(np.zeros((24, 20, 3), np.uint8)).save(p), "label has 3 channels"),
    ("truncated mask", "label", _truncate, "cannot be read as an image"),
    ("black image", "image", lambda p: Image.fromarray(np.zeros((24, 20, 3), np.uint8)).save(p), "all zeros"),
    ("1 x 1 image", "image", lambda p: Image.fromarray(np.full((1, 1, 3), 9, np.uint8)).save(p), "is 1 x 1 voxels"),
    ("1-pixel-wide image", "image", lambda p: Image.fromarray(np.full((24, 1, 3), 9, np.uint8)).save(p), "at least 2"),
    ("mask of another size", "label", lambda p: Image.fromarray(np.zeros((20, 20), np.uint8)).save(p), "differs"),
]


@pytest.mark.parametrize(("key", "spoil", "problem"), [row[1:] for row in WBC_ROWS], ids=[row[0] for row in WBC_ROWS])
def test_screening_bmp_and_png(tmp_path, key, spoil, problem):
    items = wbc_datalist(make_wbc(tmp_path, count=2))
    spoil(Path(items[0][key]))
    good, failures = screen(items, "wbc", spatial_dims=2, in_channels=3, num_classes=3)
    assert good == items[1:]
    assert len(failures) == 1 and failures[0].startswith(f"{items[0][key]}: ") and problem in failures[0]


def test_a_datalist_with_nothing_usable_is_one_error(tmp_path):
    items = make_cases(tmp_path, count=1)
    _save(np.zeros(SHAPE, np.float32), Path(items[0]["image"]))
    with pytest.raises(InputError, match=r"no usable input among 1: .*all zeros"):
        screened(items, "hippocampus", 3, 1, 3)


# Image-only problems, as a folder run meets them.
FOLDER_ROWS = [row for row in MSD_ROWS if row[1] == "image"]


@pytest.mark.parametrize(("spoil", "problem"), [row[2:] for row in FOLDER_ROWS], ids=[row[0] for row in FOLDER_ROWS])
def test_a_folder_run_reports_the_bad_file_and_writes_the_others(tmp_path, spoil, problem):
    files = [item["image"] for item in make_cases(tmp_path / "data")]
    spoil(Path(files[1]))
    network = PhiUNet(spatial_dims=3, in_channels=1, out_channels=3, features=2, levels=2, phi=0.5)
    run = segment(network, files, "hippocampus", (8, 8, 8), tmp_path / "out", in_channels=1)
    assert run.written == [files[0], files[2]]
    assert [file for file, _ in run.failed] == [files[1]]
    reason = run.failed[0][1]
    assert problem in reason and "\n" not in reason and not reason.startswith(files[1])
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == ["case_0_seg.nii.gz", "case_2_seg.nii.gz"]  # nothing half-written or temporary left


def _header_only(path: Path, shape: tuple) -> Path:
    """A gzipped NIfTI of a few bytes whose header declares ``shape`` float32 voxels (no data follows)."""
    header = nib.Nifti1Header()
    header.set_data_shape(shape)
    header.set_data_dtype(np.float32)
    path.write_bytes(gzip.compress(header.binaryblock + b"\0" * 4))
    return path


def _refusal(path: Path) -> str:
    """The one line a user sees when inference preprocessing refuses ``path`` (MONAI wraps the InputError)."""
    with pytest.raises(Exception) as error:
        preprocessing("hippocampus", "infer", [8, 8, 8])({"image": str(path)})
    return explain(error.value)


@pytest.mark.parametrize("name", ["huge.nii.gz", "HUGE.NII.GZ"])  # folders are read in any case
def test_a_tiny_file_declaring_a_huge_image_is_refused_before_any_allocation(tmp_path, name):
    huge = _header_only(tmp_path / name, (1000, 1000, 1000))
    assert huge.stat().st_size < 200
    expected = f"{huge}: header declares 1000 x 1000 x 1000 = 1,000,000,000 voxels, over the limit of 134,217,728"
    assert _refusal(huge).startswith(expected)


def test_a_volume_that_resampling_would_blow_up_is_refused_naming_the_sizes(tmp_path):
    coarse = tmp_path / "coarse.nii.gz"
    nib.save(nib.Nifti1Image(_volume(shape=(40, 40, 40)), np.diag([20.0, 20.0, 20.0, 1.0])), coarse)
    assert _refusal(coarse).startswith(f"{coarse}: resampling to [1.0, 1.0, 1.0] mm gives 800 x 800 x 800")


def test_the_voxel_limit_is_set_by_the_environment(tmp_path, monkeypatch):
    small = tmp_path / "small.nii.gz"
    _save(_volume(), small)
    monkeypatch.setenv("SSHN_MAX_VOXELS", "100")
    assert max_voxels() == 100
    assert _refusal(small).endswith("over the limit of 100 (set SSHN_MAX_VOXELS to raise it)")
    monkeypatch.setenv("SSHN_MAX_VOXELS", str(10**9))
    assert preprocessing("hippocampus", "infer", [8, 8, 8])({"image": str(small)})["image"].shape[0] == 1
    monkeypatch.setenv("SSHN_MAX_VOXELS", "lots")
    with pytest.raises(ValueError, match="SSHN_MAX_VOXELS must be a positive integer, got 'lots'"):
        max_voxels()


def test_entries_named_like_images_that_are_not_files_are_each_reported(tmp_path):
    items = wbc_datalist(make_wbc(tmp_path / "wbc", count=1))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dangling.png").symlink_to("nowhere.png")
    (folder / "loop.png").symlink_to("loop.png")
    (folder / "scans.nii.gz").mkdir()
    (folder / "good.bmp").symlink_to(items[0]["image"])
    os.mkfifo(folder / "pipe.png")
    listed = image_files(folder)
    names = ["dangling.png", "good.bmp", "loop.png", "pipe.png", "scans.nii.gz"]
    assert [Path(item["image"]).name for item in listed] == names
    good, failures = screen(listed, "wbc", spatial_dims=2, in_channels=3)
    assert [Path(item["image"]).name for item in good] == ["good.bmp"]
    assert failures == [
        f"{folder / 'dangling.png'}: is a link to a missing file (nowhere.png)",
        f"{folder / 'loop.png'}: is a link loop",
        f"{folder / 'pipe.png'}: is not a regular file",
        f"{folder / 'scans.nii.gz'}: is a folder, not an image file",
    ]


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (MemoryError(), "MemoryError: not enough memory for this image (try --roi_size"),
        (ValueError("inner"), "ValueError: inner"),
        (KeyError(), "KeyError: (no message)"),
    ],
)
def test_explain_names_the_innermost_error_also_without_a_message(error, line):
    assert explain(error).startswith(line)
    wrapped = RuntimeError("applying transform")
    wrapped.__cause__ = error
    assert explain(wrapped).startswith(line)  # MONAI wraps a transform's error: the innermost is named
