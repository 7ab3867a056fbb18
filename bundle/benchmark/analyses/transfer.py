"""Weight transfer (the paper's Figure 9): weights made for phi' = 0.5 run at other phi."""

from collections.abc import Sequence
from pathlib import Path

from torch import nn

from bundle.benchmark.plots import plot_bands
from bundle.benchmark.tasks.base import Task


def weight_transfer(
    task: Task,
    sshn: nn.Module,
    fixed: nn.Module,
    data: list,
    phis: Sequence[float],
    num_classes: int,
    input_shape: list[int],
    output_dir: str | Path,
    source_phi: float = 0.5,
) -> dict:
    """Test Dice at each of ``phis`` of: the SSHN's weights predicted for that phi, the SSHN's weights predicted
    for ``source_phi``, and a Fixed network trained at ``source_phi``; each tested by ``task.test_rows``.
    Writes weight_transfer.png.
    """
    curves = {
        "SSHN, weights for each phi": task.test_rows(sshn, data, phis, num_classes, input_shape),
        f"SSHN, weights for phi' = {source_phi:g}": task.test_rows(
            task.deploy(sshn, source_phi), data, phis, num_classes, input_shape
        ),
        f"Fixed, trained at phi = {source_phi:g}": task.test_rows(fixed, data, phis, num_classes, input_shape),
    }
    plot_bands(
        {name: [(row["phi"], row["mean_dice"], 0.0) for row in rows] for name, rows in curves.items()},
        Path(output_dir) / "weight_transfer.png",
        "phi at test time",
        task.ylabel,
        title="Weight transfer",
    )
    return {name: [{"phi": row["phi"], "dice": row["mean_dice"]} for row in rows] for name, rows in curves.items()}
