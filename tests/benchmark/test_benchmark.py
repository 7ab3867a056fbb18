"""The benchmark's smallest configuration end to end on generated data, and its parts' arithmetic."""

import json
import shutil

import pytest

from bundle.benchmark.profiles import get_profile
from bundle.benchmark.report import _header, _seed_note, _usable_range, write_report
from bundle.benchmark.runs import RunSpec, training_overrides
from bundle.benchmark.suite import Benchmark
from bundle.benchmark.tables import dice_table, time_table
from tests.benchmark.checks import check_report, run_result
from tests.data.test_datalist import make_wbc


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    root = tmp_path_factory.mktemp("benchmark")
    data = make_wbc(root / "wbc", count=5)
    benchmark = Benchmark("wbc", "tiny", str(data), str(root / "out"), str(root / "report"))
    benchmark.all()
    return benchmark, root


def test_report_has_every_method_and_phi(finished):
    _, root = finished
    headings = (
        "Table 1",
        "Learning rate of each method",
        "Table 3",
        "Figure 8",
        "Figure 9",
        "Figure 14",
        "Figures 12, 13",
        "Figure 10",
        "between phi 0.1 and 0.5",
    )
    figures = ("dice_vs_phi", "dice_vs_gflops", "prior_width", "weight_transfer", "weight_variation", "per_level")
    check_report(root / "report", get_profile("tiny"), headings, (*figures, "ablation_unet", "ablation_residual"))


def test_a_finished_run_is_not_repeated(finished):
    benchmark, root = finished
    results = sorted((root / "out" / "runs").glob("*/result.json"))
    before = [result.stat().st_mtime_ns for result in results]
    benchmark.methods()
    assert [result.stat().st_mtime_ns for result in results] == before
    assert sorted((root / "out" / "runs").glob("*/result.json")) == results


def test_every_method_trains_at_every_lr_of_the_grid_and_keeps_its_best_on_validation(finished):
    _, root = finished
    learning_rates = json.loads((root / "report" / "lr.json").read_text())
    for method, rows in learning_rates["validation_dice"].items():
        best = max(rows, key=lambda row: -1 if row["dice"] is None else row["dice"])
        assert learning_rates["chosen"][method] == best["lr"]
    for lr in get_profile("tiny").lr_grid:  # the search's seed-0 runs, read back by the main table's
        assert (root / "out" / "runs" / f"film_lr{lr:g}_seed0" / "result.json").is_file()
        assert (root / "out" / "runs" / f"fixed_phi0.5_lr{lr:g}_seed0" / "result.json").is_file()
    seed1 = run_result(root / "report", root / "out", "stochastic", 1)
    assert seed1["overrides"]["lr"] == learning_rates["chosen"]["stochastic"]
    assert 0.0 <= seed1["best_val_dice"] <= 1.0


def test_train_false_reads_finished_runs_and_lists_pending_ones(finished, tmp_path):
    benchmark, root = finished
    data = benchmark.dataset_dir
    # "false": what fire passes for --train false (a non-empty string, so truthy unless parsed)
    reading = Benchmark("wbc", "tiny", data, str(root / "out"), str(tmp_path / "report"), train="false")
    assert reading.methods() == {**json.loads((root / "report" / "methods.json").read_text()), "pending": []}
    empty = Benchmark("wbc", "tiny", data, str(tmp_path / "nothing"), str(tmp_path / "empty"), train=False)
    assert empty.lr() == {"validation_dice": {}, "chosen": {}}
    assert empty.methods()["dice"] == []
    with pytest.raises(ValueError, match=r"no learning rate chosen yet for \['sshn'\]: none of their lr runs"):
        empty.variation()
    assert not (tmp_path / "nothing" / "runs").exists()
    shutil.copytree(root / "out", tmp_path / "copy")
    (pending,) = (tmp_path / "copy" / "runs").glob("prior_r0.05_*/result.json")
    pending.unlink()
    copy = Benchmark("wbc", "tiny", data, str(tmp_path / "copy"), str(tmp_path / "report"), train=False)
    with pytest.raises(ValueError, match=rf"runs not finished yet in .*copy: \['{pending.parent.name}'\]"):
        copy.prior_width()


def test_seeds_share_one_split_and_vary_the_training(finished):
    _, root = finished
    seed0 = run_result(root / "report", root / "out", "sshn", 0)
    seed1 = run_result(root / "report", root / "out", "sshn", 1)
    assert seed0["seed"] == 0 and seed1["seed"] == 1
    assert [r["gflops"] for r in seed0["rows"]] == [r["gflops"] for r in seed1["rows"]]


def _result(method, seed, phi, dice, seconds, name=None):
    return {
        "name": name or f"{method}{phi}{seed}",
        "method": method,
        "seed": seed,
        "train_seconds": seconds,
        "epochs": 10,
        "resumed": False,
        "rows": [{"phi": phi, "mean_dice": dice, "gflops": 1.0}],
    }


def test_tables_average_over_seeds_and_scale_the_fixed_set_to_eleven():
    results = [
        _result("sshn", 0, 0.5, 0.8, 60),
        _result("sshn", 1, 0.5, 0.9, 120),
        _result("fixed", 0, 0.0, 0.5, 30),
        _result("fixed", 0, 0.5, 0.7, 90),
    ]
    dice = {(row["method"], row["phi"]): row for row in dice_table(results)}
    assert dice[("sshn", 0.5)]["dice"] == pytest.approx(0.85)
    assert dice[("sshn", 0.5)]["std"] == pytest.approx(0.0707, abs=1e-4)
    assert dice[("fixed", 0.0)]["seeds"] == 1
    time = {row["method"]: row for row in time_table(results)}
    assert time["sshn"]["minutes"] == pytest.approx(1.5)
    assert time["fixed set (2 networks)"]["minutes"] == pytest.approx(2.0)
    assert time["fixed set (scaled to 11)"]["minutes"] == pytest.approx(11.0)


@pytest.mark.parametrize(
    ("dice", "expected"),
    [
        ([0.1, 0.5, 0.9, 0.89, 0.5], (0.5, 0.75)),
        ([0.9, 0.9, 0.9, 0.9, 0.9], (0.0, 1.0)),
        ([0.1, 0.2, 0.9, 0.3, 0.2], (0.5, 0.5)),
    ],
)
def test_usable_range_is_the_interval_around_the_source_phi(dice, expected):
    rows = [{"phi": phi, "dice": d} for phi, d in zip([0.0, 0.25, 0.5, 0.75, 1.0], dice, strict=True)]
    assert _usable_range(rows) == expected


def test_unknown_profile_and_missing_dataset_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="profile must be one of"):
        get_profile("huge")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Benchmark("wbc", "tiny", str(tmp_path / "nowhere"))


def test_seeds_override_replaces_the_profiles_and_the_report_says_so(tmp_path):
    data = make_wbc(tmp_path / "wbc", count=5)
    benchmark = Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), seeds=[3])
    assert benchmark.profile.seeds == (3,)
    assert _seed_note(benchmark.profile) == " (run with --seeds; the profile's own: [0, 1])"
    assert _seed_note(get_profile("tiny")) == ""
    with pytest.raises(ValueError, match="seeds must be"):
        Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), seeds=[])


def test_training_overrides_reach_every_run_and_the_report_lists_them(tmp_path):
    data = make_wbc(tmp_path / "wbc", count=5)
    benchmark = Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), training={"features": 6}, lr_grid=[0.5])
    spec = RunSpec(name="fixed_phi0.5_lr0.5_seed0", method="fixed", phi=0.5, seed=0, overrides={"lr": 0.5})
    overrides = training_overrides(spec, benchmark.profile, "wbc", str(data), tmp_path / "run")
    assert (overrides["features"], overrides["lr"], overrides["levels"]) == (
        6,
        0.5,
        get_profile("tiny").training["levels"],
    )
    header = "\n".join(_header(benchmark.task, benchmark.profile, "abc"))
    assert '`--training` overrides {"features": 6}' in header and "from 0.5 (below)" in header
    assert "overrides" not in "\n".join(_header(benchmark.task, get_profile("tiny"), "abc"))
    with pytest.raises(ValueError, match="training must be a dict"):
        Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), training=["features"])
    with pytest.raises(ValueError, match="training must not set lr"):
        Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), training={"lr": 0.5})
    for grid in ([0.0], [True], ["1e-3"], []):
        with pytest.raises(ValueError, match="lr_grid must be a non-empty list"):
            Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), lr_grid=grid)
    one = Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), lr_grid=0.003)  # fire: --lr_grid 0.003
    assert one.profile.lr_grid == (0.003,)
    with pytest.raises(ValueError, match="--train must be true or false"):
        Benchmark("wbc", "tiny", str(data), str(tmp_path / "out"), train="no")


def test_a_report_dir_from_before_the_median_change_still_renders(finished, tmp_path):
    benchmark, root = finished
    summary = json.loads((root / "report" / "variation.json").read_text())
    old = {"variation": summary["tensors"]}  # variation.json was the list of tensor rows
    report = write_report(old, benchmark.task, benchmark.profile, "abc", tmp_path).read_text()
    assert "Figure 14" in report and "between phi 0.1 and 0.5" not in report
    assert f"{len(summary['tensors'])} tensors" in report


def test_a_config_expression_in_a_runs_settings_never_reaches_the_workflow(tmp_path):
    from bundle.benchmark import runs

    spec = RunSpec("sshn_seed0", "sshn", 0, overrides={"features": "$print(1)"})
    with pytest.raises(ValueError, match=r"benchmark setting features '\$print\(1\)'"):
        runs._workflow(spec, get_profile("tiny"), "wbc", str(tmp_path), tmp_path)
