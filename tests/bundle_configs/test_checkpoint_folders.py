"""Training never writes into models/ (the shipped weights) by default; inference reads the dataset's or task's own."""

import pytest
from monai.bundle import ConfigParser

from tests.bundle_configs.conftest import CONFIGS, ROOT


def _parsed(files: list[str], key: str) -> str:
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in files])
    parser["bundle_root"] = str(ROOT)
    return parser.get_parsed_content(key)


@pytest.mark.parametrize(
    ("files", "folder"),
    [
        (["train.json"], "runs/hippocampus"),
        (["train.json", "wbc.json"], "runs/wbc"),
        (["train.json", "wbc.json", "evaluate.json"], "runs/wbc"),  # evaluating reads what training wrote
        (["train.json", "multi_gpu_train.json"], "runs/hippocampus"),
        (["train.json", "registration.json"], "runs/registration"),
        (["train.json", "registration.json", "registration_3d.json"], "runs/registration_3d"),
    ],
)
def test_training_writes_its_model_outside_models(files, folder):
    assert _parsed(files, "ckpt_dir") == str(ROOT / folder)


@pytest.mark.parametrize(
    ("files", "folder"),
    [
        (["inference.json"], "models"),
        (["inference.json", "wbc.json"], "models/wbc"),
        (["train.json", "registration.json", "registration_inference.json"], "models/registration"),
        (
            ["train.json", "registration.json", "registration_3d.json", "registration_inference.json"],
            "models/registration_3d",
        ),
    ],
)
def test_inference_reads_its_own_shipped_weights(files, folder):
    assert _parsed(files, "ckpt_dir") == str(ROOT / folder)
