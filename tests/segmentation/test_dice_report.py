import pytest

from bundle.segmentation.dice_report import DiceReport
from bundle.segmentation.evaluation import PhiDice


def test_report_refuses_the_wrong_number_of_label_names(tmp_path):
    with pytest.raises(ValueError, match="expected 2 foreground label names"):
        DiceReport(PhiDice([0.5], num_classes=3), tmp_path, ["only one"])
