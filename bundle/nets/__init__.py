"""Networks: the phi-resizable U-Net (Fixed and Stochastic baselines), its FPN and PSPNet variants, SSHN and FiLM."""

from bundle.nets.film import FiLMUNet
from bundle.nets.fpn import PhiFPN
from bundle.nets.hypernet import HyperNetwork
from bundle.nets.psp import PhiPSPNet
from bundle.nets.sshn import SSHN
from bundle.nets.unet import PhiUNet

__all__ = ["SSHN", "FiLMUNet", "HyperNetwork", "PhiFPN", "PhiPSPNet", "PhiUNet"]
