"""The rows of the training-step and deployed-network speed tables (``scripts/benchmark_speed.py training``
and ``inference``): every method's step and every (phi, precision) pass measured side by side in one run."""

from collections.abc import Callable, Sequence

import torch

from bundle.export import deployed_network
from bundle.flops import count_flops, parameter_count
from bundle.nets.factory import build_network
from bundle.perf.inference_speed import FastNetwork, interleaved_latency_ms
from bundle.perf.step_time import interleaved_step_ms

HEADS = {"compact": [10, 16], "full": [10, 100]}  # hidden widths; "full" is the paper's head
SIZES = {2: [128, 128], 3: [40, 56, 40]}  # the WBC and hippocampus training sizes


def _ignore(row: dict) -> None:
    pass


def training_rows(
    dims: Sequence[int],
    batches: Sequence[int],
    features: int,
    repeats: int,
    device: str,
    on_row: Callable[[dict], None] = _ignore,
) -> list[dict]:
    """One row per dimension, batch and network (the Stochastic U-Net and the SSHN with each of
    :data:`HEADS`): median ``step_ms`` (forward, backward, Adam step), its ``ratio`` to the Stochastic
    step, parameters (``x_primary``: against the U-Net's) and the fp32 checkpoint size in MB. ``on_row`` sees
    each row as soon as it is measured (a long run shows its progress)."""
    rows = []
    for ndim in dims:
        networks = {"stochastic": build_network("stochastic", ndim, 1, 3, features)}
        for head, hidden in HEADS.items():
            networks[f"sshn_{head}"] = build_network("sshn", ndim, 1, 3, features, hidden=hidden)
        primary = parameter_count(networks["stochastic"])
        for batch in batches:
            shape = [batch, 1, *SIZES[ndim]]
            measured = interleaved_step_ms(networks, shape, 3, repeats=repeats, device=device)
            base = measured["stochastic"]["step_ms"]
            for name, result in measured.items():
                size = parameter_count(networks[name])
                row = {"dims": ndim, "batch": batch, "network": name, **result, "ratio": result["step_ms"] / base}
                row |= {"parameters": size, "x_primary": size / primary, "checkpoint_mb": size * 4 / 1e6}
                rows.append(row)
                on_row(row)
    return rows


def inference_rows(
    dims: Sequence[int],
    phis: Sequence[float],
    precisions: Sequence[str],
    features: int,
    levels: int,
    in_channels: int,
    batch: int,
    repeats: int,
    device: str,
    on_row: Callable[[dict], None] = _ignore,
) -> list[dict]:
    """One row per dimension, phi and precision of the SSHN deployed at phi: GFLOPs, batch-1 latency (ms),
    images and GFLOP per second at ``batch``, speed-ups against the first precision, the first passes'
    seconds (``warmup_s_*``; for "compiled" the compilation) and the largest logit error against eager
    fp32. The passes of one dimension are interleaved, so every ratio compares runs under the same load;
    :func:`relative_to_largest_phi` adds the ratios across phi. ``on_row`` as for :func:`training_rows`."""
    rows = []
    for ndim in dims:
        sshn = build_network("sshn", ndim, in_channels, 3, features, levels=levels, hidden=HEADS["compact"])
        single, many = [1, in_channels, *SIZES[ndim]], [batch, in_channels, *SIZES[ndim]]
        deployed = {phi: deployed_network(sshn, phi).to(device) for phi in phis}
        fast = {(phi, name): FastNetwork(deployed[phi], name).eval() for phi in phis for name in precisions}
        first = interleaved_latency_ms(fast, single, repeats)
        batched = interleaved_latency_ms(fast, many, repeats)
        x = torch.randn(single, device=device)
        for phi in phis:
            gflops = count_flops(deployed[phi], single) / 1e9
            with torch.no_grad():
                expected = deployed[phi](x)
                errors = {name: (fast[phi, name](x) - expected).abs().max().item() for name in precisions}
            reference = first[phi, precisions[0]]["ms"], batched[phi, precisions[0]]["ms"] / batch
            for name in precisions:
                latency, per_image = first[phi, name]["ms"], batched[phi, name]["ms"] / batch
                row = {"dims": ndim, "phi": phi, "precision": name, "gflops": gflops, "latency_ms": latency}
                row |= {"images_per_s": 1e3 / per_image, "gflop_per_s": gflops * 1e3 / per_image}
                row |= {"speedup_batch1": reference[0] / latency, "speedup_batch": reference[1] / per_image}
                row |= {"warmup_s_batch1": first[phi, name]["warmup_s"]}
                row |= {"warmup_s_batch": batched[phi, name]["warmup_s"], "max_abs_logit_error": errors[name]}
                rows.append(row)
                on_row(row)
    return rows


def relative_to_largest_phi(rows: list[dict]) -> None:
    """Add latency(phi) / latency(phi_max) and FLOPs(phi) / FLOPs(phi_max) to every row of
    :func:`inference_rows` (phi_max: the largest phi measured, per dimension and precision): does latency
    follow FLOPs? ``latency_ratio_batch`` compares the time per image at the batched size."""
    for row in rows:
        group = [other for other in rows if (other["dims"], other["precision"]) == (row["dims"], row["precision"])]
        top = max(group, key=lambda other: other["phi"])
        row["flops_ratio"] = row["gflops"] / top["gflops"]
        row["latency_ratio"] = row["latency_ms"] / top["latency_ms"]
        row["latency_ratio_batch"] = top["images_per_s"] / row["images_per_s"]
        row["relative_to_phi"] = top["phi"]
