"""Training curves from a run's TensorBoard logs: the training loss and the validation Dice at each phi.

A run of configs/train.json writes two event files into its ``output_dir``: the trainer's ``train_loss`` per
iteration and the evaluator's ``val_mean_dice@<phi>`` (and their mean ``val_mean_dice``) per validated epoch.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from bundle.io import replace_atomically

Curve = list[tuple[int, float]]  # (step, value): iteration for the loss, epoch for validation


def read_scalars(log_dir: str | Path) -> dict[str, Curve]:
    """Every scalar of every event file in ``log_dir`` (not its subfolders), by tag, in step order. A step written
    twice (a resumed run repeats the steps after its last checkpoint) keeps the later value. A ValueError where the
    folder holds no event file or no scalar."""
    files = sorted(Path(log_dir).glob("events.out.tfevents.*"))
    if not files:
        raise ValueError(f"{log_dir} holds no TensorBoard event file (events.out.tfevents.*): give a run's output_dir")
    scalars: dict[str, dict[int, float]] = {}
    for file in files:  # in creation order: a resumed run's later file wins
        events = EventAccumulator(str(file), size_guidance={"scalars": 0})  # 0: keep every point
        events.Reload()
        for tag in events.Tags()["scalars"]:
            scalars.setdefault(tag, {}).update((event.step, event.value) for event in events.Scalars(tag))
    if not scalars:
        raise ValueError(f"{log_dir}: its event files hold no scalars")
    return {tag: sorted(points.items()) for tag, points in scalars.items()}


def epoch_means(curve: Curve, steps_per_epoch: int) -> Curve:
    """The mean of ``curve`` (per iteration, steps from 1) over each epoch of ``steps_per_epoch`` iterations, as
    (epoch, mean): a per-iteration loss is too noisy to read at thousands of steps."""
    if steps_per_epoch < 1:
        raise ValueError(f"steps_per_epoch must be >= 1, got {steps_per_epoch}")
    sums: dict[int, list[float]] = {}
    for step, value in curve:
        sums.setdefault((step - 1) // steps_per_epoch + 1, []).append(value)
    return [(epoch, sum(values) / len(values)) for epoch, values in sorted(sums.items())]


def _phi(tag: str) -> float | None:
    """The phi of a ``val_mean_dice@<phi>`` tag; None for another suffix (registration's ``@affine`` floor)."""
    try:
        return float(tag.partition("@")[2])
    except ValueError:
        return None


def steps_per_epoch(scalars: dict[str, Curve], validated: list[int]) -> int:
    """Training iterations per epoch of a run (``scalars`` from :func:`read_scalars`; ``validated``: its validated
    epochs): the last loss step over the epochs trained, which the learning-rate tags' last epoch gives (logged every
    epoch since 0.7.2), else the last validated epoch (then a run whose last epoch was not validated is misread)."""
    rates = [curve[-1][0] for tag, curve in scalars.items() if tag == "lr" or tag.startswith("lr/")]
    epochs = max(rates) if rates else validated[-1]
    return max(1, round(scalars["train_loss"][-1][0] / epochs))


def plot_training_curves(log_dir: str | Path, output: str | Path, title: str, ce_epochs: int | None = None) -> Path:
    """Write ``output`` (PNG): the training loss per epoch (mean over its iterations; log scale) with the learning
    rates where the run logged them, and the validation Dice at each phi against the epoch, with the best epoch of
    the mean marked. ``ce_epochs``: where the loss
    switches from cross-entropy to Dice (configs/train.json's ``ce_epochs``), drawn as a line; None draws none."""
    scalars = read_scalars(log_dir)
    phis = {tag: _phi(tag) for tag in scalars if tag.startswith("val_mean_dice@")}
    per_phi = sorted((tag for tag, phi in phis.items() if phi is not None), key=lambda tag: phis[tag] or 0.0)
    if "train_loss" not in scalars or not per_phi:
        raise ValueError(f"{log_dir}: expected the tags train_loss and val_mean_dice@<phi>, found {sorted(scalars)}")
    validated = [epoch for epoch, _ in scalars[per_phi[0]]]
    loss = epoch_means(scalars["train_loss"], steps_per_epoch(scalars, validated))
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(*zip(*loss, strict=True), color="black")
    left.set(xlabel="epoch", ylabel="training loss (mean over the epoch)", yscale="log", title="training loss")
    rates = sorted(tag for tag in scalars if tag == "lr" or tag.startswith("lr/"))
    if rates:  # logged since 0.7.2 (bundle.engine.lr_logger); older runs have none
        twin = left.twinx()
        for tag in rates:
            twin.plot(*zip(*scalars[tag], strict=True), linestyle=":", label=tag)
        twin.set(ylabel="learning rate", yscale="log")
        twin.legend(loc="center right")
    for tag in per_phi:
        right.plot(*zip(*scalars[tag], strict=True), label=f"phi {phis[tag]:g}")
    if "val_mean_dice@affine" in scalars:  # registration: the Dice of the affine alignment alone, the floor
        right.plot(*zip(*scalars["val_mean_dice@affine"], strict=True), color="grey", label="affine only")
    if "val_mean_dice" in scalars:
        best_epoch, best = max(scalars["val_mean_dice"], key=lambda point: point[1])
        right.axvline(best_epoch, color="grey", linestyle=":", label=f"best mean {best:.3f} (epoch {best_epoch})")
    if ce_epochs is not None:
        for axes in (left, right):
            axes.axvline(ce_epochs, color="grey", linestyle="--", linewidth=0.8, label="cross-entropy, then Dice")
        left.legend(loc="upper right")
    right.set(xlabel="epoch", ylabel="validation Dice (mean over labels)", title="validation Dice per phi")
    right.legend(loc="lower right")
    figure.suptitle(title)
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    try:
        replace_atomically(output, lambda partial: figure.savefig(partial, format="png", dpi=110))
    finally:
        plt.close(figure)
    return Path(output)
