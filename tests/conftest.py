"""Settings every test shares."""

import pytest


@pytest.fixture(autouse=True)
def _measurement_cache(tmp_path_factory, monkeypatch):
    # Timings that scripts cache per machine (bundle/perf/cache.py) go to a temporary folder, not ~/.cache.
    monkeypatch.setenv("SSHN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sshn_cache"))
