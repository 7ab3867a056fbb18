"""FiLM baseline: a U-Net with its own weights and a feature-wise scale and shift computed from phi."""

from collections.abc import Sequence
from typing import List

import torch
from torch import nn

from bundle.nets.blocks import ConvBlock
from bundle.nets.conditioned import PhiConditionedUNet
from bundle.nets.conditioning import conditioning_phis, mlp_body, phi_features
from bundle.nets.unet import PhiUNet


class FiLMUNet(PhiConditionedUNet):
    """``primary`` with a FiLM layer, y -> (1 + gamma(phi)) * y + beta(phi), after every 3x3 convolution.

    gamma and beta (one per output channel) come from a small MLP of [phi, 1 - phi] whose last
    layer starts at zero, so the network starts as the plain U-Net. A FiLM layer right after a
    convolution is the same convolution with rescaled weight and bias, which is how it is
    applied: the modulated parameters run through the primary network, and ``materialize``
    folds the FiLM layers in exactly.

    Args:
        primary: the U-Net whose own (trainable) weights are modulated.
        per_level: condition on one phi per resize instead of one phi for all.
        hidden: hidden widths of the FiLM MLP.
        negative_slope: LeakyReLU slope of the MLP.
    """

    def __init__(
        self,
        primary: PhiUNet,
        per_level: bool = False,
        hidden: Sequence[int] = (10, 100),
        negative_slope: float = 0.2,
    ) -> None:
        super().__init__()
        self.primary = primary
        self.num_phi = primary.num_resizes if per_level else 1
        blocks = [(name, module) for name, module in primary.named_modules() if isinstance(module, ConvBlock)]
        self.targets = [f"{name}.{conv}" for name, _ in blocks for conv in ("conv1", "conv2")]
        self.channels = [conv.out_channels for _, block in blocks for conv in (block.conv1, block.conv2)]
        self.body = mlp_body(2 * self.num_phi, hidden, negative_slope)
        self.head = nn.Linear(hidden[-1], 2 * sum(self.channels))
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def predict_weights(self, phis: List[float]) -> dict[str, torch.Tensor]:
        features = phi_features(conditioning_phis(phis, self.num_phi), self.head.weight.device)
        gamma, beta = self.head(self.body(features)).chunk(2)
        weights: dict[str, torch.Tensor] = dict(self.primary.named_parameters())
        for name, scale, shift in zip(self.targets, gamma.split(self.channels), beta.split(self.channels), strict=True):
            weight, bias = weights[f"{name}.weight"], weights[f"{name}.bias"]
            factor = 1 + scale
            weights[f"{name}.weight"] = weight * factor.view(-1, *[1] * (weight.dim() - 1))
            weights[f"{name}.bias"] = bias * factor + shift
        return weights
