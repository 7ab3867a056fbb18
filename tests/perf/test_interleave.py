"""The shared side-by-side timer: every action once per round, the order rotating, warm-up kept apart."""

import time

import pytest

from bundle.perf.interleave import interleaved_runs


def test_every_action_runs_once_per_round_in_rotating_order():
    calls = []
    measured = interleaved_runs({name: lambda round_, name=name: calls.append((round_, name)) for name in "abc"}, 2, 1)
    assert calls == [(0, "a"), (0, "b"), (0, "c"), (1, "b"), (1, "c"), (1, "a"), (2, "c"), (2, "a"), (2, "b")]
    assert set(measured) == {"a", "b", "c"}
    assert all(row["ms"] >= 0 and row["warmup_s"] >= 0 and row["peak_mib"] is None for row in measured.values())


def test_warm_up_time_is_reported_apart_from_the_median():
    measured = interleaved_runs({"slow_first": lambda round_: time.sleep(0.05 if round_ == 0 else 0.0)}, 3, 1)
    assert measured["slow_first"]["warmup_s"] >= 0.05
    assert measured["slow_first"]["ms"] == pytest.approx(0.0, abs=5.0)
