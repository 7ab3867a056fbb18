import numpy as np
import torch

from bundle.benchmark.sliding_window import measure_in_subprocess, synthetic_volume


def test_synthetic_volume_is_smooth_and_z_scored():
    volume = synthetic_volume([1, 1, 20, 20, 20])
    assert volume.shape == (1, 1, 20, 20, 20)
    assert abs(volume.mean().item()) < 1e-5 and abs(volume.std().item() - 1) < 1e-4
    neighbours = torch.corrcoef(torch.stack([volume[..., 1:].flatten(), volume[..., :-1].flatten()]))[0, 1]
    assert neighbours > 0.8  # blobs, not white noise


def test_a_setting_reports_its_time_and_memory_from_its_own_process(tmp_path):
    setting = {"dataset": "hippocampus", "phi": 0.5, "shape": [1, 1, 20, 24, 20], "roi_size": [16, 16, 16]}
    measured = measure_in_subprocess(setting | {"repeats": 1, "labels_path": str(tmp_path / "labels.npy")})
    assert measured["ms"] > 0 and measured["peak_mib"] >= measured["baseline_mib"] > 0
    labels = np.load(tmp_path / "labels.npy")
    assert labels.shape == (1, 20, 24, 20) and labels.dtype == np.uint8 and labels.max() <= 2
