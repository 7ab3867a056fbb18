"""Latency budgets hold on the machine that runs: a sweep from elsewhere is retimed here, and cached."""

import json

import pytest

import bundle.perf.cache as cache
import bundle.perf.local_latency as local_latency
from bundle.nets.factory import build_network
from bundle.pareto.choose import choose_phi
from bundle.perf.hardware import hardware
from bundle.perf.local_latency import LatencyHere

PHIS = (0.1, 0.25, 0.5)


@pytest.fixture
def timer(tmp_path, monkeypatch):
    monkeypatch.setenv("SSHN_CACHE_DIR", str(tmp_path / "cache"))
    network = build_network("sshn", 2, 1, 3, features=4, levels=3, hidden=[4, 8])
    return LatencyHere(network, (1, 1, 24, 20), repeats=2)


def _sweep(path, machine: str) -> str:
    # Latencies as a much faster machine measured them: every phi within any budget there.
    rows = [{"phi": phi, "mean_dice": 0.8 + phi / 10, "gflops": phi, "latency_ms": 1e-6} for phi in PHIS]
    path.write_text(json.dumps({"hardware": machine, "rows": rows}))
    return str(path)


def test_a_sweep_from_another_machine_is_timed_here(timer, tmp_path):
    sweep = _sweep(tmp_path / "sweep.json", "a fake GPU, torch 0.0")
    times = timer.measure(PHIS)
    budget = min(times.values())  # met here by the fastest phi alone
    phi, row = choose_phi(sweep=sweep, max_latency_ms=budget, latency=timer)
    assert row["latency_hardware"] == hardware() and row["latency_ms"] == times[phi] <= budget
    assert row["latency_ms"] > 1e-6  # not the sweep's figure
    phi_there, row_there = choose_phi(sweep=sweep, max_latency_ms=budget)  # no timer: the sweep's own figures
    assert phi_there == 0.5 and row_there["latency_ms"] == 1e-6


def test_a_sweep_from_this_machine_keeps_its_latencies(timer, tmp_path, monkeypatch):
    monkeypatch.setattr(local_latency, "median_latency_ms", lambda *args, **kwargs: pytest.fail("timed again"))
    sweep = _sweep(tmp_path / "sweep.json", hardware())
    phi, row = choose_phi(sweep=sweep, max_latency_ms=1.0, latency=timer)
    assert (phi, row["latency_ms"], row["latency_hardware"]) == (0.5, 1e-6, hardware())


def test_times_are_cached_per_machine_weights_and_size(timer, monkeypatch):
    first = timer.measure(PHIS)
    monkeypatch.setattr(local_latency, "median_latency_ms", lambda *args, **kwargs: pytest.fail("timed again"))
    assert timer.measure(PHIS) == first
    monkeypatch.setattr(local_latency, "median_latency_ms", lambda *args, **kwargs: 7.0)
    wider = LatencyHere(timer.network, (1, 1, 32, 20), repeats=2)
    assert wider.measure(PHIS) == {phi: 7.0 for phi in PHIS}
    monkeypatch.setattr(cache, "hardware", lambda: "another machine")
    assert timer.measure(PHIS) == {phi: 7.0 for phi in PHIS}


def test_phis_with_the_same_level_sizes_are_timed_once(timer, monkeypatch):
    calls = []
    monkeypatch.setattr(
        local_latency, "median_latency_ms", lambda *args, **kwargs: calls.append(1) or float(len(calls))
    )
    phis = [0.5, 0.51, 0.52, 0.1]  # at 24 x 20: 0.5 to 0.52 give 12 x 10, 6 x 5, 3 x 3 (round half up)
    sizes = {phi: timer._level_sizes(phi) for phi in phis}
    assert sizes[0.5] == sizes[0.51] == sizes[0.52] != sizes[0.1]
    times = timer.measure(phis)
    assert len(calls) == 2 and times[0.5] == times[0.51] == times[0.52] != times[0.1]


def test_a_damaged_entry_is_measured_again_and_an_unwritable_cache_is_skipped(timer, tmp_path, monkeypatch, caplog):
    first = timer.measure(PHIS)
    (entry,) = (tmp_path / "cache" / "latency").iterdir()
    entry.write_text("{not json")
    monkeypatch.setattr(local_latency, "median_latency_ms", lambda *_, **__: 5.0)
    assert timer.measure(PHIS) == dict.fromkeys(PHIS, 5.0) != first
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    monkeypatch.setenv("SSHN_CACHE_DIR", str(tmp_path / "blocked"))
    assert timer.measure(PHIS) == dict.fromkeys(PHIS, 5.0)
    assert "measurements not cached" in caplog.text and "blocked" in caplog.text
