"""Training overhead of SSHN against a plain U-Net, measured side by side in one run.

Examples:
    python scripts/benchmark_speed.py training                      # 2D and 3D, batch 1 and 16, both heads
    python scripts/benchmark_speed.py training --dims "[2]" --batches "[1,16,64]" --repeats 20 --device cuda
    python scripts/benchmark_speed.py inference --precisions "[fp32,channels_last,bf16]"
    python scripts/benchmark_speed.py accuracy --dataset wbc --dataset_dir ../shared/data/wbc --phi 0.25
    python scripts/benchmark_speed.py sliding --shape "[1,1,160,192,160]" --rois "[[64,64,64],[96,96,96]]"
    python scripts/benchmark_speed.py registration --ckpt runs/registration/model.pt --grid_dir data/registration/2mm
    python scripts/benchmark_speed.py segmenting --dataset hippocampus --dataset_dir ../shared/data/hippocampus
    python scripts/benchmark_speed.py gpu                           # every GPU goal, pass / fail (a few minutes)
    python scripts/benchmark_speed.py registration --ckpt runs/registration_3d/model.pt \
        --grid_dir data/registration/2mm --slices None
training: for every dimension and batch size, the median step time of each network and its ratio to
the Stochastic U-Net's (same phi stream, same batch, steps interleaved), the hypernetwork's size
against the U-Net's, and, on CUDA, peak memory.
inference: for every phi, the deployed U-Net's latency (batch 1) and throughput (batch --batch) for
each execution precision (bundle.perf.inference_speed) against fp32 eager, with GFLOPs and GFLOP/s.
accuracy: test-split Dice of a trained model at one phi run as each precision (does bf16 keep Dice?).
sliding: whole-volume against sliding-window inference of a large synthetic volume: time, peak memory
(each setting in its own process) and the share of voxels whose label agrees with the whole volume's.
registration: a trained registration network deployed at each phi (U-Net + warp, batch 1) against
SimpleITK demons on the same test pairs, interleaved, with demons' time / the network's.
segmenting: scripts/segment.py's whole path (read, preprocess, network, invert, write) on a split's images at
each precision (fp32, auto: bundle.perf.precision), side by side: median seconds, speed-up, Dice against labels.
gpu: every GPU goal (bundle.perf.gpu_goals) with its measured value, target and pass / fail, and latency
against FLOPs per phi; --sizes tiny runs it on small inputs (a CPU check of the command).
All write their rows as JSON to --output.
"""

import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from monai.data import DataLoader, Dataset

from bundle.benchmark.segment_speed import segment_side_by_side
from bundle.benchmark.sliding_window import measure_in_subprocess
from bundle.checked_run import check_device
from bundle.cli import fire_checked, usage_errors
from bundle.data.datasets import get_shipped, load_split
from bundle.data.transforms import preprocessing
from bundle.export import deployed_network
from bundle.perf.gpu_goals import GPU, GPU_PRECISIONS, TINY, check_precisions, measure_goals
from bundle.perf.hardware import hardware
from bundle.perf.speed_tables import SIZES, inference_rows, relative_to_largest_phi, training_rows
from bundle.registration.speed import registration_speed_rows
from bundle.segmentation.evaluation import dice_by_precision
from bundle.segmentation.network import load_bundle_network


def training(
    dims: Sequence[int] = (2, 3),
    batches: Sequence[int] = (1, 16),
    features: int = 16,
    repeats: int = 10,
    device: str = "cpu",
    output: str = "eval/benchmark_speed.json",
) -> None:
    """SSHN step / Stochastic step for each head, dimension and batch size."""

    def show(row: dict) -> None:
        peak = "" if row["peak_mib"] is None else f", peak {row['peak_mib']:.0f} MiB"
        print(
            f"{row['dims']}D batch {row['batch']:3d} {row['network']:13s} {row['step_ms']:9.1f} ms  "
            f"x{row['ratio']:.2f} ({row['parameters'] / 1e6:.2f} M parameters, {row['x_primary']:.1f}x the U-Net{peak})"
        )

    rows = training_rows(dims, batches, features, repeats, device, on_row=show)
    _write({"features": features, "repeats": repeats, "rows": rows}, output)


def inference(
    dims: Sequence[int] = (2, 3),
    phis: Sequence[float] = (0.0, 0.25, 0.5),
    precisions: Sequence[str] = ("fp32", "channels_last", "bf16"),
    features: int = 16,
    levels: int = 5,
    in_channels: int = 1,
    batch: int = 16,
    repeats: int = 10,
    device: str = "cpu",
    output: str = "eval/benchmark_inference.json",
) -> None:
    """Latency and throughput of the network deployed at each phi, per execution precision.

    The first precision is the reference of the speed-ups. For one dimension, the passes of every
    (phi, precision) pair are interleaved (``bundle.perf.inference_speed.interleaved_latency_ms``), so both
    the speed-ups and latency(phi) / latency(largest phi) are ratios of runs under the same load.
    ``warmup_s``: the first pass at each batch size, which for "compiled" is the compilation (a new
    batch size compiles again).
    """
    precisions = _precision_list(precisions)

    def show(row: dict) -> None:
        print(
            f"{row['dims']}D phi {row['phi']:.2f} {row['precision']:13s} {row['gflops']:6.2f} GFLOPs  batch 1 "
            f"{row['latency_ms']:8.2f} ms (x{row['speedup_batch1']:.2f})  batch {batch} {row['images_per_s']:8.1f} "
            f"img/s (x{row['speedup_batch']:.2f}, {row['gflop_per_s']:.0f} GFLOP/s)  "
            f"max |logit error| {row['max_abs_logit_error']:.1e}"
            f"  first pass {row['warmup_s_batch1']:.1f} s / {row['warmup_s_batch']:.1f} s"
        )

    rows = inference_rows(dims, phis, precisions, features, levels, in_channels, batch, repeats, device, show)
    relative_to_largest_phi(rows)
    for row in rows:
        print(
            f"{row['dims']}D {row['precision']:13s} phi {row['phi']:.2f} / phi {row['relative_to_phi']:.2f}: "
            f"FLOPs x{row['flops_ratio']:.3f}  latency x{row['latency_ratio']:.3f} (batch 1), "
            f"x{row['latency_ratio_batch']:.3f} (batch {batch})"
        )
    report = {"features": features, "levels": levels, "in_channels": in_channels, "sizes": SIZES}
    _write(report | {"batch": batch, "repeats": repeats, "rows": rows}, output)


def accuracy(
    dataset: str = "hippocampus",
    dataset_dir: str = "../shared/data/hippocampus",
    phi: float = 0.25,
    ckpt: str | None = None,
    precisions: Sequence[str] = ("fp32", "channels_last", "bf16"),
    seed: int = 0,
    device: str = "cpu",
    output: str = "eval/benchmark_accuracy.json",
) -> None:
    """Test-split Dice (split ``seed``) of a bundle model at ``phi`` for each execution precision.

    Uses the shipped weights of ``dataset`` unless ``ckpt`` is given.
    """
    _shipped_or_exit(dataset)
    precisions = _precision_list(precisions)
    network, parser = load_bundle_network(dataset, ckpt, device)
    dataset_name, size = parser.get_parsed_content("dataset_name"), parser.get_parsed_content("spatial_size")
    files = load_split(dataset_name, dataset_dir, "test", seed)
    data = DataLoader(Dataset(files, preprocessing(dataset_name, "eval", size)), batch_size=1)
    classes = parser.get_parsed_content("num_classes")
    table = dice_by_precision(deployed_network(network, phi), data, classes, precisions, device)
    for name, row in table.items():
        change = row["mean"] - table[precisions[0]]["mean"]
        print(f"{name:13s} Dice {row['mean']:.4f} ({change:+.4f})  per label {row['per_label']}")
    _write({"dataset": dataset, "phi": phi, "images": len(files), "dice": table}, output)


def sliding(
    dataset: str = "hippocampus",
    phi: float = 0.5,
    shape: Sequence[int] = (1, 1, 160, 192, 160),
    rois: Sequence[Sequence[int]] = ((64, 64, 64), (96, 96, 96)),
    overlap: float = 0.25,
    repeats: int = 2,
    output: str = "eval/benchmark_sliding.json",
) -> None:
    """Whole-volume inference against sliding windows of each roi in ``rois`` on one synthetic volume of
    ``shape`` (N, C, *spatial), with the shipped weights of ``dataset`` at ``phi``, on CPU.

    Each setting runs in a fresh process (``bundle.benchmark.sliding_window``): the median of ``repeats``
    passes after one warm-up, the resident memory before the first pass and the process's peak; the
    ratios are against the whole volume's time and its memory increase over the baseline.
    """
    _shipped_or_exit(dataset)
    settings = [None, *[list(roi) for roi in rois]]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for index, roi in enumerate(settings):
            labels_path = str(Path(folder) / f"{index}.npy")
            setting = {"dataset": dataset, "phi": phi, "shape": list(shape), "roi_size": roi, "overlap": overlap}
            measured = measure_in_subprocess(setting | {"repeats": repeats, "labels_path": labels_path})
            labels = np.load(labels_path)
            if roi is None:
                whole, whole_labels = measured, labels
            row = {
                "roi_size": roi,
                "overlap": overlap,
                **measured,
                "increase_mib": measured["peak_mib"] - measured["baseline_mib"],
            }
            row |= {"time_ratio": measured["ms"] / whole["ms"], "peak_ratio": measured["peak_mib"] / whole["peak_mib"]}
            row |= {"increase_ratio": row["increase_mib"] / (whole["peak_mib"] - whole["baseline_mib"])}
            row["label_agreement"] = float((labels == whole_labels).mean())
            rows.append(row)
            name = "whole volume" if roi is None else f"windows {'x'.join(map(str, roi))}"
            print(
                f"{name:20s} {row['ms'] / 1e3:7.2f} s (x{row['time_ratio']:.2f})  peak {row['peak_mib']:7.0f} MiB "
                f"(x{row['peak_ratio']:.2f}), +{row['increase_mib']:.0f} MiB over {row['baseline_mib']:.0f} "
                f"(x{row['increase_ratio']:.2f})  labels agree on {row['label_agreement']:.2%} of voxels"
            )
    _write({"dataset": dataset, "phi": phi, "shape": list(shape), "repeats": repeats, "rows": rows}, output)


def registration(
    ckpt: str,
    grid_dir: str,
    method: str = "sshn",
    features: int = 16,
    levels: int = 5,
    hidden: Sequence[int] = (10, 16),
    phis: Sequence[float] = (0.1, 0.25, 0.5),
    cascades: int = 1,
    sigma: float = 1.5,
    iterations: int = 50,
    pairs: int = 5,
    repeats: int = 5,
    slices: Sequence[int] | None = (-8, -4, 0, 4, 8),
    output: str = "eval/benchmark_speed_registration.json",
) -> None:
    """Per pair: median ms of the deployed network at each phi (run ``cascades`` times per pair) and of demons
    (``sigma``, ``iterations``), CPU.

    The first ``pairs`` test pairs of the 2D task (split seed 0, coronal ``slices``: the bundle's evaluation
    ones), or of the 3D task with ``--slices None``, are cycled through, one per round; set ``OMP_NUM_THREADS``
    and ``ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS`` to compare at equal thread counts.
    """
    settings = {
        "method": method,
        "spatial_dims": 2 if slices else 3,
        "features": features,
        "levels": levels,
        "hidden": list(hidden),
        "cascades": cascades,
    }
    rows, used = registration_speed_rows(ckpt, grid_dir, settings, phis, sigma, iterations, pairs, repeats, slices)
    for row in rows:
        print(f"{row['action']:18s} {row['ms']:9.2f} ms per pair   demons takes {row['demons_x']:.1f}x this")
    options = {
        "cascades": cascades,
        "sigma": sigma,
        "iterations": iterations,
        "pairs": used,
        "repeats": repeats,
        "threads": torch.get_num_threads(),
    }
    _write({"ckpt": ckpt, "grid_dir": grid_dir, **options, "rows": rows}, output)


def segmenting(
    dataset: str = "hippocampus",
    dataset_dir: str | None = None,
    split: str = "test",
    phi: float = 0.5,
    precisions: Sequence[str] | str = ("fp32", "auto"),
    rounds: int = 3,
    output: str = "eval/benchmark_speed/segmenting.json",
) -> None:
    """scripts/segment.py's work on every image of ``split``, at each precision side by side: median seconds,
    Dice against the labels, speed-up against the first precision. ``dataset_dir`` defaults to
    ../shared/data/<dataset>."""
    precisions = _precision_list(precisions)
    with usage_errors():
        get_shipped(dataset)
        _check_count("rounds", rounds)
    dataset_dir = dataset_dir or f"../shared/data/{dataset}"
    network, parser = load_bundle_network(dataset)
    dataset_name, size, channels, classes = (
        parser.get_parsed_content(key) for key in ("dataset_name", "spatial_size", "in_channels", "num_classes")
    )
    items = load_split(dataset_name, dataset_dir, split)
    rows = segment_side_by_side(network, items, dataset_name, size, channels, classes, phi, precisions, rounds)
    for row in rows:
        print(
            f"{row['precision']:>14} (runs as {row['runs_as']}): {row['seconds']:.2f} s for {len(items)} images, "
            f"{row['speedup']:.2f}x, Dice {row['mean_dice']:.4f}, calibration {row['calibration_s']:.1f} s"
        )
    _write({"dataset": dataset, "split": split, "phi": phi, "images": len(items), "rows": rows}, output)


def gpu(
    device: str = "cuda",
    sizes: str = "gpu",
    repeats: int = 20,
    precisions: Sequence[str] = GPU_PRECISIONS,
    output: str = "eval/benchmark_speed/gpu.json",
) -> None:
    """Every GPU goal: its measured value, target and PASS / FAIL (exit 1 if any fails), then latency against
    FLOPs per phi. ``sizes``: "gpu" (the goals' own sizes) or "tiny" (small inputs, to check the command on a CPU)."""
    precisions = _precision_list(precisions)
    with usage_errors():
        if sizes not in ("gpu", "tiny"):
            raise ValueError(f"--sizes must be gpu or tiny, got {sizes!r}")
        check_device(str(device))
        _check_count("repeats", repeats)
        precisions = check_precisions(precisions)
    if sizes == "gpu" and not str(device).startswith("cuda"):
        print(
            "warning: the goals' own sizes on a CPU take a very long time; --sizes tiny checks the command",
            file=sys.stderr,
        )
    measured = measure_goals(GPU if sizes == "gpu" else TINY, device, repeats, precisions)
    for row in measured["goals"]:
        sign = "<=" if row["at_most"] else ">="
        chosen = f" ({row['precision']}; fp32 {row['fp32_ms']:.2f} ms)" if "precision" in row else ""
        print(
            f"{'PASS' if row['passed'] else 'FAIL'}  {row['goal']}: {row['value']:.3g} {row['unit']} "
            f"(goal {sign} {row['target']:g}){chosen}"
        )
    for row in measured["flops"]:
        print(
            f"phi {row['phi']:.2f}: {row['gflops']:.2f} GFLOPs (x{row['flops_ratio']:.2f}), "
            f"{row['ms']:.2f} ms (x{row['latency_ratio']:.2f})"
        )
    _write({"device": device, "sizes": sizes, "repeats": repeats, **measured}, output)
    if not all(row["passed"] for row in measured["goals"]):
        sys.exit(1)


def _precision_list(precisions: Sequence[str] | str) -> Sequence[str]:
    """fire leaves "[fp32,channels_last+bf16]" (and "fp32") a string: "+" is no Python literal. Other values
    pass unchanged (``check_precisions`` names a wrong type)."""
    if isinstance(precisions, str):
        return [name.strip() for name in precisions.strip("[]()").split(",") if name.strip()]
    return precisions


def _shipped_or_exit(dataset: str) -> None:
    """Exit 2 with one line for a ``--dataset`` without shipped weights, as the other scripts do."""
    with usage_errors():
        get_shipped(dataset)


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"--{name} must be an integer >= 1, got {value!r}")


def _write(report: dict, output: str) -> None:
    report = {"hardware": hardware(), **report}
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(report, indent=2))
    print(f"written to {output} ({report['hardware']})")


if __name__ == "__main__":
    fire_checked(
        {
            "training": training,
            "inference": inference,
            "accuracy": accuracy,
            "sliding": sliding,
            "registration": registration,
            "segmenting": segmenting,
            "gpu": gpu,
        }
    )
