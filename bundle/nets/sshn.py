"""Scale-Space HyperNetwork: a hypernetwork that predicts all weights of a phi-resizable U-Net."""

from collections.abc import Sequence
from typing import List

import torch

from bundle.nets.conditioned import PhiConditionedUNet
from bundle.nets.conditioning import conditioning_phis
from bundle.nets.hypernet import HyperNetwork
from bundle.nets.unet import PhiUNet


class SSHN(PhiConditionedUNet):
    """h(phi; omega) predicts every parameter theta of ``primary``, which then runs at that phi.

    Only the hypernetwork is trainable: ``parameters()`` and ``state_dict()`` hold omega alone.
    ``primary`` gives the architecture, the default phi of ``forward(x)`` and the scale each
    predicted tensor starts with (its own initialization); its own weights are never used.

    Args:
        primary: the U-Net whose parameters are predicted.
        per_level: condition on one phi per resize (the appendix variant: input
            [phi_i, 1 - phi_i] for every i) instead of one phi for all.
        hidden: hidden widths of the hypernetwork (the paper: 10, 100).
        negative_slope: LeakyReLU slope of the hypernetwork.
        column_correlation: the correlation of the hypernetwork's phi and 1 - phi columns at
            initialization, 0 (the paper's independent Kaiming columns) to 1 (tied: the phi-blind
            ablation); the default 0.5 shares part of the weights across phi, see :class:`HyperNetwork`.
    """

    def __init__(
        self,
        primary: PhiUNet,
        per_level: bool = False,
        hidden: Sequence[int] = (10, 100),
        negative_slope: float = 0.2,
        column_correlation: float = 0.5,
    ) -> None:
        super().__init__()
        # Held outside the module tree on purpose: every forward replaces all its parameters, so
        # they must not reach parameters(), state_dict(), optimizers or DDP.
        self.__dict__["primary"] = primary.requires_grad_(False)
        params = dict(primary.named_parameters())
        self.hypernet = HyperNetwork(
            target_shapes={name: p.shape for name, p in params.items()},
            target_scales={name: p.pow(2).mean().sqrt().item() for name, p in params.items()},
            num_phi=primary.num_resizes if per_level else 1,
            hidden=hidden,
            negative_slope=negative_slope,
            column_correlation=column_correlation,
        )

    def predict_weights(self, phis: List[float]) -> dict[str, torch.Tensor]:
        return self.hypernet(conditioning_phis(phis, self.hypernet.num_phi))
