"""MONAI's ``CheckpointSaver`` with every file written to a temporary name and renamed.

MONAI 1.6's ``CheckpointSaver`` writes with ignite's ``DiskSaver(atomic=False)`` straight to the
final name, so a run killed while saving leaves a truncated ``model.pt``; with an interval
checkpoint it also deletes the previous file before writing the next, so a kill in between leaves
none. Here each of its ignite ``Checkpoint`` objects gets a :class:`FixedNameDiskSaver`.
"""

import logging
from collections.abc import Mapping
from pathlib import Path

import ignite.distributed as idist
import torch
from ignite.handlers import Checkpoint, DiskSaver
from monai.handlers import CheckpointSaver

from bundle.io import remove_stale_temporaries, replace_atomically

logger = logging.getLogger(__name__)


class FixedNameDiskSaver(DiskSaver):
    """ignite's ``DiskSaver`` (written on rank 0 only) that writes through :func:`bundle.io.replace_atomically`
    and, given ``filename``, always writes that name and never deletes it: the next save replaces it in one
    step. ignite's own atomic mode names its temporary ``tmpXXXX``, which a killed run leaves behind (25 MB
    for a WBC resume checkpoint); ours are ``.partial.<pid>.*``, and those of killed runs are deleted when
    the next saver starts in the folder."""

    def __init__(self, dirname: str | Path, filename: str | None = None) -> None:
        super().__init__(dirname, atomic=True, require_empty=False)
        self.filename = filename
        if idist.get_rank() == 0:
            for path in remove_stale_temporaries(self.dirname):
                logger.info("deleted %s, left by a run that was killed while saving", path)

    def __call__(self, checkpoint: Mapping, filename: str, metadata: Mapping | None = None) -> None:
        if idist.get_rank() == 0:
            path = self.dirname / (self.filename or filename)
            replace_atomically(path, lambda temporary: torch.save(checkpoint, temporary, **self.kwargs))

    def remove(self, filename: str) -> None:
        if self.filename is None:
            super().remove(filename)


class AtomicCheckpointSaver(CheckpointSaver):
    """``monai.handlers.CheckpointSaver`` (same arguments) writing atomically, plus:

    Args:
        interval_filename: a fixed name for the ``save_interval`` checkpoint (MONAI names it by epoch or
            iteration), so that one file always holds the latest state to resume from.

    ``state_dict()`` returns the key-metric tracking list (the best score so far and its file) that
    MONAI's ``load_state_dict`` restores: saved in a resume checkpoint, a resumed run overwrites the
    best model only when it beats the best of the run before the interruption.
    """

    def __init__(self, *args, interval_filename: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # MONAI keeps its three ignite Checkpoints in private attributes, the fixed names of the final and
        # key-metric ones in their writers; each gets an atomic writer of the same name.
        for attribute in ("_final_checkpoint", "_key_metric_checkpoint", "_interval_checkpoint"):
            checkpoint: Checkpoint | None = getattr(self, attribute)
            if checkpoint is not None:
                # MONAI's writers are a DiskSaver subclass with a filename, which ignite's type does not declare.
                saver, interval = checkpoint.save_handler, attribute == "_interval_checkpoint"
                name = interval_filename if interval else saver.filename  # type: ignore[attr-defined]
                checkpoint.save_handler = FixedNameDiskSaver(self.save_dir, name)

    def state_dict(self) -> dict:
        if self._key_metric_checkpoint is None:
            return {"_saved": []}
        return self._key_metric_checkpoint.state_dict()
