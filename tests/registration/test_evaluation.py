"""Dice per pair and the fraction of folding voxels."""

import pytest
import torch

from bundle.registration.evaluation import nonpositive_jacobian_fraction, pair_dice


def test_pair_dice_averages_the_labels_present_in_the_fixed_map():
    fixed = torch.tensor([[[[1, 1, 2, 2, 0, 0]]]])  # (1, 1, 1, 6): labels 1 and 2
    warped = torch.tensor([[[[1, 1, 0, 0, 3, 3]]]])  # label 1 right, label 2 missed, label 3 not in fixed
    # label 1: Dice 1; label 2: 0; label 3 left out (absent from fixed), not counted as 0 or 1.
    assert pair_dice(warped, fixed, num_classes=4).tolist() == [pytest.approx(0.5)]
    assert pair_dice(fixed, fixed, num_classes=4).tolist() == [1.0]


def test_pair_dice_gives_one_value_per_pair():
    labels = torch.randint(0, 5, (3, 1, 8, 9, 7))
    dice = pair_dice(labels, labels, num_classes=5)
    assert dice.shape == (3,) and torch.all(dice == 1.0)


@pytest.mark.parametrize("size", [(6, 7), (5, 6, 4)])
def test_jacobian_fraction_is_zero_without_folding_and_one_for_a_mirror(size):
    ddf = torch.zeros(2, len(size), *size)
    assert nonpositive_jacobian_fraction(ddf).tolist() == [0.0, 0.0]
    # x -> -x along axis 0: u = -2x, Jacobian determinant -1 everywhere.
    ddf[:, 0] = -2 * torch.arange(size[0], dtype=torch.float32).view(-1, *[1] * (len(size) - 1))
    assert nonpositive_jacobian_fraction(ddf).tolist() == [1.0, 1.0]


def test_jacobian_rejects_a_field_with_the_wrong_channel_count():
    with pytest.raises(ValueError, match="displacement field"):
        nonpositive_jacobian_fraction(torch.zeros(1, 3, 4, 4))
