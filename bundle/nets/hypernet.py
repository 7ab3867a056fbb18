"""The hypernetwork h(phi; omega): an MLP from phi to every tensor of the primary network."""

import math
from collections.abc import Mapping, Sequence
from typing import cast

import torch
from torch import nn

from bundle.nets.conditioning import mlp_body, phi_features

# The phis over which the predicted tensors start, on average, at their target scale: phi's whole domain.
CALIBRATION_PHIS = tuple(i / 10 for i in range(11))


class HyperNetwork(nn.Module):
    """MLP from [phi_i, 1 - phi_i]_i to one tensor per entry of ``target_shapes`` (the paper's design).

    Hidden layers ``hidden`` (the paper: 10 and 100) with LeakyReLU, then one linear output group
    per target tensor, fused into a single matmul. Kaiming-normal weights and zero biases (the
    paper), with one adjustment: each output group's weights are drawn with the standard deviation
    that makes its tensor start with the root-mean-square ``target_scales[name]`` (the primary
    network's own initialization) on average over phi in [0, 1]. A plain Kaiming head multiplies
    every predicted layer's scale by the norm of the last hidden layer (about 5 to 12), and the
    output explodes with depth (over 1e3 times a plain U-Net's); see docs/design.md.

    ``column_correlation`` rho in [0, 1]: the correlation of the first layer's columns for phi_i and
    1 - phi_i at initialization, each still Kaiming-distributed (the 1 - phi_i column is rho times the
    phi_i one plus sqrt(1 - rho^2) times an independent draw).
        - 0: independent columns (the paper's Kaiming init), so the predicted weights differ across
          phi from the start, by about as much as two unrelated networks' (59 to 127 % between phi
          0.1 and 0.5 for the quick WBC U-Net, 5 seeds).
        - between: every phi starts from a shared network plus a phi-dependent part, which shrinks as
          rho grows (rho 0.9: 5 to 26 % at initialization). The default, 0.5, was chosen on WBC's
          validation split among the values whose trained weights still adapt to phi (docs/design.md).
        - 1: tied columns, every phi starts from the same weights. Kept only as an ablation: the
          columns' gradients are phi and 1 - phi times the same term and Adam moves them together, so
          the trained network stays almost phi-blind (0.5 % weight change between phi 0.1 and 0.5), a
          reparametrized Stochastic U-Net.

    Args:
        target_shapes: name -> shape of each predicted tensor.
        target_scales: name -> root-mean-square that tensor should start with.
        num_phi: rescaling factors the network is conditioned on (1, or one per resize).
        hidden: widths of the hidden layers.
        negative_slope: LeakyReLU slope.
        column_correlation: rho, as above.
    """

    def __init__(
        self,
        target_shapes: Mapping[str, Sequence[int]],
        target_scales: Mapping[str, float],
        num_phi: int = 1,
        hidden: Sequence[int] = (10, 100),
        negative_slope: float = 0.2,
        column_correlation: float = 0.5,
    ) -> None:
        super().__init__()
        if isinstance(column_correlation, bool) or not 0.0 <= column_correlation <= 1.0:
            raise ValueError(
                f"the hypernetwork's column correlation must be a number in [0, 1], got {column_correlation!r}"
            )
        self.num_phi = num_phi
        self.shapes = {name: tuple(shape) for name, shape in target_shapes.items()}
        self.sizes = [math.prod(shape) for shape in self.shapes.values()]
        self.body = mlp_body(2 * num_phi, hidden, negative_slope)
        self.head = nn.Linear(hidden[-1], sum(self.sizes))
        self._init_weights([target_scales[name] for name in self.shapes], float(column_correlation))

    @torch.no_grad()
    def _init_weights(self, scales: Sequence[float], rho: float) -> None:
        if rho:
            # mlp_body starts with an nn.Linear; torch types an indexed Sequential as any Module.
            first = cast(nn.Linear, self.body[0]).weight
            first[:, 1::2] = rho * first[:, 0::2] + math.sqrt(1.0 - rho**2) * first[:, 1::2]
        # A predicted tensor's RMS is its rows' std times the hidden code's norm, which varies with phi.
        norms = [self.body(phi_features([phi] * self.num_phi)).norm().item() for phi in CALIBRATION_PHIS]
        norm = sum(norms) / len(norms)
        std = torch.cat([torch.full((size,), scale / norm) for size, scale in zip(self.sizes, scales, strict=True)])
        self.head.weight.copy_(torch.randn_like(self.head.weight) * std[:, None])
        nn.init.zeros_(self.head.bias)

    @torch.no_grad()
    def scale_target(self, name: str, factor: float) -> None:
        """Multiply the output rows (and bias) that predict the tensor ``name`` by ``factor``."""
        if name not in self.shapes:
            raise KeyError(f"the hypernetwork predicts no tensor {name!r}; it predicts {list(self.shapes)}")
        index = list(self.shapes).index(name)
        start = sum(self.sizes[:index])
        rows = slice(start, start + self.sizes[index])
        self.head.weight[rows] *= factor
        self.head.bias[rows] *= factor

    def forward(self, phis: Sequence[float]) -> dict[str, torch.Tensor]:
        """Predict every target tensor for the ``num_phi`` factors ``phis``: name -> tensor."""
        if len(phis) != self.num_phi:
            raise ValueError(f"expected {self.num_phi} phi value(s), got {len(phis)}")
        flat = self.head(self.body(phi_features(phis, self.head.weight.device)))
        return {
            name: chunk.view(shape)
            for (name, shape), chunk in zip(self.shapes.items(), flat.split(self.sizes), strict=True)
        }
