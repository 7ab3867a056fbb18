"""The Pareto frontier of a phi sweep, and choosing phi under a budget."""

from collections.abc import Sequence


def pareto_frontier(rows: Sequence[dict], cost: str = "gflops", score: str = "mean_dice") -> list[dict]:
    """Rows that no other row beats on both: lower or equal ``cost`` and higher ``score`` (sorted by cost)."""
    frontier, best = [], float("-inf")
    for row in sorted(rows, key=lambda r: (r[cost], -r[score])):
        if row[score] > best:
            frontier.append(row)
            best = row[score]
    return frontier


def select_phi(
    rows: Sequence[dict],
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
) -> dict:
    """The row to deploy, under at most one constraint.

    - ``max_gflops`` / ``max_latency_ms``: the most accurate phi whose cost is within the budget.
    - ``max_dice_drop``: the cheapest phi (fewest GFLOPs) whose Dice is within that drop of the best.
    - none: the most accurate phi.
    Raises ValueError naming the cheapest option when nothing meets the budget.
    """
    given = {k: v for k, v in {"max_gflops": max_gflops, "max_latency_ms": max_latency_ms}.items() if v is not None}
    if len(given) + (max_dice_drop is not None) > 1:
        raise ValueError("give at most one of max_gflops, max_latency_ms, max_dice_drop")
    if not rows:
        raise ValueError("the sweep has no rows")
    if max_dice_drop is not None:
        best = max(row["mean_dice"] for row in rows)
        within = [row for row in rows if row["mean_dice"] >= best - max_dice_drop]
        return min(within, key=lambda row: (row["gflops"], -row["mean_dice"]))
    if not given:
        return max(rows, key=lambda row: row["mean_dice"])
    (name, budget), column = next(iter(given.items())), "gflops" if max_gflops is not None else "latency_ms"
    feasible = [row for row in rows if row[column] <= budget]
    if not feasible:
        cheapest = min(rows, key=lambda row: row[column])
        raise ValueError(
            f"no phi meets {name}={budget}: the cheapest, phi={cheapest['phi']:g}, needs {cheapest[column]:.4g}"
        )
    return max(feasible, key=lambda row: (row["mean_dice"], -row[column]))
