"""The segmentation datasets (WBC 2D, hippocampus 3D) as benchmark tasks: ``configs/train.json`` and Dice per label."""

from collections.abc import Sequence
from typing import cast

from monai.bundle import ConfigParser
from torch import nn

from bundle.benchmark.profiles import Profile
from bundle.benchmark.tasks.base import Task
from bundle.data.datasets import load_split
from bundle.export import deployed_network
from bundle.flops import count_flops
from bundle.nets.conditioned import PhiConditionedUNet
from bundle.segmentation.evaluation import segment_dice


class SegmentationTask(Task[nn.Module]):
    """A dataset of ``configs/train.json`` with its override files (``bundle.data.datasets``)."""

    metric = (
        "every number is mean foreground Dice on the test split, x100, mean ± std over seeds where there are "
        "several. GFLOPs: `torch.utils.flop_counter`, 2 per multiply-add, one image of the training size"
    )
    ylabel = "mean foreground test Dice"

    def __init__(self, name: str, overlay_files: Sequence[str]) -> None:
        self.name = name
        self.config_files = ("train.json", *overlay_files)

    def prepare(self, dataset_dir: str, profile: Profile) -> str:
        profile.spatial_size_of(self.name)  # fail before any training when the profile has no size for it
        try:
            test = load_split(self.name, dataset_dir, "test")
        except FileNotFoundError:
            return dataset_dir  # nothing there yet: the training config downloads the images itself
        if not test:  # two or three items: every run would train, then find nothing to test on
            raise ValueError(f"{dataset_dir}: its test split is empty (split seed 0): the benchmark needs more images")
        return dataset_dir

    def data_overrides(self, data_dir: str, profile: Profile) -> dict:
        return {
            "dataset_dir": data_dir,
            "spatial_size": profile.spatial_size_of(self.name),
            "split_seed": 0,  # one test set for every seed: seeds vary the training, not the data
        }

    def test_split(self, parser: ConfigParser) -> tuple[list, list[int], int]:
        # The test split through the validation chain (the same preprocessing), one image per batch.
        parser["val_split"] = "test"
        data = list(parser.get_parsed_content("validate#dataloader"))
        return data, [1, parser["in_channels"], *parser["spatial_size"]], parser["num_classes"]

    def test_rows(
        self, network: nn.Module, data: list, eval_phis: Sequence, num_classes: int, input_shape: list[int]
    ) -> list[dict]:
        """Test Dice (mean over foreground labels, and "per_label") and GFLOPs of ``network`` deployed at each phi."""
        device = next(network.parameters()).device
        rows = []
        for phi in eval_phis:
            deployed = self.deploy(network, phi)
            dice = segment_dice(deployed, data, num_classes, device)
            gflops = count_flops(deployed, input_shape) / 1e9
            rows.append({"phi": phi, "mean_dice": dice["mean"], "per_label": dice["per_label"], "gflops": gflops})
        return rows

    def deploy(self, network: nn.Module, phi: float | Sequence[float]) -> nn.Module:
        return deployed_network(network, phi)

    def hypernetwork(self, network: nn.Module) -> PhiConditionedUNet:
        return cast(PhiConditionedUNet, network)  # the benchmark asks this of its SSHN runs only
