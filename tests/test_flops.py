import itertools

import pytest

from bundle.flops import count_flops
from bundle.nets.sshn import SSHN
from bundle.nets.unet import PhiUNet


def test_flops_match_a_hand_count():
    # Levels 4x6 and, at phi 0.5, 2x3. 2 FLOPs per multiply-add of a 3x3 (or 1x1) convolution:
    # 2 * c_in * c_out * kernel * output positions.
    expected = (
        2 * 1 * 2 * 9 * 24  # encoder 0, conv1
        + 2 * 2 * 2 * 9 * 24  # encoder 0, conv2
        + 2 * 2 * 2 * 9 * 6 * 2  # encoder 1, both convolutions
        + 2 * 4 * 2 * 9 * 24  # decoder conv1 on [upsampled, skip]
        + 2 * 2 * 2 * 9 * 24  # decoder conv2
        + 2 * 2 * 2 * 1 * 24  # 1x1 head
    )
    assert count_flops(PhiUNet(2, 1, 2, features=2, levels=2), (1, 1, 4, 6), 0.5) == expected == 8832


@pytest.mark.parametrize(("dims", "shape"), [(2, (1, 1, 160, 192)), (3, (1, 1, 35, 50, 35))])
def test_flops_grow_with_phi(dims, shape):
    net = PhiUNet(dims, 1, 3, features=8)
    flops = [count_flops(net, shape, phi) for phi in [0.0, 0.1, 0.25, 0.4, 0.5, 1.0]]
    assert all(a < b for a, b in itertools.pairwise(flops)), flops


def test_materialized_sshn_costs_what_the_plain_unet_costs():
    primary = PhiUNet(2, 1, 3, features=8, levels=3)
    sshn = SSHN(PhiUNet(2, 1, 3, features=8, levels=3))
    shape = (1, 1, 40, 48)
    assert count_flops(sshn.materialize(0.3), shape) == count_flops(primary, shape, 0.3)
    assert count_flops(sshn, shape, 0.3) > count_flops(primary, shape, 0.3)  # the hypernetwork's matmuls
