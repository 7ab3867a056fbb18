"""Dice per phi and label of a trained model, with checked command-line values (see bundle/checked_run.py).

Examples:
    python scripts/evaluate.py --dataset_dir ../shared/data/hippocampus
    python scripts/evaluate.py --dataset wbc --dataset_dir /my/cells --split all --ckpt_dir models/wbc
    python scripts/evaluate.py --dataset wbc --dataset_dir ../shared/data/wbc --weights_phi 0.5 --eval_dir eval/transfer
Writes EVAL_DIR/dice.json and dice.csv. Exit status: 0 done, 1 a bad input met while running (named), 2 a
refused value.
"""

import sys

from bundle.checked_run import run_checked
from bundle.cli import fire_checked, usage_errors
from bundle.data.datasets import get_dataset


def main(
    dataset: str = "hippocampus",
    dataset_dir: str | None = None,
    ckpt_dir: str | None = None,
    eval_dir: str | None = None,
    split: str = "test",
    val_phis: list[float] | None = None,
    method: str | None = None,
    device: str | None = None,
    weights_phi: float | None = None,
) -> None:
    """Run configs/evaluate.json on ``split`` ("test", "validation", or "all" for every image of ``dataset_dir``);
    ``ckpt_dir`` holds model.pt of ``method``'s architecture (default: the dataset's shipped weights, models/ or
    models/wbc; needed for a dataset without them; a training run writes runs/<dataset>/model.pt).
    ``weights_phi``: evaluate, at every phi, the weights the model makes for this one phi (weight transfer; an
    adaptive SSHN loses Dice away from it). Other None values keep the config's default."""
    with usage_errors():
        entry = get_dataset(dataset)
        ckpt_dir = entry.checkpoint_dir(ckpt_dir)
    configs = ["train.json", *entry.overlays, "evaluate.json"]
    overrides: dict[str, object] = {"dataset_dir": dataset_dir, "ckpt_dir": ckpt_dir}
    overrides |= {"eval_dir": eval_dir, "eval_split": split}
    overrides |= {
        "val_phis": val_phis,
        "method": method,
        "device": device,
        "num_workers": 0,
        "weights_phi": weights_phi,
    }
    sys.exit(run_checked("evaluating", configs, flags={"eval_split": "split"}, **overrides))


if __name__ == "__main__":
    fire_checked(main)
