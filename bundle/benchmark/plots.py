"""The benchmark's figures: curves with a band of one standard deviation over seeds, every method in one plot."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt
import numpy as np

from bundle.pareto.plots import save_figure

YLABEL = "mean foreground test Dice"  # segmentation's; a task passes its own


def plot_bands(
    curves: Mapping[str, Sequence[tuple[float, float, float]]],
    path: str | Path,
    xlabel: str,
    ylabel: str = YLABEL,
    title: str = "",
    reference: tuple[str, float] | None = None,
) -> Path:
    """One line per curve (name -> [(x, mean, std)]) with a shaded mean +- std band; a curve of one point
    is drawn as a marker with an error bar. ``reference``: (name, y) drawn as a dashed horizontal line.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axis = plt.subplots(figsize=(5.5, 3.8))
    for name, points in curves.items():
        x, mean, std = (np.asarray(column, dtype=float) for column in zip(*sorted(points), strict=True))
        if len(x) == 1:
            axis.errorbar(x, mean, yerr=std, fmt="o", capsize=3, label=name)
            continue
        (line,) = axis.plot(x, mean, marker=".", label=name)
        axis.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.2, linewidth=0)
    if reference is not None:
        axis.axhline(reference[1], color="black", linestyle="--", linewidth=1, label=reference[0])
    axis.set(xlabel=xlabel, ylabel=ylabel, title=title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    return save_figure(figure, path)


def method_figures(table: Sequence[dict], output_dir: str | Path, ylabel: str = YLABEL) -> list[Path]:
    """dice_vs_phi.png and dice_vs_gflops.png from Table 1 rows (see ``tables.dice_table``), Fixed as one curve
    of its networks, ``ylabel`` on the y axis."""
    by_phi: dict[str, list] = {}
    by_cost: dict[str, list] = {}
    for row in table:
        by_phi.setdefault(row["method"], []).append((row["phi"], row["dice"], row["std"]))
        by_cost.setdefault(row["method"], []).append((row["gflops"], row["dice"], row["std"]))
    output_dir = Path(output_dir)
    return [
        plot_bands(
            by_phi, output_dir / "dice_vs_phi.png", "phi (rescaling factor)", ylabel, title="Test Dice against phi"
        ),
        plot_bands(
            by_cost,
            output_dir / "dice_vs_gflops.png",
            "GFLOPs per image (2 per multiply-add)",
            ylabel,
            title="Test Dice against inference cost",
        ),
    ]
