"""Running the bundle's configs with command-line values checked before they reach MONAI's config parser.

``python -m monai.bundle run ... --key VALUE`` hands VALUE to the parser as is: a value starting with
"$" is evaluated as Python, "@" and "%" are references. That path is for trusted input. The scripts
(scripts/train.py, scripts/evaluate.py, scripts/sweep.py) go through :func:`run_checked`, which
accepts literal values only and checks types and ranges, then calls ``monai.bundle.run``.
"""

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeGuard

import torch
from monai.bundle import run

from bundle.cli import refuse_expressions
from bundle.data.validation import InputError, explain
from bundle.nets.blocks import BLOCK_KINDS
from bundle.nets.factory import ARCHITECTURES, METHODS
from bundle.paths import CONFIGS, ROOT


def _number(value: object, low: float, high: float = float("inf"), integer: bool = False) -> bool:
    kinds = (int,) if integer else (int, float)
    return isinstance(value, kinds) and not isinstance(value, bool) and low <= value <= high


def _phis(value: object) -> TypeGuard[list | tuple]:
    return isinstance(value, list | tuple) and len(value) > 0 and all(_number(v, 0, 1) for v in value)


def _flag(value: object) -> TypeGuard[bool | str]:
    return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))


def as_flag(name: str, value: object) -> bool:
    """``value`` as a bool: True / False, or "true" / "false" in any case (fire passes ``--cpu true`` as a
    string, and the string "false" is truthy)."""
    if not _flag(value):
        raise ValueError(f"--{name} must be true or false, got {value!r}")
    return value if isinstance(value, bool) else value.lower() == "true"


def check_device(device: str) -> torch.device:
    """``device`` ("cpu", "cuda", "cuda:1", ...) as a torch device this machine has; a ValueError saying what
    was expected otherwise (torch would fail later, deep inside the first ``.to``)."""
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"--device must be cpu, cuda or cuda:N, got {device!r}") from error
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device {device}: this machine has no CUDA device (use --device cpu)")
    if parsed.type == "cuda" and parsed.index is not None and parsed.index >= torch.cuda.device_count():
        raise ValueError(f"--device {device}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    if parsed.type not in ("cpu", "cuda"):
        raise ValueError(f"--device must be cpu, cuda or cuda:N, got {device!r}")
    return parsed


# key -> (test, what it must be)
RULES: dict[str, tuple[Callable[[object], bool], str]] = {
    "phi": (lambda v: _number(v, 0, 1), "a number in [0, 1]"),
    "phi_prior": (lambda v: _phis(v) and len(v) == 2 and v[0] <= v[1], "[low, high] with 0 <= low <= high <= 1"),
    "val_phis": (_phis, "a non-empty list of numbers in [0, 1]"),
    "phi_start": (lambda v: _number(v, 0, 1), "a number in [0, 1]"),
    "phi_stop": (lambda v: _number(v, 0, 1), "a number in [0, 1]"),
    "phi_step": (lambda v: _number(v, 1e-6, 1), "a number in (0, 1]"),
    "epochs": (lambda v: _number(v, 1, integer=True), "an integer >= 1"),
    "batch_size": (lambda v: _number(v, 1, integer=True), "an integer >= 1"),
    "val_interval": (lambda v: _number(v, 1, integer=True), "an integer >= 1"),
    "checkpoint_interval": (lambda v: _number(v, 1, integer=True), "an integer >= 1"),
    "ce_epochs": (lambda v: _number(v, 0, integer=True), "an integer >= 0"),
    "num_workers": (lambda v: _number(v, 0, integer=True), "an integer >= 0"),
    "seed": (lambda v: _number(v, 0, integer=True), "an integer >= 0"),
    "spatial_dims": (lambda v: _number(v, 2, 3, integer=True), "2 or 3"),
    "cascades": (lambda v: _number(v, 1, integer=True), "an integer >= 1"),
    "lr": (lambda v: _number(v, 1e-12, 10), "a number in (0, 10]"),
    "head_lr_scale": (lambda v: _number(v, 1e-6, 1e3), "a number in [1e-6, 1000]"),
    "hypernet_correlation": (lambda v: _number(v, 0, 1), "a number in [0, 1]"),
    "weights_phi": (lambda v: _number(v, 0, 1), "a number in [0, 1]"),
    "method": (lambda v: v in METHODS, f"one of {', '.join(METHODS)}"),
    "architecture": (lambda v: v in ARCHITECTURES, f"one of {', '.join(ARCHITECTURES)}"),
    "block": (lambda v: v in BLOCK_KINDS, f"one of {', '.join(BLOCK_KINDS)}"),
    "resume": (_flag, "true or false"),
    "device": (lambda v: isinstance(v, str) and (v == "cpu" or v.split(":")[0] == "cuda"), "cpu, cuda or cuda:N"),
    "dataset_dir": (lambda v: isinstance(v, str) and Path(v).is_dir(), "an existing folder"),
    "pretrained": (lambda v: isinstance(v, str) and Path(v).is_file(), "an existing checkpoint file"),
    "eval_split": (lambda v: v in ("train", "validation", "test", "all"), "train, validation, test or all"),
    "sweep_split": (lambda v: v in ("train", "validation", "test", "all"), "train, validation, test or all"),
}


def checked_overrides(overrides: dict[str, object], flags: Mapping[str, str] | None = None) -> dict[str, object]:
    """``overrides`` without the None values, after :func:`refuse_expressions` and the :data:`RULES`
    (keys without a rule, such as output folders, only need to be literal). A ValueError names the first
    value that fails by its command-line flag: ``flags`` maps a config key to the flag a script gives it
    (e.g. ``sweep_dir`` -> ``output_dir``), else the key itself."""
    kept = {key: value for key, value in overrides.items() if value is not None}
    for key, value in kept.items():
        flag = (flags or {}).get(key, key)
        refuse_expressions(f"--{flag}", value)
        if key in RULES and not RULES[key][0](value):
            raise ValueError(f"--{flag} must be {RULES[key][1]}, got {value!r}")
    return kept


def run_checked(
    run_id: str, config_names: Sequence[str], flags: Mapping[str, str] | None = None, **overrides: object
) -> int:
    """Run ``run_id`` of the configs ``config_names`` (file names in configs/) with checked ``overrides``.

    ``flags``: the script's flag for a config key where they differ, for the messages.
    Returns the exit status: 0 done; 2 a refused value; 1 a bad input met while running (an
    ``InputError``, FileNotFoundError or ValueError, such as a bad file or a checkpoint of another
    architecture). Each of those is one line on stderr; any other error keeps its traceback.
    """
    try:
        settings = checked_overrides(overrides, flags)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    files = [str(CONFIGS / name) for name in config_names]
    # Config values of any type, which MONAI's run takes as its **override.
    values: dict[str, Any] = {"bundle_root": str(ROOT)} | settings
    try:
        run(
            run_id,
            config_file=files,
            meta_file=str(CONFIGS / "metadata.json"),
            logging_file=str(CONFIGS / "logging.conf"),
            **values,
        )
    except Exception as error:
        if not _is_input_error(error):
            raise
        print(f"error: {explain(error)}", file=sys.stderr)
        return 1
    return 0


def _is_input_error(error: BaseException | None) -> bool:
    """Whether ``error`` or an error it wraps (MONAI's parser wraps them in RuntimeErrors) is about the input."""
    while error is not None:
        if isinstance(error, InputError | FileNotFoundError | ValueError):
            return True
        error = error.__cause__ or error.__context__
    return False
