"""Latency of one forward pass, timed as the other measurements are (interleaved, median)."""

from collections.abc import Sequence

import torch
from torch import nn

from bundle.perf.interleave import interleaved_runs


def median_latency_ms(network: nn.Module, input_shape: Sequence[int], repeats: int = 10, warmup: int = 1) -> float:
    """Median wall time of one forward pass on ``input_shape`` (N, C, *spatial), in milliseconds."""
    parameter = next(network.parameters())
    x = torch.randn(tuple(input_shape), device=parameter.device)
    with torch.no_grad():
        return interleaved_runs({"network": lambda _: network(x)}, repeats, warmup, parameter.device)["network"]["ms"]
