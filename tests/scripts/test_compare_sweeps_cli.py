import subprocess
import sys
from pathlib import Path

from bundle.pareto.report import write_sweep

ROOT = Path(__file__).resolve().parents[2]


def _rows(dice: float) -> list[dict]:
    return [
        {"phi": phi, "mean_dice": dice + phi / 10, "per_label": [dice, dice], "gflops": 1 + phi, "parameters": 10}
        for phi in (0.1, 0.3, 0.5)
    ]


def test_overlays_two_methods_and_names_a_missing_sweep(tmp_path):
    write_sweep(_rows(0.8), ["a", "b"], tmp_path / "sshn")
    write_sweep(_rows(0.7), ["a", "b"], tmp_path / "stochastic", method="stochastic")
    command = [sys.executable, str(ROOT / "scripts" / "compare_sweeps.py")]
    files = [str(tmp_path / "sshn/sweep.json"), str(tmp_path / "stochastic/sweep.json")]
    result = subprocess.run([*command, *files, "--output_dir", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sshn: 3 phi, best Dice 0.8500 at phi 0.5" in result.stdout
    assert "stochastic: 3 phi" in result.stdout
    assert (tmp_path / "out" / "dice_vs_phi.png").is_file()
    missing = subprocess.run([*command, str(tmp_path / "nope.json")], capture_output=True, text=True)
    assert missing.returncode == 2 and "nope.json does not exist" in missing.stderr
