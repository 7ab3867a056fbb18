"""One benchmark run: train a network through the bundle's own training config, then test it at several phi.

Every run goes through ``configs/train.json`` (the same engines, losses, schedule, checkpointing and
early stopping a user gets), so the benchmark measures the product, not a copy of it. A finished
run leaves ``result.json`` in its folder and is never repeated; a killed one resumes from its
``last.pt`` (the bundle's ``--resume``), and says so in its result.
"""

import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

import torch
from monai.bundle import ConfigWorkflow
from tqdm import tqdm

from bundle.benchmark.profiles import Profile
from bundle.engine.dice_report import write_atomically
from bundle.export import deployed_network, load_weights
from bundle.flops import count_flops
from bundle.pareto.sweep import segment_dice
from bundle.segment import VARIANTS

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@dataclass(frozen=True)
class RunSpec:
    """What one run trains and where it is tested.

    ``phi`` is Fixed's training phi and every network's default; ``eval_phis`` are the test phis
    (a list of per-resize factors for per-level networks); ``overrides`` are further training-config
    values (architecture, block, levels, per_level, phi_prior, val_phis).
    """

    name: str
    method: str
    seed: int
    phi: float = 0.5
    eval_phis: tuple = (0.5,)
    overrides: dict = field(default_factory=dict)


def config_files(dataset: str) -> list[str]:
    if dataset not in VARIANTS:
        raise ValueError(f"dataset must be one of {sorted(VARIANTS)}, got {dataset!r}")
    return [str(CONFIGS / name) for name in ["train.json", *VARIANTS[dataset]]]


def training_overrides(spec: RunSpec, profile: Profile, dataset: str, dataset_dir: str, run_dir: Path) -> dict:
    """The values handed to ``configs/train.json`` for ``spec``: the profile's budget, then the run's own."""
    return {
        **profile.training,
        "spatial_size": profile.spatial_size_of(dataset),
        "val_phis": [spec.phi] if spec.method == "fixed" else [0.1, 0.25, 0.5],
        **spec.overrides,
        "method": spec.method,
        "phi": spec.phi,
        "seed": spec.seed,
        "split_seed": 0,  # one test set for every seed: seeds vary the training, not the data
        "dataset_dir": dataset_dir,
        "output_dir": str(run_dir),
        "ckpt_dir": str(run_dir),
        "resume": True,
        "checkpoint_interval": 1,
        "num_workers": 0,
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "amp": torch.cuda.is_available(),
    }


def test_rows(
    network: torch.nn.Module, data: list, eval_phis: Sequence, num_classes: int, input_shape: list[int]
) -> list[dict]:
    """Test Dice (mean over foreground labels, and per label) and GFLOPs of ``network`` deployed at each phi."""
    device = next(network.parameters()).device
    rows = []
    for phi in eval_phis:
        deployed = deployed_network(network, phi)
        dice = segment_dice(deployed, data, num_classes, device)
        gflops = count_flops(deployed, input_shape) / 1e9
        rows.append({"phi": phi, "mean_dice": dice["mean"], "per_label": dice["per_label"], "gflops": gflops})
    return rows


def _workflow(
    spec: RunSpec, profile: Profile, dataset: str, dataset_dir: str, output_dir: str | Path
) -> ConfigWorkflow:
    run_dir = Path(output_dir) / "runs" / spec.name
    overrides = training_overrides(spec, profile, dataset, dataset_dir, run_dir)
    return ConfigWorkflow(
        config_file=config_files(dataset), meta_file=str(CONFIGS / "metadata.json"), workflow_type="train", **overrides
    )


def trained_run(spec: RunSpec, profile: Profile, dataset: str, dataset_dir: str, output_dir: str | Path) -> tuple:
    """(network with the run's best checkpoint, test batches, input shape (1, C, *spatial), class count).

    The test split goes through the validation chain (the same preprocessing), one image per batch.
    """
    parser = _workflow(spec, profile, dataset, dataset_dir, output_dir).parser
    parser["validate#dataset#data"] = (
        "$screening.screened(datalist.load_split(@dataset_name, @data_root, 'test', @split_seed),"
        " @dataset_name, @spatial_dims, @in_channels, @num_classes)"
    )
    checkpoint = Path(output_dir) / "runs" / spec.name / "model.pt"
    network = load_weights(parser.get_parsed_content("network_def"), checkpoint, parser.get_parsed_content("device"))
    data = list(parser.get_parsed_content("validate#dataloader"))
    input_shape = [1, parser["in_channels"], *parser["spatial_size"]]
    return network, data, input_shape, parser["num_classes"]


def train_and_test(spec: RunSpec, profile: Profile, dataset: str, dataset_dir: str, output_dir: str | Path) -> dict:
    """Train ``spec`` (or finish its interrupted training), keep its best validation checkpoint and test it.

    Returns (and writes to ``<output_dir>/runs/<name>/result.json``) the spec, training wall time in
    seconds (the trainer's run, validation included, data caching not), epochs run, whether it was
    resumed (then the time covers only the part after the restart) and one test row per phi.
    """
    run_dir = Path(output_dir) / "runs" / spec.name
    result_path = run_dir / "result.json"
    if result_path.is_file():
        return json.loads(result_path.read_text())
    if profile.threads:
        torch.set_num_threads(profile.threads)
    resumed = (run_dir / "last.pt").is_file()
    workflow = _workflow(spec, profile, dataset, dataset_dir, output_dir)
    workflow.initialize()
    start = time.perf_counter()
    workflow.run()
    seconds = time.perf_counter() - start
    epochs = workflow.parser.get_parsed_content("train#trainer").state.epoch
    workflow.finalize()
    network, data, input_shape, num_classes = trained_run(spec, profile, dataset, dataset_dir, output_dir)
    result = {
        **asdict(spec),
        "dataset": dataset,
        "profile": profile.name,
        "train_seconds": seconds,
        "epochs": epochs,
        "resumed": resumed,
        "rows": test_rows(network, data, spec.eval_phis, num_classes, input_shape),
    }
    write_atomically(result_path, json.dumps(result, indent=2))
    return result


def run_all(
    specs: Sequence[RunSpec], profile: Profile, dataset: str, dataset_dir: str, output_dir: str | Path
) -> list[dict]:
    """Every run of ``specs``: finished ones read back, the others ``profile.jobs`` at a time in separate processes.

    Several small networks trained at once use a GPU (or 2 CPU cores at one thread each) better than
    one after another; each process gets its own torch threads, so they do not oversubscribe the cores.
    """
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"run names must be unique, got {names}")
    todo = [spec for spec in specs if not (Path(output_dir) / "runs" / spec.name / "result.json").is_file()]
    if profile.jobs <= 1 or len(todo) <= 1:
        for spec in tqdm(todo, desc="benchmark runs", unit="run"):
            train_and_test(spec, profile, dataset, dataset_dir, output_dir)
    else:
        if profile.threads:
            os.environ["OMP_NUM_THREADS"] = str(profile.threads)  # inherited by the spawned workers
        with ProcessPoolExecutor(profile.jobs, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(train_and_test, spec, profile, dataset, dataset_dir, output_dir) for spec in todo]
            for future in tqdm(futures, desc="benchmark runs", unit="run"):
                future.result()
    return [train_and_test(spec, profile, dataset, dataset_dir, output_dir) for spec in specs]  # all finished now
