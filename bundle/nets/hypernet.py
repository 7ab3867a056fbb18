"""The hypernetwork h(phi; omega): an MLP from phi to every tensor of the primary network."""

import math
from collections.abc import Mapping, Sequence

import torch
from torch import nn

from bundle.nets.conditioning import mlp_body, phi_features


class HyperNetwork(nn.Module):
    """MLP from [phi_i, 1 - phi_i]_i to one tensor per entry of ``target_shapes`` (the paper's design).

    Hidden layers ``hidden`` (the paper: 10 and 100) with LeakyReLU, then one linear output group
    per target tensor, fused into a single matmul. Kaiming-normal weights and zero biases, with
    two adjustments measured on the default U-Net (see docs/design.md):

    - Each output group's weights are drawn with the standard deviation that makes its tensor
      start with the root-mean-square ``target_scales[name]`` (the primary network's own
      initialization). A plain Kaiming head multiplies every predicted layer's scale by the
      norm of the last hidden layer (about 5 to 12), and the output explodes with depth (over
      1e3 times a plain U-Net's).
    - The first layer uses one Kaiming-drawn column for both phi_i and 1 - phi_i, so that the
      hidden code, whose norm otherwise varies up to 3x across phi, starts the same for every
      phi: a scale error shared by all 19 predicted layers compounds (0.03x a plain U-Net's
      output at phi = 0 in one seed). Every phi thus starts from one Kaiming-initialized
      U-Net; the columns separate with training, since their gradients are phi and 1 - phi
      times the same term.

    Args:
        target_shapes: name -> shape of each predicted tensor.
        target_scales: name -> root-mean-square that tensor should start with.
        num_phi: rescaling factors the network is conditioned on (1, or one per resize).
        hidden: widths of the hidden layers.
        negative_slope: LeakyReLU slope.
    """

    def __init__(
        self,
        target_shapes: Mapping[str, Sequence[int]],
        target_scales: Mapping[str, float],
        num_phi: int = 1,
        hidden: Sequence[int] = (10, 100),
        negative_slope: float = 0.2,
    ) -> None:
        super().__init__()
        self.num_phi = num_phi
        self.shapes = {name: tuple(shape) for name, shape in target_shapes.items()}
        self.sizes = [math.prod(shape) for shape in self.shapes.values()]
        self.body = mlp_body(2 * num_phi, hidden, negative_slope)
        self.head = nn.Linear(hidden[-1], sum(self.sizes))
        self._init_weights([target_scales[name] for name in self.shapes])

    @torch.no_grad()
    def _init_weights(self, scales: Sequence[float]) -> None:
        first = self.body[0].weight
        first[:, 1::2] = first[:, 0::2]
        norm = self.body(phi_features([0.0] * self.num_phi)).norm().item()  # the same for every phi
        std = torch.cat([torch.full((size,), scale / norm) for size, scale in zip(self.sizes, scales, strict=True)])
        self.head.weight.copy_(torch.randn_like(self.head.weight) * std[:, None])
        nn.init.zeros_(self.head.bias)

    def forward(self, phis: Sequence[float]) -> dict[str, torch.Tensor]:
        """Predict every target tensor for the ``num_phi`` factors ``phis``: name -> tensor."""
        if len(phis) != self.num_phi:
            raise ValueError(f"expected {self.num_phi} phi value(s), got {len(phis)}")
        flat = self.head(self.body(phi_features(phis, self.head.weight.device)))
        return {
            name: chunk.view(shape)
            for (name, shape), chunk in zip(self.shapes.items(), flat.split(self.sizes), strict=True)
        }
