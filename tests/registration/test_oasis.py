"""OASIS (neurite-oasis) for registration: the two real subjects cached as they are and trained on through the
registration configs, 2D slices and 3D volumes (skipped where ../shared/data/oasis is absent)."""

import json
import shutil

import nibabel as nib
import numpy as np
import pytest
import torch

from bundle.data.validation import InputError
from bundle.registration.oasis import prepare
from tests.bundle_configs.conftest import run_workflow
from tests.registration.conftest import ROOT, SHARED

OASIS = SHARED / "oasis"
needs_oasis = pytest.mark.skipif(
    not (OASIS / "OASIS_OAS1_0001_MR1").is_dir(), reason=f"needs the two neurite-oasis subjects in {OASIS}"
)
SUBJECTS = ["OASIS_OAS1_0001_MR1", "OASIS_OAS1_0002_MR1"]


# (spatial dims, labels, grid, cached shape, largest label)
CACHES = [
    (2, None, "1mm", (160, 1, 192), 24),
    (2, "seg4", "2mm", (80, 1, 96), 4),
    (3, None, "2mm", (80, 112, 96), 35),
]


@needs_oasis
@pytest.mark.parametrize(("dims", "labels", "grid", "shape", "largest"), CACHES)
def test_subjects_are_cached_on_the_release_grid_with_the_coronal_axis_second(
    tmp_path, dims, labels, grid, shape, largest
):
    out = prepare(OASIS, tmp_path, dims, labels, grid)
    assert out.parent == tmp_path and out.name.startswith(
        f"{dims}d_{labels or ('seg24' if dims == 2 else 'seg35')}_{grid}_"
    )
    assert sorted(path.stem for path in out.glob("*.npz")) == SUBJECTS
    with np.load(out / f"{SUBJECTS[0]}.npz") as arrays:
        image, label = arrays["image"], arrays["label"]
    assert image.shape == label.shape == shape and image.dtype == np.float32 and label.dtype == np.int16
    assert image.min() >= 0.0 and image.max() <= 1.0 and label.max() == largest


@needs_oasis
def test_the_2d_cache_holds_the_release_slices_unchanged(tmp_path):
    out = prepare(OASIS, tmp_path, 2)
    with np.load(out / f"{SUBJECTS[1]}.npz") as arrays:
        cached = arrays["image"][:, 0, :]
    release = np.asarray(nib.load(OASIS / SUBJECTS[1] / "slice_norm.nii.gz").dataobj)[:, :, 0]
    assert np.array_equal(cached, release)


@needs_oasis
def test_a_bad_subject_is_one_error_naming_its_file(tmp_path):
    for name in SUBJECTS:
        shutil.copytree(OASIS / name, tmp_path / "data" / name, ignore=shutil.ignore_patterns("aligned_*"))
    bad = tmp_path / "data" / SUBJECTS[1] / "slice_seg24.nii.gz"
    bad.write_bytes(bad.read_bytes()[:100])
    with pytest.raises(InputError, match=rf"^{bad}: cannot be read as an image .*\(1 of 2 OASIS subjects fail\)"):
        prepare(tmp_path / "data", tmp_path / "cache", 2)
    with pytest.raises(ValueError, match=r"labels must be one of \['seg24', 'seg4'\] for 2D OASIS, got 'seg35'"):
        prepare(tmp_path / "data", tmp_path / "cache", 2, "seg35")
    assert not (tmp_path / "cache").exists()  # nothing written before the checks


@needs_oasis
def test_two_data_folders_sharing_a_cache_folder_keep_their_own_subjects(tmp_path):
    for name in SUBJECTS:
        shutil.copytree(OASIS / name, tmp_path / "one" / name, ignore=shutil.ignore_patterns("aligned_*"))
    shutil.copytree(
        OASIS / SUBJECTS[0], tmp_path / "other" / "OASIS_OAS1_0009_MR1", ignore=shutil.ignore_patterns("aligned_*")
    )
    first, second = prepare(tmp_path / "one", tmp_path / "cache", 2), prepare(tmp_path / "other", tmp_path / "cache", 2)
    assert first != second
    assert sorted(path.stem for path in first.glob("*.npz")) == SUBJECTS
    assert [path.stem for path in second.glob("*.npz")] == ["OASIS_OAS1_0009_MR1"]


TINY = {"features": 4, "levels": 3, "hidden": [4, 8], "device": "cpu", "epochs": 1, "method": "sshn"}


@needs_oasis
@pytest.mark.parametrize(
    ("extra", "settings"),
    [
        ((), {}),
        # about a minute on 2 cores (80 x 112 x 96 volumes, validated at 4 phis)
        pytest.param(("oasis_registration_3d.json",), {"grid": "2mm"}, marks=pytest.mark.slow),
    ],
    ids=["2D slices", "3D volumes, 2 mm"],
)
def test_the_oasis_registration_configs_train_and_evaluate_on_the_real_subjects(tmp_path, extra, settings):
    """Two subjects: every split but "all" holds one, and pairs need two, so training and evaluation both take all
    (this shows that the path runs, not how well it registers)."""
    common = {"bundle_root": str(ROOT), "dataset_dir": str(OASIS), "cache_dir": str(tmp_path / "cache")}
    common |= TINY | settings | {"ckpt_dir": str(tmp_path / "models"), "train#dataset#split": "all"}
    files = ["train.json", "registration.json", "oasis_registration.json", *extra]
    run_workflow(files, "train", **common, output_dir=str(tmp_path / "runs"), val_split="all")
    assert set(torch.load(tmp_path / "models" / "model.pt", weights_only=True))
    run_workflow(
        [*files, "registration_evaluate.json"], None, **common, eval_dir=str(tmp_path / "eval"), eval_split="all"
    )
    rows = json.loads((tmp_path / "eval" / "registration.json").read_text())["rows"]
    assert [row["phi"] for row in rows] == [None, 0.0, 0.1, 0.25, 0.5]  # the affine floor first
    assert all(row["pairs"] == 2 and 0.0 < row["mean_dice"] < 1.0 for row in rows)
