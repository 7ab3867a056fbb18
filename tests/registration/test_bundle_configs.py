"""Train 1 epoch, evaluate, sweep phi and register files through the registration bundle configs."""

import json

import nibabel as nib
import numpy as np
import torch

from tests.bundle_configs.conftest import CONFIGS, run_torchrun, run_workflow
from tests.registration.conftest import ROOT

TINY = {"features": 4, "levels": 3, "hidden": [4, 8], "train_slices": [-2, 0, 2], "eval_slices": [0], "device": "cpu"}


def train(method: str, grid, out, extra: tuple[str, ...] = (), similarity: str = "mse") -> dict:
    """Train 1 epoch with the tiny settings (``extra``: more config files); returns the settings later
    runs need to find the model."""
    common = {"bundle_root": str(ROOT), "grid_dir": str(grid), "ckpt_dir": str(out / "models"), "method": method}
    common |= TINY | ({"train_slices": None, "eval_slices": None} if extra else {})
    files = ["train.json", "registration.json", *extra]
    workflow = run_workflow(files, "train", **common, output_dir=str(out / "runs"), epochs=1, similarity=similarity)
    assert workflow.parser.get_parsed_content("train#trainer").state.epoch == 1
    assert workflow.parser.get_parsed_content("loss").similarity == similarity
    checkpoint = torch.load(out / "models" / "model.pt", weights_only=True)
    assert set(checkpoint) == set(workflow.parser.get_parsed_content("network_def").state_dict())
    return common


def evaluate(common: dict, out, extra: tuple[str, ...] = (), cascades: int = 1) -> list[dict]:
    files = ["train.json", "registration.json", *extra, "registration_evaluate.json"]
    run_workflow(files, None, **common, eval_dir=str(out / "eval"), cascades=cascades)
    rows = json.loads((out / "eval" / "registration.json").read_text())["rows"]
    assert [row["phi"] for row in rows] == [None, 0.0, 0.1, 0.25, 0.5]  # the affine floor first
    assert all(row["pairs"] == 2 and 0.0 <= row["mean_dice"] <= 1.0 for row in rows)
    assert all(len(row["dice_per_pair"]) == 2 for row in rows)
    assert [row.get("cascades") for row in rows] == [None] + [cascades] * 4
    return rows


def test_fixed_trains_with_lncc_and_evaluates_in_3d(tiny_grid, tmp_path):
    extra = ("registration_3d.json",)
    rows = evaluate(train("fixed", tiny_grid, tmp_path, extra, similarity="lncc"), tmp_path, extra)
    assert all(row["method"] == "fixed" for row in rows[1:])


def test_sshn_trains_evaluates_sweeps_and_registers_files(tiny_grid, tmp_path):
    common = train("sshn", tiny_grid, tmp_path)
    evaluate(common, tmp_path, cascades=2)  # a network trained with one pass, deployed with two

    run_workflow(
        ["train.json", "registration.json", "sweep.json", "registration_sweep.json"],
        None,
        **common,
        sweep_dir=str(tmp_path / "sweep"),
        phi_step=0.25,
        latency_repeats=1,
    )
    sweep = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert [row["phi"] for row in sweep["rows"]] == [0.0, 0.25, 0.5]
    assert all(row["gflops"] > 0 and row["latency_ms"] > 0 for row in sweep["rows"])
    assert (tmp_path / "sweep" / "dice_vs_gflops.png").is_file()

    affine = np.diag([1.5, 2.0, 1.0, 1.0])
    affine[:3, 3] = [10.0, -4.0, 3.0]
    for name, subject in (("moving", "subject_00"), ("fixed", "subject_01")):
        image = np.load(tiny_grid / f"{subject}.npz")["image"][:, 4] * 300  # a 2D slice, not scaled to [0, 1]
        nib.save(nib.Nifti1Image(image, affine), tmp_path / f"{name}.nii.gz")

    def register(out: str, **extra) -> None:
        run_workflow(
            ["train.json", "registration.json", "registration_inference.json"],
            None,
            **common,
            moving=str(tmp_path / "moving.nii.gz"),
            fixed=str(tmp_path / "fixed.nii.gz"),
            output_dir=str(tmp_path / out),
            phi=0.25,
            **extra,
        )

    register("out")
    warped, ddf = nib.load(tmp_path / "out" / "moving_warped.nii.gz"), nib.load(tmp_path / "out" / "moving_ddf.nii.gz")
    assert warped.shape == (11, 13) and ddf.shape == (11, 13, 2)
    assert np.allclose(warped.affine, affine) and np.allclose(ddf.affine, affine)
    # After one epoch the flow is still small: the warped image keeps the moving image's intensities.
    assert np.abs(warped.get_fdata() - nib.load(tmp_path / "moving.nii.gz").get_fdata()).mean() < 30
    # --precision reaches the deployed U-Net: bf16 autocast, its displacement within 2 % of fp32's largest value
    register("bf16", precision="bf16")
    fp32, bf16 = ddf.get_fdata(), nib.load(tmp_path / "bf16" / "moving_ddf.nii.gz").get_fdata()
    assert not np.array_equal(fp32, bf16) and np.abs(fp32 - bf16).max() <= 0.02 * np.abs(fp32).max() + 1e-6


def test_two_processes_train_and_validate_registration(tiny_grid, tmp_path):
    """multi_gpu_train.json on registration: the validator registers through the DistributedDataParallel
    wrapper's module (the wrapper itself has no ``displacement``)."""
    names = ("train.json", "registration.json", "multi_gpu_train.json")
    settings = {k: v for k, v in TINY.items() if k != "device"}  # join() picks each process's device
    settings |= {"grid_dir": str(tiny_grid), "method": "sshn", "epochs": 1, "batch_size": 2}
    settings |= {"ckpt_dir": str(tmp_path / "models"), "output_dir": str(tmp_path / "runs")}
    result = run_torchrun([str(CONFIGS / name) for name in names], "training", settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "models" / "model.pt").is_file(), (list(tmp_path.rglob("*")), result.stdout[-3000:])
