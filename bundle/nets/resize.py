"""Rescaling factors phi and the resize operation of the phi-resizable U-Net.

Every function here is TorchScript-compatible because the exported networks call them.
"""

import math
from typing import List

import torch
import torch.nn.functional as F


def check_phi(phi: float) -> float:
    """Return ``phi`` as a float after checking that it is a finite number in [0, 1]."""
    value = float(phi)
    if not (0.0 <= value <= 1.0):  # also False for NaN
        raise ValueError(f"phi must be a number in [0, 1], got {value}")
    return value


def scaled_length(length: int, phi: float) -> int:
    """Length of one spatial axis after rescaling by ``phi``: round-half-up(phi * length), >= 1."""
    # A product such as phi * length can land a hair below an exact half in binary floating
    # point; the 1e-9 makes round-half-up agree with the decimal arithmetic a user does by hand.
    # (A literal, not a module constant: TorchScript cannot close over Python floats.)
    return max(1, math.floor(phi * length + 0.5 + 1e-9))


def scaled_size(size: List[int], phi: float) -> List[int]:
    """Spatial size (H, W) or (D, H, W) after rescaling every axis by ``phi``."""
    phi = check_phi(phi)
    return [scaled_length(length, phi) for length in size]


def level_sizes(size: List[int], phis: List[float]) -> List[List[int]]:
    """Spatial size at each U-Net level: ``size`` at level 0, then level i+1 = level i scaled by phis[i]."""
    sizes = [list(size)]
    for phi in phis:
        sizes.append(scaled_size(sizes[-1], phi))
    return sizes


def resize(x: torch.Tensor, size: List[int]) -> torch.Tensor:
    """Resize feature maps (N, C, *spatial) to ``size`` with (bi/tri)linear interpolation.

    The size is always passed explicitly: ``scale_factor`` would floor (192 * 0.3 -> 57) and
    interpolate differently from ``size=`` even where the sizes agree.
    """
    mode = "bilinear" if x.dim() == 4 else "trilinear"
    return F.interpolate(x, size=size, mode=mode, align_corners=False)
