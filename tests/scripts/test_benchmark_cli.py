"""The benchmark's bad options are one line and exit status 2 (issue 17: they were tracebacks)."""

import importlib.util
from pathlib import Path

import pytest

from bundle.cli import fire_checked

SCRIPT = Path(__file__).parents[2] / "scripts" / "benchmark.py"

# (options, the part run, the message's start)
BAD_OPTIONS = [
    (
        ["--dataset", "unknown"],
        "report",
        "error: dataset must be one of ['hippocampus', 'oasis2d', 'oasis3d', 'registration',",
    ),
    (["--profile", "unknown"], "report", "error: profile must be one of ['full', 'quick', 'tiny'], got 'unknown'"),
    (["--seeds", "[]"], "report", "error: seeds must be a non-empty list of integers >= 0, got []"),
    (["--seeds", "-1"], "report", "error: seeds must be a non-empty list of integers >= 0, got [-1]"),
    (["--training", "{lr: 0.1}"], "report", "error: training must not set lr"),
    (["--dataset_dir", "/nonexistent/wbc"], "methods", "error: dataset folder /nonexistent/wbc does not exist"),
]


def _command_line_component() -> type:
    spec = importlib.util.spec_from_file_location("script_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not as __main__
    return module.CommandLineBenchmark


@pytest.mark.parametrize(("options", "part", "message"), BAD_OPTIONS, ids=[" ".join(row[0]) for row in BAD_OPTIONS])
def test_a_bad_option_is_one_line_and_exit_2(tmp_path, capsys, options, part, message):
    with pytest.raises(SystemExit) as stop:
        fire_checked(_command_line_component(), [*options, "--output_dir", str(tmp_path / "out"), part])
    assert stop.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.startswith(message) and stderr.count("\n") == 1, stderr
    assert not (tmp_path / "out").exists()  # nothing ran
