"""Train 1 epoch, evaluate and infer through the bundle configs, for both datasets and every method."""

import json
import shutil

import nibabel as nib
import numpy as np
import pytest
import torch
from monai.inferers import SimpleInferer, SlidingWindowInferer
from PIL import Image

from bundle.engine.training_curves import read_scalars
from bundle.nets.factory import build_network
from tests.bundle_configs.conftest import ROOT, TINY, TINY_BY_DATASET, run_workflow

DATASET_FILES = {"hippocampus": [], "wbc": ["wbc.json"]}
METHODS = ["sshn", "fixed", "stochastic", "film"]


def overrides(dataset, method, data, out) -> dict:
    return {
        "bundle_root": str(ROOT),
        "dataset_dir": str(data),
        "ckpt_dir": str(out / "models"),
        "output_dir": str(out / "runs"),
        "method": method,
        "device": "cpu",
        "num_workers": 0,
        **TINY,
        **TINY_BY_DATASET[dataset],
    }


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dataset", ["hippocampus", "wbc"])
def test_train_evaluate_infer(dataset, method, tiny_data, tmp_path):
    files = ["train.json", *DATASET_FILES[dataset], "cpu.json"]
    settings = overrides(dataset, method, tiny_data[dataset], tmp_path)
    workflow = run_workflow(files, "train", **settings)
    assert workflow.parser.get_parsed_content("train#trainer").state.epoch == 1
    checkpoint = torch.load(tmp_path / "models" / "model.pt", weights_only=True)
    network = workflow.parser.get_parsed_content("network_def")
    assert set(checkpoint) == set(network.state_dict())
    curves = read_scalars(tmp_path / "runs")  # the tags scripts/plot_training.py draws
    tags = {"train_loss", "val_mean_dice", *(f"val_mean_dice@{phi}" for phi in (0.1, 0.25, 0.5))}
    assert tags <= set(curves)
    rates = {"lr/body", "lr/head"} if method == "sshn" else {"lr"}  # the SSHN's head may step at its own rate
    assert rates <= set(curves) and all(len(curves[tag]) == 1 for tag in rates)  # one value per epoch

    run_workflow(
        ["train.json", *DATASET_FILES[dataset], "evaluate.json"],
        None,
        **settings,
        eval_dir=str(tmp_path / "eval"),
        eval_split="all",
    )
    report = json.loads((tmp_path / "eval" / "dice.json").read_text())
    assert [row["phi"] for row in report["rows"]] == [0.0, 0.1, 0.25, 0.5]
    assert report["images"] == 10
    assert all(0.0 <= row["mean_dice"] <= 1.0 for row in report["rows"])
    if method == "sshn":  # weight transfer: the weights made for 0.5, run at every phi
        run_workflow(
            ["train.json", *DATASET_FILES[dataset], "evaluate.json"],
            None,
            **settings,
            eval_dir=str(tmp_path / "transfer"),
            eval_split="all",
            weights_phi=0.5,
        )
        transfer = json.loads((tmp_path / "transfer" / "dice.json").read_text())["rows"]
        assert transfer[-1] == report["rows"][-1]  # at its own phi the transferred network is the model itself

    inputs = tiny_data[dataset] / ("dataset1/images" if dataset == "wbc" else "imagesTr")
    run_workflow(
        ["inference.json", *DATASET_FILES[dataset]],
        "infer",
        **{k: v for k, v in settings.items() if k not in ("epochs", "val_interval", "batch_size", "num_workers")}
        | {"input": str(inputs), "output_dir": str(tmp_path / "pred"), "phi": 0.25},
    )
    written = sorted((tmp_path / "pred").iterdir())
    assert len(written) == 5 if dataset == "wbc" else len(written) == 10
    source = sorted(inputs.iterdir())[0]
    if dataset == "wbc":
        assert Image.open(written[0]).size == Image.open(source).size
    else:
        assert nib.load(written[0]).shape == nib.load(source).shape


def test_training_is_deterministic_on_cpu(tiny_data, tmp_path):
    states = []
    for run in ("a", "b"):
        settings = overrides("wbc", "sshn", tiny_data["wbc"], tmp_path / run)
        run_workflow(["train.json", "wbc.json", "cpu.json"], "train", **settings)
        states.append(torch.load(tmp_path / run / "models" / "model.pt", weights_only=True))
    assert all(torch.equal(states[0][key], states[1][key]) for key in states[0])


def test_command_line_values_reach_the_phi_prior_and_method(tiny_data, tmp_path):
    settings = overrides("wbc", "stochastic", tiny_data["wbc"], tmp_path) | {"phi_prior": [0.45, 0.55], "epochs": 2}
    workflow = run_workflow(["train.json", "wbc.json", "cpu.json"], "train", **settings)
    sampler = workflow.parser.get_parsed_content("train#trainer").prepare_batch
    assert (sampler.prior.low, sampler.prior.high) == (0.45, 0.55)
    assert 0.45 <= workflow.parser.get_parsed_content("train#trainer").state.phi <= 0.55


def test_pretrained_weights_start_the_training(tiny_data, tmp_path):
    settings = overrides("hippocampus", "sshn", tiny_data["hippocampus"], tmp_path)
    first = run_workflow(["train.json", "cpu.json"], "train", **settings)
    start = {k: v + 0.01 for k, v in first.parser.get_parsed_content("network").state_dict().items()}
    torch.save(start, tmp_path / "start.pt")
    settings |= {"ckpt_dir": str(tmp_path / "again"), "pretrained": str(tmp_path / "start.pt"), "lr": 0.0}
    again = run_workflow(["train.json", "cpu.json"], "train", **settings)
    trained = again.parser.get_parsed_content("network").state_dict()
    assert all(torch.equal(trained[k], v) for k, v in start.items())  # lr 0: loaded and kept


def test_inference_config_runs_sliding_windows_when_given_a_roi(tiny_data, tmp_path):
    settings = {k: v for k, v in TINY.items() if k not in ("epochs", "val_interval", "batch_size")}
    settings |= {"bundle_root": str(ROOT), "device": "cpu", "ckpt_dir": str(tmp_path), "phi": 0.25}
    settings |= TINY_BY_DATASET["hippocampus"] | {"dataset_dir": str(tiny_data["hippocampus"])}
    settings["input"] = str(tiny_data["hippocampus"] / "imagesTr")
    torch.manual_seed(0)
    network = build_network("sshn", 3, 1, 3, TINY["features"], TINY["levels"], hidden=TINY["hidden"])
    torch.save(network.state_dict(), tmp_path / "model.pt")
    whole = run_workflow(["inference.json"], "infer", **settings, output_dir=str(tmp_path / "whole"))
    assert isinstance(whole.parser.get_parsed_content("inferer"), SimpleInferer)  # the default
    windows = run_workflow(
        ["inference.json"],
        "infer",
        **settings,
        output_dir=str(tmp_path / "windows"),
        roi_size=[8, 8, 8],
        sw_overlap=0.5,
    )
    inferer = windows.parser.get_parsed_content("inferer")
    assert isinstance(inferer, SlidingWindowInferer) and list(inferer.roi_size) == [8, 8, 8] and inferer.overlap == 0.5
    for source in sorted((tiny_data["hippocampus"] / "imagesTr").iterdir()):
        name = source.name.replace(".nii.gz", "_seg.nii.gz")
        expected, output = nib.load(tmp_path / "whole" / name), nib.load(tmp_path / "windows" / name)
        assert output.shape == nib.load(source).shape
        assert (output.get_fdata() == expected.get_fdata()).mean() > 0.8


def test_the_inference_config_goes_on_past_an_image_it_cannot_write_and_exits_1(tiny_data, tmp_path, capsys):
    settings = {k: v for k, v in TINY.items() if k not in ("epochs", "val_interval", "batch_size")}
    settings |= {"bundle_root": str(ROOT), "device": "cpu", "ckpt_dir": str(tmp_path), "phi": 0.25}
    settings |= TINY_BY_DATASET["wbc"] | {"dataset_dir": str(tiny_data["wbc"])}
    settings |= {"input": str(tiny_data["wbc"] / "dataset1" / "images"), "output_dir": str(tmp_path / "pred")}
    network = build_network("sshn", 2, 3, 3, TINY["features"], TINY["levels"], hidden=TINY["hidden"])
    torch.save(network.state_dict(), tmp_path / "model.pt")
    (tmp_path / "pred" / "001_seg.png").mkdir(parents=True)  # the first label map's name is taken by a folder
    with pytest.raises(SystemExit) as stop:
        run_workflow(["inference.json", "wbc.json"], "infer", **settings)
    assert stop.value.code == 1
    assert sorted(p.name for p in (tmp_path / "pred").iterdir()) == [f"{i:03d}_seg.png" for i in range(1, 6)]
    assert all((tmp_path / "pred" / f"{i:03d}_seg.png").is_file() for i in range(2, 6))
    lines = [line.split(" - ERROR - ", 1)[1] for line in capsys.readouterr().out.splitlines() if " - ERROR - " in line]
    bad, written = tiny_data["wbc"] / "dataset1" / "images" / "001.bmp", tmp_path / "pred" / "001_seg.png"
    assert len(lines) == 2 and lines[1] == "1 of 5 inputs failed (named above): 0 at screening, 1 when segmented"
    assert lines[0].startswith(f"failed: {bad}: cannot write {written}: IsADirectoryError: [Errno 21] Is a directory")


def test_the_inference_config_refuses_its_input_folder_as_output_and_counts_skipped_inputs(tiny_data, tmp_path, capsys):
    settings = {k: v for k, v in TINY.items() if k not in ("epochs", "val_interval", "batch_size")}
    settings |= {"bundle_root": str(ROOT), "device": "cpu", "ckpt_dir": str(tmp_path), "phi": 0.25}
    settings |= TINY_BY_DATASET["wbc"] | {"dataset_dir": str(tiny_data["wbc"])}
    network = build_network("sshn", 2, 3, 3, TINY["features"], TINY["levels"], hidden=TINY["hidden"])
    torch.save(network.state_dict(), tmp_path / "model.pt")
    images = tmp_path / "images"
    shutil.copytree(tiny_data["wbc"] / "dataset1" / "images", images)
    before = sorted(p.name for p in images.iterdir())
    with pytest.raises(SystemExit) as same:
        run_workflow(["inference.json", "wbc.json"], "infer", **settings, input=str(images), output_dir=str(images))
    assert same.value.code == 2 and sorted(p.name for p in images.iterdir()) == before
    (images / "dangling.bmp").symlink_to("nowhere.bmp")
    with pytest.raises(SystemExit) as skipped:
        run_workflow(
            ["inference.json", "wbc.json"], "infer", **settings, input=str(images), output_dir=str(tmp_path / "o")
        )
    assert skipped.value.code == 1 and len(list((tmp_path / "o").glob("*_seg.png"))) == 5  # the others written
    errors = [line.split(" - ERROR - ", 1)[1] for line in capsys.readouterr().out.splitlines() if " - ERROR - " in line]
    assert errors[-1] == "1 of 6 inputs failed (named above): 1 at screening, 0 when segmented"


def test_the_inference_config_runs_the_deployed_network_at_the_precision_asked(tiny_data, tmp_path, capsys):
    settings = {k: v for k, v in TINY.items() if k not in ("epochs", "val_interval", "batch_size")}
    settings |= {"bundle_root": str(ROOT), "device": "cpu", "ckpt_dir": str(tmp_path), "phi": 0.25}
    settings |= TINY_BY_DATASET["wbc"] | {"dataset_dir": str(tiny_data["wbc"])}
    settings["input"] = str(tiny_data["wbc"] / "dataset1" / "images")
    torch.manual_seed(0)
    network = build_network("sshn", 2, 3, 3, TINY["features"], TINY["levels"], hidden=TINY["hidden"])
    torch.save(network.state_dict(), tmp_path / "model.pt")
    for precision in ("fp32", "bf16"):
        run_workflow(["inference.json", "wbc.json"], "infer", **settings, output_dir=str(tmp_path / precision))
        settings["precision"] = "bf16"
    assert "phi 0.25, precision bf16" in capsys.readouterr().out
    names = sorted(path.name for path in (tmp_path / "fp32").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "bf16").iterdir()) and len(names) == 5
    agree = [
        (np.array(Image.open(tmp_path / "fp32" / n)) == np.array(Image.open(tmp_path / "bf16" / n))).mean()
        for n in names
    ]
    assert min(agree) > 0.9, agree
    with pytest.raises(SystemExit) as refused:
        run_workflow(["inference.json", "wbc.json"], "infer", **settings | {"precision": "fp16"})
    assert refused.value.code == 2
    assert "--precision must be one of auto, fp32, bf16, channels_last, got 'fp16'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        run_workflow(["inference.json", "wbc.json"], "infer", **settings | {"phi": 1.5})
    assert refused.value.code == 2 and "phi must be a number in [0, 1], got 1.5" in capsys.readouterr().err
