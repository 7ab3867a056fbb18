"""The registration network of every method: shapes in 2D and 3D, near-identity start, deployment."""

import pytest
import torch
from torch import nn

from bundle.flops import count_flops
from bundle.nets.factory import METHODS
from bundle.registration.network import RegistrationNet, build_registration_network

TINY = {"features": 4, "levels": 3, "hidden": [4, 8]}
SIZES = [(13, 17), (1, 9), (7, 9, 5), (5, 3, 11)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("method", METHODS)
def test_output_is_the_warped_image_and_a_near_zero_flow(method, size):
    torch.manual_seed(0)
    network = build_registration_network(method, len(size), **TINY)
    x = torch.rand(2, 2, *size)
    out = network(x, phi=0.3)
    assert out.shape == (2, 1 + len(size), *size)
    # The flow head starts at N(0, 1e-5): the first transform is almost the identity.
    assert out[:, 1:].abs().max() < 1e-2
    torch.testing.assert_close(out[:, :1], x[:, :1], atol=1e-2, rtol=0)


@pytest.mark.parametrize("method", METHODS)
def test_the_deployed_network_gives_the_same_output(method):
    torch.manual_seed(0)
    network = build_registration_network(method, 2, **TINY).eval()
    x = torch.rand(1, 2, 11, 10)
    deployed = network.materialize(0.25)
    torch.testing.assert_close(deployed(x), network(x, phi=0.25))
    assert all(not name.startswith("unet.hypernet") for name in deployed.state_dict())


def test_diffeomorphic_integration_of_a_zero_velocity_is_the_identity():
    network = build_registration_network("fixed", 3, integration_steps=5, flow_std=0.0, **TINY)
    x = torch.rand(1, 2, 6, 7, 5)
    ddf = network.displacement(x)
    assert ddf.shape == (1, 3, 6, 7, 5)
    assert torch.all(ddf == 0)


@pytest.mark.parametrize(
    ("kwargs", "x", "match"),
    [
        ({}, torch.zeros(1, 3, 8, 8), r"\(N, 2, \*spatial\)"),
        ({"integration_steps": -1}, torch.zeros(1, 2, 8, 8), "integration_steps"),
        ({"cascades": 0}, torch.zeros(1, 2, 8, 8), "cascades"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, x, match):
    with pytest.raises(ValueError, match=match):
        build_registration_network("fixed", 2, **TINY, **kwargs)(x)


class ConstantShift(nn.Module):
    """A stand-in U-Net: a displacement of ``shift`` voxels along axis 0 everywhere; keeps its inputs."""

    spatial_dims = 2

    def __init__(self, shift: float) -> None:
        super().__init__()
        self.shift = shift
        self.inputs: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor, phi: float | None = None) -> torch.Tensor:
        self.inputs.append(x.clone())
        ddf = torch.zeros(x.shape[0], 2, *x.shape[2:])
        ddf[:, 0] = self.shift
        return ddf


def test_a_cascade_composes_the_passes_and_feeds_each_the_warped_moving_image():
    unet = ConstantShift(1.0)
    x = torch.rand(1, 2, 9, 7)
    ddf = RegistrationNet(unet, cascades=3).displacement(x)
    # Three shifts of one voxel: three voxels, wherever all three passes sample inside the image.
    torch.testing.assert_close(ddf[:, 0, :6], torch.full((1, 6, 7), 3.0))
    assert torch.all(ddf[:, 1] == 0)
    assert len(unet.inputs) == 3
    for passes, seen in enumerate(unet.inputs[1:], start=1):
        torch.testing.assert_close(seen[:, 1:], x[:, 1:])  # the fixed image is never warped
        torch.testing.assert_close(seen[:, :1, : 9 - passes], x[:, :1, passes:])  # moving, shifted once per pass


@pytest.mark.parametrize("method", METHODS)
def test_a_deployed_cascade_gives_the_same_output_at_twice_the_cost(method):
    torch.manual_seed(0)
    network = build_registration_network(method, 2, flow_std=0.1, cascades=2, **TINY).eval()
    x = torch.rand(1, 2, 12, 10)
    deployed = network.materialize(0.25)
    assert deployed.cascades == 2
    torch.testing.assert_close(deployed(x), network(x, phi=0.25))
    single = RegistrationNet(deployed.unet).eval()
    assert count_flops(deployed, x.shape) == 2 * count_flops(single, x.shape)
    assert not torch.allclose(deployed.displacement(x), single.displacement(x))
