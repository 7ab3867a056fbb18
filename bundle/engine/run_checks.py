"""What a training config checks before any work starts: the checkpoints it was given, and resuming from one.

Each check is one line on stderr and exit status 2 through MONAI's config parser
(:func:`~bundle.data.validation.exit_on_bad_input`), instead of a traceback after training has begun.
"""

from pathlib import Path

from ignite.engine import Engine
from monai.handlers import CheckpointLoader
from torch import nn

from bundle.data.validation import exit_on_bad_input
from bundle.engine.resume import resumable
from bundle.export import check_fits, read_checkpoint


def pretrained_fits(path: str | Path | None, network: nn.Module) -> None:
    """Raise an :class:`~bundle.data.validation.InputError` unless the checkpoint at ``path`` (None: no
    pretrained weights) reads and fits ``network`` (the same method and architecture)."""
    if path is not None:
        check_fits(read_checkpoint(path), network, path)


checked_pretrained = exit_on_bad_input(pretrained_fits)
checked_resumable = exit_on_bad_input(resumable)


def resume_if_asked(
    resume: bool | str, path: str | Path, state: dict[str, object], loader: CheckpointLoader, trainer: Engine
) -> None:
    """Attach ``loader`` (it reads the resume checkpoint at ``path`` into ``state``) to ``trainer`` when
    ``resume`` asks for it and the checkpoint exists and fits (:func:`checked_resumable`)."""
    if checked_resumable(resume, path, state):
        loader.attach(trainer)
