"""configs/multi_gpu_train.json under torchrun: two CPU processes (gloo) train one tiny epoch."""

import subprocess
import sys

import torch

from tests.bundle_configs.conftest import CONFIGS, ROOT, TINY


def test_two_processes_train_and_write_one_plain_checkpoint(tiny_data, tmp_path):
    files = [str(CONFIGS / name) for name in ("train.json", "wbc.json", "cpu.json", "multi_gpu_train.json")]
    settings = TINY | {"spatial_size": [24, 24], "dataset_dir": str(tiny_data["wbc"])}
    settings |= {"ckpt_dir": str(tmp_path / "models"), "output_dir": str(tmp_path / "runs")}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1", "--nproc_per_node=2"]
    command += ["-m", "monai.bundle", "run", "training", "--config_file", repr(files)]
    for key, value in settings.items():
        command += [f"--{key}", str(value).replace(" ", "")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    state = torch.load(tmp_path / "models" / "model.pt", weights_only=True)
    assert state and not any(key.startswith("module.") for key in state)
