"""Two registration methods on the same pairs: the per-pair Dice difference, with a bootstrap interval.

The spread over pairs (std about 0.05 here) is mostly how hard each pair is, shared by every method; the
per-pair difference removes it, so it shows whether a gap of a few tenths of a point is consistent.
"""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def paired_difference(a: Sequence[float], b: Sequence[float], resamples: int = 10_000, seed: int = 0) -> dict:
    """Per-pair Dice ``a`` minus ``b`` (the same pairs in the same order).

    Returns "mean_difference" (mean of a - b over pairs, Dice units), "ci95" (2.5th and 97.5th
    percentiles of that mean over ``resamples`` bootstrap resamples of the pairs), "a_better" (the
    fraction of pairs where a > b) and "pairs". Ordered pairs that share a subject are not independent,
    so the interval is narrower than one over subjects would be: read it as "consistent over these
    pairs", not as a test over brains.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or not x.size:
        raise ValueError(f"expected two per-pair Dice lists of one nonzero length, got {x.shape} and {y.shape}")
    difference = x - y
    rng = np.random.default_rng(seed)
    means = difference[rng.integers(0, difference.size, (resamples, difference.size))].mean(axis=1)
    return {
        "mean_difference": float(difference.mean()),
        "ci95": [float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))],
        "a_better": float((difference > 0).mean()),
        "pairs": int(difference.size),
    }


def per_pair_dice(path: str | Path, key: str | float) -> list[float]:
    """The per-pair Dice of one row of a registration report (``registration.json`` of an evaluation or
    ``baseline.json``): the row whose phi is ``key`` (a number) or whose method is ``key`` (a name:
    "affine", "demons"). A file that is not such a report, or lacks that row, is one error naming it."""
    try:
        rows = json.loads(Path(path).read_text())["rows"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a registration report (JSON with a 'rows' list)") from error
    try:
        phi = float(key)
        matches = [row for row in rows if row["phi"] is not None and abs(row["phi"] - phi) < 1e-9]
    except ValueError:
        matches = [row for row in rows if row["method"] == key]
    if len(matches) != 1 or "dice_per_pair" not in matches[0]:
        found = [row["method"] if row["phi"] is None else row["phi"] for row in rows]
        raise ValueError(f"{path}: no single row {key!r} with per-pair Dice; its rows are {found}")
    return matches[0]["dice_per_pair"]
