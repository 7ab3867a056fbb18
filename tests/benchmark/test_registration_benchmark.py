"""The benchmark's smallest configuration end to end on generated registration pairs, and its task's checks."""

import pytest

from bundle.benchmark.profiles import get_profile
from bundle.benchmark.suite import Benchmark
from tests.benchmark.checks import check_report, run_result
from tests.registration.conftest import make_grid


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    root = tmp_path_factory.mktemp("registration_benchmark")
    grid = make_grid(root / "grid")
    benchmark = Benchmark("registration", "tiny", str(grid), str(root / "out"), str(root / "report"))
    benchmark.all()
    return benchmark, root


def test_report_has_every_method_and_phi_with_folding(finished):
    _, root = finished
    headings = ("Table 1", "Table 3", "Folding", "Figure 8", "Figure 9", "Figure 14", "Figures 12, 13")
    figures = ("dice_vs_phi", "dice_vs_gflops", "prior_width", "weight_transfer", "weight_variation", "per_level")
    dice = check_report(root / "report", get_profile("tiny"), headings, figures)
    assert all(0.0 <= row["dice"] <= 1.0 and 0.0 <= row["folding"] <= 1.0 for row in dice)
    report = (root / "report" / "report.md").read_text()
    assert "Figure 10" not in report  # the ablation's FPN / PSPNet primaries are segmentation's only
    assert "configs/registration.json" in report and "paper sshn" in report


def test_test_rows_are_the_test_pairs_of_one_split_for_every_seed(finished):
    _, root = finished
    seed0 = run_result(root / "report", root / "out", "sshn", 0)
    seed1 = run_result(root / "report", root / "out", "sshn", 1)
    assert seed0["dataset"] == "registration" and seed1["seed"] == 1
    # 10 subjects: 2 test subjects, 2 ordered pairs, 1 slice each; the affine floor is the same data's
    for row0, row1 in zip(seed0["rows"], seed1["rows"], strict=True):
        assert row0["pairs"] == row1["pairs"] == 2
        assert row0["affine_dice"] == row1["affine_dice"] and row0["gflops"] == row1["gflops"] > 0
        assert set(row0) >= {"phi", "mean_dice", "std_dice", "nonpositive_jacobian", "gflops"}


def test_the_ablation_is_a_clear_error(finished):
    benchmark, _ = finished
    with pytest.raises(ValueError, match="'ablation' part does not apply to dataset 'registration'"):
        benchmark.ablation()


def test_a_grid_of_another_size_than_the_profile_is_a_clear_error(tmp_path):
    grid = make_grid(tmp_path / "grid", count=3, shape=(8, 9, 8))
    with pytest.raises(ValueError, match=r"images of size \[8, 8\], profile 'tiny' trains 'registration' at"):
        Benchmark("registration", "tiny", str(grid), str(tmp_path / "out"))
    with pytest.raises(ValueError, match="dataset must be one of"):
        Benchmark("registration_4d", "tiny", str(grid), str(tmp_path / "out"))


def test_a_folder_without_cached_subjects_is_read_as_mindboggle(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="the size of no Mindboggle grid"):
        Benchmark("registration", "tiny", str(tmp_path / "empty"), str(tmp_path / "out"))
    # quick's 80 x 80 slices are the 2 mm grid's: the folder goes to mindboggle.prepare, which finds no brains
    with pytest.raises(ValueError, match=r"holds no <subject>/t1weighted_brain\.nii\.gz"):
        Benchmark("registration", "quick", str(tmp_path / "empty"), str(tmp_path / "out"))
