"""Settings every test shares."""

import subprocess
import sys

import pytest


@pytest.fixture(autouse=True)
def _measurement_cache(tmp_path_factory, monkeypatch):
    # Timings that scripts cache per machine (bundle/perf/cache.py) go to a temporary folder, not ~/.cache.
    monkeypatch.setenv("SSHN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sshn_cache"))


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has ended (what a killed run leaves in its temporaries' names)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
