import json
import subprocess
import sys
from pathlib import Path

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
