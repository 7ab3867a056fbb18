"""Warping images and label maps by a dense displacement field (voxel units), with MONAI's ``Warp``."""

import torch
from monai.networks.blocks import Warp

# VoxelMorph samples outside the image as 0; MONAI's Warp defaults to "border", which smears the
# edge inward and rewards flows that point outside the field of view.
PADDING = "zeros"


def warp(image: torch.Tensor, ddf: torch.Tensor, mode: str = "bilinear") -> torch.Tensor:
    """``image`` sampled at x + ddf(x): (N, C, *spatial) and (N, ndim, *spatial) -> (N, C, *spatial).

    ``ddf[:, i]`` is the displacement along spatial axis i in voxels (MONAI's convention;
    ``align_corners=True``); outside the image counts as 0.
    """
    return Warp(mode=mode, padding_mode=PADDING)(image, ddf)


def warp_labels(labels: torch.Tensor, ddf: torch.Tensor) -> torch.Tensor:
    """A label map (N, 1, *spatial) of integer ids warped with nearest interpolation, same dtype.

    Nearest neighbour keeps every output value one of the input's ids (or 0 outside): linear
    interpolation would invent ids between neighbouring labels.
    """
    if labels.is_floating_point():
        raise ValueError(f"warp_labels expects an integer label map, got {labels.dtype}")
    return warp(labels.float(), ddf, mode="nearest").round().to(labels.dtype)
