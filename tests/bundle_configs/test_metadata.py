import json

from tests.bundle_configs.conftest import CONFIGS


def test_inference_defaults_agree_with_the_metadata():
    meta = json.loads((CONFIGS / "metadata.json").read_text())
    inference = json.loads((CONFIGS / "inference.json").read_text())
    train = json.loads((CONFIGS / "train.json").read_text())
    assert inference["phi"] == meta["sshn"]["default_phi"] == train["phi"]
    assert meta["sshn"]["trained_phi_prior"] == train["phi_prior"]
    channels = meta["network_data_format"]["outputs"]["pred"]["channel_def"]
    assert len(channels) == inference["num_classes"] == train["num_classes"]
    assert [channels[str(i)] for i in range(1, len(channels))] == train["labels"]
    for key in ("features", "levels", "hidden", "block", "per_level", "spatial_dims", "in_channels", "architecture"):
        assert inference[key] == train[key], key
    # inference.json stands alone (MONAI Label reads one file): its network is train.json's, less the
    # initialization, which loading weights replaces.
    training_only = {"hypernet_correlation"}
    assert inference["network_def"] == {k: v for k, v in train["network_def"].items() if k not in training_only}
    assert meta["version"] in meta["changelog"]


def test_the_bundle_and_the_package_share_one_version():
    meta = json.loads((CONFIGS / "metadata.json").read_text())
    pyproject = (CONFIGS.parent / "pyproject.toml").read_text()
    assert f'version = "{meta["version"]}"' in pyproject
