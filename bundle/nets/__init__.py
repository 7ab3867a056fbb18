"""Networks: the phi-resizable U-Net (Fixed and Stochastic baselines), SSHN and FiLM."""

from bundle.nets.film import FiLMUNet
from bundle.nets.hypernet import HyperNetwork
from bundle.nets.sshn import SSHN
from bundle.nets.unet import PhiUNet

__all__ = ["SSHN", "FiLMUNet", "HyperNetwork", "PhiUNet"]
