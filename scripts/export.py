"""Export the network of one phi (hypernetwork left out) as TorchScript with the bundle metadata inside.

Examples:
    python scripts/export.py --phi 0.25 --output models/hippocampus_phi0.25.ts
    python scripts/export.py --dataset wbc --max_dice_drop 0.01 --sweep docs/results/wbc/sweep.json --output wbc.ts
    python scripts/export.py --phi 0.25 --output hippocampus.onnx --input_size "[48,64,48]"   # needs the onnx extra
Load a .ts with torch alone: torch.jit.load(path, _extra_files={"metadata.json": ""}); an .onnx with
onnxruntime (metadata in InferenceSession(path).get_modelmeta().custom_metadata_map["metadata.json"]).
"""

from bundle.cli import fire_checked, usage_errors
from bundle.export import export_onnx, export_torchscript
from bundle.pareto.choose import choose_phi
from bundle.segmentation.network import bundle_metadata, load_bundle_network


def main(
    output: str,
    dataset: str = "hippocampus",
    ckpt: str | None = None,
    phi: float | None = None,
    sweep: str | None = None,
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
    input_size: list[int] | None = None,
) -> None:
    """Write OUTPUT for the phi given or chosen from a sweep under a budget: TorchScript (.ts, any input
    size) or ONNX (.onnx, for one spatial ``input_size``, default the dataset's training size; any batch).
    """
    with usage_errors(FileNotFoundError):
        if not output.endswith((".ts", ".onnx")):
            raise ValueError(f"--output must end in .ts (TorchScript) or .onnx, got {output}")
        chosen, _ = choose_phi(phi, sweep, max_gflops, max_latency_ms, max_dice_drop)
        network, parser = load_bundle_network(dataset, ckpt)
    metadata = bundle_metadata(dataset)
    keys = ("dataset_name", "spatial_dims", "in_channels", "num_classes", "spatial_size")
    metadata |= {"dataset": dataset} | {key: parser.get_parsed_content(key) for key in keys}
    if output.endswith(".onnx"):
        shape = [1, metadata["in_channels"], *(input_size or metadata["spatial_size"])]
        written = export_onnx(network, chosen, output, shape, metadata)
    else:
        written = export_torchscript(network, chosen, output, metadata)
    print(f"wrote {written} (phi {chosen:g})")


if __name__ == "__main__":
    fire_checked(main)
