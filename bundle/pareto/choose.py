"""Choosing the phi to run at: given directly, or the best row of a sweep under one budget."""

import json
from pathlib import Path

from bundle.nets.resize import check_phi
from bundle.pareto.select import select_phi
from bundle.perf.local_latency import LatencyHere


def choose_phi(
    phi: float | None = None,
    sweep: str | Path | None = None,
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
    latency: LatencyHere | None = None,
) -> tuple[float, dict | None]:
    """phi given directly, or chosen from a sweep's rows under one budget; also the sweep row, if any.

    ``latency``: with ``max_latency_ms``, the latencies are measured on this machine by it wherever the sweep's
    hardware is another (the Dice column still comes from the sweep); None keeps the sweep's latencies.
    """
    budgets = {"max_gflops": max_gflops, "max_latency_ms": max_latency_ms, "max_dice_drop": max_dice_drop}
    for name, value in budgets.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0):
            raise ValueError(f"--{name} must be a number >= 0, got {value!r}")
    if phi is not None and any(v is not None for v in budgets.values()):
        raise ValueError("give either --phi or a budget (--max_gflops, --max_latency_ms, --max_dice_drop), not both")
    if sweep is None or not Path(sweep).is_file():
        if phi is None and any(v is not None for v in budgets.values()):
            raise FileNotFoundError(f"choosing phi by a budget needs a sweep: {sweep} does not exist")
        return (0.5 if phi is None else check_phi(phi)), None
    document = json.loads(Path(sweep).read_text())
    rows = document["rows"]
    if max_latency_ms is not None and latency is not None:
        rows = latency.rows_here(rows, document.get("hardware"))
    if phi is not None:
        phi = check_phi(phi)
        return phi, min(rows, key=lambda row: abs(row["phi"] - phi)) if rows else None
    row = select_phi(rows, **budgets)
    return row["phi"], row
