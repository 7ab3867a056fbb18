"""Train the segmentation bundle with checked command-line values (see bundle/checked_run.py).

Examples:
    python scripts/train.py --dataset_dir ../shared/data/hippocampus --cpu true
    python scripts/train.py --dataset wbc --dataset_dir data/wbc --cpu true --output_dir runs/wbc
    python scripts/train.py --dataset wbc --dataset_dir data/wbc --cpu true --output_dir runs/wbc --resume true
    torchrun --standalone --nnodes=1 --nproc_per_node=2 scripts/train.py --multi_gpu true --dataset_dir data/hippocampus
Exit status: 0 done, 1 a bad input met while running (named), 2 a refused value.
"""

import sys

from bundle.checked_run import as_flag, run_checked
from bundle.cli import fire_checked, usage_errors
from bundle.data.datasets import get_dataset


def main(
    dataset: str = "hippocampus",
    dataset_dir: str | None = None,
    ckpt_dir: str | None = None,
    output_dir: str | None = None,
    cpu: bool | str = False,
    multi_gpu: bool | str = False,
    resume: bool | str = False,
    method: str | None = None,
    architecture: str | None = None,
    block: str | None = None,
    phi: float | None = None,
    phi_prior: list[float] | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    lr: float | None = None,
    head_lr_scale: float | None = None,
    hypernet_correlation: float | None = None,
    seed: int | None = None,
    pretrained: str | None = None,
    checkpoint_interval: int | None = None,
) -> None:
    """Run configs/train.json for ``dataset`` (any registered one: hippocampus, wbc, oasis2d, ...); None keeps a
    config's default.

    ``cpu``: add configs/cpu.json; ``multi_gpu``: add configs/multi_gpu_train.json (start with torchrun);
    ``resume``: go on from ``output_dir``/last.pt (written every ``checkpoint_interval`` epochs).
    ``head_lr_scale``: the SSHN hypernetwork's output layer steps at ``lr * head_lr_scale``;
    ``hypernet_correlation``: of the SSHN hypernetwork's phi and 1 - phi columns at initialization, 0 (the
    paper's independent columns) to 1 (tied: the phi-blind ablation); see docs/design.md.
    """
    with usage_errors():
        entry = get_dataset(dataset)
        cpu, multi_gpu = as_flag("cpu", cpu), as_flag("multi_gpu", multi_gpu)
    configs = ["train.json", *entry.overlays, *(["cpu.json"] if cpu else [])]
    configs += ["multi_gpu_train.json"] if multi_gpu else []
    overrides: dict[str, object] = {"dataset_dir": dataset_dir, "ckpt_dir": ckpt_dir}
    overrides |= {"output_dir": output_dir, "resume": resume}
    overrides |= {"method": method, "architecture": architecture, "block": block}
    overrides |= {"phi": phi, "phi_prior": phi_prior, "epochs": epochs, "batch_size": batch_size}
    overrides |= {"lr": lr, "head_lr_scale": head_lr_scale, "hypernet_correlation": hypernet_correlation}
    overrides |= {"seed": seed, "pretrained": pretrained, "checkpoint_interval": checkpoint_interval}
    sys.exit(run_checked("training", configs, flags={}, **overrides))  # each flag is named as its config key


if __name__ == "__main__":
    fire_checked(main)
