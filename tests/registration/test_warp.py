"""Warping by a displacement field: identity, one-voxel shifts, label values kept; 2D and 3D, awkward sizes."""

import pytest
import torch

from bundle.registration.warp import warp, warp_labels

SIZES = [(5, 7), (13, 1), (6, 9, 4), (3, 11, 7)]  # odd, singleton, prime sizes


@pytest.mark.parametrize("size", SIZES)
def test_zero_flow_warps_an_image_to_itself(size):
    image = torch.rand(2, 3, *size)
    out = warp(image, torch.zeros(2, len(size), *size))
    assert out.shape == image.shape
    torch.testing.assert_close(out, image)


@pytest.mark.parametrize(("size", "axis"), [(s, a) for s in SIZES if min(s) > 1 for a in range(len(s))])
def test_a_constant_flow_of_one_voxel_shifts_by_one(size, axis):
    image = torch.rand(1, 1, *size)
    ddf = torch.zeros(1, len(size), *size)
    ddf[:, axis] = 1.0
    out = warp(image, ddf)  # out(x) = image(x + e_axis)
    dim = 2 + axis
    torch.testing.assert_close(out.narrow(dim, 0, size[axis] - 1), image.narrow(dim, 1, size[axis] - 1))
    # Zero padding, set explicitly: the last slice samples outside the image.
    assert torch.all(out.narrow(dim, size[axis] - 1, 1) == 0)


@pytest.mark.parametrize("size", SIZES)
def test_label_warping_keeps_label_values_and_dtype(size):
    generator = torch.Generator().manual_seed(0)
    labels = torch.tensor([0, 3, 17, 1002])[torch.randint(0, 4, (2, 1, *size), generator=generator)]
    ddf = 2 * torch.randn(2, len(size), *size, generator=generator)
    out = warp_labels(labels, ddf)
    assert out.dtype == labels.dtype and out.shape == labels.shape
    assert set(out.unique().tolist()) <= {0, 3, 17, 1002}
    assert torch.equal(warp_labels(labels, torch.zeros_like(ddf)), labels)


def test_label_warping_rejects_float_labels():
    with pytest.raises(ValueError, match="integer label map"):
        warp_labels(torch.zeros(1, 1, 4, 4), torch.zeros(1, 2, 4, 4))
