"""Segmenting a file or a folder at a chosen phi, one bad file at a time."""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from monai.inferers import Inferer, SimpleInferer
from torch import nn
from tqdm import tqdm

from bundle.data.datalist import image_files
from bundle.data.outputs import check_outputs
from bundle.data.transforms import inference_postprocessing, preprocessing
from bundle.data.validation import explain
from bundle.io import remove_stale_temporaries


@dataclass
class SegmentationRun:
    """What a folder run did: files written, the files that failed with their reason, and the written ones whose
    label map is all background (often a sign of intensities or a voxel spacing far from the training data's)."""

    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    seconds_per_image: float = 0.0


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
    ``inferer``: how the network runs on each image (:func:`bundle.segmentation.inferer.make_inferer`); None: the
    whole image at once.
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
