"""Segmenting a file or a folder with a trained bundle model at a chosen phi, one bad file at a time."""

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from monai.bundle import ConfigParser
from torch import nn
from tqdm import tqdm

from bundle.data.datalist import image_files
from bundle.data.transforms import inference_postprocessing, preprocessing
from bundle.data.validation import explain
from bundle.export import load_weights
from bundle.nets.resize import check_phi
from bundle.pareto.select import select_phi

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
VARIANTS = {"hippocampus": [], "wbc": ["wbc.json"]}
SHIPPED_WEIGHTS = {"hippocampus": ROOT / "models" / "model.pt", "wbc": ROOT / "models" / "wbc" / "model.pt"}


def choose_phi(
    phi: float | None = None,
    sweep: str | Path | None = None,
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
) -> tuple[float, dict | None]:
    """phi given directly, or chosen from a sweep's rows under one budget; also the sweep row, if any."""
    budgets = {"max_gflops": max_gflops, "max_latency_ms": max_latency_ms, "max_dice_drop": max_dice_drop}
    if phi is not None and any(v is not None for v in budgets.values()):
        raise ValueError("give either --phi or a budget (--max_gflops, --max_latency_ms, --max_dice_drop), not both")
    if sweep is None or not Path(sweep).is_file():
        if phi is None and any(v is not None for v in budgets.values()):
            raise FileNotFoundError(f"choosing phi by a budget needs a sweep: {sweep} does not exist")
        return (0.5 if phi is None else check_phi(phi)), None
    rows = json.loads(Path(sweep).read_text())["rows"]
    if phi is not None:
        phi = check_phi(phi)
        return phi, min(rows, key=lambda row: abs(row["phi"] - phi)) if rows else None
    row = select_phi(rows, **budgets)
    return row["phi"], row


@dataclass
class SegmentationRun:
    """What a folder run did: files written, and the files that failed with their reason."""

    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds_per_image: float = 0.0


def load_bundle_network(
    variant: str, ckpt: str | Path | None = None, device: str = "cpu"
) -> tuple[nn.Module, ConfigParser]:
    """The trained network of a bundle variant ("hippocampus" or "wbc") and its parsed inference config.

    ``ckpt``: a checkpoint of that variant's architecture; None takes the shipped weights.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in ["inference.json", *VARIANTS[variant]]])
    weights = SHIPPED_WEIGHTS[variant] if ckpt is None else ckpt
    return load_weights(parser.get_parsed_content("network_def"), weights, device), parser


def segment(
    deployed: nn.Module,
    files: Sequence[str],
    dataset: str,
    spatial_size: Sequence[int],
    output_dir: str | Path,
    device: str = "cpu",
    in_channels: int | None = None,
) -> SegmentationRun:
    """Label maps for ``files`` in ``output_dir`` by a network deployed at one phi (see
    :func:`bundle.export.deployed_network`, or an exported TorchScript file); the input geometry is kept
    (see ``bundle.data.transforms.inference_postprocessing``). Each image is checked once loaded (see
    ``bundle.data.validation``; ``in_channels`` None: any channel count); a file that fails is recorded
    with one line saying why, and skipped. Label maps are written to a temporary name and renamed.
    """
    deployed = deployed.to(device)
    pre = preprocessing(dataset, "infer", spatial_size, in_channels=in_channels)
    post = inference_postprocessing(dataset, pre, str(output_dir))
    result, start = SegmentationRun(), time.perf_counter()
    for file in tqdm(files, desc="segmenting", unit="image", disable=len(files) < 2):
        try:
            sample = pre({"image": file})
            with torch.no_grad():
                sample["pred"] = deployed(sample["image"][None].to(device))[0].cpu()
            post(sample)
            result.written.append(file)
        except Exception as error:  # a bad file is reported by name and the rest go on
            result.failed.append((file, explain(error).removeprefix(f"{file}: ")))
    result.seconds_per_image = (time.perf_counter() - start) / max(1, len(result.written))
    return result


def input_files(path: str | Path) -> list[str]:
    """Every image path a run covers."""
    return [item["image"] for item in image_files(path)]
