"""MONAI's own bundle checks, as model-zoo's CI runs them, on the three bundles of this repository (3D hippocampus
segmentation, the WBC variant, registration): the metadata against model-zoo's schema, the network's input and output
against the metadata, and the workflow properties of the infer and train configs.

Nothing is trained or run: each check builds the configs' objects and takes seconds.
"""

import functools
import json
import operator
from pathlib import Path

import pytest
from monai.bundle import ConfigParser, ConfigWorkflow, verify_metadata, verify_net_in_out

from tests.bundle_configs.conftest import CONFIGS, ROOT

REAL_DATA = ROOT.parent / "shared" / "data"
# verify_metadata downloads the schema that metadata.json's "schema" URL names, unless its filepath already holds
# a file. That URL cannot be fetched offline, so the tests give it a local stand-in written from MONAI's bundle
# specification (its $comment says what it holds).
SCHEMA = Path(__file__).with_name("meta_schema_20240725_local.json")
# MONAI warns that a schema file given without a hash is not verified: this one is in the repository, not downloaded.
LOCAL_SCHEMA = pytest.mark.filterwarnings("ignore:No hash value provided:UserWarning")
# Each bundle's metadata (MONAI merges a list of meta files in order, as it does config files) and the configs
# that define its network_def.
META_FILES = {
    "hippocampus": ["metadata.json"],
    "wbc": ["metadata.json", "metadata_wbc.json"],
    "registration": ["metadata.json", "metadata_registration.json"],
}
CONFIG_FILES = {
    "hippocampus": ["inference.json"],
    "wbc": ["inference.json", "wbc.json"],
    "registration": ["train.json", "registration.json"],
}


def paths(names: list[str]) -> list[str]:
    """The paths of the files ``names`` in configs/."""
    return [str(CONFIGS / name) for name in names]


def missing_properties(dataset: str, files: list[str], workflow_type: str, **override) -> list[str]:
    """The required properties MONAI finds missing in the configs ``files`` (names in configs/) with the metadata
    of ``dataset``, after initializing."""
    workflow = ConfigWorkflow(
        config_file=paths(files),
        meta_file=paths(META_FILES[dataset]),
        logging_file=str(CONFIGS / "logging.conf"),
        workflow_type=workflow_type,
        bundle_root=str(ROOT),
        device="cpu",
        **override,
    )
    workflow.initialize()
    return workflow.check_properties() or []


@LOCAL_SCHEMA
@pytest.mark.parametrize("dataset", list(META_FILES))
def test_the_metadata_validates_against_the_model_zoo_schema(dataset):
    verify_metadata(meta_file=paths(META_FILES[dataset]), filepath=str(SCHEMA))
    metrics = ConfigParser.load_config_files(paths(META_FILES[dataset]))["eval_metrics"]
    assert all(isinstance(value, float) for value in metrics.values())  # model-zoo tabulates them as numbers


# Each key the schema demands, taken out of its dict (the dict's path in metadata.json, then the key).
# required_packages_version: the 2024 schema's name (the 2022 schema's optional_packages_version, which MONAI 1.6
# renames on reading, with a warning).
@LOCAL_SCHEMA
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ((), "required_packages_version"),
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


# The metadata allows any spatial size ("*"): 1 voxel per axis is MONAI's default, 13 an odd size.
@pytest.mark.parametrize("size", [1, 13])
@pytest.mark.parametrize("dataset", list(META_FILES))
def test_the_network_takes_and_gives_what_the_metadata_says(dataset, size):
    verify_net_in_out(
        net_id="network_def",
        meta_file=paths(META_FILES[dataset]),
        config_file=paths(CONFIG_FILES[dataset]),
        device="cpu",
        any=size,
    )


@pytest.mark.parametrize("dataset", ["hippocampus", "wbc"])
def test_the_infer_workflow_has_every_property_monai_requires(dataset, tiny_data, tmp_path):
    # The shipped weights load at initialization, and the dataset is built by the check: dataset_dir must hold
    # images (the default data/<dataset> is absent from a fresh clone), so a tiny generated folder stands in.
    settings = {"dataset_dir": str(tiny_data[dataset]), "output_dir": str(tmp_path)}
    missing = missing_properties(dataset, CONFIG_FILES[dataset], "infer", **settings)
    assert not missing, f"configs/inference.json lacks MONAI's infer properties {missing}"


def test_the_train_workflow_on_the_real_hippocampus_data_has_every_property_monai_requires(tmp_path):
    data = REAL_DATA / "hippocampus"
    if not any((data / "imagesTr").glob("*.nii.gz")):
        pytest.skip(f"no MSD hippocampus volumes under {data}")
    # Caching every volume would take longer than the check itself; the datasets are built either way.
    settings = {"dataset_dir": str(data), "output_dir": str(tmp_path), "num_workers": 0}
    settings |= {"train#dataset#cache_rate": 0.0, "validate#dataset#cache_rate": 0.0}
    missing = missing_properties("hippocampus", ["train.json"], "train", **settings)
    assert not missing, f"configs/train.json lacks MONAI's train properties {missing}"
