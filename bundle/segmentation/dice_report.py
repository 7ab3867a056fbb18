"""Writing the Dice of each phi and label as JSON and CSV when an evaluation ends."""

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from ignite.engine import Engine, Events

from bundle.io import write_atomically
from bundle.segmentation.evaluation import PhiDice

logger = logging.getLogger(__name__)


class DiceReport:
    """At the end of an evaluation, writes ``dice.json`` and ``dice.csv`` to ``output_dir``.

    One CSV row per phi: phi, mean foreground Dice, then one column per foreground label
    (named by ``labels``, background excluded). The JSON holds the same plus the image count.
    """

    def __init__(self, metric: PhiDice, output_dir: str | Path, labels: Sequence[str]) -> None:
        if len(labels) != metric.num_classes - 1:
            raise ValueError(f"expected {metric.num_classes - 1} foreground label names, got {list(labels)}")
        self.metric, self.output_dir, self.labels = metric, Path(output_dir), list(labels)

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.EPOCH_COMPLETED, self)

    def __call__(self, engine: Engine) -> None:
        rows = [
            {"phi": phi, "mean_dice": row["mean"], **dict(zip(self.labels, row["per_label"], strict=True))}
            for phi, row in self.metric.table.items()
        ]
        report = {"images": self.metric.images, "labels": self.labels, "rows": rows}
        write_atomically(self.output_dir / "dice.json", json.dumps(report, indent=2))
        lines = [",".join(["phi", "mean_dice", *self.labels])]
        lines += [",".join(f"{row[key]:.6g}" for key in ["phi", "mean_dice", *self.labels]) for row in rows]
        write_atomically(self.output_dir / "dice.csv", "\n".join(lines) + "\n")
        logger.info("Dice per phi and label written to %s", (self.output_dir / "dice.csv").resolve())
        print(f"Dice per phi and label: {(self.output_dir / 'dice.csv').resolve()}")
