"""Export the network of one phi (hypernetwork left out) as TorchScript with the bundle metadata inside.

Examples:
    python scripts/export.py --phi 0.25 --output models/hippocampus_phi0.25.ts
    python scripts/export.py --variant wbc --max_dice_drop 0.01 --sweep docs/results/wbc/sweep.json --output wbc.ts
Load it with torch alone: torch.jit.load(path, _extra_files={"metadata.json": ""}).
"""

import json
import sys

import fire

from bundle.export import export_torchscript
from bundle.segment import CONFIGS, choose_phi, load_bundle_network


def main(
    output: str,
    variant: str = "hippocampus",
    ckpt: str | None = None,
    phi: float | None = None,
    sweep: str | None = None,
    max_gflops: float | None = None,
    max_latency_ms: float | None = None,
    max_dice_drop: float | None = None,
) -> None:
    """Write OUTPUT (.ts) for the phi given or chosen from a sweep under a budget."""
    try:
        chosen, _ = choose_phi(phi, sweep, max_gflops, max_latency_ms, max_dice_drop)
        network, parser = load_bundle_network(variant, ckpt)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    metadata = json.loads((CONFIGS / "metadata.json").read_text())
    keys = ("dataset_name", "spatial_dims", "in_channels", "num_classes", "spatial_size")
    metadata |= {"variant": variant} | {key: parser.get_parsed_content(key) for key in keys}
    print(f"wrote {export_torchscript(network, chosen, output, metadata)} (phi {chosen:g})")


if __name__ == "__main__":
    fire.Fire(main)
