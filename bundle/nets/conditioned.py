"""A primary U-Net run with parameters computed from phi (the common part of SSHN and FiLM)."""

import copy
from typing import List, Optional, Union

import torch
from torch import nn
from torch.func import functional_call

from bundle.nets.unet import PhiUNet, phi_argument


class PhiConditionedUNet(nn.Module):
    """Base of networks that compute the primary :class:`PhiUNet`'s parameters from phi.

    Subclasses provide ``primary`` (the U-Net whose structure is run) and
    ``predict_weights(phis)`` (a full name -> tensor mapping of its parameters). Running the
    primary through ``torch.func.functional_call`` keeps it an ordinary module: the same class
    serves every method and the deployed network.
    """

    primary: PhiUNet

    def predict_weights(self, phis: List[float]) -> dict[str, torch.Tensor]:
        """Every parameter of ``primary`` for the per-resize factors ``phis``."""
        raise NotImplementedError

    def _resolve(self, phi) -> List[float]:
        """One checked phi per resize, from anything a caller passes (None: the primary's default)."""
        return self.primary.resolve_phi(None if phi is None else phi_argument(phi))

    def forward(self, x: torch.Tensor, phi: Optional[Union[float, List[float]]] = None) -> torch.Tensor:
        """Run the primary network at ``phi`` (default: the primary's) with predicted parameters.

        Shapes: (N, in_channels, *spatial) -> (N, out_channels, *spatial).
        """
        phis = self._resolve(phi)
        return functional_call(self.primary, self.predict_weights(phis), (x,), {"phi": phis})

    @torch.no_grad()
    def materialize(self, phi: Optional[Union[float, List[float]]] = None) -> PhiUNet:
        """A plain :class:`PhiUNet` holding the parameters predicted for ``phi``, with ``phi`` as its default.

        The conditioning network is left out: the result costs what a U-Net at that phi costs,
        gives the same output as ``self(x, phi)``, and can be scripted or exported.
        """
        phis = self._resolve(phi)
        weights = self.predict_weights(phis)
        network = copy.deepcopy(self.primary)
        network.phi = phis
        network.load_state_dict({name: tensor.detach() for name, tensor in weights.items()})
        device = next(iter(weights.values())).device
        return network.requires_grad_(True).to(device)

    def __prepare_scriptable__(self) -> PhiUNet:
        """``torch.jit.script`` scripts the deployed network: the primary materialized at its default phi.

        This is what lets MONAI's ``ckpt_export`` turn a bundle checkpoint into TorchScript.
        """
        return self.materialize()
