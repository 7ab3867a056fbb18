"""configs/multi_gpu_train.json under torchrun: two CPU processes (gloo) train one tiny epoch; (slow) with the
global batch and the step count of one process, they reach its validation Dice on real WBC images."""

import json
import os
import shutil

import pytest
import torch
from monai.bundle import ConfigParser

from bundle.export import load_weights
from bundle.nets.phi_prior import PhiPrior
from tests.bundle_configs.conftest import CONFIGS, TINY, run_torchrun
from tests.data.test_datalist import SHARED


def test_two_processes_share_each_phi_and_write_one_plain_checkpoint(tiny_data, tmp_path):
    # A test-only mixin records the phi of every iteration on each rank.
    recorder = {
        "+train#handlers": [{"_target_": "tests.bundle_configs.phi_recorder.PhiRecorder", "folder": str(tmp_path)}]
    }
    (tmp_path / "record.json").write_text(json.dumps(recorder))
    names = ("train.json", "wbc.json", "cpu.json", "multi_gpu_train.json")
    files = [*(str(CONFIGS / name) for name in names), str(tmp_path / "record.json")]
    settings = TINY | {"spatial_size": [24, 24], "dataset_dir": str(tiny_data["wbc"])}
    settings |= {"ckpt_dir": str(tmp_path / "models"), "output_dir": str(tmp_path / "runs")}
    result = run_torchrun(files, "training", settings)
    assert result.returncode == 0, result.stderr[-3000:]
    # rank 0 alone logs and writes TensorBoard (training loss, validation, learning rates: three event files)
    assert len(list((tmp_path / "runs").glob("events.out.tfevents.*"))) == 3
    output = result.stdout + result.stderr
    assert output.count("SupervisedTrainer - INFO - Epoch[1] Complete") == 1
    # rank 0 alone shows the caching progress of the training and the validation data (once each; a bar prints
    # its start and its end)
    assert output.count("Loading dataset: 100%") == 2

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
    result = run_torchrun([str(CONFIGS / n) for n in names], "sweeping", settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("phi sweep written to") == 1  # rank 0 alone writes the report
    rows = json.loads((tmp_path / "sweep" / "sweep.json").read_text())["rows"]
    assert [row["phi"] for row in rows] == [0.0, 0.25, 0.5]


def _best_validation_dice(processes: int, batch_size: int, out) -> float:
    names = ["train.json", "wbc.json", "cpu.json"] + (["multi_gpu_train.json"] if processes > 1 else [])
    settings = {"dataset_dir": str(SHARED / "wbc"), "features": 4, "spatial_size": [32, 32], "epochs": 6}
    settings |= {"ce_epochs": 2, "val_interval": 2, "warmup_steps": 10, "lr": 0.001, "batch_size": batch_size}
    settings |= {"ckpt_dir": str(out), "output_dir": str(out)}
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = run_torchrun([str(CONFIGS / n) for n in names], "training", settings, processes, timeout=900, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return torch.load(out / "last.pt", weights_only=True)["progress"]["best_metric"]


@pytest.mark.slow  # two trainings of 6 short epochs: about 2 minutes on 2 cores
@pytest.mark.skipif(not (SHARED / "wbc").is_dir(), reason="needs the real WBC images in ../shared/data/wbc")
def test_two_processes_with_one_processs_global_batch_and_steps_reach_its_validation_dice(tmp_path):
    """A 2-process run at the default batch per process takes half the steps of a 1-process run (its validation
    Dice after one epoch, inside the warm-up, was 0.0000 against 0.36: the step count, not a fault). With batch 4
    per process (global 8) both take 26 steps an epoch; measured: best validation Dice 0.605 (1 process) and
    0.655 (2 processes, whose ranks see other augmentations), so a tie within 0.1 is asked."""
    one = _best_validation_dice(1, 8, tmp_path / "one")
    two = _best_validation_dice(2, 4, tmp_path / "two")
    assert one > 0.5 and two > 0.5 and abs(one - two) < 0.1, (one, two)


def test_only_rank_0_runs_the_handlers_that_report():
    """multi_gpu_train.json sets ``secondary_rank`` on ranks above 0; every handler that logs or writes events
    in train.json must be disabled by it (TensorBoard writes its event file when it is built)."""
    train = json.loads((CONFIGS / "train.json").read_text())
    reporting = {"StatsHandler", "TensorBoardStatsHandler", "ignite.handlers.ProgressBar"}
    reporting |= {"bundle.engine.lr_logger.LearningRateLogger"}
    handlers = [h for section in ("train", "validate") for h in train[section]["handlers"] if isinstance(h, dict)]
    # the progress bar also hides where stderr is not a terminal (bundle.engine.progress), on rank 0 too
    assert [h["_target_"] for h in handlers if h.get("_disabled_") in ("@secondary_rank", "@hide_progress")] == [
        h["_target_"] for h in handlers if h["_target_"] in reporting
    ]
    assert train["hide_progress"]["secondary_rank"] == "@secondary_rank"
    assert len([h for h in handlers if h["_target_"] in reporting]) == 6
    multi = json.loads((CONFIGS / "multi_gpu_train.json").read_text())
    assert multi["secondary_rank"] == {"_target_": "bundle.engine.distributed.is_secondary"}


def test_two_processes_split_the_evaluation_and_report_the_one_process_dice(tiny_data, tmp_path):
    """configs/multi_gpu_evaluate.json: each rank evaluates part of the images (9 images: 5 and 4, an uneven split
    that padding would fill with a repeated image), the per-image Dice is gathered, and rank 0 writes the report one
    process writes."""
    data = tmp_path / "wbc"
    shutil.copytree(tiny_data["wbc"], data)
    (data / "dataset2" / "images" / "005.bmp").unlink()
    (data / "dataset2" / "masks" / "005.png").unlink()
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in ("train.json", "wbc.json")])
    parser.update(TINY)
    torch.manual_seed(0)
    (tmp_path / "models").mkdir()
    torch.save(parser.get_parsed_content("network_def").state_dict(), tmp_path / "models" / "model.pt")
    settings = TINY | {"spatial_size": [24, 24], "dataset_dir": str(data), "num_workers": 0}
    settings |= {"ckpt_dir": str(tmp_path / "models"), "eval_split": "all"}
    reports = {}
    for processes, extra in ((1, ()), (2, ("multi_gpu_evaluate.json",))):
        names = ("train.json", "wbc.json", "evaluate.json", *extra)
        out = tmp_path / f"eval{processes}"
        result = run_torchrun(
            [str(CONFIGS / n) for n in names], "evaluating", settings | {"eval_dir": str(out)}, processes
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert (result.stdout + result.stderr).count("Dice per phi and label:") == 1  # rank 0 alone reports
        reports[processes] = json.loads((out / "dice.json").read_text())
    assert reports[1]["images"] == reports[2]["images"] == 9, (reports[1]["images"], reports[2]["images"])
    for one, two in zip(reports[1]["rows"], reports[2]["rows"], strict=True):
        assert one == pytest.approx(two, abs=1e-6)
