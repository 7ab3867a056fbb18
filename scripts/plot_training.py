"""Training curves of a run (its training loss and validation Dice per phi) as a PNG, from its TensorBoard logs.

Examples:
    python scripts/plot_training.py runs/hippocampus docs/results/hippocampus/training_curves.png \
        --title "hippocampus SSHN" --ce_epochs 10
    python scripts/plot_training.py runs/wbc wbc_curves.png --title "WBC SSHN"
"""

from bundle.cli import fire_checked, usage_errors
from bundle.engine.training_curves import plot_training_curves


def main(log_dir: str, output: str, title: str = "training", ce_epochs: int | None = None) -> None:
    """Write OUTPUT (PNG) from the event files in LOG_DIR (a training run's ``output_dir``). ``ce_epochs``: the
    run's ``ce_epochs`` (where its loss switches from cross-entropy to Dice), drawn as a line."""
    with usage_errors(OSError):  # a missing log folder, an output that is a folder or under a file
        if not output.endswith(".png"):
            raise ValueError(f"output must end in .png, got {output}")
        if ce_epochs is not None and (isinstance(ce_epochs, bool) or not isinstance(ce_epochs, int) or ce_epochs < 0):
            raise ValueError(f"--ce_epochs must be an integer >= 0, got {ce_epochs!r}")
        written = plot_training_curves(log_dir, output, title, ce_epochs)
    print(f"wrote {written}")


if __name__ == "__main__":
    fire_checked(main)
