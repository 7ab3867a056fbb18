"""Dice per phi and per label: one network at several phi in one pass over the data (the training's validation),
a deployed network at its own phi, and a deployed network run at several precisions."""

from collections.abc import Callable, Iterable, Sequence

import torch
import torch.distributed as dist
from ignite.engine import Engine
from ignite.metrics import Metric
from monai.engines import SupervisedEvaluator
from monai.engines.utils import default_prepare_batch
from monai.metrics import compute_dice
from monai.networks.utils import one_hot
from torch import nn

from bundle.nets.unet import PhiUNet
from bundle.perf.inference_speed import FAST_PRECISIONS, FastNetwork


def labelled_batch(batchdata: dict, device: torch.device | str) -> tuple[torch.Tensor, torch.Tensor]:
    """The image and label of ``batchdata`` on ``device`` (MONAI's ``default_prepare_batch``); a ValueError where
    it has no label, which a Dice needs."""
    image, label = default_prepare_batch(batchdata, device)
    if label is None:
        raise ValueError("a batch without a label: Dice needs one")
    return image, label


class MultiPhiIteration:
    """``iteration_update`` for a MONAI ``SupervisedEvaluator``: predicts every batch at each phi.

    The output holds "image", "label" (N, 1, *spatial) and "preds": phi -> label map (N, 1, *spatial).
    Use the evaluator with ``decollate=False``: the output is read whole by :class:`PhiDice`.
    """

    def __init__(self, phis: Sequence[float]) -> None:
        if not phis:
            raise ValueError("MultiPhiIteration needs at least one phi")
        self.phis = [float(phi) for phi in phis]

    def __call__(self, engine: SupervisedEvaluator, batchdata: dict) -> dict:
        image, label = default_prepare_batch(batchdata, engine.state.device, engine.non_blocking)
        engine.network.eval()
        preds = {}
        with torch.no_grad(), torch.autocast(device_type=image.device.type, enabled=engine.amp):
            for phi in self.phis:
                preds[phi] = engine.inferer(image, engine.network, phi=phi).argmax(dim=1, keepdim=True)
        return {"image": image, "label": label, "preds": preds}


class PhiDice(Metric):
    """Dice per phi and per foreground label, averaged over images where the label is present.

    ``compute()`` returns the mean over phi of the mean foreground Dice (the key metric for
    checkpointing and early stopping); when attached under ``name`` it also writes
    ``name@phi`` for every phi to ``engine.state.metrics``, and the full table stays in
    ``self.table``: phi -> {"mean": float, "per_label": [float per foreground label]}, over
    ``self.images`` images.

    Computed on this process alone unless ``gather``: MONAI's ``DiceMetric`` would all-gather its buffers
    across the ranks of a distributed run, which mixes the phis when ranks sweep different phis; every rank of
    a multi-GPU training validates the whole validation set, so nothing needs gathering. ``gather`` (a
    multi-GPU evaluation, configs/multi_gpu_evaluate.json, where each rank holds a part of the images):
    every rank's per-image Dice is collected before the means, so each rank computes the whole set's table.
    """

    # Ignite hands update() these entries of the engine's output, in this order.
    required_output_keys = ("preds", "label")

    def __init__(
        self,
        phis: Sequence[float],
        num_classes: int,
        output_transform: Callable = lambda output: output,
        gather: bool = False,
    ) -> None:
        self.phis = [float(phi) for phi in phis]
        self.num_classes, self.gather = num_classes, gather
        self.table: dict[float, dict] = {}
        super().__init__(output_transform=output_transform)

    def reset(self) -> None:
        self.images = 0  # this process's images; after compute(), every rank's where gathered
        self._count = 0
        self._dice: dict[float, list[torch.Tensor]] = {phi: [] for phi in self.phis}

    def update(self, output: tuple[dict[float, torch.Tensor], torch.Tensor]) -> None:
        preds, label = output
        self._count += label.shape[0]
        self.images = self._count
        label = one_hot(label.long(), self.num_classes)
        for phi in self.phis:
            prediction = one_hot(preds[phi].long(), self.num_classes)
            self._dice[phi].append(compute_dice(prediction, label, include_background=False).cpu())

    def _gathered(self) -> tuple[dict[float, list[torch.Tensor]], int]:
        """Every rank's per-image Dice and image count (this process's alone without ``gather`` or a group)."""
        if not (self.gather and dist.is_available() and dist.is_initialized()):
            return self._dice, self._count
        parts: list = [None] * dist.get_world_size()
        # objects, not tensors: the ranks hold different numbers of images (all_gather needs equal shapes)
        dist.all_gather_object(parts, (self._dice, self._count))
        dice = {phi: [tensor for part, _ in parts for tensor in part[phi]] for phi in self.phis}
        return dice, sum(images for _, images in parts)

    def compute(self) -> float:
        self.table = {}
        dice, self.images = self._gathered()
        for phi in self.phis:
            per_image = torch.cat(dice[phi])  # (images, foreground labels), NaN where a label is absent
            per_label = torch.nanmean(per_image, dim=0)
            self.table[phi] = {"mean": per_label.nanmean().item(), "per_label": per_label.tolist()}
        return sum(row["mean"] for row in self.table.values()) / len(self.table)

    def completed(self, engine: Engine, name: str) -> None:
        super().completed(engine, name)
        for phi, row in self.table.items():
            engine.state.metrics[f"{name}@{phi:g}"] = row["mean"]


def segment_dice(
    network: nn.Module, data: Iterable[dict], num_classes: int, device: torch.device | str = "cpu"
) -> dict:
    """Dice of ``network(image)`` (at its default phi) on every batch of ``data`` (dicts with "image", "label"):
    {"mean": mean foreground Dice, "per_label": [Dice per foreground label]}.
    """
    metric = PhiDice([0.0], num_classes)  # one slot: the network runs at its own default phi
    metric.reset()
    with torch.no_grad():
        for batch in data:
            image, label = labelled_batch(batch, device)
            metric.update(({0.0: network(image).argmax(dim=1, keepdim=True)}, label))
    metric.compute()
    return metric.table[0.0]


def dice_by_precision(
    network: PhiUNet,
    data: Iterable[dict],
    num_classes: int,
    precisions: Sequence[str] = FAST_PRECISIONS,
    device: torch.device | str = "cpu",
) -> dict[str, dict]:
    """Mean and per-label foreground Dice of ``network`` (deployed at one phi) run as each precision, on the
    same batches of ``data`` (dicts with "image", "label"): whether a faster precision keeps the accuracy.
    """
    fast = {precision: FastNetwork(network, precision).to(device).eval() for precision in precisions}
    metrics = {precision: PhiDice([0.0], num_classes) for precision in precisions}  # one "phi" slot per precision
    for metric in metrics.values():
        metric.reset()
    with torch.no_grad():
        for batch in data:
            image, label = labelled_batch(batch, device)
            for precision, model in fast.items():
                metrics[precision].update(({0.0: model(image).argmax(dim=1, keepdim=True)}, label))
    result = {}
    for precision, metric in metrics.items():
        metric.compute()
        result[precision] = metric.table[0.0]
    return result
