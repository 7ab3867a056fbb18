"""Checks on the project's real data (../shared/data): OASIS slices as fixtures, Mindboggle alignment."""

import nibabel as nib
import numpy as np
import pytest
import torch

from bundle.registration.evaluation import pair_dice
from bundle.registration.warp import warp_labels
from tests.registration.conftest import SHARED

OASIS = SHARED / "oasis"
SUBJECTS = ["OASIS_OAS1_0001_MR1", "OASIS_OAS1_0002_MR1"]


def oasis_slice(subject: str, name: str) -> torch.Tensor:
    return torch.from_numpy(np.asarray(nib.load(OASIS / subject / f"{name}.nii.gz").dataobj).squeeze())


@pytest.mark.skipif(not OASIS.is_dir(), reason=f"the OASIS fixtures are not at {OASIS}")
def test_oasis_slices_two_aligned_subjects_overlap_partly():
    labels = [oasis_slice(subject, "slice_seg24").long()[None, None] for subject in SUBJECTS]
    assert labels[0].shape == (1, 1, 160, 192)
    floor = pair_dice(labels[0], labels[1], num_classes=25).item()
    assert 0.3 < floor < 0.95  # affinely aligned, not identical
    identity = warp_labels(labels[0], torch.zeros(1, 2, 160, 192))
    assert pair_dice(identity, labels[1], num_classes=25).item() == pytest.approx(floor)


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "mindboggle").is_dir(), reason=f"Mindboggle is not at {SHARED / 'mindboggle'}")
def test_a_mindboggle_brain_aligns_to_mni152(tmp_path):
    import SimpleITK as sitk  # noqa: N813

    from bundle.registration.alignment import affine_to_template, brain_template, resample_to, template_grid

    template = brain_template(SHARED / "mni152")
    moving = sitk.ReadImage(str(SHARED / "mindboggle" / "atlas_1" / "t1weighted_brain.nii.gz"), sitk.sitkFloat32)
    grid = template_grid(template, 2.0, (80, 96, 80))
    aligned = resample_to(moving, affine_to_template(moving, template), grid, label=False) > 0
    target = resample_to(template, sitk.Transform(3, sitk.sitkIdentity), grid, label=False) > 0
    dice = 2 * (aligned & target).sum() / (aligned.sum() + target.sum())
    assert dice > 0.9  # the brain masks agree after the affine alignment
