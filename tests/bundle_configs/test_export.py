"""MONAI's bundle tools on the inference config: verify_net_in_out and ckpt_export (TorchScript)."""

import subprocess
import sys

import torch
from monai.bundle import ConfigParser

from tests.bundle_configs.conftest import CONFIGS, ROOT


def bundle_command(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "monai.bundle", *args, "--meta_file", str(CONFIGS / "metadata.json")]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_verify_net_in_out_on_the_inference_config():
    result = bundle_command("verify_net_in_out", "network_def", "--config_file", str(CONFIGS / "inference.json"))
    assert result.returncode == 0, result.stderr[-2000:]


def test_ckpt_export_gives_the_deployed_network_at_the_default_phi(tmp_path):
    parser = ConfigParser()
    parser.read_config(str(CONFIGS / "inference.json"))
    sshn = parser.get_parsed_content("network_def")
    torch.save(sshn.state_dict(), tmp_path / "model.pt")
    result = bundle_command(
        "ckpt_export",
        "network_def",
        "--filepath",
        str(tmp_path / "model.ts"),
        "--ckpt_file",
        str(tmp_path / "model.pt"),
        "--config_file",
        str(CONFIGS / "inference.json"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    exported = torch.jit.load(tmp_path / "model.ts")
    x = torch.randn(1, 1, 35, 51, 35)
    torch.testing.assert_close(exported(x), sshn(x))  # phi 0.5, the config's default
    assert sum(p.numel() for p in exported.parameters()) < sum(p.numel() for p in sshn.parameters()) / 10
