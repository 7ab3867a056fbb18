"""Choosing how a deployed network runs for a clinician's folder: fp32, bf16 or channels-last, or the fastest of
them on this machine ("auto").

docs/performance.md measured bf16 autocast 2.3 to 3.9x faster than fp32 eager on our CPU with the same Dice;
whether it is faster depends on the processor (bf16 instructions), so "auto" times the candidates here on the
network's input size, once, and keeps the answer (:func:`bundle.perf.cache.measured_here`).
"""

import logging
from collections.abc import Sequence

import torch
from torch import nn

from bundle.data.validation import exit_on_bad_input
from bundle.export import deployed_network
from bundle.nets.unet import PhiUNet
from bundle.perf.cache import measured_here
from bundle.perf.inference_speed import FastNetwork, interleaved_latency_ms

logger = logging.getLogger(__name__)

PRECISIONS = ("auto", "fp32", "bf16", "channels_last")
# What "auto" chooses among; torch.compile is left out: minutes of compiling per phi and input size.
CANDIDATES = ("fp32", "bf16", "channels_last")


def fastest_precision(
    network: PhiUNet, input_shape: Sequence[int], device: torch.device | str = "cpu", repeats: int = 5
) -> str:
    """The fastest of :data:`CANDIDATES` for ``network`` (deployed at one phi) on inputs of ``input_shape``
    (1, C, *spatial) on this machine: medians of interleaved passes; fp32 unless another is faster, and fp32
    where a candidate fails to run here (e.g. no bf16 support)."""

    def measure() -> str:
        runnable = {"fp32": FastNetwork(network, "fp32").eval()}
        probe = torch.zeros(tuple(input_shape), device=device)
        for precision in CANDIDATES[1:]:
            candidate = FastNetwork(network, precision).eval()
            try:
                with torch.no_grad():
                    candidate(probe)
            except RuntimeError:  # this device or build cannot run it
                continue
            runnable[precision] = candidate
        times = interleaved_latency_ms(runnable, input_shape, repeats)
        return min(times, key=lambda precision: (times[precision]["ms"], precision != "fp32"))

    return measured_here("precision", network, str(device), [list(input_shape), list(CANDIDATES)], measure)


def with_precision(
    network: PhiUNet, precision: str, input_shape: Sequence[int], device: torch.device | str = "cpu"
) -> tuple[nn.Module, str]:
    """``network`` (deployed at one phi, on ``device``) wrapped to run at ``precision`` (one of
    :data:`PRECISIONS`; "auto": :func:`fastest_precision`), and the precision it runs at."""
    if precision not in PRECISIONS:
        raise ValueError(f"--precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    chosen = fastest_precision(network, input_shape, device) if precision == "auto" else precision
    return (network if chosen == "fp32" else FastNetwork(network, chosen).eval()), chosen


def deployed_with_precision(
    network: nn.Module,
    phi: float | Sequence[float],
    precision: str,
    in_channels: int,
    spatial_size: Sequence[int],
    device: torch.device | str = "cpu",
) -> nn.Module:
    """The inference config's network: ``network`` (any method, its weights loaded) deployed at ``phi`` (one, or one
    per resizing level; :func:`bundle.export.deployed_network`) and run at ``precision`` (:func:`with_precision`;
    "auto" is timed on a (1, ``in_channels``, *``spatial_size``) input, the training size). Logs the precision."""
    deployed, chosen = with_precision(
        deployed_network(network, phi).to(device), precision, (1, in_channels, *spatial_size), device
    )
    logger.info("phi %s, precision %s", phi, chosen)
    return deployed


# configs/inference.json: an unknown precision is one line and exit status 2, not the parser's traceback.
checked_deployed_with_precision = exit_on_bad_input(deployed_with_precision)
