"""The convolution stage repeated at every level of the phi-resizable U-Net."""

import torch
from monai.networks.blocks import ChannelSELayer
from torch import nn

BLOCK_KINDS = ("plain", "residual", "se")


def conv_type(spatial_dims: int) -> type[nn.Conv2d] | type[nn.Conv3d]:
    """``nn.Conv2d`` or ``nn.Conv3d`` for 2 or 3 spatial dimensions."""
    if spatial_dims not in (2, 3):
        raise ValueError(f"spatial_dims must be 2 or 3, got {spatial_dims}")
    return nn.Conv2d if spatial_dims == 2 else nn.Conv3d


def init_conv(conv: nn.Conv2d | nn.Conv3d, negative_slope: float) -> None:
    """Kaiming-normal weights for a LeakyReLU that follows, zero bias: activations keep unit scale."""
    nn.init.kaiming_normal_(conv.weight, a=negative_slope, nonlinearity="leaky_relu")
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)


class ConvBlock(nn.Module):
    """Two 3x3 convolutions, each followed by LeakyReLU (the paper's U-Net stage).

    ``kind`` selects the appendix variants: "plain"; "residual" (the input, through a 1x1
    convolution where the channel count changes, is added before the second activation);
    "se" (MONAI's channel squeeze-excitation, reduction 2, after the second activation).
    Convolutions start Kaiming-normal with zero bias; a residual block's second convolution
    starts at zero.
    ``conv1`` and ``conv2`` are the 3x3 convolutions FiLM modulates.

    Shapes: (N, in_channels, *spatial) -> (N, out_channels, *spatial).
    """

    def __init__(
        self,
        spatial_dims: int,
        in_channels: int,
        out_channels: int,
        kind: str = "plain",
        negative_slope: float = 0.2,
    ) -> None:
        super().__init__()
        if kind not in BLOCK_KINDS:
            raise ValueError(f"block kind must be one of {BLOCK_KINDS}, got {kind!r}")
        conv = conv_type(spatial_dims)
        self.conv1 = conv(in_channels, out_channels, 3, padding=1)
        self.conv2 = conv(out_channels, out_channels, 3, padding=1)
        self.act = nn.LeakyReLU(negative_slope)
        self.skip = (
            conv(in_channels, out_channels, 1) if kind == "residual" and in_channels != out_channels else nn.Identity()
        )
        self.residual = kind == "residual"
        self.excite = ChannelSELayer(spatial_dims, out_channels, r=2) if kind == "se" else nn.Identity()
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Conv3d)):
                init_conv(module, negative_slope)
        if self.residual:
            # Each residual sum would double the activation variance (about 20x the scale after
            # nine blocks); a zero last convolution makes each block start as its skip path
            # (Goyal et al. 2017, torchvision's zero_init_residual).
            nn.init.zeros_(self.conv2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv2(self.act(self.conv1(x)))
        if self.residual:
            h = h + self.skip(x)
        return self.excite(self.act(h))
