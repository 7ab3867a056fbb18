"""Command-line values are checked before MONAI's config parser sees them: no user string becomes code."""

import re
import subprocess
import sys

import pytest
import torch

from bundle.checked_run import as_flag, check_device, checked_overrides, run_checked
from bundle.nets import PhiUNet
from tests.bundle_configs.conftest import ROOT
from tests.data.test_datalist import make_wbc


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ckpt_dir", "$__import__('os').system('echo owned')"),
        ("output_dir", "@network_def"),
        ("eval_dir", "%configs/train.json#ckpt_dir"),
        ("val_phis", [0.1, "$0.2"]),
        ("labels", {"a": "@x"}),
    ],
)
def test_expressions_and_references_are_refused(key, value):
    with pytest.raises(ValueError, match=rf"--{key} .*values starting with \$, @ or % .*only literal values"):
        checked_overrides({key: value})


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("phi", 1.5, "a number in [0, 1]"),
        ("phi", float("nan"), "a number in [0, 1]"),
        ("phi_prior", [0.6, 0.2], "[low, high] with 0 <= low <= high <= 1"),
        ("epochs", 0, "an integer >= 1"),
        ("epochs", 2.5, "an integer >= 1"),
        ("lr", -1e-3, "a number in (0, 10]"),
        ("head_lr_scale", 0, "a number in [1e-6, 1000]"),
        ("hypernet_correlation", 1.5, "a number in [0, 1]"),
        ("spatial_dims", 2.0, "2 or 3"),
        ("spatial_dims", True, "2 or 3"),
        ("method", "unet", "one of sshn, fixed, stochastic, film"),
        ("architecture", "resnet", "one of unet, fpn, psp"),
        ("block", "dense", "one of plain, residual, se"),
        ("dataset_dir", "/no/such/folder", "an existing folder"),
        ("resume", "maybe", "true or false"),
        ("device", "tpu", "cpu, cuda or cuda:N"),
    ],
)
def test_values_out_of_range_are_refused(key, value, rule):
    with pytest.raises(ValueError) as error:
        checked_overrides({key: value})
    assert str(error.value) == f"--{key} must be {rule}, got {value!r}"


def test_literal_values_pass_and_none_is_dropped(tmp_path):
    values = {"phi": 0.25, "epochs": 3, "dataset_dir": str(tmp_path), "resume": "true", "ckpt_dir": "runs/a"}
    assert checked_overrides(values | {"lr": None}) == values


def test_flags_accept_true_and_false_in_any_case_only():
    assert as_flag("cpu", "false") is False and as_flag("cpu", "True") is True and as_flag("cpu", False) is False
    with pytest.raises(ValueError, match="--cpu must be true or false, got 'yes'"):
        as_flag("cpu", "yes")


def test_a_refused_value_never_reaches_the_parser(tmp_path, capsys):
    marker = tmp_path / "owned"
    status = run_checked("training", ["train.json"], ckpt_dir=f"$open({str(marker)!r}, 'w')")
    assert status == 2 and not marker.exists()
    assert capsys.readouterr().err.startswith("error: --ckpt_dir")


def _script(name: str, *arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "scripts" / name), *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.mark.parametrize("script", ["evaluate.py", "sweep.py"])
def test_a_dataset_without_shipped_weights_needs_a_checkpoint_folder(script):
    result = _script(script, "--dataset", "oasis2d")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: dataset 'oasis2d' ships no trained weights: give --ckpt_dir, the folder of a training run's "
        "model.pt (runs/oasis2d by default)"
    )


def test_train_script_refuses_phi_outside_the_unit_interval():
    result = _script("train.py", "--phi", "1.5")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --phi must be a number in [0, 1], got 1.5"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--dataset", "bad"],
            "error: dataset must be one of ['hippocampus', 'msd', 'oasis2d', 'oasis3d', 'wbc'], got 'bad'",
        ),
        (["--output_dir", "$print(1)"], "error: --output_dir '$print(1)': values starting with $"),
        (["--split", "some"], "error: --split must be train, validation, test or all, got 'some'"),
    ],
)
def test_sweep_script_names_the_flag_the_user_gave_and_exits_2(arguments, message):
    result = _script("sweep.py", *arguments)
    assert result.returncode == 2 and result.stderr.strip().startswith(message), result.stderr


def test_evaluating_a_checkpoint_of_another_architecture_is_one_line(tmp_path):
    data = make_wbc(tmp_path / "wbc", count=2)
    (tmp_path / "models").mkdir()
    other = PhiUNet(spatial_dims=2, in_channels=3, out_channels=3, features=4, levels=2)
    torch.save(other.state_dict(), tmp_path / "models" / "model.pt")
    arguments = ["--dataset", "wbc", "--dataset_dir", str(data), "--ckpt_dir", str(tmp_path / "models")]
    result = _script("evaluate.py", *arguments, "--split", "all", "--eval_dir", str(tmp_path / "eval"))
    assert result.returncode == 1, result.stderr[-2000:]
    last, checkpoint = result.stderr.strip().splitlines()[-1], tmp_path / "models" / "model.pt"
    assert last.startswith(f"error: {checkpoint}: checkpoint does not fit this network")
    assert "Traceback" not in result.stderr


def test_a_pretrained_checkpoint_of_another_architecture_stops_training_before_it_starts(tmp_path):
    data = make_wbc(tmp_path / "wbc", count=4)
    other = tmp_path / "other.pt"
    torch.save(PhiUNet(spatial_dims=2, in_channels=3, out_channels=3, features=4, levels=2).state_dict(), other)
    arguments = ["--dataset", "wbc", "--dataset_dir", str(data), "--cpu", "true", "--pretrained", str(other)]
    result = _script("train.py", *arguments, "--output_dir", str(tmp_path / "run"), "--ckpt_dir", str(tmp_path / "ck"))
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {other}: checkpoint does not fit this network")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "ck").exists() and not list((tmp_path / "run").glob("events*"))


@pytest.mark.parametrize(
    ("device", "message"),
    [("gpu", "--device must be cpu, cuda or cuda:N, got 'gpu'"), ("meta", "--device must be cpu, cuda or cuda:N")]
    + ([("cuda", "this machine has no CUDA device")] if not torch.cuda.is_available() else []),
)
def test_a_device_this_machine_lacks_is_refused_by_name(device, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_device(device)
    assert check_device("cpu") == torch.device("cpu")
