"""Checks of a finished benchmark's outputs that every task's end-to-end test makes."""

import json
from collections.abc import Sequence
from pathlib import Path

from bundle.benchmark import plan
from bundle.benchmark.profiles import Profile


def run_result(report_dir: Path, output_dir: Path, method: str, seed: int) -> dict:
    """The finished run of a phi-conditioned ``method`` on ``seed`` at its chosen learning rate."""
    lr = json.loads((report_dir / "lr.json").read_text())["chosen"][method]
    return json.loads((output_dir / "runs" / f"{method}_lr{lr:g}_seed{seed}" / "result.json").read_text())


def check_report(report_dir: Path, profile: Profile, headings: Sequence[str], figures: Sequence[str]) -> list[dict]:
    """Assert that Table 1 has every method at every phi of ``profile`` over all its seeds, that report.md has
    ``headings`` and that each of ``figures`` (names without .png) was drawn; return Table 1's rows."""
    tables = json.loads((report_dir / "methods.json").read_text())
    cells = {(row["method"], row["phi"]) for row in tables["dice"]}
    for method in plan.CONDITIONED:
        assert {(method, phi) for phi in profile.eval_phis} <= cells
    assert {("fixed", phi) for phi in profile.fixed_phis} <= cells
    assert all(row["seeds"] == len(profile.seeds) for row in tables["dice"])
    learning_rates = json.loads((report_dir / "lr.json").read_text())
    assert set(learning_rates["chosen"]) == {*plan.CONDITIONED, "fixed"}
    for method, rows in learning_rates["validation_dice"].items():
        assert [row["lr"] for row in rows] == list(profile.lr_grid)
        assert learning_rates["chosen"][method] in profile.lr_grid
    report = (report_dir / "report.md").read_text()
    for heading in headings:
        assert heading in report
    for figure in figures:
        assert (report_dir / f"{figure}.png").stat().st_size > 0
    return tables["dice"]
