"""Sweeping phi: Dice, FLOPs, parameters and measured latency of the deployed network at each phi."""

from collections.abc import Iterable, Sequence

import torch
import torch.distributed as dist
from torch import nn
from tqdm import tqdm

from bundle.export import deployed_network
from bundle.flops import count_flops, parameter_count
from bundle.perf.latency import median_latency_ms
from bundle.segmentation.evaluation import segment_dice


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def sweep(
    network: nn.Module,
    data: Iterable[dict],
    phis: Sequence[float],
    num_classes: int,
    input_shape: Sequence[int],
    device: torch.device | str = "cpu",
    latency_batch: int = 16,
    repeats: int = 10,
) -> list[dict]:
    """One row per phi: Dice (mean over foreground labels and per label), GFLOPs, parameters, latency.

    The conditioning network runs once per phi (the network is deployed first), then every
    batch of ``data`` (dicts with "image", "label") is segmented. GFLOPs and latency are per
    forward pass on ``input_shape`` (1, C, *spatial), latency also at batch ``latency_batch``,
    measured on ``device`` as medians of ``repeats``.

    Under torch.distributed (torchrun, ``configs/multi_gpu_sweep.json``) each rank sweeps every
    world-size-th phi and every rank returns all rows, sorted by phi.
    """
    rows = []
    mine = list(phis)[dist.get_rank() :: dist.get_world_size()] if _distributed() else list(phis)
    for phi in tqdm(mine, desc="phi sweep", unit="phi"):
        deployed = deployed_network(network, float(phi)).to(device)
        table = segment_dice(deployed, data, num_classes, device)
        batch_shape = (latency_batch, *input_shape[1:])
        rows.append(
            {
                "phi": float(phi),
                "mean_dice": table["mean"],
                "per_label": table["per_label"],
                "gflops": count_flops(deployed, input_shape) / 1e9,
                "parameters": parameter_count(deployed),
                "latency_ms": median_latency_ms(deployed, input_shape, repeats),
                f"latency_ms_batch{latency_batch}": median_latency_ms(deployed, batch_shape, repeats),
            }
        )
    if _distributed():
        shards: list[list[dict]] = [[] for _ in range(dist.get_world_size())]
        dist.all_gather_object(shards, rows)
        rows = sorted((row for shard in shards for row in shard), key=lambda row: row["phi"])
    return rows
