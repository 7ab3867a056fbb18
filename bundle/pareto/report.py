"""Writing a phi sweep: CSV, JSON and figures, and the summary a user reads first."""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bundle.io import write_atomically
from bundle.pareto.plots import plot_sweeps
from bundle.pareto.select import select_phi
from bundle.perf.hardware import hardware


def phi_grid(start: float = 0.0, stop: float = 0.5, step: float = 0.01) -> list[float]:
    """phi from ``start`` to ``stop`` inclusive every ``step``, rounded to 6 decimals (no 0.30000000000000004)."""
    if not 0.0 <= start <= stop <= 1.0 or step <= 0:
        raise ValueError(f"need 0 <= start <= stop <= 1 and step > 0, got {start}, {stop}, {step}")
    return np.round(np.arange(start, stop + step / 2, step), 6).tolist()


def summary(rows: Sequence[dict], max_dice_drop: float = 0.01) -> dict:
    """Best phi, and the cheapest phi within ``max_dice_drop`` of its Dice with the FLOPs it saves."""
    best = select_phi(rows)
    cheap = select_phi(rows, max_dice_drop=max_dice_drop)
    return {
        "best": best,
        "cheapest_within_drop": cheap,
        "max_dice_drop": max_dice_drop,
        "flops_saved_vs_best": 1 - cheap["gflops"] / best["gflops"],
    }


def write_sweep(rows: Sequence[dict], labels: Sequence[str], output_dir: str | Path, method: str = "sshn") -> dict:
    """sweep.csv, sweep.json (rows, summary, hardware) and the three figures in ``output_dir``."""
    output_dir = Path(output_dir)
    latency_columns = [key for key in rows[0] if key.startswith("latency_ms")]
    header = ["phi", "mean_dice", *labels, "gflops", "parameters", *latency_columns]
    lines = [",".join(header)]
    for row in rows:
        values = [row["phi"], row["mean_dice"], *row["per_label"], row["gflops"], row["parameters"]]
        lines.append(",".join(f"{v:.6g}" for v in values + [row[key] for key in latency_columns]))
    write_atomically(output_dir / "sweep.csv", "\n".join(lines) + "\n")
    report = {
        "method": method,
        "labels": list(labels),
        "hardware": hardware(),
        "summary": summary(rows),
        "rows": list(rows),
    }
    write_atomically(output_dir / "sweep.json", json.dumps(report, indent=2))
    plot_sweeps({method: rows}, labels, output_dir)
    print(f"phi sweep written to {output_dir.resolve()}")
    return report


def overlay_sweeps(paths: Sequence[str | Path], output_dir: str | Path) -> dict[str, list[dict]]:
    """The three figures with every method's curve in one plot, from sweep.json files of one dataset.

    Files of one method are merged (e.g. one Fixed network per phi, each swept at its own phi) and
    sorted by phi. Files with other labels are refused: their curves would not be comparable.
    """
    sweeps: dict[str, list[dict]] = {}
    labels = None
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"sweep {path} does not exist")
        report = json.loads(path.read_text())
        if labels is not None and report["labels"] != labels:
            raise ValueError(f"sweep {path} has labels {report['labels']}, the others {labels}: not one dataset")
        labels = report["labels"]
        sweeps.setdefault(report["method"], []).extend(report["rows"])
    if labels is None:
        raise ValueError("no sweep given")
    sweeps = {method: sorted(rows, key=lambda row: row["phi"]) for method, rows in sweeps.items()}
    plot_sweeps(sweeps, labels, output_dir)
    return sweeps
