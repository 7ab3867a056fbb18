"""Writing a registration evaluation (Dice mean and std per phi, folding, the affine floor) as JSON and CSV."""

import json
from collections.abc import Sequence
from pathlib import Path

from ignite.engine import Engine, Events
from monai.engines import SupervisedEvaluator

from bundle.io import write_atomically
from bundle.registration.engine import RegistrationMetric

COLUMNS = ("method", "phi", "mean_dice", "std_dice", "nonpositive_jacobian", "pairs", "seconds_per_pair", "cascades")


def write_rows(rows: Sequence[dict], output_dir: str | Path, name: str = "registration") -> Path:
    """``<name>.json`` and ``<name>.csv`` (columns ``COLUMNS``; absent values left empty) in ``output_dir``."""
    output_dir = Path(output_dir)
    write_atomically(output_dir / f"{name}.json", json.dumps({"rows": list(rows)}, indent=2))
    lines = [",".join(COLUMNS)]
    for row in rows:
        cells = [row.get(key, "") for key in COLUMNS]
        lines.append(",".join(format_cell(cell) for cell in cells))
    write_atomically(output_dir / f"{name}.csv", "\n".join(lines) + "\n")
    print(f"registration results: {(output_dir / f'{name}.csv').resolve()}")
    return output_dir / f"{name}.csv"


def format_cell(cell: object) -> str:
    """A CSV cell: floats to 6 significant digits, None empty."""
    if cell is None:
        return ""
    return f"{cell:.6g}" if isinstance(cell, float) else str(cell)


class RegistrationReport:
    """At the end of an evaluation, writes the metric's table (one row per phi, plus the affine floor).

    The network's rows also say how many passes it made per pair (the evaluated ``RegistrationNet.cascades``).
    """

    def __init__(self, metric: RegistrationMetric, output_dir: str | Path, method: str) -> None:
        self.metric, self.output_dir, self.method = metric, Path(output_dir), method

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.EPOCH_COMPLETED, self)

    def __call__(self, engine: SupervisedEvaluator) -> None:
        rows = [
            {"method": "affine", "phi": None, **row}
            if key == "affine"
            else {"method": self.method, "phi": key, "cascades": engine.network.cascades, **row}
            for key, row in self.metric.table.items()
        ]
        write_rows(rows, self.output_dir)
