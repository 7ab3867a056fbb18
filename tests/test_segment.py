import json

import nibabel as nib
import numpy as np
import pytest
import torch
from monai.inferers import SimpleInferer

from bundle.benchmark.sliding_window import synthetic_volume
from bundle.data.transforms import label_map_name
from bundle.nets import PhiUNet
from bundle.segment import choose_phi, make_inferer, segment


@pytest.fixture
def sweep_file(tmp_path):
    rows = [
        {"phi": 0.1, "mean_dice": 0.88, "gflops": 1.1, "latency_ms": 11.0},
        {"phi": 0.3, "mean_dice": 0.90, "gflops": 1.4, "latency_ms": 13.0},
    ]
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps({"rows": rows}))
    return path


def test_phi_given_directly_or_by_each_budget(sweep_file):
    assert choose_phi(0.2) == (0.2, None)
    assert choose_phi() == (0.5, None)
    assert choose_phi(0.29, sweep_file)[1]["phi"] == 0.3  # the nearest sweep row, for its numbers
    assert choose_phi(sweep=sweep_file, max_gflops=1.2)[0] == 0.1
    assert choose_phi(sweep=sweep_file, max_latency_ms=20)[0] == 0.3
    assert choose_phi(sweep=sweep_file, max_dice_drop=0.05)[0] == 0.1


def test_conflicting_or_impossible_requests_are_clear_errors(sweep_file, tmp_path):
    with pytest.raises(ValueError, match="either --phi or a budget"):
        choose_phi(0.2, sweep_file, max_gflops=1.0)
    with pytest.raises(ValueError, match="no phi meets max_gflops"):
        choose_phi(sweep=sweep_file, max_gflops=0.1)
    with pytest.raises(FileNotFoundError, match="needs a sweep"):
        choose_phi(sweep=tmp_path / "missing.json", max_dice_drop=0.01)
    with pytest.raises(ValueError, match="phi must be a number in"):
        choose_phi(1.5)


def _network_and_volume() -> tuple:
    torch.manual_seed(0)
    network = PhiUNet(3, 1, 3, features=4, levels=3, phi=0.5).eval()
    return network, synthetic_volume([1, 1, 21, 18, 15])


def test_no_roi_is_whole_volume_inference_and_a_covering_roi_gives_the_same_logits():
    network, volume = _network_and_volume()
    assert isinstance(make_inferer(), SimpleInferer)
    with torch.no_grad():
        whole = network(volume)
        for roi in ([21, 18, 15], [64, 64, 64]):  # exactly the volume, and larger: clipped to it, not padded
            torch.testing.assert_close(make_inferer(roi, 0.25, 3)(volume, network), whole, rtol=0, atol=1e-6)


def test_smaller_windows_keep_the_shape_and_agree_with_whole_volume_labels_on_most_voxels():
    network, volume = _network_and_volume()
    with torch.no_grad():
        whole = network(volume).argmax(dim=1)
        windowed = make_inferer([12, 12, 12], 0.5, 3)(volume, network)
    assert windowed.shape == (1, 3, 21, 18, 15)
    assert (windowed.argmax(dim=1) == whole).float().mean() > 0.8


@pytest.mark.parametrize(
    ("roi", "overlap", "message"),
    [
        ([64, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, 0, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, -1, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        (64, 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, 64.5, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, 64, 64], 1.0, "overlap must be a number in"),
    ],
)
def test_a_bad_window_is_one_clear_error(roi, overlap, message):
    with pytest.raises(ValueError, match=message):
        make_inferer(roi, overlap, 3)


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
