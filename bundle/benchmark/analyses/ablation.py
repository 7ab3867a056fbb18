"""Primary architectures (the paper's Figure 10): for each, its SSHN across phi against its Fixed networks."""

from collections.abc import Mapping, Sequence
from pathlib import Path

from bundle.benchmark.plots import YLABEL, plot_bands
from bundle.benchmark.runs import RunSpec


def ablation(
    runs: Mapping[str, Sequence[RunSpec]], results: Mapping[str, dict], output_dir: str | Path, ylabel: str = YLABEL
) -> dict:
    """Per architecture (name -> [its SSHN run, its Fixed runs]): the SSHN's test rows and each Fixed network's.

    Writes ablation_<architecture>.png (``ylabel`` on its y axis) to ``output_dir``.
    """
    summary = {}
    for name, (sshn, *fixed) in runs.items():
        sshn_rows = [{"phi": r["phi"], "dice": r["mean_dice"]} for r in results[sshn.name]["rows"]]
        fixed_rows = [{"phi": spec.phi, "dice": results[spec.name]["rows"][0]["mean_dice"]} for spec in fixed]
        curves = {
            "SSHN": [(r["phi"], r["dice"], 0.0) for r in sshn_rows],
            "Fixed": [(r["phi"], r["dice"], 0.0) for r in fixed_rows],
        }
        path = Path(output_dir) / f"ablation_{name}.png"
        plot_bands(curves, path, "phi", ylabel, title=f"Primary architecture: {name}")
        summary[name] = {"sshn": sshn_rows, "fixed": fixed_rows}
    return summary
