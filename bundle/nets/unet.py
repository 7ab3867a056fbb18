"""The primary network: a U-Net whose down/upsampling layers resize feature maps by phi."""

from collections.abc import Sequence
from typing import List, Optional, Union

import torch
from torch import nn

from bundle.nets.blocks import ConvBlock, conv_type, init_conv
from bundle.nets.resize import check_phi, level_sizes, resize


@torch.jit.unused
def phi_argument(phi) -> Union[float, List[float]]:
    """What eager callers pass as phi (ints, numpy scalars, 0-d tensors, tuples) as a float or a list."""
    if isinstance(phi, torch.Tensor):
        phi = phi.tolist()
    if isinstance(phi, Sequence):
        return [float(p) for p in phi]
    return float(phi)


@torch.jit.unused
def check_input_dtype(x: torch.Tensor, weight: torch.Tensor) -> None:
    """A ValueError unless ``x`` is floating point and, outside autocast, of the network's dtype: torch's own
    error for a mismatch comes from deep inside a convolution."""
    if not x.is_floating_point():
        raise ValueError(f"expected a floating-point input, got {x.dtype}")
    if x.dtype != weight.dtype and not torch.is_autocast_enabled(x.device.type):
        raise ValueError(f"expected a {weight.dtype} input (the network's dtype), got {x.dtype}")


class PhiUNet(nn.Module):
    """U-Net whose i-th downsampling resizes feature maps to round-half-up(phi_i * size).

    ``levels`` encoder stages (the first at full resolution) and ``levels - 1`` decoder stages,
    each a :class:`ConvBlock`; a final 1x1 convolution gives ``out_channels`` logits (or flow
    components) with no activation. Downsampling is (bi/tri)linear interpolation to the phi-scaled
    size; upsampling interpolates to exactly the size of the skip connection it is concatenated
    with, so any input size works, odd or prime, and the output has the input's spatial size.

    Args:
        spatial_dims: 2 or 3.
        in_channels: channels of the input image(s).
        out_channels: classes (segmentation) or spatial_dims (registration flow).
        features: channels of every stage, or one count per level (length ``levels``).
        levels: encoder stages; the network resizes ``levels - 1`` times.
        phi: default rescaling factor(s) used by ``forward(x)``: one number for every resize,
            or one per resize (length ``levels - 1``). Each in [0, 1].
        block: "plain", "residual" or "se" (see :class:`ConvBlock`).
        negative_slope: LeakyReLU slope (0.2, as in VoxelMorph from the same group).

    Shapes: (N, in_channels, *spatial) -> (N, out_channels, *spatial).
    """

    def __init__(
        self,
        spatial_dims: int,
        in_channels: int,
        out_channels: int,
        features: int | Sequence[int] = 32,
        levels: int = 5,
        phi: float | Sequence[float] = 0.5,
        block: str = "plain",
        negative_slope: float = 0.2,
    ) -> None:
        super().__init__()
        if levels < 1:
            raise ValueError(f"levels must be at least 1, got {levels}")
        widths = [features] * levels if isinstance(features, int) else list(features)
        if len(widths) != levels or min(widths) < 1:
            raise ValueError(f"features must be a positive int or {levels} positive ints, got {features}")
        self.spatial_dims = spatial_dims
        self.in_channels = in_channels
        self.num_resizes = levels - 1
        self.phi: List[float] = self.resolve_phi(phi_argument(phi))

        self.encoders = nn.ModuleList(
            ConvBlock(spatial_dims, c_in, c_out, block, negative_slope)
            for c_in, c_out in zip([in_channels, *widths[:-1]], widths, strict=True)
        )
        self._build_decoder(widths, block, negative_slope)
        self.head = conv_type(spatial_dims)(widths[0], out_channels, 1)
        init_conv(self.head, negative_slope)

    def _build_decoder(self, widths: List[int], block: str, negative_slope: float) -> None:
        """Create the modules that :meth:`decode` runs; its output has ``widths[0]`` channels (the head's input).

        The hook other primary architectures (FPN, PSPNet) override; called between the encoder and
        the head so that the U-Net's parameters draw from the random generator in their old order.
        """
        # decoders[j] works at level levels-2-j: upsampled deeper features + that level's skip.
        self.decoders = nn.ModuleList(
            ConvBlock(self.spatial_dims, widths[level + 1] + widths[level], widths[level], block, negative_slope)
            for level in reversed(range(len(widths) - 1))
        )

    def resolve_phi(self, phi: Optional[Union[float, List[float]]]) -> List[float]:
        """One checked phi per resize: the default when ``phi`` is None, a number broadcast."""
        if phi is None:
            return self.phi
        if isinstance(phi, float):
            phis = [phi] * self.num_resizes
        else:
            phis = phi
            if len(phis) != self.num_resizes:
                raise ValueError(f"expected one phi or {self.num_resizes} (one per resize), got {len(phis)}")
        return [check_phi(p) for p in phis]

    def forward(self, x: torch.Tensor, phi: Optional[Union[float, List[float]]] = None) -> torch.Tensor:
        """Segment (or predict a flow for) ``x`` at ``phi``, by default the constructor's."""
        if not torch.jit.is_scripting():
            phi = None if phi is None else phi_argument(phi)
        if x.dim() != self.spatial_dims + 2 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"expected input of shape (N, {self.in_channels}, {self.spatial_dims} spatial sizes), "
                f"got {list(x.shape)}"
            )
        if not torch.jit.is_scripting():
            check_input_dtype(x, self.head.weight)
        return self.head(self.decode(self.encode(x, self.resolve_phi(phi))))

    def encode(self, x: torch.Tensor, phis: List[float]) -> List[torch.Tensor]:
        """The encoder's features at every level: level 0 at the input's size, level i+1 resized by ``phis[i]``.

        Shapes: (N, in_channels, *spatial) -> one (N, features[i], *size_i) per level.
        """
        sizes = level_sizes(list(x.shape[2:]), phis)
        skips: List[torch.Tensor] = []
        h = x
        for level, encoder in enumerate(self.encoders):
            if level > 0:
                h = resize(h, sizes[level])
            h = encoder(h)
            skips.append(h)
        return skips

    def decode(self, skips: List[torch.Tensor]) -> torch.Tensor:
        """The U-Net decoder: from the deepest level up, upsample to the next skip's size, concatenate, convolve.

        Shapes: the :meth:`encode` features -> (N, features[0], *spatial), at level 0's (the input's) size.
        """
        h = skips[-1]
        for j, decoder in enumerate(self.decoders):
            skip = skips[self.num_resizes - 1 - j]
            h = decoder(torch.cat([resize(h, list(skip.shape[2:])), skip], dim=1))
        return h
