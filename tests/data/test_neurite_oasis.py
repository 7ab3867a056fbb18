"""The check of a neurite-oasis copy: every subject's files present, of the release's shape, labels in range."""

import nibabel as nib
import numpy as np
import pytest

from bundle.data.neurite_oasis import check_subjects, get_release
from tests.data.test_datalist import OASIS, OASIS_SLICE_AFFINE, make_neurite_oasis


@pytest.mark.skipif(not OASIS.is_dir(), reason=f"the OASIS subjects (neurite-oasis layout) are not at {OASIS}")
@pytest.mark.parametrize("dataset", ["oasis2d", "oasis3d"])
def test_the_real_subjects_pass(dataset):
    assert check_subjects(OASIS, dataset) == (2, [])


def test_generated_subjects_in_the_release_layout_pass(tmp_path):
    assert check_subjects(make_neurite_oasis(tmp_path, count=3), "oasis2d") == (3, [])


def test_each_malformed_subject_is_one_line_naming_its_file(tmp_path):
    make_neurite_oasis(tmp_path, count=4)
    missing = tmp_path / "OASIS_OAS1_0001_MR1" / "slice_norm.nii.gz"
    missing.unlink()
    cropped = tmp_path / "OASIS_OAS1_0002_MR1" / "slice_seg24.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((160, 190, 1), np.uint8), OASIS_SLICE_AFFINE), cropped)
    stray = tmp_path / "OASIS_OAS1_0003_MR1" / "slice_seg24.nii.gz"
    label = np.asarray(nib.load(stray).dataobj).copy()
    label[50, 50, 0] = 40
    nib.save(nib.Nifti1Image(label, OASIS_SLICE_AFFINE), stray)

    count, problems = check_subjects(tmp_path, "oasis2d")
    assert count == 4
    assert problems == [
        f"{missing}: file does not exist",
        f"{cropped}: shape 160 x 190 x 1, expected 160 x 192 as neurite-oasis ships it",
        f"{stray}: label values 40 are outside the classes 0..24",
    ]


def test_an_unknown_dataset_is_a_value_error():
    with pytest.raises(ValueError, match=r"neurite-oasis datasets are \['oasis2d', 'oasis3d'\], got 'wbc'"):
        get_release("wbc")
