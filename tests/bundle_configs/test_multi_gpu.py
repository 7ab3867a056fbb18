"""configs/multi_gpu_train.json under torchrun: two CPU processes (gloo) train one tiny epoch."""

import json
import subprocess
import sys

import pytest
import torch
from monai.bundle import ConfigParser

from bundle.export import load_weights
from bundle.nets.phi_prior import PhiPrior
from tests.bundle_configs.conftest import CONFIGS, ROOT, TINY


def test_two_processes_share_each_phi_and_write_one_plain_checkpoint(tiny_data, tmp_path):
    # A test-only mixin records the phi of every iteration on each rank.
    recorder = {
        "+imports": ["$import tests.bundle_configs.phi_recorder as phi_recorder"],
        "+initialize": [f"$phi_recorder.PhiRecorder({str(tmp_path)!r}).attach(@train#trainer)"],
    }
    (tmp_path / "record.json").write_text(json.dumps(recorder))
    names = ("train.json", "wbc.json", "cpu.json", "multi_gpu_train.json")
    files = [*(str(CONFIGS / name) for name in names), str(tmp_path / "record.json")]
    settings = TINY | {"spatial_size": [24, 24], "dataset_dir": str(tiny_data["wbc"])}
    settings |= {"ckpt_dir": str(tmp_path / "models"), "output_dir": str(tmp_path / "runs")}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1", "--nproc_per_node=2"]
    command += ["-m", "monai.bundle", "run", "training", "--config_file", repr(files)]
    for key, value in settings.items():
        command += [f"--{key}", str(value).replace(" ", "")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]

    phis = [json.loads((tmp_path / f"phi_rank{rank}.json").read_text()) for rank in (0, 1)]
    assert phis[0] == phis[1] and len(phis[0]) >= 2  # each rank ran every iteration with the same phi
    assert phis[0] == [PhiPrior(0.0, 0.5, seed=0).sample(i) for i in range(1, len(phis[0]) + 1)]

    state = torch.load(tmp_path / "models" / "model.pt", weights_only=True)
    assert state and not any(key.startswith("module.") for key in state)
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in ("train.json", "wbc.json")])
    parser.update(TINY)
    load_weights(parser.get_parsed_content("network_def"), tmp_path / "models" / "model.pt")  # strict
    last = torch.load(tmp_path / "runs" / "last.pt", weights_only=True)
    assert last["trainer"]["iteration"] == len(phis[0]) and not any(k.startswith("module.") for k in last["model"])


@pytest.mark.slow  # about 20 s on 2 cores
def test_two_processes_split_the_phi_sweep_and_write_one_report(tiny_data, tmp_path):
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in ("train.json", "wbc.json")])
    parser.update(TINY)
    (tmp_path / "models").mkdir()
    torch.save(parser.get_parsed_content("network_def").state_dict(), tmp_path / "models" / "model.pt")
    names = ("train.json", "wbc.json", "sweep.json", "multi_gpu_sweep.json")
    settings = TINY | {"spatial_size": [24, 24], "dataset_dir": str(tiny_data["wbc"]), "num_workers": 0}
    settings |= {"ckpt_dir": str(tmp_path / "models"), "sweep_dir": str(tmp_path / "sweep"), "phi_step": 0.25}
    settings |= {"latency_repeats": 1, "latency_batch": 2}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1", "--nproc_per_node=2"]
    command += ["-m", "monai.bundle", "run", "sweeping", "--config_file", repr([str(CONFIGS / n) for n in names])]
    for key, value in settings.items():
        command += [f"--{key}", str(value).replace(" ", "")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("phi sweep written to") == 1  # rank 0 alone writes the report
    rows = json.loads((tmp_path / "sweep" / "sweep.json").read_text())["rows"]
    assert [row["phi"] for row in rows] == [0.0, 0.25, 0.5]
