import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from monai.bundle import ConfigParser

ROOT = Path(__file__).resolve().parents[2]


def test_exports_the_chosen_phi_with_metadata_and_the_sshn_output(tmp_path):
    parser = ConfigParser()
    parser.read_config(str(ROOT / "configs" / "inference.json"))
    sshn = parser.get_parsed_content("network_def")
    torch.save(sshn.state_dict(), tmp_path / "model.pt")
    command = [sys.executable, str(ROOT / "scripts" / "export.py"), "--output", str(tmp_path / "net.ts")]
    result = subprocess.run(
        [*command, "--ckpt", str(tmp_path / "model.pt"), "--phi", "0.1"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    extra = {"metadata.json": ""}
    exported = torch.jit.load(str(tmp_path / "net.ts"), _extra_files=extra)
    metadata = json.loads(extra["metadata.json"])
    assert metadata["phi"] == 0.1 and metadata["dataset_name"] == "hippocampus" and metadata["num_classes"] == 3
    x = torch.randn(1, 1, 30, 41, 33)
    torch.testing.assert_close(exported(x), sshn(x, 0.1))


def test_onnx_export_matches_the_sshn_at_any_batch(tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime", reason="the onnx test extra is not installed")
    parser = ConfigParser()
    parser.read_config(str(ROOT / "configs" / "inference.json"))
    sshn = parser.get_parsed_content("network_def")
    torch.save(sshn.state_dict(), tmp_path / "model.pt")
    command = [sys.executable, str(ROOT / "scripts" / "export.py"), "--output", str(tmp_path / "net.onnx")]
    command += ["--ckpt", str(tmp_path / "model.pt"), "--phi", "0.3", "--input_size", "[21,30,19]"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    session = onnxruntime.InferenceSession(str(tmp_path / "net.onnx"))
    metadata = json.loads(session.get_modelmeta().custom_metadata_map["metadata.json"])
    assert metadata["phi"] == 0.3 and metadata["input_shape"] == ["N", 1, 21, 30, 19]
    x = torch.randn(2, 1, 21, 30, 19)
    (y,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    torch.testing.assert_close(torch.from_numpy(y), sshn(x, 0.3).detach(), atol=1e-4, rtol=1e-4)


def test_an_unknown_output_format_is_a_usage_error(tmp_path):
    command = [sys.executable, str(ROOT / "scripts" / "export.py"), "--output", str(tmp_path / "net.pth")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "must end in .ts" in result.stderr


def test_a_wbc_export_carries_the_wbc_metadata(tmp_path):
    """Not the hippocampus description of configs/metadata.json: metadata_wbc.json is merged on it."""
    command = [sys.executable, str(ROOT / "scripts" / "export.py"), "--dataset", "wbc", "--phi", "0.25"]
    result = subprocess.run(
        [*command, "--output", str(tmp_path / "wbc.ts")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    extra = {"metadata.json": ""}
    torch.jit.load(str(tmp_path / "wbc.ts"), _extra_files=extra)
    metadata = json.loads(extra["metadata.json"])
    assert metadata["task"].startswith("White blood cell") and metadata["dataset_name"] == "wbc"
    assert metadata["network_data_format"]["inputs"]["image"]["num_channels"] == 3 and metadata["phi"] == 0.25
    assert metadata["version"] == json.loads((ROOT / "configs" / "metadata.json").read_text())["version"]
