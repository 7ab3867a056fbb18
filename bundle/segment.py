"""Segmenting a file or a folder with a trained bundle model at a chosen phi, one bad file at a time."""

import copy
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from monai.bundle import ConfigParser
from monai.inferers import Inferer, SimpleInferer, SlidingWindowInferer
from torch import nn
from tqdm import tqdm

from bundle.data.datalist import image_files
from bundle.data.datasets import get_shipped
from bundle.data.outputs import check_outputs
from bundle.data.transforms import inference_postprocessing, preprocessing
from bundle.data.validation import explain
from bundle.export import load_weights
from bundle.io import remove_stale_temporaries
from bundle.nets.resize import check_phi
from bundle.pareto.select import select_phi
from bundle.paths import CONFIGS
from bundle.perf.local_latency import LatencyHere


def choose_phi(
    phi: float | None = None,
    sweep: str | Path | None = None,
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
    latency: LatencyHere | None = None,
) -> tuple[float, dict | None]:
    """phi given directly, or chosen from a sweep's rows under one budget; also the sweep row, if any.

    ``latency``: with ``max_latency_ms``, the latencies are measured on this machine by it wherever the sweep's
    hardware is another (the Dice column still comes from the sweep); None keeps the sweep's latencies.
    """
    budgets = {"max_gflops": max_gflops, "max_latency_ms": max_latency_ms, "max_dice_drop": max_dice_drop}
    for name, value in budgets.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0):
            raise ValueError(f"--{name} must be a number >= 0, got {value!r}")
    if phi is not None and any(v is not None for v in budgets.values()):
        raise ValueError("give either --phi or a budget (--max_gflops, --max_latency_ms, --max_dice_drop), not both")
    if sweep is None or not Path(sweep).is_file():
        if phi is None and any(v is not None for v in budgets.values()):
            raise FileNotFoundError(f"choosing phi by a budget needs a sweep: {sweep} does not exist")
        return (0.5 if phi is None else check_phi(phi)), None
    document = json.loads(Path(sweep).read_text())
    rows = document["rows"]
    if max_latency_ms is not None and latency is not None:
        rows = latency.rows_here(rows, document.get("hardware"))
    if phi is not None:
        phi = check_phi(phi)
        return phi, min(rows, key=lambda row: abs(row["phi"] - phi)) if rows else None
    row = select_phi(rows, **budgets)
    return row["phi"], row


class VolumeSlidingWindowInferer(SlidingWindowInferer):
    """MONAI's :class:`~monai.inferers.SlidingWindowInferer` with the window clipped to each input's size.

    A window dimension longer than the input's is cut to the input's length instead of MONAI's zero
    padding: the network then sees the image as it is (no padded border, which shifts the logits near
    it), and a window covering the whole volume gives exactly whole-volume inference.
    """

    def __call__(
        self,
        inputs: torch.Tensor,
        network: Callable[..., torch.Tensor | Sequence[torch.Tensor] | dict[Any, torch.Tensor]],
        *args: Any,
        **kwargs: Any,
    ) -> torch.Tensor | tuple[torch.Tensor, ...] | dict[Any, torch.Tensor]:
        """Logits (N, classes, *spatial) of ``inputs`` (N, C, *spatial), stitched from windows of ``network``."""
        clipped = copy.copy(self)  # a per-call roi; the inferer itself stays as configured
        # MONAI's roi_size may be one int for every axis, as in SlidingWindowInferer(96).
        window = [self.roi_size] * (inputs.dim() - 2) if isinstance(self.roi_size, int) else self.roi_size
        clipped.roi_size = [min(roi, size) for roi, size in zip(window, inputs.shape[2:], strict=True)]
        return SlidingWindowInferer.__call__(clipped, inputs, network, *args, **kwargs)


def make_inferer(
    roi_size: Sequence[int] | None = None, overlap: float = 0.25, spatial_dims: int = 3, sw_batch_size: int = 1
) -> Inferer:
    """Whole-image inference (``roi_size`` None, the default), or sliding windows of ``roi_size`` voxels.

    Sliding windows bound the memory of one forward pass by the window's size, not the volume's (see
    docs/performance.md for the measured time and memory); windows overlap by ``overlap`` (a fraction
    of the window, in [0, 1)) and are blended with equal weights; ``sw_batch_size`` windows per forward
    pass. ``roi_size`` needs one positive size per spatial dimension (``spatial_dims``); dimensions
    longer than an image are clipped to it (:class:`VolumeSlidingWindowInferer`).
    """
    if roi_size is None:
        return SimpleInferer()
    sizes = list(roi_size) if isinstance(roi_size, Sequence) and not isinstance(roi_size, str) else None
    if (
        sizes is None
        or len(sizes) != spatial_dims
        or not all(isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in sizes)
    ):
        raise ValueError(f"roi_size must be a list of {spatial_dims} positive integers (voxels), got {roi_size!r}")
    if isinstance(overlap, bool) or not isinstance(overlap, int | float) or not 0 <= overlap < 1:
        raise ValueError(f"sliding-window overlap must be a number in [0, 1), got {overlap!r}")
    if isinstance(sw_batch_size, bool) or not isinstance(sw_batch_size, int) or sw_batch_size < 1:
        raise ValueError(f"sw_batch_size must be a positive integer, got {sw_batch_size!r}")
    return VolumeSlidingWindowInferer(sizes, sw_batch_size=sw_batch_size, overlap=float(overlap))


@dataclass
class SegmentationRun:
    """What a folder run did: files written, the files that failed with their reason, and the written ones whose
    label map is all background (often a sign of intensities or a voxel spacing far from the training data's)."""

    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    seconds_per_image: float = 0.0


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


def segment(
    deployed: nn.Module,
    files: Sequence[str],
    dataset: str,
    spatial_size: Sequence[int],
    output_dir: str | Path,
    device: str = "cpu",
    in_channels: int | None = None,
    inferer: Inferer | None = None,
) -> SegmentationRun:
    """Label maps for ``files`` in ``output_dir`` by a network deployed at one phi (see
    :func:`bundle.export.deployed_network`, or an exported TorchScript file); the input geometry is kept
    (see ``bundle.data.transforms.inference_postprocessing``). Each image is checked once loaded (see
    ``bundle.data.validation``; ``in_channels`` None: any channel count); a file that fails is recorded
    with one line saying why, and skipped. Label maps are written to a temporary name and renamed.
    ``inferer``: how the network runs on each image (:func:`make_inferer`); None: the whole image at once.
    """
    check_outputs(files, output_dir, dataset)
    remove_stale_temporaries(output_dir)  # what an earlier, killed run was writing when it died
    deployed, inferer = deployed.to(device), inferer or SimpleInferer()
    pre = preprocessing(dataset, "infer", spatial_size, in_channels=in_channels)
    post = inference_postprocessing(dataset, pre, str(output_dir))
    result, start = SegmentationRun(), time.perf_counter()
    for file in tqdm(files, desc="segmenting", unit="image", disable=len(files) < 2):
        try:
            sample = pre({"image": file})
            # A plain tensor through the network: a MetaTensor would track metadata through every layer, and
            # the postprocessing inverts with the image's own record anyway.
            with torch.no_grad():
                sample["pred"] = inferer(sample["image"].as_tensor()[None].to(device), deployed)[0].cpu()
            written = post(sample)
            result.written.append(file)
            if not written["pred"].any():
                result.empty.append(file)
        except Exception as error:  # a bad file is reported by name and the rest go on
            result.failed.append((file, explain(error).removeprefix(f"{file}: ")))
    result.seconds_per_image = (time.perf_counter() - start) / max(1, len(result.written))
    return result


def input_files(path: str | Path) -> list[str]:
    """Every image path a run covers."""
    return [item["image"] for item in image_files(path)]
