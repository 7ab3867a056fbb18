"""Measurements of this machine kept between runs (latency per phi, the fastest precision), keyed by what they
depend on: the machine, the device, the network's weights and the input size."""

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from torch import nn

from bundle.io import write_atomically
from bundle.perf.hardware import hardware

logger = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where measurements are kept: ``SSHN_CACHE_DIR``, else ``~/.cache/sshn``."""
    return Path(os.environ.get("SSHN_CACHE_DIR") or Path.home() / ".cache" / "sshn")


def weights_digest(network: nn.Module) -> str:
    """SHA-256 of ``network``'s state dict (names and values)."""
    digest = hashlib.sha256()
    for name, tensor in sorted(network.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def measured_here(kind: str, network: nn.Module, device: str, details: Sequence, measure: Callable[[], object]):
    """``measure()``'s result, computed once per machine (:func:`hardware`), ``device``, weights of ``network``
    and ``details`` (JSON values, e.g. the input shape) and read back from ``cache_dir()/kind`` after.

    The cache only saves time: an entry that cannot be read is measured again, and a cache folder that cannot
    be written (a read-only home) is skipped with a warning naming it.
    """
    key = json.dumps([hardware(), str(device), list(details), weights_digest(network)])
    path = cache_dir() / kind / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    try:
        entry = json.loads(path.read_text())
        if entry["key"] == key:
            return entry["value"]
    except (OSError, ValueError, KeyError, TypeError):  # absent, unreadable or damaged: measured again
        pass
    value = measure()
    try:
        write_atomically(path, json.dumps({"key": key, "value": value}))
    except OSError as error:
        logger.warning("measurements not cached (%s: %s); set SSHN_CACHE_DIR to a writable folder", path, error)
    return value
