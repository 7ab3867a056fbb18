"""MONAI's own bundle checks, as model-zoo's CI runs them: the workflow properties of the infer and train configs.

Each check initializes a ``ConfigWorkflow`` and asks MONAI which required properties (``InferProperties``,
``TrainProperties``, ``MetaProperties``) it lacks; nothing is run, so each takes seconds.
"""

import pytest
from monai.bundle import ConfigWorkflow

from tests.bundle_configs.conftest import CONFIGS, ROOT

REAL_DATA = ROOT.parent / "shared" / "data"
DATASET_FILES = {"hippocampus": ["inference.json"], "wbc": ["inference.json", "wbc.json"]}


def missing_properties(files: list[str], workflow_type: str, **override) -> list[str]:
    """The required properties MONAI finds missing in the configs ``files`` (names in configs/), after initializing."""
    workflow = ConfigWorkflow(
        config_file=[str(CONFIGS / name) for name in files],
        meta_file=str(CONFIGS / "metadata.json"),
        logging_file=str(CONFIGS / "logging.conf"),
        workflow_type=workflow_type,
        bundle_root=str(ROOT),
        device="cpu",
        **override,
    )
    workflow.initialize()
    return workflow.check_properties() or []


@pytest.mark.parametrize("dataset", ["hippocampus", "wbc"])
def test_the_infer_workflow_has_every_property_monai_requires(dataset, tiny_data, tmp_path):
    # The shipped weights load at initialization, and the dataset is built by the check: dataset_dir must hold
    # images (the default data/<dataset> is absent from a fresh clone), so a tiny generated folder stands in.
    missing = missing_properties(
        DATASET_FILES[dataset], "infer", dataset_dir=str(tiny_data[dataset]), output_dir=str(tmp_path)
    )
    assert not missing, f"configs/inference.json lacks MONAI's infer properties {missing}"


def test_the_train_workflow_on_the_real_hippocampus_data_has_every_property_monai_requires(tmp_path):
    data = REAL_DATA / "hippocampus"
    if not any((data / "imagesTr").glob("*.nii.gz")):
        pytest.skip(f"no MSD hippocampus volumes under {data}")
    # Caching every volume would take longer than the check itself; the datasets are built either way.
    no_cache = {"train#dataset#cache_rate": 0.0, "validate#dataset#cache_rate": 0.0}
    missing = missing_properties(
        ["train.json"], "train", dataset_dir=str(data), output_dir=str(tmp_path), num_workers=0, **no_cache
    )
    assert not missing, f"configs/train.json lacks MONAI's train properties {missing}"
