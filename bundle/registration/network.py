"""The registration network: the phi-resizable U-Net of any method predicting a displacement field,
then a spatial transformer warping the moving image."""

from collections.abc import Sequence
from typing import List, Optional, Union, cast

import torch
from monai.networks.blocks import DVF2DDF, Warp
from torch import nn

from bundle.export import deployed_network
from bundle.nets.factory import build_network
from bundle.nets.sshn import SSHN
from bundle.nets.unet import PhiUNet
from bundle.registration.warp import PADDING


def init_flow_head(network: nn.Module, std: float = 1e-5) -> nn.Module:
    """Start the U-Net's output convolution (the flow head) at N(0, std) weights, as VoxelMorph does,
    so that training starts from an almost identity transform. Returns ``network``.

    For an SSHN the head is predicted: the hypernetwork's output rows for ``head.weight`` are
    rescaled so that the predicted weights start at that standard deviation (on average over phi). (build_network has
    no hook for the head's initialization; this wraps it instead of changing it.)
    """
    with torch.no_grad():
        if isinstance(network, SSHN):
            kaiming_rms = network.primary.head.weight.pow(2).mean().sqrt().item()
            network.hypernet.scale_target("head.weight", std / kaiming_rms)
        else:
            # A FiLMUNet's primary; torch types a submodule attribute as a tensor or any module.
            primary = network if isinstance(network, PhiUNet) else cast(PhiUNet, network.primary)
            nn.init.normal_(primary.head.weight, 0.0, std)
    return network


class RegistrationNet(nn.Module):
    """[moving, fixed] -> [moving warped onto fixed, displacement field].

    Args:
        unet: a network from ``build_network`` with ``in_channels = 2`` and ``out_channels = ndim``.
        integration_steps: 0 uses the U-Net's output as the displacement; k > 0 treats it as a
            stationary velocity field integrated by scaling and squaring in k steps (MONAI's
            ``DVF2DDF``): a diffeomorphic transform.
        cascades: how many times the same U-Net runs on one pair. Pass k + 1 registers the moving
            image warped by passes 1..k onto the fixed one, and its displacement is composed with
            theirs (a recursive cascade with shared weights, Zhao et al. 2019): each pass corrects
            what the previous ones left, at k times the cost. The weights do not depend on it, so a
            network trained with 1 can be deployed with 2.

    Shapes: (N, 2, *spatial) -> (N, 1 + ndim, *spatial); the displacement is in voxels,
    channel i along spatial axis i. ``forward(x)`` alone runs at the U-Net's default phi.
    """

    def __init__(self, unet: nn.Module, integration_steps: int = 0, cascades: int = 1) -> None:
        super().__init__()
        if integration_steps < 0:
            raise ValueError(f"integration_steps must be >= 0, got {integration_steps}")
        if cascades < 1:
            raise ValueError(f"cascades must be >= 1, got {cascades}")
        self.unet = unet
        primary = cast(PhiUNet, getattr(unet, "primary", unet))  # SSHN and FiLM wrap a PhiUNet
        self.spatial_dims: int = primary.spatial_dims
        self.integration_steps = integration_steps
        self.cascades = cascades
        self.integrate = DVF2DDF(integration_steps, padding_mode=PADDING) if integration_steps else nn.Identity()
        self.transformer = Warp(mode="bilinear", padding_mode=PADDING)

    def displacement(self, x: torch.Tensor, phi: Optional[Union[float, List[float]]] = None) -> torch.Tensor:
        """The displacement field (N, ndim, *spatial) in voxels that takes the moving image x[:, :1] onto x[:, 1:]."""
        if x.dim() < 4 or x.shape[1] != 2:
            raise ValueError(f"expected [moving, fixed] of shape (N, 2, *spatial), got {list(x.shape)}")
        moving, fixed = x[:, :1], x[:, 1:]
        ddf = self.integrate(self.unet(x, phi))
        for _ in range(self.cascades - 1):
            # The moving image is warped once by the composed field, not once per pass: repeated
            # interpolation would blur it.
            step = self.integrate(self.unet(torch.cat([self.transformer(moving, ddf), fixed], dim=1), phi))
            # moving(y + ddf(y)) at y = x + step(x): the total displacement is step(x) + ddf(x + step(x)).
            ddf = step + self.transformer(ddf, step)
        return ddf

    def forward(self, x: torch.Tensor, phi: Optional[Union[float, List[float]]] = None) -> torch.Tensor:
        ddf = self.displacement(x, phi)
        return torch.cat([self.transformer(x[:, :1], ddf), ddf], dim=1)

    def materialize(self, phi: float | Sequence[float]) -> "RegistrationNet":
        """The deployed network at ``phi``: a plain U-Net (no hypernetwork or FiLM MLP), eval mode."""
        return RegistrationNet(deployed_network(self.unet, phi), self.integration_steps, self.cascades).eval()


def build_registration_network(
    method: str,
    spatial_dims: int,
    features: int | Sequence[int] = 16,
    levels: int = 5,
    phi: float | Sequence[float] = 0.5,
    block: str = "plain",
    hidden: Sequence[int] = (10, 16),
    per_level: bool = False,
    integration_steps: int = 0,
    flow_std: float = 1e-5,
    cascades: int = 1,
    hypernet_correlation: float = 0.5,
) -> RegistrationNet:
    """The registration network of ``method`` (sshn, fixed, stochastic, film) from plain config values."""
    unet = build_network(
        method,
        spatial_dims,
        2,
        spatial_dims,
        features,
        levels,
        phi,
        block,
        hidden,
        per_level,
        hypernet_correlation=hypernet_correlation,
    )
    return RegistrationNet(init_flow_head(unet, flow_std), integration_steps, cascades)
