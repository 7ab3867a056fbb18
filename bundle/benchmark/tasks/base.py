"""What the benchmark needs to know about a task: its configs, its data, and how a trained network is tested.

The runs, tables, analyses and report are the same for every task; a :class:`Task` holds the few
things that differ between segmentation and registration, so that they are chosen once, by dataset
name, instead of being tested for all over the benchmark.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Generic, TypeVar

from monai.bundle import ConfigParser
from torch import nn

from bundle.benchmark.profiles import Profile
from bundle.nets.conditioned import PhiConditionedUNet
from bundle.paths import CONFIGS

PARTS = ("lr", "methods", "prior_width", "transfer", "variation", "per_level", "ablation")
# The trained network a task tests: a segmentation network of any method, or a RegistrationNet.
NetworkT = TypeVar("NetworkT", bound=nn.Module)


class Task(ABC, Generic[NetworkT]):
    """One benchmark dataset.

    Attributes:
        name: the dataset name the benchmark is called with ("wbc", "registration", ...).
        config_files: files of ``configs/``, the training config first, then the dataset's overrides.
        parts: the parts of the benchmark (of ``PARTS``) that make sense for the task.
        metric: what the report's numbers are, in one sentence.
        ylabel: the figures' axis label for that number.
    """

    name: str
    config_files: tuple[str, ...]
    parts: tuple[str, ...] = PARTS
    metric: str
    ylabel: str

    def config_paths(self) -> list[str]:
        return [str(CONFIGS / name) for name in self.config_files]

    def check_part(self, part: str) -> None:
        """Raise a ValueError naming the task when ``part`` does not apply to it."""
        if part not in self.parts:
            raise ValueError(
                f"the {part!r} part does not apply to dataset {self.name!r}; its parts: {list(self.parts)}"
            )

    @abstractmethod
    def prepare(self, dataset_dir: str, profile: Profile) -> str:
        """The folder the runs read for ``profile``, made ready once, in the benchmark's own process."""

    @abstractmethod
    def data_overrides(self, data_dir: str, profile: Profile) -> dict:
        """Training-config values that point at ``data_dir`` (``prepare``'s folder) with the split of seed 0."""

    @abstractmethod
    def test_split(self, parser: ConfigParser) -> tuple[list, list[int], int]:
        """(test batches of one item each, input shape (1, C, *spatial) for GFLOPs, class count) of a run's parser."""

    @abstractmethod
    def test_rows(
        self, network: NetworkT, data: list, eval_phis: Sequence, num_classes: int, input_shape: list[int]
    ) -> list[dict]:
        """One row per phi of ``eval_phis``: at least "phi", "mean_dice" and "gflops" of ``network`` deployed there."""

    @abstractmethod
    def deploy(self, network: NetworkT, phi: float | Sequence[float]) -> NetworkT:
        """``network`` running at ``phi`` without its conditioning network; ``test_rows`` accepts the result."""

    @abstractmethod
    def hypernetwork(self, network: NetworkT) -> PhiConditionedUNet:
        """The phi-conditioned U-Net inside a trained SSHN ``network`` (whose predicted weights are studied)."""
