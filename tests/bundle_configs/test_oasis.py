"""One training epoch and an evaluation through the configs on the two real OASIS subjects (neurite-oasis layout),
2D slices and 3D volumes: one subject trains, the other validates (the seeded split of two items)."""

import json
from pathlib import Path

import pytest
import torch

from tests.bundle_configs.conftest import ROOT, TINY, run_workflow
from tests.data.test_datalist import OASIS

pytestmark = pytest.mark.skipif(
    not OASIS.is_dir(), reason=f"the OASIS subjects (neurite-oasis layout) are not at {OASIS}"
)
# The 3D volumes are 160 x 192 x 224: a centre crop keeps one CPU epoch and its validation to seconds.
SIZES = {"oasis2d": [160, 192], "oasis3d": [48, 48, 48]}
LABELS = {"oasis2d": 24, "oasis3d": 35}


@pytest.mark.parametrize("dataset", ["oasis2d", "oasis3d"])
def test_one_epoch_on_the_real_subjects_then_an_evaluation(dataset: str, tmp_path: Path, capsys) -> None:
    settings = {"bundle_root": str(ROOT), "dataset_dir": str(OASIS), "ckpt_dir": str(tmp_path / "models")}
    settings |= {"output_dir": str(tmp_path / "runs"), "device": "cpu", "num_workers": 0, **TINY}
    settings |= {"spatial_size": SIZES[dataset]}
    workflow = run_workflow(["train.json", f"{dataset}.json", "cpu.json"], "train", **settings)
    assert workflow.parser.get_parsed_content("train#trainer").state.epoch == 1
    saved = torch.load(tmp_path / "models" / "model.pt", weights_only=True)
    assert set(saved) == set(workflow.parser.get_parsed_content("network_def").state_dict())

    # The test split of two subjects is empty: one line saying so, exit 2; the evaluation reads the validation subject.
    with pytest.raises(SystemExit) as exit_status:
        run_workflow(["train.json", f"{dataset}.json", "cpu.json", "evaluate.json"], None, **settings)
    assert exit_status.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {OASIS}: its test split is empty (split seed 0): run on another split"]
    evaluation = {"eval_dir": str(tmp_path / "eval"), "eval_split": "validation"}
    run_workflow(["train.json", f"{dataset}.json", "cpu.json", "evaluate.json"], None, **settings, **evaluation)
    report = json.loads((tmp_path / "eval" / "dice.json").read_text())
    assert report["images"] == 1
    assert [row["phi"] for row in report["rows"]] == [0.0, 0.1, 0.25, 0.5]
    assert all(0.0 <= row["mean_dice"] <= 1.0 for row in report["rows"])
    header = (tmp_path / "eval" / "dice.csv").read_text().splitlines()[0].split(",")
    assert header[2:] == [f"label_{i}" for i in range(1, LABELS[dataset] + 1)]
