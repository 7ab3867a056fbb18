"""A training run killed (SIGKILL) after its first checkpoint resumes with --resume true and ends where an
uninterrupted run ends: same epoch count (early stopping included: both runs are deterministic, so they
stop at the same epoch), same weights. Segmentation (2D WBC) and registration (2D slices)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from monai.bundle import ConfigParser

from bundle.export import load_weights
from tests.bundle_configs.conftest import CONFIGS, ROOT, TINY
from tests.data.test_datalist import make_wbc
from tests.registration.conftest import make_grid

EPOCHS = 10
TASKS = {
    # task: (config files, tiny settings, what the output shows when an epoch starts or ends)
    "segmentation": (
        ("train.json", "wbc.json", "cpu.json"),
        TINY | {"spatial_size": [24, 24]},
        f"Epoch [{{epoch}}/{EPOCHS}]",
    ),
    "registration": (
        ("registration.json",),
        TINY | {"train_slices": [-2, 0, 2], "eval_slices": [0], "device": "cpu", "val_interval": 2},
        "SupervisedTrainer - INFO - Epoch[{epoch}] Complete",
    ),
}


def _data(task: str, root: Path) -> dict:
    if task == "segmentation":
        return {"dataset_dir": str(make_wbc(root / "wbc", count=6))}
    return {"grid_dir": str(make_grid(root / "grid"))}


def _files(task: str) -> list[str]:
    return [str(CONFIGS / name) for name in TASKS[task][0]]


def _command(task: str, data: dict, out: Path, **extra) -> list[str]:
    settings = TASKS[task][1] | {"epochs": EPOCHS} | data
    settings |= {"ckpt_dir": str(out / "models"), "output_dir": str(out / "runs")} | extra
    command = [sys.executable, "-m", "monai.bundle", "run", "training", "--config_file", repr(_files(task))]
    for key, value in settings.items():
        command += [f"--{key}", str(value).replace(" ", "")]
    return command


def _trainer_epoch(runs: Path) -> int:
    state = torch.load(runs / "last.pt", weights_only=True)["trainer"]
    return state["iteration"] // state["epoch_length"]


@pytest.mark.parametrize("task", sorted(TASKS))
def test_a_killed_run_resumes_to_the_same_end(task, tmp_path):
    data = _data(task, tmp_path)
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    reference = subprocess.run(_command(task, data, tmp_path / "a"), cwd=ROOT, env=env, capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr[-3000:]

    run = subprocess.Popen(_command(task, data, tmp_path / "b"), cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    last = tmp_path / "b" / "runs" / "last.pt"
    while not last.is_file() and run.poll() is None:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    killed_at = _trainer_epoch(last.parent)
    assert 1 <= killed_at < EPOCHS

    resumed = subprocess.run(
        _command(task, data, tmp_path / "b", resume="true"), cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    # where the resumed run started: segmentation's progress bar, registration's epoch log
    log, started = resumed.stdout + resumed.stderr, TASKS[task][2]
    assert started.format(epoch=killed_at + 1) in log and started.format(epoch=1) not in log
    assert _trainer_epoch(last.parent) == _trainer_epoch(tmp_path / "a" / "runs") > killed_at

    parser = ConfigParser()
    parser.read_config(_files(task))
    parser.update(TASKS[task][1] | data)
    network = load_weights(parser.get_parsed_content("network_def"), tmp_path / "b" / "models" / "model.pt")
    expected = torch.load(tmp_path / "a" / "runs" / "last.pt", weights_only=True)["model"]
    got = torch.load(last, weights_only=True)["model"]
    assert network is not None and set(got) == set(expected)
    for key in expected:
        torch.testing.assert_close(got[key], expected[key], msg=key)
