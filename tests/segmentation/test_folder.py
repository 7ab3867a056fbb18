import nibabel as nib
import numpy as np
import pytest
import torch

from bundle.data.transforms import label_map_name
from bundle.segmentation.folder import segment


@pytest.mark.parametrize(
    ("image", "dataset", "expected"),
    [
        ("d/scan.nii.gz", "hippocampus", "scan_seg.nii.gz"),
        ("d/scan.nii", "hippocampus", "scan_seg.nii.gz"),
        ("d/a.b.nii.gz", "hippocampus", "a.b_seg.nii.gz"),
        ("d/A.NII.gz", "hippocampus", "A_seg.nii.gz"),
        ("d/A.NII.GZ", "hippocampus", "A.NII_seg.nii.gz"),  # as SaveImaged: only ".gz" drops two
        ("d/a.Nii", "hippocampus", "a_seg.nii.gz"),
        ("d/001.bmp", "wbc", "001_seg.png"),
        ("d/001.png", "wbc", "001_seg.png"),
    ],
)
def test_label_map_names(image, dataset, expected):
    assert label_map_name(image, dataset) == expected


class _Background(torch.nn.Module):
    """Logits that pick the background everywhere (as an image far from the training data's may)."""

    def forward(self, x):
        logits = torch.zeros(x.shape[0], 3, *x.shape[2:])
        logits[:, 0] = 1.0
        return logits


def test_an_all_background_label_map_is_written_and_flagged(tmp_path):
    path = tmp_path / "scan.nii.gz"
    nib.save(nib.Nifti1Image(np.random.default_rng(0).random((9, 10, 8), np.float32), np.eye(4)), path)
    run = segment(_Background(), [str(path)], "hippocampus", [8, 8, 8], tmp_path / "out")
    assert run.written == [str(path)] and run.empty == [str(path)] and not run.failed
