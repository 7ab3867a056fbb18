import pytest
import torch

from bundle.nets.resize import check_phi, level_sizes, resize, scaled_length, scaled_size


@pytest.mark.parametrize(
    ("phi", "expected"),
    [
        # 160x192 at phi 0.25: 40x48 -> 10x12 -> 2.5 rounds up to 3 x 3 -> 0.75 rounds up to 1 x 0.75 -> 1
        (0.25, [[160, 192], [40, 48], [10, 12], [3, 3], [1, 1]]),
        # phi 0.3: 48 x 57.6->58, then 14.4->14 x 17.4->17, then 4.2->4 x 5.1->5, then 1.2->1 x 1.5->2
        (0.3, [[160, 192], [48, 58], [14, 17], [4, 5], [1, 2]]),
        (0.5, [[160, 192], [80, 96], [40, 48], [20, 24], [10, 12]]),
    ],
)
def test_level_sizes_round_half_up_at_160x192(phi, expected):
    assert level_sizes([160, 192], [phi] * 4) == expected


@pytest.mark.parametrize(
    ("length", "phi", "expected"),
    [
        (5, 0.5, 3),  # 2.5: half rounds up (Python's round() would give 2)
        (7, 0.5, 4),  # 3.5
        (70, 0.35, 25),  # 24.5 even where the float product lands a hair below the half
        (90, 0.05, 5),  # 4.5
        (192, 0.3, 58),  # 57.6: scale_factor would floor to 57
        (1, 0.5, 1),  # 0.5 rounds up to 1
        (1000, 0.0, 1),  # never below 1
        (37, 1.0, 37),
    ],
)
def test_scaled_length(length, phi, expected):
    assert scaled_length(length, phi) == expected


def test_phi_half_halves_even_sizes_exactly():
    assert scaled_size([64, 48, 32], 0.5) == [32, 24, 16]


@pytest.mark.parametrize("phi", [-0.01, 1.01, float("nan"), float("inf")])
def test_invalid_phi_is_a_clear_value_error(phi):
    with pytest.raises(ValueError, match=r"phi must be a number in \[0, 1\]"):
        check_phi(phi)
    with pytest.raises(ValueError, match="phi must be"):
        scaled_size([10, 10], phi)


@pytest.mark.parametrize("size", [[7, 5], [3, 9, 4]])
def test_resize_reaches_the_requested_size_in_2d_and_3d(size):
    x = torch.randn(2, 3, *[11] * len(size))
    assert resize(x, size).shape == (2, 3, *size)


def test_resize_to_the_same_size_is_the_identity():
    x = torch.randn(1, 2, 9, 13)
    torch.testing.assert_close(resize(x, [9, 13]), x)
