"""Overlay the phi sweeps of several methods (SSHN, Fixed, Stochastic, FiLM) of one dataset in one set of plots.

Examples:
    python scripts/compare_sweeps.py docs/results/wbc/cpu_profile/sweep.json docs/results/wbc/stochastic/sweep.json \\
        --output_dir docs/results/wbc/compare
A Fixed network is swept at its own phi (``scripts/sweep.py --method fixed --phi_start P --phi_stop P``);
several such files of one method make one curve.
"""

from bundle.cli import fire_checked, usage_errors
from bundle.pareto.report import overlay_sweeps


def main(*sweeps: str, output_dir: str = "eval/compare") -> None:
    """Write dice_vs_phi.png, dice_vs_gflops.png and dice_per_label.png for SWEEPS (sweep.json files)."""
    with usage_errors(FileNotFoundError):
        curves = overlay_sweeps(sweeps, output_dir)
    for method, rows in curves.items():
        best = max(rows, key=lambda row: row["mean_dice"])
        print(f"{method}: {len(rows)} phi, best Dice {best['mean_dice']:.4f} at phi {best['phi']:g}")
    print(f"plots written to {output_dir}")


if __name__ == "__main__":
    fire_checked(main)
