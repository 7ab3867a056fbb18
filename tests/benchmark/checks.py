"""Checks of a finished benchmark's outputs that every task's end-to-end test makes."""

import json
from collections.abc import Sequence
from pathlib import Path

from bundle.benchmark import plan
from bundle.benchmark.profiles import Profile


def check_report(report_dir: Path, profile: Profile, headings: Sequence[str], figures: Sequence[str]) -> list[dict]:
    """Assert that Table 1 has every method at every phi of ``profile`` over all its seeds, that report.md has
    ``headings`` and that each of ``figures`` (names without .png) was drawn; return Table 1's rows."""
    tables = json.loads((report_dir / "methods.json").read_text())
    cells = {(row["method"], row["phi"]) for row in tables["dice"]}
    for method in plan.CONDITIONED:
        assert {(method, phi) for phi in profile.eval_phis} <= cells
    assert {("fixed", phi) for phi in profile.fixed_phis} <= cells
    assert all(row["seeds"] == len(profile.seeds) for row in tables["dice"])
    report = (report_dir / "report.md").read_text()
    for heading in headings:
        assert heading in report
    for figure in figures:
        assert (report_dir / f"{figure}.png").stat().st_size > 0
    return tables["dice"]
