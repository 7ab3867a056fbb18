"""Inference cost of the phi-resizable U-Net for each phi (GFLOPs counted by torch.utils.flop_counter).

Example (the paper's OASIS-2D setting, 24 labels + background):
    python scripts/flops.py --spatial_dims 2 --size "[160,192]" --out_channels 25
"""

from bundle.cli import fire_checked, usage_errors
from bundle.flops import cost_table
from bundle.nets.unet import PhiUNet
from bundle.pareto.report import phi_grid


def main(
    spatial_dims: int = 2,
    size: tuple[int, ...] = (160, 192),
    in_channels: int = 1,
    out_channels: int = 25,
    features: int = 32,
    levels: int = 5,
    block: str = "plain",
    phi_start: float = 0.0,
    phi_stop: float = 0.5,
    phi_step: float = 0.05,
) -> None:
    """Print phi, the feature-map size at each level and GFLOPs (2 per multiply-add) for batch 1."""
    with usage_errors():
        if len(size) != spatial_dims:
            raise ValueError(f"--size needs {spatial_dims} numbers for --spatial_dims {spatial_dims}, got {list(size)}")
        phis = phi_grid(phi_start, phi_stop, phi_step)
    network = PhiUNet(spatial_dims, in_channels, out_channels, features, levels, block=block)
    print(f"{'phi':>6}  {'GFLOPs':>8}  level sizes")
    for row in cost_table(network, (1, in_channels, *size), phis):
        sizes = " ".join("x".join(map(str, s)) for s in row["level_sizes"])
        print(f"{row['phi']:>6.3f}  {row['gflops']:>8.3f}  {sizes}")


if __name__ == "__main__":
    fire_checked(main)
