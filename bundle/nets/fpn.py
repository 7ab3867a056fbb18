"""A feature pyramid network (FPN) as the primary network: the U-Net's phi-resized encoder, a top-down decoder."""

from typing import List

import torch
from torch import nn

from bundle.nets.blocks import ConvBlock, conv_type, init_conv
from bundle.nets.resize import resize
from bundle.nets.unet import PhiUNet


class PhiFPN(PhiUNet):
    """Feature pyramid network (Lin et al. 2017) on the phi-resizable encoder of :class:`PhiUNet`.

    The encoder is the U-Net's: ``levels`` :class:`ConvBlock` stages, level i+1 resized to
    round-half-up(phi_i * size_i). The decoder is FPN's top-down pathway: a 1x1 lateral
    convolution brings every level's features to ``features[0]`` channels; from the deepest level
    up, the coarser map is resized (bi/trilinearly) to exactly the finer level's size, added to
    that level's lateral, and smoothed by a :class:`ConvBlock`; the 1x1 head predicts from the
    finest (full-resolution) map. Everything else (constructor, phi handling, input checks,
    ``forward(x, phi)``) is the U-Net's, so SSHN, FiLM, ``materialize``, FLOP counting and
    TorchScript export take an FPN wherever they take a :class:`PhiUNet`.

    Departures from Lin et al., and why:

    - Only the finest pyramid level predicts (a dense segmentation or flow at the input's
      resolution), so the smoothing block sits inside the top-down path: each smoothed map is
      what the next finer level adds to. In the original the 3x3 smoothing output is a separate
      prediction map per level; with one predicting level, the coarser levels' smoothing
      convolutions would otherwise feed nothing (dead parameters for the hypernetwork).
    - Smoothing is the U-Net's two-3x3-convolution block (``block``: plain, residual or SE)
      rather than one 3x3 convolution, so the decoder has as many 3x3 convolutions as the U-Net's
      and the ``block`` variants apply to it.
    - Upsampling interpolates to the finer level's exact size (not nearest-neighbour x2), as the
      phi-resized levels need; the pyramid width is ``features[0]`` (FPN: 256), so the head is
      the U-Net's. No normalization layers, like the U-Net.

    Modules: ``encoders`` (as the U-Net), ``laterals[i]`` (1x1, features[i] -> features[0], one per
    level), ``smoothers[j]`` (the :class:`ConvBlock` at level levels-2-j), ``head`` (1x1).
    The 3x3 convolutions FiLM modulates are those of ``encoders`` and ``smoothers``.

    Shapes: (N, in_channels, *spatial) -> (N, out_channels, *spatial).
    """

    def _build_decoder(self, widths: List[int], block: str, negative_slope: float) -> None:
        conv = conv_type(self.spatial_dims)
        laterals = [conv(width, widths[0], 1) for width in widths]
        for lateral in laterals:
            # As every convolution of the U-Net (see init_conv): keeps the merged maps near unit
            # scale, and sets the scale the SSHN's hypernetwork gives each predicted lateral.
            init_conv(lateral, negative_slope)
        self.laterals = nn.ModuleList(laterals)
        # smoothers[j] works at level levels-2-j, like the U-Net's decoders[j].
        self.smoothers = nn.ModuleList(
            ConvBlock(self.spatial_dims, widths[0], widths[0], block, negative_slope) for _ in range(len(widths) - 1)
        )

    def decode(self, skips: List[torch.Tensor]) -> torch.Tensor:
        """Top-down pathway: lateral(C_i) + resized coarser map, smoothed, from the deepest level up.

        Shapes: one (N, features[i], *size_i) per level -> (N, features[0], *size_0).
        """
        laterals: List[torch.Tensor] = []
        for level, lateral in enumerate(self.laterals):
            laterals.append(lateral(skips[level]))
        h = laterals[-1]
        for j, smoother in enumerate(self.smoothers):
            finer = laterals[self.num_resizes - 1 - j]
            h = smoother(finer + resize(h, list(finer.shape[2:])))
        return h
