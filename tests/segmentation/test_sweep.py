import itertools
import json

import pytest
import torch

from bundle.nets import SSHN, PhiUNet
from bundle.pareto.report import overlay_sweeps, phi_grid, write_sweep
from bundle.segmentation.sweep import sweep


@pytest.fixture(scope="module")
def rows():
    torch.manual_seed(0)
    sshn = SSHN(PhiUNet(2, 1, 3, features=4, levels=3))
    label = torch.zeros(1, 1, 20, 24, dtype=torch.long)
    label[..., 4:12, 5:15], label[..., 12:18, 5:15] = 1, 2
    data = [{"image": label.float() + 0.1 * torch.randn(1, 1, 20, 24), "label": label} for _ in range(3)]
    calls = []
    sshn.hypernet.register_forward_hook(lambda *args: calls.append(1))
    result = sweep(sshn, data, [0.0, 0.1, 0.25, 0.5], 3, (1, 1, 20, 24), latency_batch=2, repeats=2)
    assert len(calls) == 4  # the hypernetwork runs once per phi, not once per image
    return result


def test_one_row_per_phi_with_finite_dice_and_growing_flops(rows):
    assert [row["phi"] for row in rows] == [0.0, 0.1, 0.25, 0.5]
    assert all(0.0 <= row["mean_dice"] <= 1.0 and len(row["per_label"]) == 2 for row in rows)
    flops = [row["gflops"] for row in rows]
    assert all(a < b for a, b in itertools.pairwise(flops))
    assert all(row["latency_ms"] > 0 and row["latency_ms_batch2"] > 0 for row in rows)
    assert len({row["parameters"] for row in rows}) == 1


def test_report_files_and_summary(rows, tmp_path):
    report = write_sweep(rows, ["a", "b"], tmp_path)
    assert (tmp_path / "sweep.csv").read_text().splitlines()[0] == (
        "phi,mean_dice,a,b,gflops,parameters,latency_ms,latency_ms_batch2"
    )
    assert len((tmp_path / "sweep.csv").read_text().splitlines()) == 5
    assert json.loads((tmp_path / "sweep.json").read_text())["summary"] == report["summary"]
    assert 0 <= report["summary"]["flops_saved_vs_best"] < 1
    assert all((tmp_path / name).stat().st_size > 1000 for name in ("dice_vs_phi.png", "dice_vs_gflops.png"))


def test_phi_grid_is_clean_and_checked():
    assert phi_grid(0.0, 0.5, 0.1) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert len(phi_grid()) == 51 and phi_grid()[30] == 0.3
    with pytest.raises(ValueError, match="need 0 <= start <= stop <= 1"):
        phi_grid(0.5, 0.1, 0.1)


def test_overlay_merges_files_of_one_method_and_refuses_other_labels(rows, tmp_path):
    write_sweep(rows, ["a", "b"], tmp_path / "sshn")
    for phi_rows in ([rows[3]], [rows[1]]):  # two Fixed networks, each swept at its own phi
        write_sweep(phi_rows, ["a", "b"], tmp_path / f"fixed{phi_rows[0]['phi']}", method="fixed")
    files = [tmp_path / "sshn/sweep.json", tmp_path / "fixed0.5/sweep.json", tmp_path / "fixed0.1/sweep.json"]
    curves = overlay_sweeps(files, tmp_path / "compare")
    assert list(curves) == ["sshn", "fixed"]
    assert [row["phi"] for row in curves["fixed"]] == [0.1, 0.5]
    assert (tmp_path / "compare" / "dice_vs_gflops.png").stat().st_size > 1000
    write_sweep(rows, ["a", "c"], tmp_path / "other", method="film")
    with pytest.raises(ValueError, match="not one dataset"):
        overlay_sweeps([files[0], tmp_path / "other/sweep.json"], tmp_path / "compare")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        overlay_sweeps([tmp_path / "missing.json"], tmp_path / "compare")
