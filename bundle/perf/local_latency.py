"""Latency of every candidate phi measured on this machine, for choosing phi by a latency budget.

A sweep's latencies hold for the machine it ran on (its ``hardware``). Where that is not this machine,
a latency budget must be met here: each phi's deployed network is timed on one input of the sweep's
size (no labels needed), and the times are cached per machine, weights and input size.
"""

import json
from collections.abc import Sequence
from typing import cast

import torch
from torch import nn
from tqdm import tqdm

from bundle.export import deployed_network
from bundle.nets.resize import level_sizes
from bundle.nets.unet import PhiUNet
from bundle.perf.cache import measured_here
from bundle.perf.hardware import hardware
from bundle.perf.latency import median_latency_ms


class LatencyHere:
    """Times the deployed network of ``network`` at given phis on this machine.

    Args:
        network: the phi-conditioned network (SSHN, or any network :func:`deployed_network` takes).
        input_shape: (1, C, *spatial), the size the sweep timed.
        device: where it runs.
        repeats: timed forward passes per phi (their median is kept).
    """

    def __init__(
        self, network: nn.Module, input_shape: Sequence[int], device: torch.device | str = "cpu", repeats: int = 5
    ) -> None:
        self.network, self.input_shape, self.device, self.repeats = network, tuple(input_shape), device, repeats

    def measure(self, phis: Sequence[float]) -> dict[float, float]:
        """phi -> median milliseconds per forward pass here, read from the cache where this machine, these
        weights, this input size and these phis were timed before."""

        def measure() -> list:
            # phis whose feature maps have the same size at every level run the same operations: timed once.
            groups: dict[str, list[float]] = {}
            for phi in sorted(float(phi) for phi in phis):
                groups.setdefault(json.dumps(self._level_sizes(phi)), []).append(phi)
            times: dict[float, float] = {}
            for group in tqdm(groups.values(), desc=f"timing each phi on {hardware()}", unit="size"):
                deployed = deployed_network(self.network, group[0]).to(self.device)
                times |= dict.fromkeys(group, median_latency_ms(deployed, self.input_shape, self.repeats))
            return list(times.items())

        details = [self.input_shape, sorted(float(phi) for phi in phis)]
        return {
            float(phi): ms for phi, ms in measured_here("latency", self.network, str(self.device), details, measure)
        }

    def _level_sizes(self, phi: float) -> list[list[int]]:
        primary = cast(PhiUNet, getattr(self.network, "primary", self.network))  # SSHN and FiLM wrap a PhiUNet
        return level_sizes(list(self.input_shape[2:]), primary.resolve_phi(phi))

    def rows_here(self, rows: Sequence[dict], sweep_hardware: str | None) -> list[dict]:
        """The sweep's ``rows`` with ``latency_ms`` measured on this machine where the sweep's hardware differs
        from it; each row says where its latency comes from (``latency_hardware``)."""
        here = hardware()
        if sweep_hardware == here:
            return [{**row, "latency_hardware": here} for row in rows]
        times = self.measure([row["phi"] for row in rows])
        return [{**row, "latency_ms": times[float(row["phi"])], "latency_hardware": here} for row in rows]
