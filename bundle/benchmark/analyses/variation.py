"""Coefficient of variation of the predicted weights across phi, per layer (the paper's Figure 14)."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt
import torch

from bundle.nets.conditioned import PhiConditionedUNet
from bundle.pareto.plots import save_figure


@torch.no_grad()
def weight_variation(sshn: PhiConditionedUNet, phis: Sequence[float], output_dir: str | Path) -> list[dict]:
    """Per primary tensor (in network order): quartiles over its elements of |std / mean| across ``phis``.

    The median is reported, not the mean: elements whose mean is near zero have an unbounded ratio.
    Writes weight_variation.png; returns [{"tensor", "q25", "median", "q75"}].
    """
    predicted = [sshn.predict_weights(sshn.primary.resolve_phi(float(phi))) for phi in phis]
    rows = []
    for name in predicted[0]:
        stacked = torch.stack([weights[name].flatten() for weights in predicted])  # (phis, elements)
        variation = (stacked.std(dim=0) / stacked.mean(dim=0).abs()).nan_to_num(nan=0.0, posinf=float("inf"))
        q25, median, q75 = torch.quantile(variation.double(), torch.tensor([0.25, 0.5, 0.75], dtype=torch.float64))
        rows.append({"tensor": name, "q25": q25.item(), "median": median.item(), "q75": q75.item()})
    figure, axis = plt.subplots(figsize=(max(6.0, 0.28 * len(rows)), 4))
    x = range(len(rows))
    axis.bar(x, [row["median"] for row in rows], color="tab:blue", alpha=0.7, label="median")
    axis.errorbar(
        x,
        [row["median"] for row in rows],
        fmt="none",
        ecolor="black",
        capsize=2,
        label="quartiles",
        yerr=[[row["median"] - row["q25"] for row in rows], [row["q75"] - row["median"] for row in rows]],
    )
    axis.set_xticks(list(x), [row["tensor"] for row in rows], rotation=90, fontsize=6)
    axis.set(ylabel="|std / mean| across phi", yscale="log", title="Variation of predicted weights across phi")
    axis.legend(fontsize="small")
    save_figure(figure, Path(output_dir) / "weight_variation.png")
    return rows
