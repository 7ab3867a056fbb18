"""The paper's tables from finished runs: test Dice per method and phi over seeds (Table 1), training time (Table 3)."""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence

PAPER_FIXED_NETWORKS = 11  # the paper's Fixed set: phi = 0, 0.05, ..., 0.5


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def dice_table(results: Iterable[dict]) -> list[dict]:
    """One row per (method, phi): test Dice mean and std over seeds, seed count, GFLOPs and, where the test
    rows have it (registration's "nonpositive_jacobian"), "folding": its mean over seeds (else None).

    Fixed networks (one per phi) form one method, "fixed", each at its own phi.
    """
    dice, gflops, folding = defaultdict(list), {}, defaultdict(list)
    for result in results:
        for row in result["rows"]:
            key = (result["method"], row["phi"])
            dice[key].append(row["mean_dice"])
            gflops[key] = row["gflops"]
            if "nonpositive_jacobian" in row:
                folding[key].append(row["nonpositive_jacobian"])
    table = []
    for (method, phi), values in sorted(dice.items()):
        mean, std = _mean_std(values)
        table.append(
            {
                "method": method,
                "phi": phi,
                "dice": mean,
                "std": std,
                "seeds": len(values),
                "gflops": gflops[(method, phi)],
                "folding": statistics.fmean(folding[(method, phi)]) if folding[(method, phi)] else None,
            }
        )
    return table


def time_table(results: Iterable[dict]) -> list[dict]:
    """Training wall time per method in minutes (mean and std over seeds, with epochs), and the Fixed set's.

    The Fixed set is every Fixed network of one seed together (the paper's Table 3 row), measured for
    the phis that were trained and scaled to the paper's 11 networks by the mean time of one.
    """
    minutes, epochs = defaultdict(list), defaultdict(list)
    fixed_set: dict[int, list[float]] = defaultdict(list)
    for result in results:
        minutes[result["method"]].append(result["train_seconds"] / 60)
        epochs[result["method"]].append(result["epochs"])
        if result["method"] == "fixed":
            fixed_set[result["seed"]].append(result["train_seconds"] / 60)
    table = []
    for method in sorted(minutes):
        mean, std = _mean_std(minutes[method])
        table.append(
            {
                "method": method,
                "minutes": mean,
                "std": std,
                "runs": len(minutes[method]),
                "epochs": statistics.fmean(epochs[method]),
            }
        )
    if fixed_set:
        sums = [sum(times) for times in fixed_set.values()]
        count = statistics.fmean(len(times) for times in fixed_set.values())
        mean, std = _mean_std(sums)
        table.append(
            {
                "method": f"fixed set ({count:g} networks)",
                "minutes": mean,
                "std": std,
                "runs": len(sums),
                "epochs": statistics.fmean(epochs["fixed"]) * count,
            }
        )
        per_network, per_network_std = _mean_std(minutes["fixed"])
        table.append(
            {
                "method": f"fixed set (scaled to {PAPER_FIXED_NETWORKS})",
                "minutes": per_network * PAPER_FIXED_NETWORKS,
                "std": per_network_std * PAPER_FIXED_NETWORKS,
                "runs": len(minutes["fixed"]),
                "epochs": statistics.fmean(epochs["fixed"]) * PAPER_FIXED_NETWORKS,
            }
        )
    return table


def dice_at(table: Sequence[dict], method: str, phi: float) -> dict | None:
    """The row of ``method`` at ``phi`` (to 6 decimals), or None."""
    for row in table:
        if row["method"] == method and isinstance(row["phi"], float) and round(row["phi"], 6) == round(phi, 6):
            return row
    return None
