"""A pyramid scene parsing network (PSPNet) as the primary network: the U-Net's phi-resized encoder, then
pyramid pooling in the decoder."""

from typing import List

import torch
import torch.nn.functional as F
from torch import nn

from bundle.nets.blocks import ConvBlock, conv_type, init_conv
from bundle.nets.resize import resize
from bundle.nets.unet import PhiUNet

PYRAMID_BINS = (1, 2, 3, 6)


def adaptive_average_pool(x: torch.Tensor, size: List[int]) -> torch.Tensor:
    """Average (N, C, *spatial) over ``size`` adaptive bins per axis (2D or 3D): (N, C, *size)."""
    # torch types output_size as a tuple, but takes a list, the one TorchScript accepts for List[int].
    if x.dim() == 4:
        return F.adaptive_avg_pool2d(x, size)  # type: ignore[arg-type]
    return F.adaptive_avg_pool3d(x, size)  # type: ignore[arg-type]


class PhiPSPNet(PhiUNet):
    """PSPNet (Zhao et al. 2017) on the phi-resizable encoder of :class:`PhiUNet`.

    The encoder is the U-Net's: ``levels`` :class:`ConvBlock` stages, level i+1 resized to
    round-half-up(phi_i * size_i). The decoder is PSPNet's: a pyramid pooling module on the
    deepest features (adaptive average pooling to b bins per axis for each b in
    :data:`PYRAMID_BINS` = 1, 2, 3, 6, a 1x1 convolution to features[-1] // 4 channels with
    LeakyReLU, each resized back to the deepest level's size), concatenated with those features,
    fused by a :class:`ConvBlock` to ``features[0]`` channels, resized to the input's size, and
    the U-Net's 1x1 head. The skip connections of the finer levels are not used. Everything else
    (constructor, phi handling, input checks, ``forward(x, phi)``) is the U-Net's, so SSHN, FiLM,
    ``materialize``, FLOP counting and TorchScript export take a PSPNet wherever they take a
    :class:`PhiUNet`.

    Departures from Zhao et al., and why:

    - The backbone is the U-Net encoder, not a dilated ResNet, and the pooled map is its deepest
      level, whose resolution is set by phi (prod(phi_i) of the input's; PSPNet: 1/8). At
      phi = 0 that level is one voxel, so every bin pools the same value and the output is the
      same at every voxel: the architecture has no path for detail below the deepest level's
      resolution, which is what the ablation measures.
    - A bin count is clipped to the deepest map's size on each axis (a 2x1 map pools to 2x1,
      not 6x6), so tiny inputs and small phi work; bins are then at most one voxel each.
    - LeakyReLU and no batch normalization (like the U-Net: batch statistics would differ per
      phi); the fusion stage is the U-Net's two-3x3-convolution block (``block``: plain,
      residual or SE) instead of one 3x3 convolution + BN + ReLU; no dropout, no auxiliary loss.
    - The final upsampling interpolates to the input's exact size, then the U-Net's 1x1 head
      predicts at full resolution (PSPNet classifies at 1/8 and upsamples the logits). The two
      orders give the same output up to rounding (a 1x1 convolution commutes with linear
      interpolation, whose weights sum to 1); ours costs the head's FLOPs at full resolution.

    Modules: ``encoders`` (as the U-Net), ``pyramid[k]`` (1x1, features[-1] -> features[-1] // 4, at
    least 1, for bin count ``bins[k]``), ``fuse`` (the :class:`ConvBlock`), ``head`` (1x1).
    The 3x3 convolutions FiLM modulates are those of ``encoders`` and ``fuse``.

    Shapes: (N, in_channels, *spatial) -> (N, out_channels, *spatial).
    """

    def _build_decoder(self, widths: List[int], block: str, negative_slope: float) -> None:
        self.bins: List[int] = list(PYRAMID_BINS)
        deepest = widths[-1]
        branch = max(1, deepest // len(self.bins))  # PSPNet: 1/N of the channels per branch
        conv = conv_type(self.spatial_dims)
        pyramid = [conv(deepest, branch, 1) for _ in self.bins]
        for pool_conv in pyramid:
            # As every convolution of the U-Net: LeakyReLU follows, activations keep unit scale.
            init_conv(pool_conv, negative_slope)
        self.pyramid = nn.ModuleList(pyramid)
        self.pyramid_act = nn.LeakyReLU(negative_slope)
        self.fuse = ConvBlock(self.spatial_dims, deepest + branch * len(self.bins), widths[0], block, negative_slope)

    def decode(self, skips: List[torch.Tensor]) -> torch.Tensor:
        """Pyramid pooling on the deepest features, fusion, then resizing to level 0's size.

        Shapes: one (N, features[i], *size_i) per level -> (N, features[0], *size_0).
        """
        deepest = skips[-1]
        size = list(deepest.shape[2:])
        pooled: List[torch.Tensor] = [deepest]
        for k, pool_conv in enumerate(self.pyramid):
            bins = [min(self.bins[k], length) for length in size]
            pooled.append(resize(self.pyramid_act(pool_conv(adaptive_average_pool(deepest, bins))), size))
        h = self.fuse(torch.cat(pooled, dim=1))
        return resize(h, list(skips[0].shape[2:]))
