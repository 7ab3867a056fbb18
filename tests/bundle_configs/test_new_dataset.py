"""Adding a dataset is one registry entry and one config overlay (docs/design.md, "Adding a dataset")."""

import json
from pathlib import Path

import pytest
import torch
from monai.bundle import ConfigParser

import bundle.data.datasets as datasets
from bundle.data.datalist import msd_datalist
from tests.bundle_configs.conftest import CONFIGS, ROOT, TINY, run_workflow
from tests.data.test_transforms import make_msd


def test_a_registered_toy_dataset_trains_one_epoch_through_the_configs(tmp_path, monkeypatch):
    data = make_msd(tmp_path / "toy", shapes=[(12 + i % 3, 13, 11) for i in range(10)])
    overlay = tmp_path / "toy.json"  # what configs/<name>.json holds for a new dataset
    overlay.write_text(json.dumps({"dataset_name": "toy", "labels": ["inner", "outer"], "spatial_size": [12, 12, 12]}))
    toy = datasets.SegmentationDataset("toy", "msd", msd_datalist, (str(overlay),))
    monkeypatch.setitem(datasets.DATASETS, "toy", toy)
    settings = {"bundle_root": str(ROOT), "dataset_dir": str(data), "output_dir": str(tmp_path / "runs")}
    settings |= {"device": "cpu", "num_workers": 0, **TINY}
    workflow = run_workflow(["train.json", *toy.overlays], "train", **settings)
    assert workflow.parser.get_parsed_content("dataset_name") == "toy"
    assert workflow.parser.get_parsed_content("train#trainer").state.epoch == 1
    saved = torch.load(tmp_path / "runs" / "model.pt", weights_only=True)
    assert set(saved) == set(workflow.parser.get_parsed_content("network_def").state_dict())


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_every_registered_overlay_agrees_with_itself(name):
    """An overlay names its dataset, has the labels plus background as classes, and a network input size of the
    dataset's dimensions (a dataset without an overlay runs train.json's defaults)."""
    overlays = datasets.get_dataset(name).overlays
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / file) for file in ["train.json", *overlays]])
    labels, spatial_size = parser.get_parsed_content("labels"), parser.get_parsed_content("spatial_size")
    assert parser.get_parsed_content("num_classes") == len(labels) + 1
    assert len(spatial_size) == parser.get_parsed_content("spatial_dims")
    if overlays:
        assert parser.get_parsed_content("dataset_name") == name


def test_a_new_datasets_data_folder_defaults_to_its_own_name():
    """Without --dataset_dir, an overlay that names its dataset reads data/<name>, never the hippocampus folder."""
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / "train.json")])
    parser["dataset_name"] = "toy"
    assert Path(parser.get_parsed_content("dataset_dir")).parts[-2:] == ("data", "toy")
