"""The clinician's path end to end (read, preprocess, network, invert, write), at several precisions side by side.

Each round segments the same files once per precision in turn (the order rotating), through
:func:`bundle.segmentation.folder.segment`, the function scripts/segment.py runs; the median round time per
precision and the Dice of its label maps against the reference labels tell whether a faster precision keeps the
accuracy.
"""

import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from monai.transforms import LoadImage
from torch import nn

from bundle.data.transforms import label_map_name, wbc_labels
from bundle.export import deployed_network
from bundle.perf.precision import with_precision
from bundle.segmentation.folder import segment


def mean_dice(prediction: np.ndarray, label: np.ndarray, num_classes: int) -> float:
    """Mean foreground Dice of two label maps of one shape (a class absent from both scores 1)."""
    scores = []
    for value in range(1, num_classes):
        p, t = prediction == value, label == value
        total = p.sum() + t.sum()
        scores.append(1.0 if total == 0 else 2.0 * (p & t).sum() / total)
    return float(np.mean(scores))


def _dice_of_folder(output: Path, items: Sequence[dict], dataset: str, num_classes: int) -> float:
    load = LoadImage(image_only=True)
    scores = []
    for item in items:
        prediction = np.asarray(load(str(output / label_map_name(item["image"], dataset)))).squeeze()
        label = np.asarray(load(item["label"])).squeeze()
        if dataset == "wbc":  # masks hold 0 / 128 / 255: to 0 / 1 / 2 as training reads them
            label = wbc_labels(torch.as_tensor(label)).numpy()
        scores.append(mean_dice(prediction, label, num_classes))
    return float(np.mean(scores))


def _link(image: str, folder: Path, number: int) -> str:
    link = folder / f"{number:04d}_{Path(image).name}"
    link.symlink_to(Path(image).resolve())
    return str(link)


def segment_side_by_side(
    network: nn.Module,
    items: Sequence[dict],
    dataset: str,
    spatial_size: Sequence[int],
    in_channels: int,
    num_classes: int,
    phi: float,
    precisions: Sequence[str] = ("fp32", "auto"),
    rounds: int = 3,
) -> list[dict]:
    """One row per precision: median seconds to segment every image of ``items`` (dicts with "image" and
    "label" paths) over ``rounds`` rounds, the precision "auto" chose, mean Dice against the labels, and the
    speed-up against the first precision. "auto" is timed with its choice cached (its one-off timing,
    seconds, is reported apart as ``calibration_s``)."""
    deployed = deployed_network(network, phi)
    shape = (1, in_channels, *spatial_size)
    ready: dict[str, tuple[nn.Module, str]] = {}
    rows: list[dict[str, Any]] = []
    for precision in precisions:
        start = time.perf_counter()
        ready[precision] = with_precision(deployed, precision, shape)
        calibration = time.perf_counter() - start
        rows.append({"precision": precision, "runs_as": ready[precision][1], "calibration_s": calibration})
    order = list(precisions)
    seconds: dict[str, list[float]] = {precision: [] for precision in precisions}
    with tempfile.TemporaryDirectory() as folder:
        # Inputs as numbered links: a split may hold one name twice (WBC's two source folders both have 062.bmp).
        (Path(folder) / "in").mkdir()
        items = [{**item, "image": _link(item["image"], Path(folder) / "in", i)} for i, item in enumerate(items)]
        files = [item["image"] for item in items]
        for round_ in range(rounds):
            for precision in order[round_ % len(order) :] + order[: round_ % len(order)]:
                output = Path(folder) / precision
                start = time.perf_counter()
                run = segment(ready[precision][0], files, dataset, spatial_size, output, "cpu", in_channels)
                seconds[precision].append(time.perf_counter() - start)
                if run.failed:
                    raise RuntimeError(f"{len(run.failed)} images failed at {precision}: {run.failed[:2]}")
        for row in rows:
            row["seconds"] = statistics.median(seconds[row["precision"]])
            row["mean_dice"] = _dice_of_folder(Path(folder) / row["precision"], items, dataset, num_classes)
    for row in rows:
        row["speedup"] = rows[0]["seconds"] / row["seconds"]
    return rows
