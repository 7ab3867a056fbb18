"""Training overhead of SSHN against a plain U-Net, measured side by side in one run.

Examples:
    python scripts/benchmark_speed.py training                      # 2D and 3D, batch 1 and 16, both heads
    python scripts/benchmark_speed.py training --dims "[2]" --batches "[1,16,64]" --repeats 20 --device cuda
Prints, for every dimension and batch size, the median step time of each network and its ratio to
the Stochastic U-Net's (same phi stream, same batch, steps interleaved), the hypernetwork's size
against the U-Net's, and, on CUDA, peak memory; writes the rows as JSON to --output.
"""

import json
from pathlib import Path

import fire

from bundle.nets.factory import build_network
from bundle.pareto.report import hardware
from bundle.perf.step_time import interleaved_step_ms

HEADS = {"compact": [10, 16], "full": [10, 100]}  # hidden widths; "full" is the paper's head
SIZES = {2: [128, 128], 3: [40, 56, 40]}  # the WBC and hippocampus training sizes


def _parameters(network) -> int:
    return sum(p.numel() for p in network.parameters())


def training(
    dims: list[int] = (2, 3),
    batches: list[int] = (1, 16),
    features: int = 16,
    repeats: int = 10,
    device: str = "cpu",
    output: str = "eval/benchmark_speed.json",
) -> None:
    """SSHN step / Stochastic step for each head, dimension and batch size."""
    rows = []
    for ndim in dims:
        networks = {"stochastic": build_network("stochastic", ndim, 1, 3, features)}
        for head, hidden in HEADS.items():
            networks[f"sshn_{head}"] = build_network("sshn", ndim, 1, 3, features, hidden=hidden)
        primary = _parameters(networks["stochastic"])
        for batch in batches:
            shape = [batch, 1, *SIZES[ndim]]
            measured = interleaved_step_ms(networks, shape, 3, repeats=repeats, device=device)
            base = measured["stochastic"]["step_ms"]
            for name, result in measured.items():
                size = _parameters(networks[name])
                row = {"dims": ndim, "batch": batch, "network": name, **result, "ratio": result["step_ms"] / base}
                row |= {"parameters": size, "x_primary": size / primary, "checkpoint_mb": size * 4 / 1e6}
                rows.append(row)
                peak = "" if result["peak_mib"] is None else f", peak {result['peak_mib']:.0f} MiB"
                print(
                    f"{ndim}D batch {batch:3d} {name:13s} {result['step_ms']:9.1f} ms  x{row['ratio']:.2f} "
                    f"({size / 1e6:.2f} M parameters, {row['x_primary']:.1f}x the U-Net{peak})"
                )
    report = {"hardware": hardware(), "features": features, "repeats": repeats, "rows": rows}
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(report, indent=2))
    print(f"written to {output} ({report['hardware']})")


if __name__ == "__main__":
    fire.Fire({"training": training})
