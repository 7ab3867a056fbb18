"""Tiny generated datasets in both layouts, and runners for the bundle's configs (in this process or under torchrun)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from monai.bundle import ConfigWorkflow

from tests.data.test_datalist import make_wbc
from tests.data.test_transforms import make_msd

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "configs"

# A U-Net small enough for a few seconds per run on 2 CPU cores.
TINY = {"features": 4, "levels": 3, "hidden": [4, 8], "epochs": 1, "val_interval": 1, "batch_size": 2}
TINY_BY_DATASET = {"wbc": {"spatial_size": [24, 24]}, "hippocampus": {"spatial_size": [12, 12, 12]}}


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("data")
    make_msd(root / "hippocampus", shapes=[(13 + i % 3, 14, 11) for i in range(10)])
    return {"wbc": make_wbc(root / "wbc", count=5), "hippocampus": root / "hippocampus"}


def run_workflow(files: list[str], workflow_type: str | None, **override) -> ConfigWorkflow:
    """Initialize, check, run and finalize the configs ``files`` (names in configs/) with overrides.

    ``workflow_type`` "train" or "infer" checks MONAI's required bundle properties; None checks none
    (MONAI defines no properties for an evaluation that reuses the training config's ids).
    """
    workflow = ConfigWorkflow(
        config_file=[str(CONFIGS / name) for name in files],
        meta_file=str(CONFIGS / "metadata.json"),
        logging_file=str(CONFIGS / "logging.conf"),
        workflow_type=workflow_type,
        **override,
    )
    workflow.initialize()
    missing = workflow.check_properties()
    assert not missing, f"missing bundle properties: {missing}"
    workflow.run()
    workflow.finalize()
    return workflow


def run_torchrun(
    files: list[str], workflow: str, settings: dict, processes: int = 2, timeout: int = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    """``python -m monai.bundle run <workflow>`` on the configs ``files`` (paths) in ``processes`` CPU processes
    under torchrun (gloo); ``settings`` become ``--key value`` overrides (lists as compact JSON)."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1"]
    command += [f"--nproc_per_node={processes}", "-m", "monai.bundle", "run", workflow, "--config_file", repr(files)]
    for key, value in settings.items():
        command += [f"--{key}", json.dumps(value, separators=(",", ":")) if isinstance(value, list) else str(value)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
