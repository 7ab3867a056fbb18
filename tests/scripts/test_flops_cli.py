import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "flops.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_prints_one_row_per_phi_with_level_sizes():
    result = run("--features", "4", "--phi_step", "0.25")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert [row.split()[0] for row in rows] == ["0.000", "0.250", "0.500"]
    assert rows[1].split()[2:] == ["160x192", "40x48", "10x12", "3x3", "1x1"]


def test_size_that_does_not_match_the_dimensions_is_one_clear_message():
    result = run("--spatial_dims", "3", "--size", "[35,50]")
    assert result.returncode == 2
    assert "--size needs 3 numbers for --spatial_dims 3, got [35, 50]" in result.stderr
    assert "Traceback" not in result.stderr
