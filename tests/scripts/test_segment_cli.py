import subprocess
import sys
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
from monai.bundle import ConfigParser

from bundle.benchmark.sliding_window import synthetic_volume
from bundle.export import export_torchscript

ROOT = Path(__file__).resolve().parents[2]


def _checkpoint_and_scans(tmp_path: Path, affine: np.ndarray, volumes: dict[str, np.ndarray]) -> Path:
    """An untrained checkpoint of configs/inference.json's network at tmp_path/model.pt, and ``volumes`` saved
    as <name>.nii.gz with ``affine`` in tmp_path/scans (returned)."""
    parser = ConfigParser()
    parser.read_config(str(ROOT / "configs" / "inference.json"))
    torch.save(parser.get_parsed_content("network_def").state_dict(), tmp_path / "model.pt")
    scans = tmp_path / "scans"
    scans.mkdir()
    for name, volume in volumes.items():
        nib.save(nib.Nifti1Image(volume, affine), scans / f"{name}.nii.gz")
    return scans


def test_folder_with_a_corrupt_file_writes_the_others_names_it_and_exits_1(tmp_path):
    affine = np.array([[1.0, 0, 0, -10], [0, 1.5, 0, 5], [0, 0, 1.0, 2], [0, 0, 0, 1]])
    volume = np.random.default_rng(0).random((11, 13, 9), np.float32)
    scans = _checkpoint_and_scans(tmp_path, affine, {"a": volume, "b": volume})
    (scans / "broken.nii.gz").write_bytes(b"\x1f\x8b not really gzip")
    command = [sys.executable, str(ROOT / "scripts" / "segment.py"), str(scans), str(tmp_path / "out")]
    command += ["--ckpt", str(tmp_path / "model.pt"), "--phi", "0.25"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "failed:" in result.stderr and "broken.nii.gz" in result.stderr
    assert "Traceback" not in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["a_seg.nii.gz", "b_seg.nii.gz"]
    output = nib.load(tmp_path / "out" / "a_seg.nii.gz")
    assert output.shape == (11, 13, 9)
    np.testing.assert_allclose(output.affine, affine, atol=1e-5)
    assert "phi 0.25" in result.stdout


def test_a_budget_without_a_sweep_is_a_usage_error(tmp_path):
    command = [sys.executable, str(ROOT / "scripts" / "segment.py"), str(tmp_path), str(tmp_path / "out")]
    command += ["--max_gflops", "10", "--sweep", str(tmp_path / "none.json")]
    (tmp_path / "x.nii.gz").touch()
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "needs a sweep" in result.stderr and "Traceback" not in result.stderr


def _scan_folder(root: Path) -> Path:
    scans = root / "scans"
    scans.mkdir()
    volume = np.random.default_rng(1).random((12, 10, 9), np.float32)
    nib.save(nib.Nifti1Image(volume, np.eye(4)), scans / "a.nii.gz")
    return scans


def _segment(*arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "scripts" / "segment.py"), *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_an_exported_network_segments_like_the_checkpoint_at_its_phi(tmp_path):
    parser = ConfigParser()
    parser.read_config(str(ROOT / "configs" / "inference.json"))
    network = parser.get_parsed_content("network_def")
    torch.save(network.state_dict(), tmp_path / "model.pt")
    metadata = {"dataset_name": "hippocampus", "spatial_size": parser["spatial_size"]}
    export_torchscript(network, 0.3, tmp_path / "net.ts", metadata)
    scans = _scan_folder(tmp_path)
    checkpoint = ["--ckpt", str(tmp_path / "model.pt"), "--phi", "0.3", "--precision", "fp32"]  # as the export runs
    from_checkpoint = _segment(str(scans), str(tmp_path / "ckpt"), *checkpoint)
    from_export = _segment(str(scans), str(tmp_path / "ts"), "--ckpt", str(tmp_path / "net.ts"))
    assert from_checkpoint.returncode == 0 and from_export.returncode == 0, from_export.stderr[-2000:]
    assert "phi 0.3" in from_export.stdout
    expected = nib.load(tmp_path / "ckpt" / "a_seg.nii.gz").get_fdata()
    np.testing.assert_array_equal(nib.load(tmp_path / "ts" / "a_seg.nii.gz").get_fdata(), expected)


def test_an_exported_network_refuses_another_phi_and_a_bad_or_bare_file_is_named(tmp_path):
    parser = ConfigParser()
    parser.read_config(str(ROOT / "configs" / "inference.json"))
    network = parser.get_parsed_content("network_def")
    metadata = {"dataset_name": "hippocampus", "spatial_size": parser["spatial_size"]}
    export_torchscript(network, 0.3, tmp_path / "net.ts", metadata)
    export_torchscript(network, 0.3, tmp_path / "bare.ts", {"dataset_name": "hippocampus"})
    scans = _scan_folder(tmp_path)
    other_phi = _segment(str(scans), str(tmp_path / "out"), "--ckpt", str(tmp_path / "net.ts"), "--phi", "0.5")
    assert other_phi.returncode == 2 and "runs at phi 0.3 only" in other_phi.stderr
    bare = _segment(str(scans), str(tmp_path / "out"), "--ckpt", str(tmp_path / "bare.ts"))
    assert bare.returncode == 2 and "bare.ts: its extra/metadata.json lacks ['spatial_size']" in bare.stderr
    (tmp_path / "fake.ts").write_bytes(b"not a zip archive")
    fake = _segment(str(scans), str(tmp_path / "out"), "--ckpt", str(tmp_path / "fake.ts"))
    assert fake.returncode == 2 and "fake.ts is not a TorchScript file" in fake.stderr
    assert "Traceback" not in other_phi.stderr + bare.stderr + fake.stderr


def test_sliding_windows_keep_the_geometry_and_a_bad_window_is_a_usage_error(tmp_path):
    affine = np.array([[1.0, 0, 0, -10], [0, 1.0, 0, 5], [0, 0, 1.0, 2], [0, 0, 0, 1]])
    scans = _checkpoint_and_scans(tmp_path, affine, {"a": synthetic_volume([1, 1, 20, 22, 18], seed=2)[0, 0].numpy()})
    common = ["--ckpt", str(tmp_path / "model.pt"), "--phi", "0.5"]
    whole = _segment(str(scans), str(tmp_path / "whole"), *common)
    windows = _segment(str(scans), str(tmp_path / "windows"), *common, "--roi_size", "[12,12,12]", "--overlap", "0.5")
    assert whole.returncode == 0 and windows.returncode == 0, windows.stderr[-2000:]
    expected, output = nib.load(tmp_path / "whole" / "a_seg.nii.gz"), nib.load(tmp_path / "windows" / "a_seg.nii.gz")
    assert output.shape == (20, 22, 18)
    np.testing.assert_allclose(output.affine, affine, atol=1e-5)
    assert (output.get_fdata() == expected.get_fdata()).mean() > 0.8
    bad = _segment(str(scans), str(tmp_path / "bad"), *common, "--roi_size", "[12,12]")
    assert bad.returncode == 2 and "roi_size must be a list of 3 positive integers" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "bad").exists()


def test_the_input_folder_as_output_folder_is_refused_before_any_work(tmp_path):
    scans = _checkpoint_and_scans(tmp_path, np.eye(4), {"scan": np.zeros((8, 9, 7), np.float32)})
    before = sorted(p.name for p in scans.iterdir())
    result = _segment(str(scans), str(scans), "--ckpt", str(tmp_path / "model.pt"), "--phi", "0.5")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "holds the input" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in scans.iterdir()) == before


def test_the_precision_is_chosen_said_and_checked(tmp_path):
    scans = _checkpoint_and_scans(tmp_path, np.eye(4), {"a": np.random.default_rng(3).random((12, 10, 9), np.float32)})
    common = ["--ckpt", str(tmp_path / "model.pt"), "--phi", "0.5"]
    auto = _segment(str(scans), str(tmp_path / "auto"), *common)
    assert auto.returncode == 0, auto.stderr[-2000:]
    (line,) = [line for line in auto.stdout.splitlines() if line.startswith("precision ")]
    assert line.split()[1] in ("fp32", "bf16", "channels_last")
    bf16 = _segment(str(scans), str(tmp_path / "bf16"), *common, "--precision", "bf16")
    assert bf16.returncode == 0 and "precision bf16" in bf16.stdout
    bad = _segment(str(scans), str(tmp_path / "bad"), *common, "--precision", "fp16")
    assert bad.returncode == 2 and "--precision must be one of" in bad.stderr and "Traceback" not in bad.stderr
