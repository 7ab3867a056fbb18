"""One phi per resizing level (the paper's Figures 12, 13): the grid's Pareto frontier against the single-phi SSHN."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt

from bundle.benchmark.plots import YLABEL
from bundle.pareto.plots import save_figure
from bundle.pareto.select import pareto_frontier


def per_level(grid_result: dict, single_result: dict, output_dir: str | Path, ylabel: str = YLABEL) -> dict:
    """Every grid point of the per-level SSHN (Dice against GFLOPs), its Pareto frontier and the single-phi SSHN
    of the same depth. Writes per_level.png (``ylabel`` on its y axis); returns the frontier, the single-phi
    rows and the best of each.
    """
    grid, single = grid_result["rows"], single_result["rows"]
    frontier = pareto_frontier(grid)
    figure, axis = plt.subplots(figsize=(5.5, 3.8))
    axis.plot([r["gflops"] for r in grid], [r["mean_dice"] for r in grid], ".", color="0.7", label="per-level grid")
    axis.plot(
        [r["gflops"] for r in frontier], [r["mean_dice"] for r in frontier], "-o", ms=3, label="per-level frontier"
    )
    axis.plot([r["gflops"] for r in single], [r["mean_dice"] for r in single], "-s", ms=3, label="single-phi SSHN")
    axis.set(
        xlabel="GFLOPs per image (2 per multiply-add)",
        ylabel=ylabel,
        title="One phi per level against one phi",
    )
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    save_figure(figure, Path(output_dir) / "per_level.png")

    return {
        "frontier": frontier,
        "single": single,
        "best_per_level": max(grid, key=lambda r: r["mean_dice"]),
        "best_single": max(single, key=lambda r: r["mean_dice"]),
        "grid_points": len(grid),
    }
