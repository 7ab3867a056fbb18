import csv

from tests.bundle_configs.conftest import ROOT, TINY, run_workflow


def test_sweep_config_writes_one_row_per_phi_and_the_plots(tiny_data, tmp_path):
    settings = TINY | {
        "bundle_root": str(ROOT),
        "dataset_dir": str(tiny_data["wbc"]),
        "ckpt_dir": str(tmp_path / "models"),
        "output_dir": str(tmp_path / "runs"),
        "spatial_size": [24, 24],
        "device": "cpu",
        "num_workers": 0,
    }
    run_workflow(["train.json", "wbc.json", "cpu.json"], "train", **settings)
    sweep = settings | {"sweep_dir": str(tmp_path / "sweep"), "phi_step": 0.25, "latency_repeats": 1}
    run_workflow(["train.json", "wbc.json", "sweep.json"], None, **sweep)
    rows = list(csv.DictReader((tmp_path / "sweep" / "sweep.csv").open()))
    assert [float(row["phi"]) for row in rows] == [0.0, 0.25, 0.5]
    assert {"cytoplasm", "nucleus", "gflops", "latency_ms", "latency_ms_batch8"} <= set(rows[0])
    assert (tmp_path / "sweep" / "dice_vs_gflops.png").is_file()
