import json
import subprocess
import sys
from pathlib import Path

import pytest

from bundle.perf.gpu_goals import GPU, TINY, measure_goals

ROOT = Path(__file__).resolve().parents[2]


def test_every_goal_is_measured_against_its_target_on_tiny_sizes():
    measured = measure_goals(TINY, "cpu", repeats=2, precisions=("fp32", "channels_last+bf16"))
    goals = measured["goals"]
    assert len(goals) == len(TINY.steps) + 3
    for row in goals:
        assert row["value"] > 0
        assert row["passed"] == (row["value"] <= row["target"] if row["at_most"] else row["value"] >= row["target"])
    speedups = [row for row in goals if "precision" in row and not row["at_most"]]
    assert all(row["ms_by_precision"]["fp32"] == row["fp32_ms"] for row in speedups)
    assert [row["phi"] for row in measured["flops"]] == list(TINY.phis)
    assert measured["flops"][-1]["flops_ratio"] == 1.0
    assert measured["flops"][0]["gflops"] < measured["flops"][-1]["gflops"]  # phi 0 skips the deep levels


def test_the_gpu_sizes_are_the_goals_own():
    assert dict(GPU.steps) == {
        "2D 160x192 batch 64": (64, 1, 160, 192),
        "3D 48x64x48 batch 16": (16, 1, 48, 64, 48),
        "3D 128^3 batch 2": (2, 1, 128, 128, 128),
    }
    assert GPU.latency == (1, 1, 160, 192) and GPU.batch[0] == 64 and GPU.volume == (1, 1, 128, 128, 128)


def test_without_fp32_the_speed_ups_have_no_reference():
    with pytest.raises(ValueError, match="include fp32"):
        measure_goals(TINY, "cpu", repeats=1, precisions=("bf16",))


def _script(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "scripts/benchmark_speed.py", "gpu", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_command_prints_every_goal_and_writes_them(tmp_path):
    output = tmp_path / "gpu.json"
    run = _script(
        "--device", "cpu", "--sizes", "tiny", "--repeats", "2", "--precisions", "[fp32,bf16]", "--output", str(output)
    )
    assert run.returncode in (0, 1), run.stderr  # 1: a goal failed, as tiny CPU sizes may
    lines = [line for line in run.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(lines) == len(TINY.steps) + 3
    report = json.loads(output.read_text())
    assert run.returncode == (0 if all(row["passed"] for row in report["goals"]) else 1)
    assert report["sizes"] == "tiny" and "hardware" in report


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--device", "cpu", "--sizes", "huge"], "--sizes must be gpu or tiny"),
        (["--device", "cpu", "--sizes", "tiny", "--precisions", "[fp32,int4]"], "got 'int4'"),
        (["--device", "cpu", "--sizes", "tiny", "--precisions", "[bf16]"], "must include fp32"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args, message):
    run = _script(*args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
