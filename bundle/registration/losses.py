"""The unsupervised registration loss: image similarity plus a smoothness penalty on the flow.

MONAI's ``DiffusionLoss`` is not used: it takes central differences, about ndim times larger
than VoxelMorph's forward-difference Grad loss and blind to a checkerboard field (whose central
differences vanish), so its weight lambda would not mean what VoxelMorph's does.
"""

import torch
import torch.nn.functional as F
from torch import nn


def forward_differences(flow: torch.Tensor) -> list[torch.Tensor]:
    """flow[i+1] - flow[i] along every spatial axis of (N, C, *spatial): one tensor per axis."""
    return [torch.diff(flow, dim=axis) for axis in range(2, flow.dim())]


def gradient_l2(flow: torch.Tensor) -> torch.Tensor:
    """VoxelMorph's Grad('l2'): mean squared forward difference, averaged over spatial axes (a scalar)."""
    return torch.stack([d.pow(2).mean() for d in forward_differences(flow)]).mean()


def total_variation(flow: torch.Tensor) -> torch.Tensor:
    """Anisotropic total variation: mean absolute forward difference, averaged over spatial axes (a scalar)."""
    return torch.stack([d.abs().mean() for d in forward_differences(flow)]).mean()


SMOOTHNESS = {"l2": gradient_l2, "l1": total_variation}


class RegistrationLoss(nn.Module):
    """MSE(warped, fixed) + ``weight`` * smoothness(flow), for the network's output.

    Args:
        smoothness: "l2" (VoxelMorph's spatial gradient) or "l1" (total variation, the paper's wording).
        weight: lambda (VoxelMorph uses 0.01 with MSE on images in [0, 1]; flows in voxels).

    Shapes: ``output`` (N, C + ndim, *spatial) = [warped moving image, displacement field],
    ``fixed`` (N, C, *spatial) -> a scalar.
    """

    def __init__(self, smoothness: str = "l2", weight: float = 0.01) -> None:
        super().__init__()
        if smoothness not in SMOOTHNESS:
            raise ValueError(f"smoothness must be one of {sorted(SMOOTHNESS)}, got {smoothness!r}")
        if weight < 0:
            raise ValueError(f"smoothness weight must be >= 0, got {weight}")
        self.smoothness, self.weight = SMOOTHNESS[smoothness], weight

    def forward(self, output: torch.Tensor, fixed: torch.Tensor) -> torch.Tensor:
        channels, ndim = fixed.shape[1], fixed.dim() - 2
        if output.shape[1] != channels + ndim or output.shape[2:] != fixed.shape[2:]:
            raise ValueError(
                f"expected output (N, {channels}+{ndim}, {list(fixed.shape[2:])}) for fixed {list(fixed.shape)}, "
                f"got {list(output.shape)}"
            )
        warped, flow = output[:, :channels], output[:, channels:]
        return F.mse_loss(warped, fixed) + self.weight * self.smoothness(flow)
