"""Time per pair of the deployed registration network at each phi against SimpleITK demons, measured side
by side (``scripts/benchmark_speed.py registration``)."""

from collections.abc import Callable, Sequence

import numpy as np
import torch

from bundle.perf.interleave import interleaved_runs
from bundle.registration.baseline import demons
from bundle.registration.data import PairDataset, label_ids, split_subjects
from bundle.registration.inference import load_registration_network


def registration_speed_rows(
    ckpt: str,
    grid_dir: str,
    settings: dict,
    phis: Sequence[float],
    sigma: float,
    iterations: int,
    pairs: int,
    repeats: int,
    slices: Sequence[int] | None,
) -> tuple[list[dict], int]:
    """Rows ``{"action", "ms", "demons_x"}``: the median ms per pair of the network of ``ckpt`` (built from
    ``settings``, ``load_registration_network``'s) materialized at each phi, and of demons (``sigma``,
    ``iterations``); ``demons_x`` is demons' time over the action's. The first ``pairs`` test pairs (split
    seed 0; 2D coronal ``slices``, or 3D with None) are cycled through, one per round. Also returns the
    number of pairs used."""
    ids = label_ids(grid_dir)
    dataset = PairDataset(grid_dir, split_subjects(grid_dir, "test", 0), ids, slices)
    items = [dataset[index] for index in range(min(pairs, len(dataset)))]
    network = load_registration_network(ckpt, settings)
    deployed = {f"network phi {phi:g}": network.materialize(phi) for phi in phis}

    def network_pass(net: torch.nn.Module) -> Callable[[int], object]:
        return lambda round_: net(items[round_ % len(items)]["image"][None])

    def demons_pass(round_: int) -> np.ndarray:
        moving, fixed = items[round_ % len(items)]["image"].numpy()  # image: [moving, fixed]
        return demons(moving, fixed, iterations=iterations, sigma=sigma)

    actions = {name: network_pass(net) for name, net in deployed.items()}
    actions["demons"] = demons_pass
    with torch.inference_mode():
        measured = interleaved_runs(actions, repeats, warmup=1)
    rows = [
        {"action": name, "ms": result["ms"], "demons_x": measured["demons"]["ms"] / result["ms"]}
        for name, result in measured.items()
    ]
    return rows, len(items)
