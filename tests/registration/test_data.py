"""Pairs of cached subjects: every ordered pair, 2D slices or 3D, one label numbering, split by subject."""

import numpy as np
import pytest

from bundle.registration.data import PairDataset, label_ids, registration_pairs, split_subjects
from tests.registration.conftest import make_grid


def test_pairs_cover_every_ordered_pair_and_slice(tiny_grid):
    ids = label_ids(tiny_grid)
    assert ids == [0, 10, 20, 30]
    pairs = PairDataset(tiny_grid, ["subject_00", "subject_01", "subject_02"], ids, slices=[-2, 0, 3])
    assert len(pairs) == 3 * 2 * 3
    item = pairs[0]
    assert item["image"].shape == (2, 11, 13)  # coronal slices of an (11, 9, 13) volume
    assert item["label"].shape == item["moving_label"].shape == item["fixed_label"].shape == (1, 11, 13)
    assert set(item["moving_label"].unique().tolist()) <= {0, 1, 2, 3}  # indices into ids, not ids
    assert np.array_equal(item["label"], item["image"][1:])  # the target is the fixed image


def test_3d_pairs_are_whole_volumes(tiny_grid):
    pairs = PairDataset(tiny_grid, ["subject_00", "subject_01"], label_ids(tiny_grid))
    assert len(pairs) == 2 and pairs[1]["image"].shape == (2, 11, 9, 13)


def test_splits_are_disjoint_sets_of_subjects(tiny_grid):
    splits = {name: set(split_subjects(tiny_grid, name, seed=0)) for name in ("train", "validation", "test")}
    assert [len(s) for s in splits.values()] == [6, 2, 2]
    assert not (splits["train"] & splits["test"]) and not (splits["train"] & splits["validation"])
    assert len(registration_pairs(tiny_grid, "test", 0, slices=[0])) == 2


@pytest.mark.parametrize(
    ("subjects", "slices", "match"),
    [(["subject_00"], None, "at least two subjects"), (["subject_00", "subject_01"], [5], "outside the 9")],
)
def test_bad_pairs_are_clear_errors(tiny_grid, subjects, slices, match):
    with pytest.raises(ValueError, match=match):
        PairDataset(tiny_grid, subjects, label_ids(tiny_grid), slices)


def test_a_grid_without_two_subjects_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="at least two"):
        label_ids(make_grid(tmp_path / "grid", count=1))


def test_a_split_too_small_for_pairs_says_so_and_how_to_try_anyway(tmp_path):
    grid = make_grid(tmp_path / "grid", count=2)
    with pytest.raises(ValueError, match=r"its train split \(split seed 0\) holds 1 of its subjects .*pairs need two"):
        registration_pairs(grid, "train")
    assert len(registration_pairs(grid, "all")) == 2
