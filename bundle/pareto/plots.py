"""The sweep's figures: Dice against phi, Dice against GFLOPs with the frontier, Dice per label against phi."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt

from bundle.pareto.select import pareto_frontier


def plot_sweeps(sweeps: Mapping[str, Sequence[dict]], labels: Sequence[str], output_dir: str | Path) -> list[Path]:
    """Write dice_vs_phi.png, dice_vs_gflops.png and dice_per_label.png for one or more methods' sweeps.

    ``sweeps``: method name -> sweep rows (see ``bundle.segmentation.sweep.sweep``), overlaid in one plot;
    ``labels``: foreground label names, in the order of each row's "per_label".
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = []

    figure, axis = plt.subplots(figsize=(5, 3.5))
    for method, rows in sweeps.items():
        axis.plot([r["phi"] for r in rows], [r["mean_dice"] for r in rows], marker=".", label=method)
    axis.set(xlabel="phi (rescaling factor)", ylabel="mean foreground Dice", title="Dice against phi")
    axis.grid(alpha=0.3)
    axis.legend()
    paths.append(save_figure(figure, output_dir / "dice_vs_phi.png"))

    figure, axis = plt.subplots(figsize=(5, 3.5))
    for method, rows in sweeps.items():
        (line,) = axis.plot([r["gflops"] for r in rows], [r["mean_dice"] for r in rows], ".", alpha=0.5, label=method)
        frontier = pareto_frontier(rows)
        axis.plot([r["gflops"] for r in frontier], [r["mean_dice"] for r in frontier], "-", color=line.get_color())
    axis.set(xlabel="GFLOPs per image (2 per multiply-add)", ylabel="mean foreground Dice")
    axis.set_title("Dice against cost (lines: Pareto frontier)")
    axis.grid(alpha=0.3)
    axis.legend()
    paths.append(save_figure(figure, output_dir / "dice_vs_gflops.png"))

    figure, axis = plt.subplots(figsize=(5, 3.5))
    for method, rows in sweeps.items():
        for index, label in enumerate(labels):
            name = label if len(sweeps) == 1 else f"{method}: {label}"
            axis.plot([r["phi"] for r in rows], [r["per_label"][index] for r in rows], marker=".", label=name)
    axis.set(xlabel="phi (rescaling factor)", ylabel="Dice", title="Dice per label against phi")
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    paths.append(save_figure(figure, output_dir / "dice_per_label.png"))
    return paths


def save_figure(figure: plt.Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
