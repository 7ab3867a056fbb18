"""Segment a file or a folder of NIfTI (or PNG/BMP for WBC) images with a trained SSHN bundle model.

Examples:
    python scripts/segment.py scans/ out/ --phi 0.25
    python scripts/segment.py scans/ out/ --max_gflops 14.5 --sweep docs/results/hippocampus/sweep.json
    python scripts/segment.py cells/ out/ --dataset wbc --ckpt models/wbc/model.pt --max_dice_drop 0.01 \\
        --sweep docs/results/wbc/sweep.json
    python scripts/segment.py scans/ out/ --ckpt hippocampus_phi0.25.ts   # an exported network (scripts/export.py)
    python scripts/segment.py cells/ out/ --ckpt wbc_phi0.25.onnx   # ONNX Runtime on the CPU (2D: faster than bf16)
    python scripts/segment.py big_scans/ out/ --roi_size "[64,64,64]" --overlap 0.25   # sliding windows: less memory
Exit status: 0 when every file was written, 1 when some failed (each named), 2 on a usage error.
"""

import sys

from monai.inferers import Inferer
from torch import nn

from bundle.checked_run import check_device
from bundle.cli import fire_checked, usage_errors
from bundle.data.outputs import check_outputs
from bundle.export import deployed_network, load_exported
from bundle.pareto.choose import choose_phi
from bundle.perf.local_latency import LatencyHere
from bundle.perf.onnx_network import OnnxNetwork, onnx_inferer
from bundle.perf.precision import with_precision
from bundle.segmentation.folder import input_files, segment
from bundle.segmentation.inferer import make_inferer
from bundle.segmentation.network import load_bundle_network


def _exported(ckpt: str, phi: float | None, budgets: list, device: str) -> tuple:
    """The exported network (TorchScript, or ONNX run by ONNX Runtime), its phi, dataset, input size and channels;
    it runs at its own phi only."""
    if ckpt.endswith(".onnx"):
        if device != "cpu":
            raise ValueError(f"{ckpt} runs on the CPU (ONNX Runtime's CPU provider); got --device {device}")
        onnx_network = OnnxNetwork(ckpt)
        network: nn.Module = onnx_network
        metadata: dict = onnx_network.metadata
    else:
        network, metadata = load_exported(ckpt, device)
    if any(value is not None for value in budgets) or (phi is not None and abs(phi - metadata["phi"]) > 1e-9):
        raise ValueError(f"{ckpt} runs at phi {metadata['phi']:g} only: choose phi when exporting (scripts/export.py)")
    return network, metadata["phi"], metadata["dataset_name"], metadata["spatial_size"], metadata.get("in_channels")


def main(
    input: str,
    output_dir: str,
    dataset: str = "hippocampus",
    ckpt: str | None = None,
    phi: float | None = None,
    sweep: str | None = None,
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
    device: str = "cpu",
    roi_size: list[int] | None = None,
    overlap: float = 0.25,
    precision: str = "auto",
) -> None:
    """Write <name>_seg label maps of every image in INPUT to OUTPUT_DIR at the phi given or chosen.

    ``ckpt``: a bundle checkpoint of ``dataset`` (default: the shipped weights), or a ``.ts`` file from
    scripts/export.py, which carries its own phi, dataset and input size, or an ``.onnx`` export, run by ONNX
    Runtime on the CPU on windows of its traced size (needs onnxruntime). ``roi_size``: run the network
    on sliding windows of this many voxels per spatial dimension, overlapping by ``overlap`` (a fraction
    of the window), instead of the whole image at once: for volumes too large for memory (slower; see
    docs/performance.md). ``max_latency_ms``: where the sweep was measured on another machine (its
    ``hardware``), every phi is first timed here (seconds; cached in ``SSHN_CACHE_DIR``, default
    ~/.cache/sshn), and the budget applies to these times. ``precision``: fp32, bf16 (autocast) or
    channels_last, or "auto": the fastest of these for this network and size on this machine (timed once,
    cached like the latencies). An exported ``.ts`` or ``.onnx`` network runs in fp32.
    """
    with usage_errors(FileNotFoundError):
        check_device(device)
        files = input_files(input)
        exported = ckpt is not None and ckpt.endswith((".ts", ".onnx"))
        if exported and ckpt is not None:  # exported implies a ckpt; the test narrows its type
            budgets = [max_gflops, max_latency_ms, max_dice_drop]
            deployed, chosen, dataset_name, size, channels = _exported(ckpt, phi, budgets, device)
            row = choose_phi(chosen, sweep)[1]
            if precision not in ("auto", "fp32"):
                raise ValueError(
                    f"{ckpt} runs in fp32 only (an exported network); --precision {precision} needs model.pt"
                )
            precision = "fp32"
        else:
            network, parser = load_bundle_network(dataset, ckpt, device)
            keys = ("dataset_name", "spatial_size", "in_channels")
            dataset_name, size, channels = (parser.get_parsed_content(key) for key in keys)
        if ckpt is not None and ckpt.endswith(".onnx"):  # a graph of one spatial size: windows of that size
            if roi_size is not None:
                raise ValueError(f"{ckpt} runs on windows of its own size; --roi_size does not apply")
            assert isinstance(deployed, OnnxNetwork)  # what _exported builds for an .onnx file
            inferer: Inferer = onnx_inferer(deployed.spatial_size, overlap)
        else:
            inferer = make_inferer(roi_size, overlap, len(size))
        check_outputs(files, output_dir, dataset_name)  # before any timing: "before any work"
        if not exported:
            shape = (1, channels, *size)
            latency = LatencyHere(network, shape, device)
            chosen, row = choose_phi(phi, sweep, max_gflops, max_latency_ms, max_dice_drop, latency)
            deployed, precision = with_precision(deployed_network(network, chosen), precision, shape, device)
    if row is not None:
        print(f"phi {chosen:g}: {row['gflops']:.3f} GFLOPs, Dice {row['mean_dice']:.4f} on the sweep's data")
        if "latency_hardware" in row:
            print(
                f"latency {row['latency_ms']:.1f} ms per image at {list(size)}, measured on {row['latency_hardware']}"
            )
    else:
        print(f"phi {chosen:g}")
    print(f"precision {precision}")
    run = segment(deployed, files, dataset_name, size, output_dir, device, channels, inferer)
    print(f"{len(run.written)} label maps in {output_dir}, {run.seconds_per_image * 1e3:.0f} ms per image")
    for file in run.empty:
        advice = "are its intensities and voxel spacing like the training data's?"
        print(f"warning: {file}: the label map is all background ({advice})", file=sys.stderr)
    for file, reason in run.failed:
        print(f"failed: {file}: {reason}", file=sys.stderr)
    if run.failed:
        print(f"{len(run.failed)} of {len(files)} images failed (named above)", file=sys.stderr)
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    fire_checked(main)
