"""Training-step time of SSHN against a plain (Stochastic) U-Net, measured side by side.

All networks see the same phi stream and the same batch, and their steps are interleaved (A, B,
then B, A, ...: the order rotates every round) so that a noisy machine slows all alike; the ratio
of the medians is the result.
"""

import statistics
import time
from collections.abc import Callable, Sequence

import torch
from torch import nn

from bundle.engine.phi_sampler import PhiPrior


def _synchronize(device: torch.device) -> Callable[[], None]:
    return torch.cuda.synchronize if device.type == "cuda" else (lambda: None)


def _step(network: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, phi: float) -> None:
    optimizer.zero_grad(set_to_none=True)
    nn.functional.cross_entropy(network(x, phi), y).backward()
    optimizer.step()


def interleaved_step_ms(
    networks: dict[str, nn.Module],
    input_shape: Sequence[int],
    num_classes: int,
    repeats: int = 10,
    warmup: int = 2,
    device: torch.device | str = "cpu",
    seed: int = 0,
) -> dict[str, dict]:
    """Median milliseconds of one Adam training step of each network, and its peak memory on CUDA.

    ``input_shape``: (N, C, *spatial) of the batch. Each round draws one phi from U(0, 0.5) and runs
    one step of every network on the same batch at that phi. Peak memory (MiB) is only measured on
    CUDA (``torch.cuda.max_memory_allocated`` around each network's own steps); None on CPU.
    """
    device = torch.device(device)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(tuple(input_shape), generator=generator).to(device)
    y = torch.randint(0, num_classes, (input_shape[0], *input_shape[2:]), generator=generator).to(device)
    prior, synchronize = PhiPrior(0.0, 0.5, seed=seed), _synchronize(device)
    optimizers = {name: torch.optim.Adam(net.to(device).parameters(), lr=1e-5) for name, net in networks.items()}
    times: dict[str, list[float]] = {name: [] for name in networks}
    peaks: dict[str, float | None] = dict.fromkeys(networks)
    for round_ in range(warmup + repeats):
        phi = float(prior.sample(round_))
        names = list(networks)
        shift = round_ % len(names)  # rotate who goes first: the first step of a round may pay for the others
        for name in names[shift:] + names[:shift]:
            network = networks[name]
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            synchronize()
            start = time.perf_counter()
            _step(network, optimizers[name], x, y, phi)
            synchronize()
            if round_ >= warmup:
                times[name].append((time.perf_counter() - start) * 1e3)
            if device.type == "cuda":
                peak = torch.cuda.max_memory_allocated(device) / 2**20
                peaks[name] = max(peaks[name] or 0.0, peak)
    return {name: {"step_ms": statistics.median(times[name]), "peak_mib": peaks[name]} for name in networks}
