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
        # read now: resuming a last.pt written before the groups were named replaces them with unnamed ones
        self.names = [str(group.get("name", index)) for index, group in enumerate(optimizer.param_groups)]
        self.writer: SummaryWriter | None = None  # opened on the first epoch: building the config writes no file

    def attach(self, engine: Engine) -> None:
        """Log at every epoch's end; close the event file when the run completes."""
        engine.add_event_handler(Events.EPOCH_COMPLETED, self)
        engine.add_event_handler(Events.COMPLETED, self.close)

    def __call__(self, engine: Engine) -> None:
        """Write each group's current learning rate at ``engine``'s epoch."""
        if self.writer is None:
            self.writer = SummaryWriter(str(self.log_dir))
        groups = self.optimizer.param_groups
        names = self.names if len(self.names) == len(groups) else [str(index) for index in range(len(groups))]
        for name, group in zip(names, groups, strict=True):
            self.writer.add_scalar("lr" if len(groups) == 1 else f"lr/{name}", group["lr"], engine.state.epoch)
        self.writer.flush()

    def close(self, engine: Engine | None = None) -> None:
        """Flush and close the event file (a later epoch opens a new one)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
