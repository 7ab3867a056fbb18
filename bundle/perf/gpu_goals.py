"""Every speed goal of the project for a GPU, measured in one go: each goal's value beside its target.

The goals (issue 20; docs/performance.md): the SSHN's training step costs at most 5 % more than a plain
U-Net's; the deployed 2D network answers one 160x192 image in at most 0.5 ms; its fastest execution precision
gives at least 3x fp32 eager's throughput at batch 64; and at least 1.5x on a 128^3 volume. Beside them,
latency against FLOPs per phi (no target: does a smaller phi buy time on this device?). Every figure is a
median of interleaved runs (:mod:`bundle.perf.interleave`), so ratios are measured under the same load.
``TINY`` runs the same code on small sizes, so that a CPU test checks the command end to end.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from bundle.export import deployed_network
from bundle.flops import count_flops
from bundle.nets.factory import build_network
from bundle.nets.unet import PhiUNet
from bundle.perf.inference_speed import FastNetwork, interleaved_latency_ms, precision_parts
from bundle.perf.step_time import interleaved_step_ms


@dataclass(frozen=True)
class GoalSizes:
    """What the goals are measured on.

    Attributes:
        steps: (name, input shape (N, C, *spatial)) of each training-step ratio.
        latency: the 2D batch-1 input of the latency goal; ``batch``: the 2D throughput input;
            ``volume``: the 3D input; ``features``: the U-Nets' width; ``hidden``: the SSHN's hypernetwork.
        phi: the deployed networks' phi; ``phis``: those of the latency-against-FLOPs rows.
    """

    steps: tuple[tuple[str, tuple[int, ...]], ...]
    latency: tuple[int, ...]
    batch: tuple[int, ...]
    volume: tuple[int, ...]
    features: int
    hidden: tuple[int, ...] = (10, 16)
    phi: float = 0.5
    phis: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5)


GPU = GoalSizes(
    steps=(
        ("2D 160x192 batch 64", (64, 1, 160, 192)),
        ("3D 48x64x48 batch 16", (16, 1, 48, 64, 48)),
        ("3D 128^3 batch 2", (2, 1, 128, 128, 128)),
    ),
    latency=(1, 1, 160, 192),
    batch=(64, 1, 160, 192),
    volume=(1, 1, 128, 128, 128),
    features=32,
)
TINY = GoalSizes(
    steps=(("2D 20x24 batch 2", (2, 1, 20, 24)), ("3D 12x10x8 batch 1", (1, 1, 12, 10, 8))),
    latency=(1, 1, 20, 24),
    batch=(4, 1, 20, 24),
    volume=(1, 1, 12, 10, 8),
    features=4,
    hidden=(4, 8),
)
# Tried for "the fastest precision"; "compiled" runs CUDA graphs on a GPU (bundle.perf.inference_speed).
GPU_PRECISIONS = ("fp32", "bf16", "channels_last+bf16", "compiled", "channels_last+bf16+compiled")


def _goal(goal: str, value: float, target: float, at_most: bool, unit: str, **detail) -> dict:
    passed = value <= target if at_most else value >= target
    return {
        "goal": goal,
        "value": value,
        "target": target,
        "at_most": at_most,
        "unit": unit,
        "passed": passed,
        **detail,
    }


def step_goals(sizes: GoalSizes, device: str, repeats: int) -> list[dict]:
    """SSHN step / Stochastic U-Net step (Adam, fp32) for each of ``sizes.steps``: at most 1.05."""
    rows = []
    for name, shape in sizes.steps:
        dims = len(shape) - 2
        networks = {
            "stochastic": build_network("stochastic", dims, shape[1], 3, sizes.features),
            "sshn": build_network("sshn", dims, shape[1], 3, sizes.features, hidden=sizes.hidden),
        }
        measured = interleaved_step_ms(networks, shape, 3, repeats=repeats, device=device)
        ratio = measured["sshn"]["step_ms"] / measured["stochastic"]["step_ms"]
        detail = {"sshn_ms": measured["sshn"]["step_ms"], "plain_ms": measured["stochastic"]["step_ms"]}
        rows.append(_goal(f"training step SSHN / plain, {name}", ratio, 1.05, True, "x", **detail))
    return rows


def _deployed(sizes: GoalSizes, dims: int, in_channels: int, phi: float, device: str) -> PhiUNet:
    sshn = build_network("sshn", dims, in_channels, 3, sizes.features, hidden=sizes.hidden)
    return deployed_network(sshn, phi).to(device).eval()


def _precision_times(
    network: PhiUNet, shape: Sequence[int], precisions: Sequence[str], repeats: int
) -> dict[str, float]:
    fast = {precision: FastNetwork(network, precision).eval() for precision in precisions}
    return {precision: row["ms"] for precision, row in interleaved_latency_ms(fast, shape, repeats, warmup=3).items()}


def inference_goals(sizes: GoalSizes, device: str, repeats: int, precisions: Sequence[str]) -> list[dict]:
    """The deployed network at ``sizes.phi``: 2D batch-1 latency of the fastest precision (at most 0.5 ms), its
    2D batch throughput and its 3D volume speed against fp32 eager (at least 3x and 1.5x)."""
    network_2d = _deployed(sizes, 2, sizes.latency[1], sizes.phi, device)
    rows = []
    single = _precision_times(network_2d, sizes.latency, precisions, repeats)
    best = min(single, key=single.__getitem__)
    detail = {"precision": best, "fp32_ms": single["fp32"], "ms_by_precision": single}
    rows.append(_goal(f"2D batch 1 latency {sizes.latency}", single[best], 0.5, True, "ms", **detail))
    for name, network, shape, target in (
        (f"2D batch {sizes.batch[0]} throughput", network_2d, sizes.batch, 3.0),
        (f"3D volume {sizes.volume}", _deployed(sizes, 3, sizes.volume[1], sizes.phi, device), sizes.volume, 1.5),
    ):
        times = _precision_times(network, shape, precisions, repeats)
        best = min(times, key=times.__getitem__)
        detail = {"precision": best, "fp32_ms": times["fp32"], "ms_by_precision": times}
        rows.append(_goal(f"{name}, fastest / fp32 eager", times["fp32"] / times[best], target, False, "x", **detail))
    return rows


def latency_against_flops(sizes: GoalSizes, device: str, repeats: int) -> list[dict]:
    """For each of ``sizes.phis``, fp32 latency at the 2D batch size and GFLOPs, each relative to the largest phi."""
    networks = {phi: _deployed(sizes, 2, sizes.batch[1], phi, device) for phi in sizes.phis}
    times = {phi: row["ms"] for phi, row in interleaved_latency_ms(networks, sizes.batch, repeats, warmup=3).items()}
    gflops = {phi: count_flops(network, sizes.batch) / 1e9 for phi, network in networks.items()}
    top = max(sizes.phis)
    return [
        {
            "phi": phi,
            "gflops": gflops[phi],
            "ms": times[phi],
            "flops_ratio": gflops[phi] / gflops[top],
            "latency_ratio": times[phi] / times[top],
        }
        for phi in sizes.phis
    ]


def check_precisions(precisions: Sequence[str]) -> list[str]:
    """``precisions`` as a list, each a name :class:`~bundle.perf.inference_speed.FastNetwork` runs, fp32 (the
    reference of the speed-ups) among them; a ValueError naming the problem otherwise."""
    if not isinstance(precisions, list | tuple) or not all(isinstance(v, str) for v in precisions):
        raise ValueError(f"--precisions must be a list of precision names, got {precisions!r}")
    for precision in precisions:
        precision_parts(precision)
    if "fp32" not in precisions:
        raise ValueError(f"the precisions must include fp32, the reference of the speed-ups; got {list(precisions)}")
    return list(precisions)


def measure_goals(
    sizes: GoalSizes = GPU, device: str = "cuda", repeats: int = 20, precisions: Sequence[str] = GPU_PRECISIONS
) -> dict:
    """Every goal ("goals": rows with value, target, passed) and the latency-against-FLOPs rows ("flops")."""
    precisions = check_precisions(precisions)
    torch.manual_seed(0)
    goals = step_goals(sizes, device, repeats) + inference_goals(sizes, device, repeats, precisions)
    return {"goals": goals, "flops": latency_against_flops(sizes, device, repeats)}
