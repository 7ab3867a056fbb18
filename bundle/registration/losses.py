"""The unsupervised registration loss: image similarity plus a smoothness penalty on the flow.

Similarity: MSE (the paper's and VoxelMorph's default) or MONAI's ``LocalNormalizedCrossCorrelationLoss``
(VoxelMorph's NCC: 9-voxel windows, insensitive to local contrast differences between subjects).

MONAI's ``DiffusionLoss`` is not used: it takes central differences, about ndim times larger
than VoxelMorph's forward-difference Grad loss and blind to a checkerboard field (whose central
differences vanish), so its weight lambda would not mean what VoxelMorph's does.
"""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from monai.losses import LocalNormalizedCrossCorrelationLoss
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


def local_ncc_loss(spatial_dims: int) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """1 - local normalized cross-correlation (9-voxel windows) of (N, C, *spatial) tensors: 0 for identical images."""
    # MONAI's LNCC returns minus the mean local correlation: -1 for identical images.
    lncc = LocalNormalizedCrossCorrelationLoss(spatial_dims=spatial_dims, kernel_size=9)
    return lambda warped, fixed: 1 + lncc(warped, fixed)


# name -> the dissimilarity for images of spatial_dims dimensions (0 for identical images)
SIMILARITIES = {"mse": lambda spatial_dims: F.mse_loss, "lncc": local_ncc_loss}


class RegistrationLoss(nn.Module):
    """similarity(warped, fixed) + ``weight`` * smoothness(flow), for the network's output.

    Args:
        smoothness: "l2" (VoxelMorph's spatial gradient) or "l1" (total variation, the paper's wording).
        weight: lambda (VoxelMorph uses 0.01 with MSE on images in [0, 1], 1 with NCC; flows in voxels).
        similarity: "mse" or "lncc" (1 - local normalized cross-correlation, 9-voxel windows).

    Shapes: ``output`` (N, C + ndim, *spatial) = [warped moving image, displacement field],
    ``fixed`` (N, C, *spatial) -> a scalar.
    """

    def __init__(self, smoothness: str = "l2", weight: float = 0.01, similarity: str = "mse") -> None:
        super().__init__()
        if similarity not in SIMILARITIES:
            raise ValueError(f"similarity must be one of {sorted(SIMILARITIES)}, got {similarity!r}")
        if smoothness not in SMOOTHNESS:
            raise ValueError(f"smoothness must be one of {sorted(SMOOTHNESS)}, got {smoothness!r}")
        if weight < 0:
            raise ValueError(f"smoothness weight must be >= 0, got {weight}")
        self.smoothness, self.weight, self.similarity = SMOOTHNESS[smoothness], weight, similarity
        self._similarity_of_ndim: dict[int, Callable] = {}  # built on first use: the loss learns ndim from its input

    def forward(self, output: torch.Tensor, fixed: torch.Tensor) -> torch.Tensor:
        channels, ndim = fixed.shape[1], fixed.dim() - 2
        if output.shape[1] != channels + ndim or output.shape[2:] != fixed.shape[2:]:
            raise ValueError(
                f"expected output (N, {channels}+{ndim}, {list(fixed.shape[2:])}) for fixed {list(fixed.shape)}, "
                f"got {list(output.shape)}"
            )
        warped, flow = output[:, :channels], output[:, channels:]
        if ndim not in self._similarity_of_ndim:
            self._similarity_of_ndim[ndim] = SIMILARITIES[self.similarity](ndim)
        return self._similarity_of_ndim[ndim](warped, fixed) + self.weight * self.smoothness(flow)
