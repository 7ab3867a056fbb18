"""What the phi-conditioned networks (SSHN, FiLM) share: the encoding of phi and the MLP body."""

from collections.abc import Sequence

import torch
from torch import nn


def phi_features(phis: Sequence[float], device: torch.device | None = None) -> torch.Tensor:
    """The conditioning vector [phi_0, 1 - phi_0, phi_1, 1 - phi_1, ...], shape (2 * len(phis),).

    Giving both phi and 1 - phi keeps the first layer from being biased by phi's magnitude
    (the paper's encoding).
    """
    return torch.tensor([v for phi in phis for v in (phi, 1.0 - phi)], device=device)


def conditioning_phis(phis: Sequence[float], num_phi: int) -> list[float]:
    """The ``num_phi`` factors a conditioned network reads from the primary's per-resize ``phis``.

    A network conditioned on one phi accepts per-resize factors only when they are all equal.
    """
    if num_phi == len(phis):
        return list(phis)
    if num_phi == 1 and len(set(phis)) == 1:
        return [phis[0]]
    raise ValueError(f"this network is conditioned on {num_phi} phi value(s), got per-resize phis {list(phis)}")


def mlp_body(in_features: int, hidden: Sequence[int], negative_slope: float) -> nn.Sequential:
    """Fully connected layers with LeakyReLU after each; Kaiming-normal weights, zero biases."""
    layers: list[nn.Module] = []
    for width in hidden:
        linear = nn.Linear(in_features, width)
        nn.init.kaiming_normal_(linear.weight, a=negative_slope, nonlinearity="leaky_relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.LeakyReLU(negative_slope)]
        in_features = width
    return nn.Sequential(*layers)
