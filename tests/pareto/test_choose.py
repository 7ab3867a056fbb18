import json

import pytest

from bundle.pareto.choose import choose_phi


@pytest.fixture
def sweep_file(tmp_path):
    rows = [
        {"phi": 0.1, "mean_dice": 0.88, "gflops": 1.1, "latency_ms": 11.0},
        {"phi": 0.3, "mean_dice": 0.90, "gflops": 1.4, "latency_ms": 13.0},
    ]
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps({"rows": rows}))
    return path


def test_phi_given_directly_or_by_each_budget(sweep_file):
    assert choose_phi(0.2) == (0.2, None)
    assert choose_phi() == (0.5, None)
    assert choose_phi(0.29, sweep_file)[1]["phi"] == 0.3  # the nearest sweep row, for its numbers
    assert choose_phi(sweep=sweep_file, max_gflops=1.2)[0] == 0.1
    assert choose_phi(sweep=sweep_file, max_latency_ms=20)[0] == 0.3
    assert choose_phi(sweep=sweep_file, max_dice_drop=0.05)[0] == 0.1


def test_conflicting_or_impossible_requests_are_clear_errors(sweep_file, tmp_path):
    with pytest.raises(ValueError, match="either --phi or a budget"):
        choose_phi(0.2, sweep_file, max_gflops=1.0)
    with pytest.raises(ValueError, match="no phi meets max_gflops"):
        choose_phi(sweep=sweep_file, max_gflops=0.1)
    with pytest.raises(FileNotFoundError, match="needs a sweep"):
        choose_phi(sweep=tmp_path / "missing.json", max_dice_drop=0.01)
    with pytest.raises(ValueError, match="phi must be a number in"):
        choose_phi(1.5)
