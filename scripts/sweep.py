"""Sweep phi for a trained bundle model: Dice, GFLOPs and latency per phi, the Pareto plots.

Examples:
    python scripts/sweep.py --dataset_dir ../shared/data/hippocampus
    python scripts/sweep.py --dataset wbc --dataset_dir ../shared/data/wbc --ckpt_dir models/wbc \
        --output_dir docs/results/wbc
    python scripts/sweep.py --dataset wbc --method stochastic --ckpt_dir runs/stochastic --output_dir eval/stochastic
"""

import sys

from bundle.checked_run import run_checked
from bundle.cli import fire_checked, usage_errors
from bundle.data.datasets import get_dataset


def main(
    dataset: str = "hippocampus",
    dataset_dir: str | None = None,
    ckpt_dir: str | None = None,
    output_dir: str = "eval/sweep",
    split: str = "test",
    phi_start: float = 0.0,
    phi_stop: float = 0.5,
    phi_step: float = 0.01,
    method: str = "sshn",
    device: str = "cpu",
) -> None:
    """Run configs/sweep.json on ``split`` ("test", or "all" for every image of ``dataset_dir``).

    ``ckpt_dir``: the folder of model.pt (default: the dataset's shipped weights, models/ or models/wbc; needed
    for a dataset without them; a training run writes runs/<dataset>/model.pt). ``method``: the method it was
    trained with (sshn, fixed, stochastic, film).
    Values are checked before they reach the config parser (see bundle/checked_run.py); exit status 0 done,
    1 a bad input met while running, 2 a refused value.
    """
    with usage_errors():
        entry = get_dataset(dataset)
        ckpt_dir = entry.checkpoint_dir(ckpt_dir)
    status = run_checked(
        "sweeping",
        ["train.json", *entry.overlays, "sweep.json"],
        flags={"sweep_dir": "output_dir", "sweep_split": "split"},
        dataset_dir=dataset_dir,
        ckpt_dir=ckpt_dir,
        sweep_dir=output_dir,
        sweep_split=split,
        phi_start=phi_start,
        phi_stop=phi_stop,
        phi_step=phi_step,
        method=method,
        device=device,
        num_workers=0,
    )
    sys.exit(status)


if __name__ == "__main__":
    fire_checked(main)
