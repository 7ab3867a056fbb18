"""The registration network of every method: shapes in 2D and 3D, near-identity start, deployment."""

import pytest
import torch

from bundle.nets.factory import METHODS
from bundle.registration.network import build_registration_network

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
    ],
)
def test_bad_input_is_a_clear_error(kwargs, x, match):
    with pytest.raises(ValueError, match=match):
        build_registration_network("fixed", 2, **TINY, **kwargs)(x)
