"""Timing several actions side by side: one run of each per round, the order rotating every round."""

import statistics
import time
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

import torch

# The names the actions are keyed by (any hashable: a precision, a phi, a (phi, precision) pair), kept in the result.
Key = TypeVar("Key", bound=Hashable)


def interleaved_runs(
    actions: Mapping[Key, Callable[[int], object]], repeats: int, warmup: int, device: torch.device | str = "cpu"
) -> dict[Key, dict]:
    """Run every action once per round (``warmup + repeats`` rounds; each gets the round's index), the
    order rotating every round so that load from other processes, and whatever the first run of a round
    pays for, falls on all of them alike. The ratio of medians is the result to read.

    Returns, keyed as ``actions``: "ms", the median wall time of the timed runs in milliseconds;
    "warmup_s", the seconds the first ``warmup`` runs took (compilation, caches); "peak_mib", the most
    CUDA memory one run allocated (``torch.cuda.max_memory_allocated``), None off CUDA.
    """
    device = torch.device(device)
    cuda = device.type == "cuda"
    synchronize = torch.cuda.synchronize if cuda else (lambda: None)
    names = list(actions)
    times: dict[Key, list[float]] = {name: [] for name in names}
    warmup_s = dict.fromkeys(names, 0.0)
    peaks: dict[Key, float | None] = dict.fromkeys(names)
    for round_ in range(warmup + repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            if cuda:
                torch.cuda.reset_peak_memory_stats(device)
            synchronize()
            start = time.perf_counter()
            actions[name](round_)
            synchronize()
            elapsed = time.perf_counter() - start
            if round_ < warmup:
                warmup_s[name] += elapsed
            else:
                times[name].append(elapsed * 1e3)
            if cuda:
                peaks[name] = max(peaks[name] or 0.0, torch.cuda.max_memory_allocated(device) / 2**20)
    return {
        name: {"ms": statistics.median(times[name]), "warmup_s": warmup_s[name], "peak_mib": peaks[name]}
        for name in names
    }
