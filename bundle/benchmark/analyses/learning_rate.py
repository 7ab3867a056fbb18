"""Each method's learning rate, chosen on the validation split from one grid (a fair comparison of methods)."""

import math
from collections.abc import Mapping, Sequence

from bundle.benchmark.runs import RunSpec


def _score(result: dict) -> float:
    """A run's best validation Dice; a run that never validated, or diverged to NaN, ranks last."""
    value = result.get("best_val_dice")
    return value if isinstance(value, int | float) and math.isfinite(value) else -math.inf


def choose_learning_rates(runs: Mapping[str, Sequence[RunSpec]], results: Mapping[str, dict]) -> dict:
    """Per method, the learning rate of its run with the best validation Dice.

    ``runs``: method -> its runs on the grid (one learning rate each, in ``overrides["lr"]``); ``results``:
    run name -> its result (a run without one is left out, a method without any too). Returns
    {"validation_dice": method -> [{"lr", "dice", "epochs"}], "chosen": method -> lr}; ties go to the
    smaller learning rate.
    """
    table, chosen = {}, {}
    for method, specs in runs.items():
        rows = [
            {"lr": spec.overrides["lr"], "dice": _score(results[spec.name]), "epochs": results[spec.name]["epochs"]}
            for spec in sorted(specs, key=lambda spec: spec.overrides["lr"])
            if spec.name in results
        ]
        if not rows:
            continue
        table[method] = [{**row, "dice": None if row["dice"] == -math.inf else row["dice"]} for row in rows]
        chosen[method] = max(rows, key=lambda row: row["dice"])["lr"]
    return {"validation_dice": table, "chosen": chosen}
