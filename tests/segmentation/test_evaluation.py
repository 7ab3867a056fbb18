import csv
import json

import pytest
import torch
from monai.engines import SupervisedEvaluator

from bundle.nets import PhiUNet
from bundle.segmentation.dice_report import DiceReport
from bundle.segmentation.evaluation import MultiPhiIteration, PhiDice, dice_by_precision


def _labels(rows: list[list[int]]) -> torch.Tensor:
    return torch.tensor(rows)[None, None]


def test_phi_dice_per_phi_and_label_against_a_hand_count():
    label = _labels([[0, 1, 1, 2], [0, 1, 2, 2]])
    perfect = label.clone()
    # label 1: prediction 2 voxels, truth 3, overlap 2 -> 0.8; label 2: prediction 5, truth 3, overlap 3 -> 0.75
    partial = _labels([[0, 1, 2, 2], [0, 1, 2, 2]])
    partial[0, 0, 0, 0] = 2
    metric = PhiDice([0.1, 0.5], num_classes=3)
    metric.reset()
    metric.update(({0.1: partial, 0.5: perfect}, label))
    mean = metric.compute()
    assert metric.table[0.5] == {"mean": 1.0, "per_label": [1.0, 1.0]}
    assert metric.table[0.1]["per_label"] == pytest.approx([0.8, 0.75])
    assert mean == pytest.approx((1.0 + (0.8 + 0.75) / 2) / 2)


def test_a_label_absent_from_an_image_is_left_out_of_its_mean():
    metric = PhiDice([0.5], num_classes=3)
    metric.reset()
    metric.update(({0.5: _labels([[1, 1]])}, _labels([[1, 1]])))  # no label 2 anywhere
    metric.update(({0.5: _labels([[2, 0]])}, _labels([[2, 2]])))  # label 2 at 2/3, label 1 absent
    metric.compute()
    assert metric.table[0.5]["per_label"] == pytest.approx([1.0, 2 / 3])


class Recorder(torch.nn.Module):
    """Predicts class 1 everywhere at phi < 0.3 and the label map itself otherwise; records phis."""

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))
        self.phis = []

    def forward(self, x, phi):
        self.phis.append(phi)
        target = x[:, :1].long() if phi >= 0.3 else torch.ones_like(x[:, :1]).long()
        return torch.nn.functional.one_hot(target[:, 0], 3).movedim(-1, 1).float()


def test_evaluator_predicts_every_phi_and_reports_json_and_csv(tmp_path):
    label = _labels([[0, 1, 2, 2]]).float()
    data = [{"image": label, "label": label}] * 2
    network = Recorder()
    metric = PhiDice([0.1, 0.5], num_classes=3)
    evaluator = SupervisedEvaluator(
        device=torch.device("cpu"),
        val_data_loader=data,
        network=network,
        iteration_update=MultiPhiIteration([0.1, 0.5]),
        key_val_metric={"val_mean_dice": metric},
        val_handlers=[DiceReport(metric, tmp_path, ["cytoplasm", "nucleus"])],
        decollate=False,
    )
    evaluator.run()
    assert network.phis == [0.1, 0.5, 0.1, 0.5]
    assert evaluator.state.metrics["val_mean_dice@0.5"] == 1.0
    assert evaluator.state.metrics["val_mean_dice@0.1"] == pytest.approx(0.2)  # label 1: 2/(1+4), label 2 absent: 0
    report = json.loads((tmp_path / "dice.json").read_text())
    assert report["images"] == 2 and report["labels"] == ["cytoplasm", "nucleus"]
    rows = list(csv.DictReader((tmp_path / "dice.csv").open()))
    assert [row["phi"] for row in rows] == ["0.1", "0.5"]
    assert float(rows[1]["nucleus"]) == 1.0 and float(rows[0]["nucleus"]) == 0.0


def test_evaluation_needs_at_least_one_phi():
    with pytest.raises(ValueError, match="at least one phi"):
        MultiPhiIteration([])


def test_dice_by_precision_scores_every_precision_on_the_same_batches():
    torch.manual_seed(0)
    network = PhiUNet(2, 1, 3, features=4, levels=3, phi=0.25).eval()
    label = torch.zeros(1, 1, 16, 20, dtype=torch.long)
    label[..., 2:9, 3:12], label[..., 9:14, 3:12] = 1, 2
    data = [{"image": torch.randn(1, 1, 16, 20), "label": label} for _ in range(2)]
    table = dice_by_precision(network, data, 3, ["fp32", "channels_last"])
    assert table["fp32"] == table["channels_last"]  # same arithmetic, other memory layout
    assert len(table["fp32"]["per_label"]) == 2 and 0.0 <= table["fp32"]["mean"] <= 1.0
