"""scripts/benchmark_speed.py registration: the deployed network at each phi and demons, timed side by side."""

import importlib.util
import json

import pytest
import torch

from bundle.registration.network import build_registration_network
from tests.registration.conftest import ROOT


@pytest.mark.parametrize(("slices", "ndim"), [([0], 2), (None, 3)])
def test_every_phi_and_demons_get_a_time_and_demons_ratio(tiny_grid, tmp_path, slices, ndim):
    spec = importlib.util.spec_from_file_location("speed_script", ROOT / "scripts" / "benchmark_speed.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    network = build_registration_network("sshn", ndim, features=4, levels=3, hidden=[4, 8])
    torch.save(network.state_dict(), tmp_path / "model.pt")
    output = tmp_path / "speed.json"
    script.registration(
        str(tmp_path / "model.pt"), str(tiny_grid), features=4, levels=3, hidden=[4, 8], phis=[0.0, 0.5],
        iterations=2, pairs=2, repeats=2, slices=slices, output=str(output),
    )  # fmt: skip
    rows = {row["action"]: row for row in json.loads(output.read_text())["rows"]}
    assert list(rows) == ["network phi 0", "network phi 0.5", "demons"]
    assert all(row["ms"] > 0 for row in rows.values())
    assert rows["demons"]["demons_x"] == 1.0
    assert rows["network phi 0"]["demons_x"] == pytest.approx(rows["demons"]["ms"] / rows["network phi 0"]["ms"])
