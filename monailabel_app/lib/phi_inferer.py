"""An inferer that runs the bundle's own inferer with the network called at a chosen phi."""

from typing import Any

import torch
from monai.inferers import Inferer


class PhiInferer(Inferer):
    """Run ``inferer`` with ``network(x, phi=phi)`` in place of ``network(x)``.

    MONAI's inferers (whole image or sliding windows) pass extra keyword arguments on to the network;
    this bundle's networks take ``phi`` as one (``forward(x, phi=None)``, None: the configured 0.5).
    """

    def __init__(self, inferer: Inferer, phi: float) -> None:
        super().__init__()
        self.inferer = inferer
        self.phi = phi

    def __call__(self, inputs: torch.Tensor, network: Any, *args: Any, **kwargs: Any) -> Any:
        """The wrapped inferer's output for ``inputs``, every forward pass of ``network`` at ``self.phi``."""
        return self.inferer(inputs, network, *args, phi=self.phi, **kwargs)
