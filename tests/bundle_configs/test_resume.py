"""A training run killed (SIGKILL) after its first checkpoint resumes with --resume true and ends where an
uninterrupted run ends: same epoch count (early stopping included: the tiny network's Dice stays flat,
so cpu.json's patience stops both runs at the same epoch), same weights."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from monai.bundle import ConfigParser

from bundle.export import load_weights
from tests.bundle_configs.conftest import CONFIGS, ROOT, TINY
from tests.data.test_datalist import make_wbc

EPOCHS = 10
FILES = [str(CONFIGS / name) for name in ("train.json", "wbc.json", "cpu.json")]


def _command(data: Path, out: Path, **extra) -> list[str]:
    settings = TINY | {"epochs": EPOCHS, "spatial_size": [24, 24], "dataset_dir": str(data)}
    settings |= {"ckpt_dir": str(out / "models"), "output_dir": str(out / "runs")} | extra
    command = [sys.executable, "-m", "monai.bundle", "run", "training", "--config_file", repr(FILES)]
    for key, value in settings.items():
        command += [f"--{key}", str(value).replace(" ", "")]
    return command


def _trainer_epoch(runs: Path) -> int:
    state = torch.load(runs / "last.pt", weights_only=True)["trainer"]
    return state["iteration"] // state["epoch_length"]


def test_a_killed_run_resumes_to_the_same_end(tmp_path):
    data = make_wbc(tmp_path / "wbc", count=6)
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    reference = subprocess.run(_command(data, tmp_path / "a"), cwd=ROOT, env=env, capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr[-3000:]

    run = subprocess.Popen(_command(data, tmp_path / "b"), cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    last = tmp_path / "b" / "runs" / "last.pt"
    while not last.is_file() and run.poll() is None:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    killed_at = _trainer_epoch(last.parent)
    assert 1 <= killed_at < EPOCHS

    resumed = subprocess.run(
        _command(data, tmp_path / "b", resume="true"), cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    # ignite's progress bar shows where the resumed run started
    assert f"Epoch [{killed_at + 1}/{EPOCHS}]" in resumed.stderr and f"Epoch [1/{EPOCHS}]" not in resumed.stderr
    assert _trainer_epoch(last.parent) == _trainer_epoch(tmp_path / "a" / "runs") > killed_at

    parser = ConfigParser()
    parser.read_config(FILES)
    parser.update(TINY | {"spatial_size": [24, 24]})
    network = load_weights(parser.get_parsed_content("network_def"), tmp_path / "b" / "models" / "model.pt")
    expected = torch.load(tmp_path / "a" / "runs" / "last.pt", weights_only=True)["model"]
    got = torch.load(last, weights_only=True)["model"]
    assert network is not None and set(got) == set(expected)
    for key in expected:
        torch.testing.assert_close(got[key], expected[key], msg=key)
