"""The clinician's path at several precisions side by side: times, the choice of "auto", Dice against labels."""

import numpy as np
import pytest

from bundle.benchmark.segment_speed import mean_dice, segment_side_by_side
from bundle.nets.factory import build_network
from tests.data.test_transforms import make_msd


@pytest.mark.parametrize(
    ("prediction", "label", "expected"),
    [
        ([0, 1, 1, 2], [0, 1, 1, 2], 1.0),
        ([0, 1, 0, 0], [0, 1, 1, 0], (2 / 3 + 1.0) / 2),  # class 2 absent from both: 1
        ([2, 2, 0, 0], [1, 1, 0, 0], 0.0),
    ],
)
def test_mean_dice(prediction, label, expected):
    assert mean_dice(np.array(prediction), np.array(label), 3) == pytest.approx(expected)


def test_every_precision_segments_every_image_and_is_scored(tmp_path):
    roots = [make_msd(tmp_path / source, shapes=[(13, 12, 11)]) for source in ("a", "b")]
    # one file name in two folders, as WBC's test split has
    items = [
        {"image": str(r / "imagesTr" / "case_0.nii.gz"), "label": str(r / "labelsTr" / "case_0.nii.gz")} for r in roots
    ]
    network = build_network("sshn", 3, 1, 3, features=4, levels=3, hidden=[4, 8]).eval()
    rows = segment_side_by_side(network, items, "hippocampus", [12, 12, 12], 1, 3, 0.25, ("fp32", "bf16"), rounds=2)
    assert [(row["precision"], row["runs_as"]) for row in rows] == [("fp32", "fp32"), ("bf16", "bf16")]
    assert rows[0]["speedup"] == 1.0 and all(row["seconds"] > 0 and 0 <= row["mean_dice"] <= 1 for row in rows)
    assert abs(rows[0]["mean_dice"] - rows[1]["mean_dice"]) < 0.05
