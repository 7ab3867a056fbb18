"""What a training run needs besides model, optimizer, scheduler and trainer to resume where it stopped.

Each class here has ``state_dict()`` / ``load_state_dict()``, so MONAI's ``CheckpointSaver`` saves it
in the resume checkpoint and ``CheckpointLoader`` restores it (both call those methods). Every value
is a tensor or a plain number, so the checkpoint loads with ``torch.load(weights_only=True)``.
"""

import logging
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import numpy as np
import torch
from ignite.engine import Engine
from monai.engines import Evaluator
from monai.handlers import EarlyStopHandler
from monai.transforms import Compose, Randomizable

from bundle.data.validation import InputError
from bundle.export import check_fits, read_checkpoint

logger = logging.getLogger(__name__)


def resumable(resume: bool | str, path: str | Path, state: Mapping[str, object] | None = None) -> bool:
    """Whether to load the resume checkpoint at ``path``: ``resume`` (True, or "true" / "false" as the
    command line gives it) and the file exists. With ``state`` (the run's resume state: name -> object),
    the file is read first and must hold an entry for each name, a model that fits the run's network and
    an optimizer with the run's parameter groups (a run from before the SSHN's body/head groups has one),
    else one :class:`InputError` naming it.

    A run killed before its first checkpoint has nothing to resume: it starts again from scratch.
    """
    if isinstance(resume, str) and resume.lower() in ("true", "false"):
        resume = resume.lower() == "true"
    if not isinstance(resume, bool):
        raise ValueError(f"resume must be true or false, got {resume!r}")
    if resume and not Path(path).is_file():
        logger.warning("resume: no checkpoint at %s yet; training from scratch", path)
    if resume and Path(path).is_file() and state is not None:
        _check_resume_state(read_checkpoint(path), state, path)
    return resume and Path(path).is_file()


def _check_resume_state(saved: dict, state: Mapping[str, object], path: str | Path) -> None:
    missing = sorted(set(state) - set(saved))
    if missing:
        raise InputError(path, f"is not a resume checkpoint of this run: it lacks {missing} (start without --resume)")
    for name, target in state.items():
        if isinstance(target, torch.nn.Module):
            check_fits(saved[name], target, path)
        if isinstance(target, Engine):
            _warn_on_another_length(saved[name], target, path)
        if isinstance(target, RandomStates):
            saved_transforms = saved[name].get("transforms") if isinstance(saved[name], dict) else None
            if not isinstance(saved_transforms, list) or len(saved_transforms) != len(target.randomizables):
                count = len(saved_transforms) if isinstance(saved_transforms, list) else "no"
                raise InputError(
                    path,
                    f"holds {count} random transform states, this run's preprocessing has "
                    f"{len(target.randomizables)}: it was saved by another preprocessing or by a version before "
                    "2026-12-07, which missed the generators nested in transforms (start without --resume)",
                )
        if isinstance(target, torch.optim.Optimizer):
            sizes = [len(group["params"]) for group in target.param_groups]
            groups = saved[name].get("param_groups", []) if isinstance(saved[name], dict) else []
            groups = groups if isinstance(groups, list) and all(isinstance(g, dict) for g in groups) else []
            if [len(group.get("params", [])) for group in groups] != sizes:
                raise InputError(
                    path,
                    f"its optimizer has parameter groups of {[len(g.get('params', [])) for g in groups]} tensors, "
                    f"this run's {sizes}: it was saved by another version or configuration (start without --resume)",
                )


def _warn_on_another_length(saved: object, trainer: Engine, path: str | Path) -> None:
    """A warning where the resumed run asks for other epochs or another epoch length (a --batch_size or data
    change) than the run that saved ``path``: it goes on, but its learning-rate schedule and step count are the
    saved run's, so it is not the run the command line describes."""
    saved = saved if isinstance(saved, dict) else {}
    for key, meaning in (("max_epochs", "epochs"), ("epoch_length", "steps per epoch")):
        before, now = saved.get(key), getattr(trainer.state, key, None)
        if before is not None and now is not None and before != now:
            logger.warning(
                "resume: %s was saved by a run of %s %s, this run asks for %s: it goes on with the saved run's "
                "learning-rate schedule (start without --resume for a run as the command line describes)",
                path,
                before,
                meaning,
                now,
            )


class TrainingProgress:
    """The best validation metric so far (and its epoch) and the early-stopping counter.

    Args:
        evaluator: the validation evaluator (MONAI keeps the best metric in its state).
        early_stop: MONAI's early-stopping handler, or None.
    """

    def __init__(self, evaluator: Evaluator, early_stop: EarlyStopHandler | None = None) -> None:
        self.evaluator, self.early_stop = evaluator, early_stop

    def state_dict(self) -> dict:
        best = self.evaluator.state
        state = {"best_metric": best.best_metric, "best_metric_epoch": best.best_metric_epoch}
        # MONAI's handler keeps ignite's EarlyStopping (counter, best score) in ``_handler`` once a trainer is set.
        stopping = getattr(self.early_stop, "_handler", None)
        return state | ({"early_stop": stopping.state_dict()} if stopping is not None else {})

    def load_state_dict(self, state: dict) -> None:
        self.evaluator.state.best_metric = state["best_metric"]
        self.evaluator.state.best_metric_epoch = state["best_metric_epoch"]
        stopping = getattr(self.early_stop, "_handler", None)
        if stopping is not None and "early_stop" in state:
            stopping.load_state_dict(state["early_stop"])


def _from_numpy(state: tuple) -> dict:
    """A numpy Mersenne Twister state (``RandomState.get_state()``) as a tensor and plain numbers."""
    _, key, position, has_gauss, gauss = state
    return {"key": torch.from_numpy(key.astype(np.int64)), "position": position, "has_gauss": has_gauss, "gauss": gauss}


def _to_numpy(state: dict) -> tuple:
    key = state["key"].numpy().astype(np.uint32)
    return ("MT19937", key, state["position"], state["has_gauss"], state["gauss"])


def _randomizables(transforms: Sequence[object]) -> list[Randomizable]:
    """Every random transform in ``transforms`` and, depth first, those they hold: MONAI's dictionary
    transforms often draw from an array transform of their own (``RandAdjustContrastd.adjuster``), whose
    generator a resumed run must restore too (without it, resumed weights differed by up to 8.5e-4)."""
    found: dict[int, Randomizable] = {}

    def visit(item: object) -> None:
        if isinstance(item, list | tuple):
            for member in item:
                visit(member)
        elif isinstance(item, dict):
            for member in item.values():
                visit(member)
        elif isinstance(item, Randomizable) and id(item) not in found:
            found[id(item)] = item
            for member in vars(item).values():
                visit(member)

    visit(list(transforms))
    return list(found.values())


class RandomStates:
    """The random generators a training run draws from: torch's, numpy's and Python's global ones and
    those of the random transforms in ``transforms`` (MONAI seeds each transform's own generator).

    Phi needs none of them: it is a function of (seed, iteration) (see ``phi_sampler``). Data loader
    workers are seeded from torch's global generator, which is restored. CUDA generators are not kept.
    """

    def __init__(self, transforms: Compose | None = None) -> None:
        chain = transforms.flatten().transforms if transforms is not None else ()
        self.randomizables = _randomizables(chain)

    def state_dict(self) -> dict:
        _, python, gauss = random.getstate()
        # get_state() returns the legacy tuple by default; numpy's stubs type that call as the dict form.
        return {
            "torch": torch.get_rng_state(),
            "numpy": _from_numpy(cast(tuple, np.random.get_state())),
            "python": {"key": torch.tensor(python, dtype=torch.int64), "gauss": gauss},
            "transforms": [_from_numpy(cast(tuple, t.R.get_state())) for t in self.randomizables],
        }

    def load_state_dict(self, state: dict) -> None:
        if len(state["transforms"]) != len(self.randomizables):
            raise ValueError(
                f"the checkpoint holds {len(state['transforms'])} random transforms, this run has "
                f"{len(self.randomizables)}: was the preprocessing changed?"
            )
        torch.set_rng_state(state["torch"])
        np.random.set_state(_to_numpy(state["numpy"]))
        random.setstate((3, tuple(state["python"]["key"].tolist()), state["python"]["gauss"]))
        for transform, saved in zip(self.randomizables, state["transforms"], strict=True):
            transform.R.set_state(_to_numpy(saved))
