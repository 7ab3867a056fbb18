"""The rows of the training-step and inference speed tables, on a tiny network (timings are not asserted)."""

import pytest

from bundle.perf.speed_tables import inference_rows, relative_to_largest_phi, training_rows


def test_training_rows_compare_every_network_with_the_stochastic_step():
    rows = training_rows([2], [1], features=2, repeats=1, device="cpu")
    assert [row["network"] for row in rows] == ["stochastic", "sshn_compact", "sshn_full"]
    assert rows[0]["ratio"] == 1.0 and rows[0]["x_primary"] == 1.0
    assert rows[2]["parameters"] > rows[1]["parameters"] > rows[0]["parameters"]  # the paper's head is widest
    assert all(row["checkpoint_mb"] == pytest.approx(row["parameters"] * 4 / 1e6) for row in rows)


def test_inference_rows_take_ratios_against_the_first_precision_and_the_largest_phi():
    rows = inference_rows([2], [0.0, 0.5], ["fp32", "channels_last"], 2, 3, 1, batch=2, repeats=1, device="cpu")
    assert [(row["phi"], row["precision"]) for row in rows] == [
        (0.0, "fp32"),
        (0.0, "channels_last"),
        (0.5, "fp32"),
        (0.5, "channels_last"),
    ]
    assert all(row["speedup_batch1"] == 1.0 for row in rows if row["precision"] == "fp32")
    assert all(row["max_abs_logit_error"] < 1e-4 for row in rows)
    relative_to_largest_phi(rows)
    assert all(row["relative_to_phi"] == 0.5 for row in rows)
    assert [row["flops_ratio"] == 1.0 for row in rows] == [False, False, True, True]
    assert rows[0]["gflops"] < rows[2]["gflops"]
