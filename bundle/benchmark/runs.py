"""One benchmark run: train a network through the bundle's own training config, then test it at several phi.

Every run goes through its task's training config (``configs/train.json``, ``configs/registration.json``;
the same engines, losses, schedule, checkpointing and early stopping a user gets), so the benchmark
measures the product, not a copy of it. A finished run leaves ``result.json`` in its folder and is
never repeated; a killed run resumes from its ``last.pt`` (the bundle's ``--resume``) and says so in
its result.
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
from bundle.benchmark.tasks import get_task
from bundle.benchmark.workers import exit_with_parent
from bundle.cli import refuse_expressions
from bundle.export import load_weights
from bundle.io import write_atomically
from bundle.paths import CONFIGS


@dataclass(frozen=True)
class RunSpec:
    """What one run trains and where it is tested.

    ``phi`` is Fixed's training phi and every network's default; ``eval_phis`` are the test phis
    (a list of per-resize factors for per-level networks); ``overrides`` are further training-config
    values (lr, chosen by the ``lr`` part; architecture, block, levels, per_level, phi_prior, val_phis).
    """

    name: str
    method: str
    seed: int
    phi: float = 0.5
    eval_phis: tuple = (0.5,)
    overrides: dict = field(default_factory=dict)


def training_overrides(spec: RunSpec, profile: Profile, dataset: str, data_dir: str, run_dir: Path) -> dict:
    """The values handed to the task's training config for ``spec``: the profile's budget, then the run's own.

    ``data_dir`` is the task's prepared data folder (``Task.prepare``).
    """
    return {
        **profile.training,
        **profile.dataset_training.get(dataset, {}),
        **profile.overrides,
        "val_phis": [spec.phi] if spec.method == "fixed" else [0.1, 0.25, 0.5],
        **spec.overrides,
        **get_task(dataset).data_overrides(data_dir, profile),
        "method": spec.method,
        "phi": spec.phi,
        "seed": spec.seed,
        "output_dir": str(run_dir),
        "resume": True,  # a killed run goes on from its last.pt
        "checkpoint_interval": 1,
        "ckpt_dir": str(run_dir),
        "num_workers": 0,
    }


def _workflow(spec: RunSpec, profile: Profile, dataset: str, data_dir: str, output_dir: str | Path) -> ConfigWorkflow:
    run_dir = Path(output_dir) / "runs" / spec.name
    overrides = training_overrides(spec, profile, dataset, data_dir, run_dir)
    for key, value in overrides.items():  # the profile's --training values come from the command line
        refuse_expressions(f"benchmark setting {key}", value)
    return ConfigWorkflow(
        config_file=get_task(dataset).config_paths(),
        meta_file=str(CONFIGS / "metadata.json"),
        workflow_type="train",
        **overrides,
    )


def trained_run(spec: RunSpec, profile: Profile, dataset: str, data_dir: str, output_dir: str | Path) -> tuple:
    """(network with the run's best checkpoint, test batches, input shape (1, C, *spatial), class count)."""
    parser = _workflow(spec, profile, dataset, data_dir, output_dir).parser
    checkpoint = Path(output_dir) / "runs" / spec.name / "model.pt"
    network = load_weights(parser.get_parsed_content("network_def"), checkpoint, parser.get_parsed_content("device"))
    data, input_shape, num_classes = get_task(dataset).test_split(parser)
    return network, data, input_shape, num_classes


def train_and_test(spec: RunSpec, profile: Profile, dataset: str, data_dir: str, output_dir: str | Path) -> dict:
    """Train ``spec`` (or finish its interrupted training), keep its best validation checkpoint and test it.

    Returns (and writes to ``<output_dir>/runs/<name>/result.json``) the spec, training wall time in
    seconds (the trainer's run, validation included, data caching not), epochs run, whether it was
    resumed (then the time covers only the part after the restart), the best validation Dice (the
    checkpoint kept; what the learning-rate search compares) and one test row per phi.
    """
    run_dir = Path(output_dir) / "runs" / spec.name
    result_path = run_dir / "result.json"
    if result_path.is_file():
        return json.loads(result_path.read_text())
    if profile.threads:
        torch.set_num_threads(profile.threads)
    resumed = (run_dir / "last.pt").is_file()
    workflow = _workflow(spec, profile, dataset, data_dir, output_dir)
    workflow.initialize()
    start = time.perf_counter()
    workflow.run()
    seconds = time.perf_counter() - start
    epochs = workflow.parser.get_parsed_content("train#trainer").state.epoch
    best_val = workflow.parser.get_parsed_content("validate#evaluator").state.best_metric
    workflow.finalize()
    network, data, input_shape, num_classes = trained_run(spec, profile, dataset, data_dir, output_dir)
    result = {
        **asdict(spec),
        "dataset": dataset,
        "profile": profile.name,
        "train_seconds": seconds,
        "epochs": epochs,
        "resumed": resumed,
        "best_val_dice": best_val,
        "rows": get_task(dataset).test_rows(network, data, spec.eval_phis, num_classes, input_shape),
    }
    write_atomically(result_path, json.dumps(result, indent=2))
    return result


def finished_results(specs: Sequence[RunSpec], output_dir: str | Path) -> list[dict]:
    """The results of those of ``specs`` that have finished (their ``result.json`` exists), training nothing."""
    paths = [Path(output_dir) / "runs" / spec.name / "result.json" for spec in specs]
    return [json.loads(path.read_text()) for path in paths if path.is_file()]


def run_all(
    specs: Sequence[RunSpec], profile: Profile, dataset: str, data_dir: str, output_dir: str | Path
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
            train_and_test(spec, profile, dataset, data_dir, output_dir)
    else:
        if profile.threads:
            os.environ["OMP_NUM_THREADS"] = str(profile.threads)  # inherited by the spawned workers
        context = get_context("spawn")
        with ProcessPoolExecutor(profile.jobs, context, initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(train_and_test, spec, profile, dataset, data_dir, output_dir) for spec in todo]
            for future in tqdm(futures, desc="benchmark runs", unit="run"):
                future.result()
    return [train_and_test(spec, profile, dataset, data_dir, output_dir) for spec in specs]  # all finished now
