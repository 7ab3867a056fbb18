"""MONAI's own bundle checks, as model-zoo's CI runs them: the metadata against model-zoo's schema, and the
workflow properties of the infer and train configs.

The property checks initialize a ``ConfigWorkflow`` and ask MONAI which required properties (``InferProperties``,
``TrainProperties``, ``MetaProperties``) it lacks; nothing is run, so each takes seconds.
"""

import functools
import json
import operator
from pathlib import Path

import pytest
from monai.bundle import ConfigWorkflow, verify_metadata

from tests.bundle_configs.conftest import CONFIGS, ROOT

REAL_DATA = ROOT.parent / "shared" / "data"
# verify_metadata downloads the schema that metadata.json's "schema" URL names, unless its filepath already holds
# a file. That URL cannot be fetched offline, so the tests give it a local stand-in written from MONAI's bundle
# specification (its $comment says what it holds); with internet, an empty --filepath checks against model-zoo's own.
SCHEMA = Path(__file__).with_name("meta_schema_20220324_local.json")
# MONAI warns that a schema file given without a hash is not verified: this one is in the repository, not downloaded.
LOCAL_SCHEMA = pytest.mark.filterwarnings("ignore:No hash value provided:UserWarning")
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


@LOCAL_SCHEMA
def test_the_metadata_validates_against_the_model_zoo_schema():
    verify_metadata(meta_file=str(CONFIGS / "metadata.json"), filepath=str(SCHEMA))
    metadata = json.loads((CONFIGS / "metadata.json").read_text())
    assert isinstance(metadata["eval_metrics"]["mean_dice"], float)  # model-zoo tabulates it as a number


# Each key the schema demands, taken out of its dict (the dict's path in metadata.json, then the key).
# optional_packages_version: the 2024 schema names it required_packages_version, a name the 2022 schema does not know.
@LOCAL_SCHEMA
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ((), "optional_packages_version"),
        (("network_data_format", "inputs"), "image"),
        (("network_data_format", "outputs", "pred"), "value_range"),
    ],
)
def test_the_local_schema_refuses_metadata_without_a_key_model_zoo_demands(path, key, tmp_path):
    metadata = json.loads((CONFIGS / "metadata.json").read_text())
    functools.reduce(operator.getitem, path, metadata).pop(key)
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match=f"'{key}' is a required property"):
        verify_metadata(meta_file=str(tmp_path / "metadata.json"), filepath=str(SCHEMA))
