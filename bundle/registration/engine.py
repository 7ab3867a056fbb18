"""What MONAI's evaluator needs for registration: registering each pair at several phi, and the
metric (Dice per pair, folding) with its affine-only floor."""

import statistics
from collections.abc import Callable, Sequence
from typing import cast

import torch
from ignite.engine import Engine
from ignite.metrics import Metric
from monai.engines import SupervisedEvaluator

from bundle.export import unwrapped
from bundle.registration.evaluation import nonpositive_jacobian_fraction, pair_dice
from bundle.registration.network import RegistrationNet
from bundle.registration.warp import warp_labels

AFFINE = "affine"  # the table's row for the pairs before deformable registration


def register_batch(
    network: RegistrationNet, batchdata: dict, phis: Sequence[float | None], device: torch.device | str
) -> dict:
    """Register a batch of pairs at each phi, without gradients.

    Returns "label" (fixed labels), "moving_label" (N, 1, *spatial); "preds": phi -> warped moving
    labels; "ddf": phi -> displacement (N, ndim, *spatial). ``phis`` may hold None (the network's default).
    """
    image = batchdata["image"].to(device)
    moving_label = batchdata["moving_label"].to(device)
    preds, ddfs = {}, {}
    with torch.no_grad():
        for phi in phis:
            ddfs[phi] = network.displacement(image, phi)
            preds[phi] = warp_labels(moving_label, ddfs[phi])
    return {"label": batchdata["fixed_label"].to(device), "moving_label": moving_label, "preds": preds, "ddf": ddfs}


class RegistrationIteration:
    """``iteration_update`` of a MONAI ``SupervisedEvaluator``: ``register_batch`` at every phi.

    Use the evaluator with ``decollate=False``: the output is read whole by :class:`RegistrationMetric`.
    """

    def __init__(self, phis: Sequence[float]) -> None:
        if not phis:
            raise ValueError("RegistrationIteration needs at least one phi")
        self.phis = [float(phi) for phi in phis]

    def __call__(self, engine: SupervisedEvaluator, batchdata: dict) -> dict:
        # the wrapper of multi_gpu_train.json has no displacement()
        network = cast(RegistrationNet, unwrapped(engine.network))
        network.eval()
        return register_batch(network, batchdata, self.phis, engine.state.device)


def summarize(dice: Sequence[float], folding: Sequence[float] | None = None) -> dict:
    """Mean and standard deviation of the per-pair Dice, mean folding fraction, pair count, and the
    per-pair Dice itself (in the data's pair order, for paired comparisons: ``bundle.registration.paired``)."""
    return {
        "mean_dice": statistics.fmean(dice),
        "std_dice": statistics.pstdev(dice),
        "nonpositive_jacobian": statistics.fmean(folding) if folding else 0.0,
        "pairs": len(dice),
        "dice_per_pair": list(dice),
    }


class RegistrationMetric(Metric):
    """Per-pair Dice (mean over the fixed map's foreground labels) at each phi, and at the affine floor.

    ``compute()`` returns the mean over phi of the mean Dice (the key metric); ``self.table`` maps
    "affine" and each phi to ``summarize``'s dict; attached under ``name``, it also writes
    ``name@phi`` and ``name@affine`` to ``engine.state.metrics``.
    """

    required_output_keys = ("preds", "ddf", "label", "moving_label")

    def __init__(self, phis: Sequence[float], num_classes: int, output_transform: Callable = lambda x: x) -> None:
        self.phis = [float(phi) for phi in phis]
        self.num_classes = num_classes
        self.table: dict = {}
        super().__init__(output_transform=output_transform)

    def reset(self) -> None:
        self._dice: dict = {key: [] for key in [AFFINE, *self.phis]}
        self._folding: dict = {phi: [] for phi in self.phis}

    def update(self, output: tuple) -> None:
        preds, ddfs, fixed_label, moving_label = output
        self._dice[AFFINE] += pair_dice(moving_label, fixed_label, self.num_classes).tolist()
        for phi in self.phis:
            self._dice[phi] += pair_dice(preds[phi], fixed_label, self.num_classes).tolist()
            self._folding[phi] += nonpositive_jacobian_fraction(ddfs[phi]).tolist()

    def compute(self) -> float:
        self.table = {key: summarize(self._dice[key], self._folding.get(key)) for key in self._dice}
        return statistics.fmean(self.table[phi]["mean_dice"] for phi in self.phis)

    def completed(self, engine: Engine, name: str) -> None:
        super().completed(engine, name)
        for key, row in self.table.items():
            engine.state.metrics[f"{name}@{key if key == AFFINE else format(key, 'g')}"] = row["mean_dice"]
