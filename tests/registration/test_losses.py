"""Smoothness penalties and the registration loss."""

import pytest
import torch
from monai.losses import DiffusionLoss

from bundle.registration.losses import RegistrationLoss, gradient_l2, total_variation


def checkerboard(ndim: int, size: int = 6) -> torch.Tensor:
    """A flow (1, ndim, size...) of +-1 alternating between neighbouring voxels along every axis."""
    grids = torch.meshgrid(*[torch.arange(size)] * ndim, indexing="ij")
    sign = 1 - 2 * (sum(grids) % 2)
    return sign.float().expand(1, ndim, *[size] * ndim).clone()


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("penalty", [gradient_l2, total_variation])
def test_smoothness_is_zero_for_a_constant_flow_and_positive_for_a_checkerboard(ndim, penalty):
    constant = torch.full((2, ndim, *[5] * ndim), 3.7)
    assert penalty(constant).item() == 0.0
    # Every forward difference of the checkerboard is +-2: l2 = 4, l1 = 2.
    assert penalty(checkerboard(ndim)).item() == pytest.approx(4.0 if penalty is gradient_l2 else 2.0)


def test_monai_diffusion_loss_is_blind_to_a_checkerboard():
    # Why losses.py has its own forward differences (see its docstring).
    assert DiffusionLoss()(checkerboard(2)).item() == 0.0
    assert gradient_l2(checkerboard(2)).item() > 0


def test_registration_loss_is_mse_plus_weighted_smoothness():
    fixed = torch.rand(2, 1, 6, 7)
    warped = fixed + 0.1
    flow = checkerboard(2, 6)[..., :6].expand(2, 2, 6, 6)
    flow = torch.nn.functional.pad(flow, (0, 1))  # 6x7
    loss = RegistrationLoss("l2", weight=0.5)(torch.cat([warped, flow], dim=1), fixed)
    assert loss.item() == pytest.approx(0.01 + 0.5 * gradient_l2(flow).item(), rel=1e-5)
    assert RegistrationLoss("l1", 0.0)(torch.cat([fixed, flow], dim=1), fixed).item() == 0.0


@pytest.mark.parametrize("ndim", [2, 3])
def test_lncc_similarity_is_zero_for_matching_images_up_to_contrast_and_positive_otherwise(ndim):
    torch.manual_seed(0)
    fixed = torch.rand(2, 1, *[11] * ndim)
    zero_flow = torch.zeros(2, ndim, *[11] * ndim)
    loss = RegistrationLoss(weight=0.0, similarity="lncc")
    assert loss(torch.cat([fixed, zero_flow], dim=1), fixed).item() == pytest.approx(0.0, abs=1e-5)
    # Local correlation ignores a change of brightness and contrast, which MSE does not (up to the windows
    # at the border, which MONAI pads with zeros).
    assert loss(torch.cat([3 * fixed + 0.5, zero_flow], dim=1), fixed).item() < 0.05
    assert RegistrationLoss(weight=0.0)(torch.cat([3 * fixed + 0.5, zero_flow], dim=1), fixed).item() > 1
    assert loss(torch.cat([torch.rand_like(fixed), zero_flow], dim=1), fixed).item() > 0.5


@pytest.mark.parametrize(
    ("kwargs", "shape", "match"),
    [
        ({"similarity": "ncc"}, (1, 3, 4, 4), "similarity must be one of"),
        ({"smoothness": "l3"}, (1, 3, 4, 4), "smoothness must be one of"),
        ({"weight": -1.0}, (1, 3, 4, 4), "weight must be >= 0"),
        ({}, (1, 2, 4, 4), "expected output"),
    ],
)
def test_registration_loss_rejects_bad_input(kwargs, shape, match):
    with pytest.raises(ValueError, match=match):
        RegistrationLoss(**kwargs)(torch.zeros(shape), torch.zeros(1, 1, 4, 4))
