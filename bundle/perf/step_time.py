"""Training-step time of SSHN against a plain (Stochastic) U-Net, measured side by side.

All networks see the same phi stream and the same batch, and their steps are interleaved
(:func:`bundle.perf.interleave.interleaved_runs`) so that a noisy machine slows all alike; the ratio
of the medians is the result.
"""

from collections.abc import Callable, Sequence

import torch
from torch import nn

from bundle.engine.param_groups import param_groups
from bundle.nets.phi_prior import PhiPrior
from bundle.perf.interleave import interleaved_runs


def _step(
    network: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, phi: float | list[float]
) -> None:
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
    prior = PhiPrior(0.0, 0.5, seed=seed)
    phis = [prior.sample(round_) for round_ in range(warmup + repeats)]  # one phi per round, for all
    # The training configs' optimizer: Adam over the parameter groups of bundle.engine.param_groups.
    optimizers = {name: torch.optim.Adam(param_groups(net.to(device), 1e-5), lr=1e-5) for name, net in networks.items()}

    def step(name: str) -> Callable[[int], None]:
        return lambda round_: _step(networks[name], optimizers[name], x, y, phis[round_])

    measured = interleaved_runs({name: step(name) for name in networks}, repeats, warmup, device)
    return {name: {"step_ms": row["ms"], "peak_mib": row["peak_mib"]} for name, row in measured.items()}
