"""Inference cost of a network at a given phi and input shape, counted by torch itself."""

from collections.abc import Sequence

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from bundle.nets.resize import level_sizes
from bundle.nets.unet import PhiUNet


def count_flops(network: nn.Module, input_shape: Sequence[int], phi: float | Sequence[float] | None = None) -> int:
    """FLOPs of one forward pass of ``network(x, phi)`` on a zero input of ``input_shape`` (N, C, *spatial).

    Counted by ``torch.utils.flop_counter.FlopCounterMode``: 2 FLOPs per multiply-add of the
    convolutions and matrix products (so GMACs = FLOPs / 2); biases, activations and
    interpolation are not counted. Pass the network as deployed: for an SSHN, its
    ``materialize(phi)``, since the hypernetwork runs once per phi, not once per image.
    """
    parameter = next(network.parameters())
    x = torch.zeros(tuple(input_shape), device=parameter.device, dtype=parameter.dtype)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        network(x, phi)
    return counter.get_total_flops()


def parameter_count(network: nn.Module) -> int:
    """The number of parameters of ``network`` (for an SSHN, of its deployed network: ``materialize(phi)``)."""
    return sum(p.numel() for p in network.parameters())


def cost_table(network: PhiUNet, input_shape: Sequence[int], phis: Sequence[float]) -> list[dict]:
    """One row per phi: phi, the spatial size at every level, GFLOPs and GMACs per forward pass.

    ``network`` is a :class:`~bundle.nets.unet.PhiUNet` (the cost of an SSHN's deployed network).
    """
    rows = []
    for phi in phis:
        flops = count_flops(network, input_shape, phi)
        sizes = level_sizes(list(input_shape[2:]), network.resolve_phi(float(phi)))
        rows.append({"phi": phi, "level_sizes": sizes, "gflops": flops / 1e9, "gmacs": flops / 2e9})
    return rows
