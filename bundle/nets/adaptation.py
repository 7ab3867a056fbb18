"""How much a phi-conditioned network's weights adapt to phi: the relative change of each predicted tensor."""

import statistics

import torch

from bundle.nets.conditioned import PhiConditionedUNet


@torch.no_grad()
def weight_changes(network: PhiConditionedUNet, phi_a: float, phi_b: float) -> dict[str, float]:
    """Per predicted tensor, ||theta(phi_b) - theta(phi_a)|| / ||theta(phi_a)|| (L2 over its elements).

    Tensors that are zero at ``phi_a`` (an untrained SSHN's biases) are left out: their ratio is undefined.
    """
    a = network.predict_weights(network.primary.resolve_phi(float(phi_a)))
    b = network.predict_weights(network.primary.resolve_phi(float(phi_b)))
    return {name: ((b[name] - t).norm() / t.norm()).item() for name, t in a.items() if t.norm() > 0}


def median_weight_change(network: PhiConditionedUNet, phi_a: float = 0.1, phi_b: float = 0.5) -> float:
    """The median over tensors of :func:`weight_changes`: about 0.005 for a phi-blind SSHN, 0.1 and more
    for one whose weights adapt to phi (docs/design.md)."""
    return statistics.median(weight_changes(network, phi_a, phi_b).values())
