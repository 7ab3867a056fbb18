"""The phi sweep for registration: Dice (mean, std over pairs), folding, GFLOPs and latency per phi.

Rows follow ``bundle.segmentation.sweep.sweep``'s layout (phi, mean_dice, per_label, gflops,
parameters, latency_ms), so ``bundle.pareto.report.write_sweep`` writes them with the same CSV,
JSON, figures and Pareto summary; per-label Dice is left empty (about 100 brain labels).
"""

from collections.abc import Iterable, Sequence

import torch
from tqdm import tqdm

from bundle.flops import count_flops, parameter_count
from bundle.perf.latency import median_latency_ms
from bundle.registration.engine import RegistrationMetric, register_batch
from bundle.registration.network import RegistrationNet


def deployed_row(
    deployed: RegistrationNet,
    data: Iterable[dict],
    num_classes: int,
    device: torch.device | str = "cpu",
    input_shape: Sequence[int] | None = None,
) -> dict:
    """Accuracy and cost of one deployed network (``RegistrationNet.materialize(phi)``) on every pair of ``data``.

    Returns ``summarize``'s keys (mean_dice: mean over pairs of the per-pair label Dice, std_dice,
    nonpositive_jacobian: mean folding fraction, pairs, dice_per_pair), "affine_dice" (the pairs
    before registration), "per_label" (empty) and "gflops" (2 per multiply-add, every pass of the
    U-Net when ``deployed.cascades > 1``; the warp is interpolation, not counted) for ``input_shape``
    (1, 2, *spatial), by default that of the data's first pair.
    """
    deployed = deployed.to(device)
    key = 0.0  # the metric's table is keyed by phi; a deployed network runs at its own one
    metric = RegistrationMetric([key], num_classes)
    metric.reset()
    first_shape = None
    for batch in data:
        first_shape = first_shape or (1, *batch["image"].shape[1:])
        output = register_batch(deployed, batch, [None], device)  # None: the deployed network's own phi
        preds, ddf = {key: output["preds"][None]}, {key: output["ddf"][None]}
        metric.update((preds, ddf, output["label"], output["moving_label"]))
    if first_shape is None:
        raise ValueError("the registration sweep got no pairs")
    metric.compute()
    return {
        **metric.table[key],
        "affine_dice": metric.table["affine"]["mean_dice"],
        "per_label": [],
        "gflops": count_flops(deployed, input_shape or first_shape) / 1e9,
    }


def sweep(
    network: RegistrationNet,
    data: Iterable[dict],
    phis: Sequence[float],
    num_classes: int,
    device: torch.device | str = "cpu",
    repeats: int = 5,
) -> list[dict]:
    """One row per phi for the network deployed at that phi (hypernetwork or FiLM MLP left out).

    Each row is ``deployed_row``'s, plus the deployed network's parameter count and latency (median
    of ``repeats``, one pair, U-Net + warp) for the input shape of the data's first pair.
    """
    first = next(iter(data), None)
    if first is None:
        raise ValueError("the registration sweep got no pairs")
    input_shape = (1, *first["image"].shape[1:])
    rows = []
    for phi in tqdm(list(phis), desc="phi sweep", unit="phi"):
        deployed = network.materialize(float(phi)).to(device)
        row = {"phi": float(phi), **deployed_row(deployed, data, num_classes, device, input_shape)}
        row["parameters"] = parameter_count(deployed)
        row["latency_ms"] = median_latency_ms(deployed, input_shape, repeats)
        rows.append(row)
    return rows
