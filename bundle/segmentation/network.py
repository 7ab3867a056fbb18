"""The trained segmentation network of a dataset with shipped weights, built by the inference config."""

from pathlib import Path

from monai.bundle import ConfigParser
from torch import nn

from bundle.data.datasets import get_shipped
from bundle.data.validation import exit_on_bad_input
from bundle.export import load_weights
from bundle.nets.factory import build_network
from bundle.paths import CONFIGS


def load_bundle_network(
    dataset: str, ckpt: str | Path | None = None, device: str = "cpu"
) -> tuple[nn.Module, ConfigParser]:
    """The trained network of a dataset with shipped weights ("hippocampus" or "wbc") and its parsed
    inference config.

    ``ckpt``: a checkpoint of that dataset's architecture; None takes the shipped weights.
    """
    entry = get_shipped(dataset)
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in ["inference.json", *entry.overlays]])
    weights = entry.weights_file() if ckpt is None else ckpt
    return load_weights(parser.get_parsed_content("network_def"), weights, device), parser


def bundle_metadata(dataset: str) -> dict:
    """``configs/metadata.json`` with the metadata overlays of ``dataset`` (one with shipped weights) merged on it,
    as MONAI merges a ``--meta_file`` list: the description of that dataset's model."""
    names = ["metadata.json", *get_shipped(dataset).metadata]
    return dict(ConfigParser.load_config_files([str(CONFIGS / name) for name in names]))


# configs/train.json and inference.json build their network with it: a setting the network refuses (phi outside
# [0, 1], an unknown method or block) is one line and exit status 2, not the parser's traceback.
checked_build_network = exit_on_bad_input(build_network)
