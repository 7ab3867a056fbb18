"""Prior width (the paper's Figure 8): SSHN trained on U(0.5 - r, 0.5 + r), tested at 0.5, against a plain U-Net."""

from collections.abc import Mapping, Sequence
from pathlib import Path

from bundle.benchmark.plots import YLABEL, plot_bands
from bundle.benchmark.runs import RunSpec


def prior_width(
    runs: Sequence[RunSpec], results: Mapping[str, dict], output_dir: str | Path, ylabel: str = YLABEL
) -> dict:
    """Test Dice at 0.5 per radius r (the SSHN runs of ``runs``) and of the plain U-Net (its last, Fixed run).

    Writes prior_width.png (``ylabel`` on its y axis) to ``output_dir``; returns
    {"rows": [{"radius", "dice"}], "plain_unet": Dice}.
    """
    *sshn_runs, plain = runs
    rows = []
    for spec in sshn_runs:
        low, high = spec.overrides["phi_prior"]
        rows.append({"radius": round((high - low) / 2, 6), "dice": results[spec.name]["rows"][0]["mean_dice"]})
    plain_dice = results[plain.name]["rows"][0]["mean_dice"]
    curves = {"SSHN at phi = 0.5": [(row["radius"], row["dice"], 0.0) for row in rows]}
    plot_bands(
        curves,
        Path(output_dir) / "prior_width.png",
        "prior radius r (SSHN trained on U(0.5 - r, 0.5 + r))",
        ylabel,
        title="Prior width",
        reference=("plain U-Net (phi = 0.5)", plain_dice),
    )
    return {"rows": rows, "plain_unet": plain_dice}
