"""Building the network and the phi prior of each training method from plain config values."""

from collections.abc import Sequence

from torch import nn

from bundle.nets.film import FiLMUNet
from bundle.nets.fpn import PhiFPN
from bundle.nets.phi_prior import PhiPrior
from bundle.nets.psp import PhiPSPNet
from bundle.nets.sshn import SSHN
from bundle.nets.unet import PhiUNet

METHODS = ("sshn", "fixed", "stochastic", "film")
# The primary networks of the architecture ablation (the paper's appendix), all phi-resizable PhiUNets.
ARCHITECTURES: dict[str, type[PhiUNet]] = {"unet": PhiUNet, "fpn": PhiFPN, "psp": PhiPSPNet}


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def build_network(
    method: str,
    spatial_dims: int,
    in_channels: int,
    out_channels: int,
    features: int | Sequence[int] = 32,
    levels: int = 5,
    phi: float | Sequence[float] = 0.5,
    block: str = "plain",
    hidden: Sequence[int] = (10, 100),
    per_level: bool = False,
    architecture: str = "unet",
    hypernet_correlation: float = 0.5,
) -> nn.Module:
    """The network of ``method`` around one :class:`PhiUNet`: "sshn" (hypernetwork-predicted weights),
    "film" (own weights + FiLM), "fixed" and "stochastic" (the plain U-Net, trained at one phi or
    a phi sampled each step). ``phi`` is the default of ``forward(x)``; ``hidden`` and ``per_level``
    configure the SSHN's hypernetwork or FiLM's MLP. ``architecture`` picks the primary network:
    "unet" (:class:`PhiUNet`), "fpn" (:class:`PhiFPN`) or "psp" (:class:`PhiPSPNet`).
    ``hypernet_correlation`` is the correlation of the SSHN hypernetwork's phi and 1 - phi columns at
    initialization: 0 (the paper's independent Kaiming columns) to 1 (tied, the phi-blind ablation); 0.5 by
    default (chosen on WBC's validation split, docs/design.md).
    """
    _check_method(method)
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {tuple(ARCHITECTURES)}, got {architecture!r}")
    primary = ARCHITECTURES[architecture](spatial_dims, in_channels, out_channels, features, levels, phi, block)
    if method == "sshn":
        return SSHN(primary, per_level=per_level, hidden=hidden, column_correlation=hypernet_correlation)
    if method == "film":
        return FiLMUNet(primary, per_level=per_level, hidden=hidden)
    return primary


def build_phi_prior(
    method: str,
    prior: Sequence[float] = (0.0, 0.5),
    phi: float = 0.5,
    per_level: bool = False,
    levels: int = 5,
    seed: int = 0,
) -> PhiPrior:
    """The training distribution of phi: the constant ``phi`` for "fixed", else U(prior[0], prior[1]),
    one draw per resize when ``per_level``.
    """
    _check_method(method)
    if len(prior) != 2:
        raise ValueError(f"phi prior must be [low, high], got {list(prior)}")
    num = levels - 1 if per_level else 1
    if method == "fixed":
        return PhiPrior(phi, phi, num, seed)
    return PhiPrior(prior[0], prior[1], num, seed)
