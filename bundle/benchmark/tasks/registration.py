"""Registration (Mindboggle pairs, 2D coronal slices or 3D) as a benchmark task: ``configs/registration.json``,
Dice of the warped labels per pair and the folding fraction, from ``bundle.registration``."""

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import numpy as np
from monai.bundle import ConfigParser

from bundle.benchmark.profiles import Profile
from bundle.benchmark.tasks.base import PARTS, Task
from bundle.nets.conditioned import PhiConditionedUNet
from bundle.paths import ROOT
from bundle.registration.data import CORONAL_AXIS, grid_subjects
from bundle.registration.mindboggle import GRIDS, prepare
from bundle.registration.network import RegistrationNet
from bundle.registration.sweep import deployed_row


class RegistrationTask(Task[RegistrationNet]):
    """Pairs of one split's subjects, registered by ``RegistrationNet``; ``spatial_dims`` 2 (slices) or 3.

    The profile's ``spatial_size`` for the task is the size of the images trained on: a Mindboggle
    folder is aligned and cached on the grid of that size (``bundle.registration.mindboggle.GRIDS``);
    a folder already holding cached ``<subject>.npz`` is read as it is, once its size is checked.
    """

    # The ablation's FPN and PSPNet primaries exist for segmentation only (build_registration_network has
    # no architecture choice), so that part would silently train U-Nets under their names.
    parts = tuple(part for part in PARTS if part != "ablation")
    metric = (
        "every number is the mean over test pairs of each pair's Dice (warped moving labels against the fixed "
        "labels, mean over the foreground labels of the fixed map), x100, mean ± std over seeds where there are "
        "several; folding is the fraction of voxels (pixels in 2D) with a non-positive Jacobian determinant. GFLOPs: "
        "`torch.utils.flop_counter`, 2 per multiply-add, the U-Net for one pair (the warp is not counted)"
    )
    ylabel = "mean test Dice of warped labels"

    def __init__(self, name: str, spatial_dims: int, overlay_files: Sequence[str] = ()) -> None:
        self.name, self.spatial_dims = name, spatial_dims
        self.config_files = ("train.json", "registration.json", *overlay_files)

    def _size(self, volume_shape: Sequence[int]) -> list[int]:
        """The size of the images trained on for volumes of ``volume_shape``: coronal slices in 2D."""
        shape = list(volume_shape)
        return shape if self.spatial_dims == 3 else shape[:CORONAL_AXIS] + shape[CORONAL_AXIS + 1 :]

    def prepare(self, dataset_dir: str, profile: Profile) -> str:
        size = profile.spatial_size_of(self.name)
        if any(Path(dataset_dir).glob("*.npz")):
            with np.load(Path(dataset_dir) / f"{grid_subjects(dataset_dir)[0]}.npz") as arrays:
                found = self._size(arrays["image"].shape)
            if found != size:
                raise ValueError(
                    f"{dataset_dir} holds images of size {found}, profile {profile.name!r} trains {self.name!r} at"
                    f" {size}: pass the Mindboggle folder or the cache of the matching grid"
                )
            return dataset_dir
        grids = [name for name, (_, shape) in GRIDS.items() if self._size(shape) == size]
        if not grids:
            raise ValueError(
                f"profile {profile.name!r} trains {self.name!r} at {size}, the size of no Mindboggle grid"
                f" {dict((name, self._size(shape)) for name, (_, shape) in GRIDS.items())}"
            )
        # The config's own template and cache folders, so that the benchmark shares the bundle's aligned cache.
        parser = ConfigParser()
        parser.read_config(self.config_paths())
        parser["bundle_root"] = str(ROOT)
        mni_dir, cache_dir = parser.get_parsed_content("mni_dir"), parser.get_parsed_content("cache_dir")
        return str(prepare(dataset_dir, mni_dir, cache_dir, grids[0]))

    def data_overrides(self, data_dir: str, profile: Profile) -> dict:
        # split_seed 0: one test set for every seed, seeds vary the training, not the data.
        return {"grid_dir": data_dir, "split_seed": 0}

    def test_split(self, parser: ConfigParser) -> tuple[list, list[int], int]:
        # The test subjects' pairs through the validation dataset (its slices), one pair per batch.
        parser["val_split"] = "test"
        data = list(parser.get_parsed_content("validate#dataloader"))
        if not data:
            raise ValueError("the registration test split has no pairs")
        return data, [1, *data[0]["image"].shape[1:]], parser.get_parsed_content("num_classes")

    def test_rows(
        self, network: RegistrationNet, data: list, eval_phis: Sequence, num_classes: int, input_shape: list[int]
    ) -> list[dict]:
        """Per phi: ``bundle.registration.sweep.deployed_row`` (mean_dice over pairs, std_dice,
        nonpositive_jacobian, affine_dice, pairs, gflops) of ``network`` deployed there."""
        device = next(network.parameters()).device
        return [
            {"phi": phi, **deployed_row(self.deploy(network, phi), data, num_classes, device, input_shape)}
            for phi in eval_phis
        ]

    def deploy(self, network: RegistrationNet, phi: float | Sequence[float]) -> RegistrationNet:
        return network.materialize(phi)

    def hypernetwork(self, network: RegistrationNet) -> PhiConditionedUNet:
        return cast(PhiConditionedUNet, network.unet)  # the benchmark asks this of its SSHN runs only
