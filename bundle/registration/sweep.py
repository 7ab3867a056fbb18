"""The phi sweep for registration: Dice (mean, std over pairs), folding, GFLOPs and latency per phi.

Rows follow ``bundle.pareto.sweep.sweep``'s layout (phi, mean_dice, per_label, gflops,
parameters, latency_ms), so ``bundle.pareto.report.write_sweep`` writes them with the same CSV,
JSON, figures and Pareto summary; per-label Dice is left empty (about 100 brain labels).
"""

from collections.abc import Iterable, Sequence

import torch
from tqdm import tqdm

from bundle.flops import count_flops
from bundle.pareto.sweep import median_latency_ms
from bundle.registration.engine import RegistrationMetric, register_batch
from bundle.registration.network import RegistrationNet


def sweep(
    network: RegistrationNet,
    data: Iterable[dict],
    phis: Sequence[float],
    num_classes: int,
    device: torch.device | str = "cpu",
    repeats: int = 5,
) -> list[dict]:
    """One row per phi for the network deployed at that phi (hypernetwork or FiLM MLP left out).

    GFLOPs (2 per multiply-add, U-Net only: the warp is interpolation, not counted) and latency
    (median of ``repeats``, one pair, U-Net + warp) are for the input shape of the data's first pair.
    """
    rows = []
    for phi in tqdm(list(phis), desc="phi sweep", unit="phi"):
        deployed = network.materialize(float(phi)).to(device)
        metric = RegistrationMetric([float(phi)], num_classes)
        metric.reset()
        input_shape = None
        for batch in data:
            input_shape = input_shape or (1, *batch["image"].shape[1:])
            output = register_batch(deployed, batch, [None], device)  # None: the deployed network's own phi
            preds, ddf = {float(phi): output["preds"][None]}, {float(phi): output["ddf"][None]}
            metric.update((preds, ddf, output["label"], output["moving_label"]))
        if input_shape is None:
            raise ValueError("the registration sweep got no pairs")
        metric.compute()
        rows.append(
            {
                "phi": float(phi),
                **metric.table[float(phi)],
                "affine_dice": metric.table["affine"]["mean_dice"],
                "per_label": [],
                "gflops": count_flops(deployed, input_shape) / 1e9,
                "parameters": sum(p.numel() for p in deployed.parameters()),
                "latency_ms": median_latency_ms(deployed, input_shape, repeats),
            }
        )
    return rows
