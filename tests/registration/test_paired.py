"""Paired comparison of two registration reports: the per-pair Dice difference and its interval."""

import json

import pytest

from bundle.registration.paired import paired_difference, per_pair_dice
from tests.registration.test_register_cli import load_script


@pytest.mark.parametrize(
    ("a", "b", "mean", "ci", "better"),
    [
        ([0.5, 0.6, 0.7], [0.5, 0.6, 0.7], 0.0, [0.0, 0.0], 0.0),
        ([0.51, 0.61, 0.71], [0.5, 0.6, 0.7], 0.01, [0.01, 0.01], 1.0),
        ([0.4], [0.5], -0.1, [-0.1, -0.1], 0.0),
    ],
)
def test_a_constant_gap_has_a_zero_width_interval(a, b, mean, ci, better):
    result = paired_difference(a, b, resamples=200)
    assert result["mean_difference"] == pytest.approx(mean)
    assert result["ci95"] == pytest.approx(ci)
    assert result["a_better"] == better
    assert result["pairs"] == len(a)


def test_the_interval_holds_the_mean_and_narrows_with_more_pairs():
    gaps = [0.02, -0.01, 0.03, 0.0, 0.01, -0.02, 0.04, 0.01]
    few = paired_difference(gaps, [0.0] * len(gaps))
    many = paired_difference(gaps * 8, [0.0] * len(gaps) * 8)
    assert few["ci95"][0] < few["mean_difference"] < few["ci95"][1]
    assert many["ci95"][1] - many["ci95"][0] < few["ci95"][1] - few["ci95"][0]
    assert few["a_better"] == pytest.approx(5 / 8)


@pytest.mark.parametrize(("a", "b"), [([0.5], [0.5, 0.6]), ([], [])])
def test_lists_of_different_or_zero_length_are_refused(a, b):
    with pytest.raises(ValueError, match="per-pair Dice lists"):
        paired_difference(a, b)


def write_report(path, rows):
    path.write_text(json.dumps({"rows": rows}))
    return path


def test_rows_are_found_by_phi_or_method_and_compared_from_the_command_line(tmp_path, capsys):
    network = write_report(
        tmp_path / "registration.json",
        [
            {"method": "affine", "phi": None, "dice_per_pair": [0.3, 0.4]},
            {"method": "sshn", "phi": 0.25, "dice_per_pair": [0.5, 0.6]},
            {"method": "sshn", "phi": 0.5, "dice_per_pair": [0.6, 0.7]},
        ],
    )
    demons = {"method": "demons", "phi": None, "dice_per_pair": [0.55, 0.6]}
    baseline = write_report(tmp_path / "baseline.json", [demons])
    assert per_pair_dice(network, 0.5) == [0.6, 0.7]
    assert per_pair_dice(network, "0.25") == [0.5, 0.6]
    assert per_pair_dice(network, "affine") == [0.3, 0.4]
    load_script().compare(str(network), "0.5", str(baseline), "demons")
    assert "+0.0750 Dice" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"registration.json: no single row 0.1 .*\['affine', 0.25, 0.5\]"):
        per_pair_dice(network, 0.1)


def test_a_report_without_the_row_exits_with_status_2_and_names_it(tmp_path, capsys):
    old = write_report(tmp_path / "old.json", [{"method": "demons", "phi": None, "mean_dice": 0.5}])
    with pytest.raises(SystemExit) as exit_info:
        load_script().compare(str(old), "demons", str(old), "demons")
    assert exit_info.value.code == 2
    assert "old.json" in capsys.readouterr().err
    (tmp_path / "notes.json").write_text('{"comment": "not a report"}')
    with pytest.raises(SystemExit) as exit_info:
        load_script().compare(str(tmp_path / "notes.json"), "demons", str(old), "demons")
    assert exit_info.value.code == 2
    assert "notes.json is not a registration report" in capsys.readouterr().err
