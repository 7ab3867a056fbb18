"""The learning rate of each optimizer parameter group, logged to TensorBoard beside the training loss.

MONAI's ``LrScheduleHandler`` can print the rate but writes no event; its ``TensorBoardStatsHandler`` logs the
engine's output and metrics, not the optimizer's state.
"""

from pathlib import Path

import torch
from ignite.engine import Engine, Events
from torch.utils.tensorboard import SummaryWriter


class LearningRateLogger:
    """Writes, at the end of every epoch, each parameter group's learning rate as the scalar ``lr`` (one group)
    or ``lr/<name>`` (several: the group's ``"name"``, else its index), against the epoch.

    Args:
        optimizer: the trainer's optimizer.
        log_dir: the TensorBoard folder (the run's ``output_dir``); its own event file is written there.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, log_dir: str | Path) -> None:
        self.optimizer, self.log_dir = optimizer, Path(log_dir)
        self.writer: SummaryWriter | None = None  # opened on the first epoch: building the config writes no file

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.EPOCH_COMPLETED, self)
        engine.add_event_handler(Events.COMPLETED, self.close)

    def __call__(self, engine: Engine) -> None:
        if self.writer is None:
            self.writer = SummaryWriter(str(self.log_dir))
        groups = self.optimizer.param_groups
        for index, group in enumerate(groups):
            tag = "lr" if len(groups) == 1 else f"lr/{group.get('name', index)}"
            self.writer.add_scalar(tag, group["lr"], engine.state.epoch)
        self.writer.flush()

    def close(self, engine: Engine | None = None) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
