"""report.md: the benchmark's tables, figures and analyses beside the paper's numbers, with how they were made."""

import datetime
import json
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import monai
import torch

from bundle.benchmark.profiles import Profile, get_profile
from bundle.benchmark.tables import dice_at
from bundle.benchmark.tasks.base import Task
from bundle.io import write_atomically
from bundle.perf.hardware import hardware

# The paper's numbers per dataset (mean test Dice x100 over 5 seeds; ../shared/PAPER.md): (source, phis,
# method -> Dice). WBC and OASIS: Tables 1, 3 and 5. Registration: the paper's OASIS-2D registration (Table 2, phi 0 and
# 0.5 only), on other brains than our Mindboggle pairs.
PAPER_DICE: dict[str, tuple[str, tuple[float, ...], dict[str, tuple[float, ...]]]] = {
    "wbc": (
        "the paper's Table 1, WBC",
        (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
        {"fixed": (76.6, 85.9, 86.6, 87.5, 89.1, 90.9), "sshn": (75.9, 88.4, 90.6, 91.8, 92.7, 92.7)},
    ),
    "oasis2d": (
        "the paper's Table 1, OASIS (2D mid-coronal slices, 24 labels, 414 subjects)",
        (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
        {"fixed": (31.5, 84.9, 87.9, 88.3, 88.8, 89.1), "sshn": (28.3, 86.7, 89.6, 90.3, 90.6, 90.7)},
    ),
    "registration": (
        "the paper's Table 2, OASIS-2D registration: other brains and labels, so compare the methods' order only",
        (0.0, 0.5),
        {"fixed": (67.7, 71.5), "sshn": (67.7, 71.7), "stochastic": (66.6, 70.3), "film": (67.4, 70.7)},
    ),
}
PAPER_BEST = {
    "wbc": {"fixed": 90.9, "stochastic": 88.1, "film": 87.1, "sshn": 92.7},
    "oasis2d": {"fixed": 89.1, "stochastic": 84.8, "film": 87.2, "sshn": 90.7},
}
PAPER_MINUTES = {
    "wbc": {"stochastic": 40.3, "film": 45.5, "sshn": 47.3, "fixed set (11)": 449.8},
    "oasis2d": {"stochastic": 255.1, "film": 264.3, "sshn": 304.5, "fixed set (11)": 2811.1},
}
METHOD_ORDER = ("fixed", "sshn", "stochastic", "film")
MISSING = "n/a"  # a cell of a method or phi that was not run


def _points(value: float | None) -> str:
    return MISSING if value is None else f"{100 * value:+.1f}"


def _dice(row: dict | None) -> str:
    if row is None:
        return MISSING
    return f"{100 * row['dice']:.1f} ± {100 * row['std']:.1f}" if row["seeds"] > 1 else f"{100 * row['dice']:.1f}"


def _difference(dice: Sequence[dict], method: str, reference: str, phi: float) -> float | None:
    """Dice of ``method`` minus Dice of ``reference`` at ``phi``, None where either was not run."""
    row, other = dice_at(dice, method, phi), dice_at(dice, reference, phi)
    return None if row is None or other is None else row["dice"] - other["dice"]


def _seed_note(profile: Profile) -> str:
    """Says so when the run used other seeds than the profile's (``--seeds``), whose description counts them."""
    default = get_profile(profile.name).seeds
    return "" if profile.seeds == default else f" (run with --seeds; the profile's own: {list(default)})"


def _header(task: Task, profile: Profile, commit: str) -> list[str]:
    configs = " + ".join(f"`configs/{name}`" for name in task.config_files)
    return [
        f"# Benchmark report: {task.name}, profile `{profile.name}`",
        "",
        f"- Made by `python scripts/benchmark.py --dataset {task.name} --profile {profile.name} ...` on "
        f"{datetime.date.today().isoformat()}, report written at git commit `{commit}`.",
        f"- Hardware: {hardware()}; {profile.jobs} run(s) at a time, {profile.threads or 'default'} thread(s) each; "
        f"{platform.platform()}, torch {torch.__version__}, MONAI {monai.__version__}.",
        f"- Profile: {profile.description}"
        + (f"; with `--training` overrides {json.dumps(profile.overrides)}." if profile.overrides else "."),
        f"- Seeds {list(profile.seeds)}{_seed_note(profile)}; one data split for all (seeded with 0, 64 / 16 / 20 %"
        f" train / validation / test); {task.metric}.",
        "- Each network is the checkpoint with the best validation Dice (mean over phi 0.1, 0.25, 0.5; a Fixed "
        f"network validates at its own phi), trained through {configs} at its method's learning rate, chosen on "
        f"the validation split from {', '.join(f'{lr:g}' for lr in profile.lr_grid)} (below).",
        "",
    ]


def _folding(dice: Sequence[dict], methods: Sequence[str], phis: Sequence[float]) -> list[str]:
    """The folding fraction per method and phi (registration), in %; nothing where the rows have none."""
    if all(row.get("folding") is None for row in dice):
        return []
    lines = ["### Folding: % of voxels with det J <= 0 (mean over seeds)", ""]
    lines += ["| method | " + " | ".join(f"phi {p:g}" for p in phis) + " |", "|---" * (len(phis) + 1) + "|"]
    for method in methods:
        rows = [dice_at(dice, method, p) for p in phis]
        cells = [MISSING if r is None or r.get("folding") is None else f"{100 * r['folding']:.2f}" for r in rows]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _methods(tables: dict, dataset: str) -> list[str]:
    dice = tables["dice"]
    paper_source, paper_phis, paper_dice = PAPER_DICE.get(dataset, ("", (), {}))
    fixed_phis = sorted({row["phi"] for row in dice if row["method"] == "fixed"})
    phis = sorted({round(p, 6) for p in (*fixed_phis, *paper_phis)} & {round(r["phi"], 6) for r in dice})
    methods = [m for m in METHOD_ORDER if any(row["method"] == m for row in dice)]
    lines = ["## Test Dice per method and phi (the paper's Table 1)", ""]
    pending = tables.get("pending", [])
    if pending:
        lines += [f"**Interim: {len(pending)} runs have not finished** ({', '.join(pending)}).", ""]
    lines += ["| method | " + " | ".join(f"phi {p:g}" for p in phis) + " |", "|---" * (len(phis) + 1) + "|"]
    for method in methods:
        lines.append(f"| {method} | " + " | ".join(_dice(dice_at(dice, method, p)) for p in phis) + " |")
    gflops = [next((r["gflops"] for r in dice if round(r["phi"], 6) == p), None) for p in phis]
    lines.append("| GFLOPs | " + " | ".join(MISSING if g is None else f"{g:.4f}" for g in gflops) + " |")
    for method, values in paper_dice.items():
        paper = dict(zip(paper_phis, values, strict=True))
        lines.append(f"| paper {method} | " + " | ".join(str(paper.get(p, MISSING)) for p in phis) + " |")
    lines += ["", f"Paper rows: {paper_source}.", ""] if paper_dice else [""]
    lines += _folding(dice, methods, phis)
    lines += ["![Dice against phi](dice_vs_phi.png) ![Dice against GFLOPs](dice_vs_gflops.png)", ""]
    lines += ["### Headline comparisons (points of Dice x100, mean over seeds)", ""]
    lines += ["| phi | SSHN - Fixed | Stochastic - SSHN | FiLM - SSHN |", "|---|---|---|---|"]
    for phi in fixed_phis:
        differences = [
            _difference(dice, a, b, phi) for a, b in (("sshn", "fixed"), ("stochastic", "sshn"), ("film", "sshn"))
        ]
        lines.append(f"| {phi:g} | " + " | ".join(_points(d) for d in differences) + " |")
    lines += ["", f"Best over phi per method (the paper's Table 5{', WBC column' if dataset == 'wbc' else ''})", ""]
    lines += ["| method | ours: best Dice (at phi) | paper |", "|---|---|---|"]
    for method in methods:
        best = max((row for row in dice if row["method"] == method), key=lambda row: row["dice"])
        paper_best = PAPER_BEST.get(dataset, {}).get(method, MISSING)
        lines.append(f"| {method} | {_dice(best)} (phi {best['phi']:g}) | {paper_best} |")
    lines += ["", "## Training time (the paper's Table 3)", ""]
    lines += [f"| method | minutes (mean ± std) | runs | epochs | paper ({dataset}, minutes) |", "|---" * 5 + "|"]
    for row in tables["time"]:
        paper_minutes = PAPER_MINUTES.get(dataset, {}).get(row["method"].replace("scaled to ", ""), MISSING)
        lines.append(
            f"| {row['method']} | {row['minutes']:.2f} ± {row['std']:.2f} | {row['runs']} | {row['epochs']:.0f} "
            f"| {paper_minutes} |"
        )
    by_name = {row["method"]: row["minutes"] for row in tables["time"]}
    scaled = next((m for name, m in by_name.items() if name.startswith("fixed set (scaled")), None)
    if scaled is not None and "sshn" in by_name:
        lines += [
            "",
            f"The 11 Fixed networks take {scaled / by_name['sshn']:.1f}x one SSHN's training time "
            "(the paper, WBC: 449.8 / 47.3 = 9.5x). Times are the trainer's wall time with validation, "
            "data caching not included; runs shared the machine with each other.",
        ]
    return [*lines, ""]


def _learning_rates(summary: dict) -> list[str]:
    table = summary["validation_dice"]
    grid = sorted({row["lr"] for rows in table.values() for row in rows})
    lines = ["## Learning rate of each method, chosen on the validation split", ""]
    lines += ["Best validation Dice x100 (first seed; epochs run in brackets); the chosen rate in bold.", ""]
    lines += ["| method | " + " | ".join(f"lr {lr:g}" for lr in grid) + " |", "|---" * (len(grid) + 1) + "|"]
    for method in [m for m in METHOD_ORDER if m in table]:
        by_lr = {row["lr"]: row for row in table[method]}
        cells = []
        for lr in grid:
            row = by_lr.get(lr)
            cell = MISSING if row is None else "diverged" if row["dice"] is None else f"{100 * row['dice']:.1f}"
            cell += "" if row is None else f" ({row['epochs']})"
            cells.append(f"**{cell}**" if lr == summary["chosen"][method] else cell)
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _prior_width(summary: dict) -> list[str]:
    lines = ["## Prior width (the paper's Figure 8)", "", "| prior radius r | SSHN Dice at phi 0.5 |", "|---|---|"]
    lines += [f"| {row['radius']:g} | {100 * row['dice']:.1f} |" for row in summary["rows"]]
    lines += [f"| plain U-Net (Fixed 0.5) | {100 * summary['plain_unet']:.1f} |", "", "![prior width](prior_width.png)"]
    wider = [row for row in summary["rows"] if row["radius"] > 0]
    beat = [row["radius"] for row in wider if row["dice"] > summary["plain_unet"]]
    lines += [
        "",
        f"The paper: wider priors regularize and beat the plain U-Net. Ours: {len(beat)} of {len(wider)} "
        f"radii > 0 beat it ({', '.join(f'{r:g}' for r in beat) or 'none'}), one seed.",
        "",
    ]
    return lines


def _usable_range(rows: Sequence[dict], source: float = 0.5, tolerance: float = 0.02) -> tuple[float, float]:
    """The contiguous phi interval around ``source`` where Dice stays within ``tolerance`` of Dice at ``source``."""
    rows = sorted(rows, key=lambda row: row["phi"])
    index = min(range(len(rows)), key=lambda i: abs(rows[i]["phi"] - source))
    floor = rows[index]["dice"] - tolerance
    low = high = index
    while low > 0 and rows[low - 1]["dice"] >= floor:
        low -= 1
    while high < len(rows) - 1 and rows[high + 1]["dice"] >= floor:
        high += 1
    return rows[low]["phi"], rows[high]["phi"]


def _transfer(summary: Mapping[str, list]) -> list[str]:
    names = list(summary)
    phis = [row["phi"] for row in summary[names[0]]]
    lines = ["## Weight transfer (the paper's Figure 9)", ""]
    lines += ["| weights | " + " | ".join(f"{p:g}" for p in phis) + " |", "|---" * (len(phis) + 1) + "|"]
    lines += [
        f"| {name} | " + " | ".join(f"{100 * row['dice']:.1f}" for row in rows) + " |" for name, rows in summary.items()
    ]
    lines += ["", "![weight transfer](weight_transfer.png)", ""]
    for name in names[1:]:
        low, high = _usable_range(summary[name])
        lines.append(f"- {name}: within 2 points of its Dice at 0.5 on phi [{low:g}, {high:g}].")
    lines += [
        "",
        "The paper: hypernetwork weights for 0.5 stay usable on about [0.45, 0.6]; a Fixed U-Net's degrade at once.",
        "",
    ]
    return lines


def _variation(summary: dict | list) -> list[str]:
    # A list: variation.json as written before the median change was added (read from an older report dir).
    rows = summary["tensors"] if isinstance(summary, dict) else summary
    order = sorted(range(len(rows)), key=lambda i: rows[i]["median"])
    rank = {index: position + 1 for position, index in enumerate(order)}
    lines = ["## Variation of predicted weights across phi (the paper's Figure 14)", ""]
    if isinstance(summary, dict):
        lines += [
            f"The predicted tensors change by a median {100 * summary['median_change_0.1_0.5']:.1f} % (relative L2) "
            "between phi 0.1 and 0.5 (a phi-blind hypernetwork: about 0.5 %).",
            "",
        ]
    lines += [f"Median |std / mean| across phi per tensor, {len(rows)} tensors; rank 1 varies least.", ""]
    for index in (0, 1, len(rows) - 2, len(rows) - 1):
        row = rows[index]
        lines.append(
            f"- `{row['tensor']}`: median {row['median']:.3g} (quartiles {row['q25']:.3g} to {row['q75']:.3g}), "
            f"rank {rank[index]}"
        )
    lines += ["", "The paper: the first and last layers vary least. ![variation](weight_variation.png)", ""]
    return lines


def _per_level(summary: dict) -> list[str]:
    best, single = summary["best_per_level"], summary["best_single"]
    dominated = sum(
        any(f["gflops"] <= s["gflops"] and f["mean_dice"] > s["mean_dice"] for f in summary["frontier"])
        for s in summary["single"]
    )
    return [
        "## One phi per level (the paper's Figures 12, 13)",
        "",
        f"- {summary['grid_points']} grid points. Best per-level: Dice {100 * best['mean_dice']:.1f} at phi "
        f"{best['phi']} ({best['gflops']:.4f} GFLOPs); best single-phi: {100 * single['mean_dice']:.1f} at phi "
        f"{single['phi']:g} ({single['gflops']:.4f} GFLOPs).",
        f"- The per-level frontier beats {dominated} of {len(summary['single'])} single-phi points (as cheap or "
        "cheaper and more accurate).",
        "",
        "![per level](per_level.png)",
        "",
    ]


def _ablation(summary: Mapping[str, dict]) -> list[str]:
    lines = ["## Primary architectures (the paper's Figure 10)", ""]
    lines += ["| architecture | phi | SSHN | Fixed | SSHN - Fixed |", "|---|---|---|---|---|"]
    for name, result in summary.items():
        sshn = {round(row["phi"], 6): row["dice"] for row in result["sshn"]}
        for row in result["fixed"]:
            own = sshn.get(round(row["phi"], 6))
            delta = None if own is None else own - row["dice"]
            shown = MISSING if own is None else f"{100 * own:.1f}"
            lines.append(f"| {name} | {row['phi']:g} | {shown} | {100 * row['dice']:.1f} | {_points(delta)} |")
    lines += ["", " ".join(f"![{name}](ablation_{name}.png)" for name in summary), ""]
    return lines


SECTIONS = {
    "lr": _learning_rates,
    "prior_width": _prior_width,
    "transfer": _transfer,
    "variation": _variation,
    "per_level": _per_level,
    "ablation": _ablation,
}


def write_report(parts: Mapping[str, Any], task: Task, profile: Profile, commit: str, report_dir: str | Path) -> Path:
    """report.md in ``report_dir`` with a section for each part that has been run (``parts``: name -> its JSON)."""
    lines = _header(task, profile, commit)
    if "methods" in parts:
        lines += _methods(parts["methods"], task.name)
    for name, section in SECTIONS.items():
        if name in parts:  # the learning rates right after the table they were chosen for
            lines += section(parts[name])
    path = Path(report_dir) / "report.md"
    write_atomically(path, "\n".join(lines) + "\n")
    print(f"benchmark report: {path.resolve()}")
    return path
