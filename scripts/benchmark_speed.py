"""Training overhead of SSHN against a plain U-Net, measured side by side in one run.

Examples:
    python scripts/benchmark_speed.py training                      # 2D and 3D, batch 1 and 16, both heads
    python scripts/benchmark_speed.py training --dims "[2]" --batches "[1,16,64]" --repeats 20 --device cuda
    python scripts/benchmark_speed.py inference --variants "[fp32,channels_last,bf16]"
    python scripts/benchmark_speed.py accuracy --variant wbc --dataset_dir ../shared/data/wbc --phi 0.25
training: for every dimension and batch size, the median step time of each network and its ratio to
the Stochastic U-Net's (same phi stream, same batch, steps interleaved), the hypernetwork's size
against the U-Net's, and, on CUDA, peak memory.
inference: for every phi, the deployed U-Net's latency (batch 1) and throughput (batch --batch) for
each execution variant (bundle.perf.inference_speed) against fp32 eager, with GFLOPs and GFLOP/s.
accuracy: test-split Dice of a trained model at one phi run as each variant (does bf16 keep Dice?).
All write their rows as JSON to --output.
"""

import json
from pathlib import Path

import fire
import torch
from monai.data import DataLoader, Dataset

from bundle.data.datalist import load_split
from bundle.data.transforms import preprocessing
from bundle.export import deployed_network
from bundle.flops import count_flops
from bundle.nets.factory import build_network
from bundle.pareto.report import hardware
from bundle.pareto.sweep import median_latency_ms
from bundle.perf.inference_speed import FastNetwork, dice_by_variant
from bundle.perf.step_time import interleaved_step_ms
from bundle.segment import load_bundle_network

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
    _write({"features": features, "repeats": repeats, "rows": rows}, output)


def inference(
    dims: list[int] = (2, 3),
    phis: list[float] = (0.0, 0.25, 0.5),
    variants: list[str] = ("fp32", "channels_last", "bf16"),
    features: int = 16,
    batch: int = 16,
    repeats: int = 10,
    device: str = "cpu",
    output: str = "eval/benchmark_inference.json",
) -> None:
    """Latency and throughput of the network deployed at each phi, per execution variant."""
    rows = []
    for ndim in dims:
        sshn = build_network("sshn", ndim, 1, 3, features, hidden=HEADS["compact"])
        for phi in phis:
            deployed = deployed_network(sshn, phi).to(device)
            single, many = [1, 1, *SIZES[ndim]], [batch, 1, *SIZES[ndim]]
            gflops = count_flops(deployed, single) / 1e9
            reference = None
            for variant in variants:
                fast = FastNetwork(deployed, variant).eval()
                with torch.no_grad():
                    x = torch.randn(single, device=device)
                    error = (fast(x) - deployed(x)).abs().max().item()
                latency = median_latency_ms(fast, single, repeats)
                per_image = median_latency_ms(fast, many, repeats) / batch
                reference = reference or (latency, per_image)
                row = {"dims": ndim, "phi": phi, "variant": variant, "gflops": gflops, "latency_ms": latency}
                row |= {"images_per_s": 1e3 / per_image, "gflop_per_s": gflops * 1e3 / per_image}
                row |= {"speedup_batch1": reference[0] / latency, "speedup_batch": reference[1] / per_image}
                row["max_abs_logit_error"] = error
                rows.append(row)
                print(
                    f"{ndim}D phi {phi:.2f} {variant:13s} {gflops:6.2f} GFLOPs  batch 1 {latency:8.2f} ms "
                    f"(x{row['speedup_batch1']:.2f})  batch {batch} {row['images_per_s']:8.1f} img/s "
                    f"(x{row['speedup_batch']:.2f}, {row['gflop_per_s']:.0f} GFLOP/s)  max |logit error| {error:.1e}"
                )
    _write({"features": features, "batch": batch, "repeats": repeats, "rows": rows}, output)


def accuracy(
    variant: str = "hippocampus",
    dataset_dir: str = "../shared/data/hippocampus",
    phi: float = 0.25,
    ckpt: str | None = None,
    variants: list[str] = ("fp32", "channels_last", "bf16"),
    seed: int = 0,
    device: str = "cpu",
    output: str = "eval/benchmark_accuracy.json",
) -> None:
    """Test-split Dice (split ``seed``) of a bundle model at ``phi`` for each execution variant.

    Uses the shipped weights of ``variant`` unless ``ckpt`` is given.
    """
    network, parser = load_bundle_network(variant, ckpt, device)
    dataset, size = parser.get_parsed_content("dataset_name"), parser.get_parsed_content("spatial_size")
    files = load_split(dataset, dataset_dir, "test", seed)
    data = DataLoader(Dataset(files, preprocessing(dataset, "eval", size)), batch_size=1)
    classes = parser.get_parsed_content("num_classes")
    table = dice_by_variant(deployed_network(network, phi), data, classes, variants, device)
    for name, row in table.items():
        change = row["mean"] - table[variants[0]]["mean"]
        print(f"{name:13s} Dice {row['mean']:.4f} ({change:+.4f})  per label {row['per_label']}")
    _write({"variant": variant, "phi": phi, "images": len(files), "dice": table}, output)


def _write(report: dict, output: str) -> None:
    report = {"hardware": hardware(), **report}
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(report, indent=2))
    print(f"written to {output} ({report['hardware']})")


if __name__ == "__main__":
    fire.Fire({"training": training, "inference": inference, "accuracy": accuracy})
