"""scripts/benchmark.py --dataset oasis2d --profile tiny on generated subjects in the neurite-oasis layout: it runs,
and its report sets the paper's OASIS rows beside ours."""

import json

from bundle.benchmark.profiles import get_profile
from bundle.benchmark.suite import Benchmark
from tests.benchmark.checks import check_report
from tests.data.test_datalist import make_neurite_oasis


def test_the_oasis2d_benchmark_reports_beside_the_papers_oasis_rows(tmp_path):
    # six subjects: 64/16/20 % gives 4 / 1 / 1, a test subject for Table 1; 72 x 80 slices cropped to 32 x 32
    data = make_neurite_oasis(tmp_path / "oasis", count=6, shape=(72, 80, 1))
    benchmark = Benchmark("oasis2d", "tiny", str(data), str(tmp_path / "out"), str(tmp_path / "report"))
    benchmark.lr()
    benchmark.methods()
    report = benchmark.report().read_text()
    check_report(tmp_path / "report", get_profile("tiny"), ["Table 1", "Table 3"], ["dice_vs_phi", "dice_vs_gflops"])
    assert "the paper's Table 1, OASIS (2D mid-coronal slices, 24 labels, 414 subjects)" in report
    assert "90.7" in report and "2811.1" in report  # the paper's SSHN at phi 0.5; its Fixed set's minutes
    rows = json.loads((tmp_path / "report" / "methods.json").read_text())["dice"]
    assert all(0.0 <= row["dice"] <= 1.0 for row in rows)
