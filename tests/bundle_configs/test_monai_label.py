"""What MONAI Label's BundleInferTask does with this bundle, reproduced step by step.

MONAI Label itself is not installed in the default test environment (it pins its own torch and
numpy, about 8 GB); this test follows its code path: parse configs/inference.json, instantiate
``network_def``, load ``models/model.pt`` as ``ckpt.get("model", ckpt)`` non-strictly, call
``inferer(inputs, network)`` with one tensor, then the postprocessing without SaveImaged.
"""

import json

import nibabel as nib
import numpy as np
import torch
from monai.bundle import ConfigParser
from monai.transforms import Compose, LoadImaged, SaveImaged

from tests.bundle_configs.conftest import CONFIGS, ROOT


def test_bundle_infers_the_way_monai_label_drives_it(tmp_path):
    parser = ConfigParser()
    parser.read_config(str(CONFIGS / "inference.json"))
    parser.read_meta(str(CONFIGS / "metadata.json"))
    parser["bundle_root"] = str(ROOT)
    network = parser.get_parsed_content("network_def")
    checkpoint = torch.load(ROOT / "models" / "model.pt", map_location="cpu", weights_only=True)
    result = network.load_state_dict(checkpoint.get("model", checkpoint), strict=False)
    assert not result.missing_keys and not result.unexpected_keys  # non-strict loading would hide a mismatch
    network.eval()

    pre = parser.get_parsed_content("preprocessing")
    assert any(isinstance(t, LoadImaged) for t in pre.transforms)  # the transform MONAI Label swaps for its own
    volume = np.random.default_rng(0).normal(size=(34, 47, 37)).astype(np.float32)
    nib.save(nib.Nifti1Image(volume, np.diag([1.0, 1.0, 1.0, 1.0])), tmp_path / "case.nii.gz")
    data = pre({"image": str(tmp_path / "case.nii.gz")})
    with torch.no_grad():
        data["pred"] = parser.get_parsed_content("inferer")(data["image"][None], network)[0]
    assert data["pred"].shape[0] == len(parser["_meta_"]["network_data_format"]["outputs"]["pred"]["channel_def"])

    post = parser.get_parsed_content("postprocessing", instantiate=True)
    post = Compose([t for t in post.transforms if not isinstance(t, SaveImaged)])
    label = post(data)["pred"]
    assert tuple(label.shape[1:]) == volume.shape
    assert set(torch.unique(label).tolist()) <= {0, 1, 2}
    metadata = json.loads((CONFIGS / "metadata.json").read_text())
    assert len(metadata["network_data_format"]["inputs"]["image"]["spatial_shape"]) == 3  # MONAI Label's dimension
