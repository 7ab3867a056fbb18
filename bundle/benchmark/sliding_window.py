"""Time and peak memory of whole-volume against sliding-window inference, one fresh process per setting.

Peak memory is the process's peak resident set (``resource.getrusage(...).ru_maxrss``): torch's CPU
allocator is invisible to ``tracemalloc``, and a peak can only go up within a process, so every
setting runs in its own interpreter (``python -m bundle.benchmark.sliding_window SETTING_JSON``).
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from bundle.paths import ROOT


def _resident_mib() -> float:
    """The resident set size of this process now, in MiB (Linux: /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic_volume(shape: list[int], seed: int = 0) -> torch.Tensor:
    """A smooth, z-scored random volume of ``shape`` (N, C, *spatial): blobs rather than white noise, so
    that the network's labels have regions (as on MRI) instead of flipping voxel by voxel."""
    noise = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    pool = nn.functional.avg_pool3d if len(shape) == 5 else nn.functional.avg_pool2d
    smooth = pool(noise, kernel_size=9, stride=1, padding=4, count_include_pad=False)
    return (smooth - smooth.mean()) / smooth.std()


def run_setting(setting: dict) -> dict:
    """One setting in this process: the bundle model ``setting["dataset"]`` (shipped weights) deployed at
    ``setting["phi"]``, run ``1 + repeats`` times on a synthetic volume of ``setting["shape"]`` by
    :func:`bundle.segmentation.inferer.make_inferer` (``roi_size`` None: whole volume; else sliding windows with
    ``overlap``). Returns the median milliseconds of the timed passes, the resident memory (MiB) before
    the first pass and the process's peak, and, where ``labels_path`` is given, saves the argmax labels
    there (uint8 .npy) for comparing settings.
    """
    from bundle.export import deployed_network  # here: the parent process need not import the bundle
    from bundle.segmentation.inferer import make_inferer
    from bundle.segmentation.network import load_bundle_network

    network, _ = load_bundle_network(setting["dataset"])
    deployed = deployed_network(network, setting["phi"])
    x = synthetic_volume(setting["shape"], setting.get("seed", 0))
    inferer = make_inferer(setting.get("roi_size"), setting.get("overlap", 0.25), len(setting["shape"]) - 2)
    before = _resident_mib()
    times = []
    with torch.no_grad():
        for _ in range(1 + setting.get("repeats", 2)):  # the first pass is a warm-up
            start = time.perf_counter()
            logits = inferer(x, deployed)
            times.append((time.perf_counter() - start) * 1e3)
            labels = logits.argmax(dim=1).to(torch.uint8)
            del logits
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    if setting.get("labels_path"):
        np.save(setting["labels_path"], labels.numpy())
    return {
        "ms": statistics.median(times[1:]),
        "baseline_mib": before,
        "peak_mib": peak,
        "threads": torch.get_num_threads(),
    }


def measure_in_subprocess(setting: dict, timeout_s: float = 1800) -> dict:
    """:func:`run_setting` in a fresh Python process (same environment, e.g. OMP_NUM_THREADS), so that
    its peak memory is its own; raises RuntimeError with the child's last output if it fails."""
    command = [sys.executable, "-m", "bundle.benchmark.sliding_window", json.dumps(setting)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout_s)
    if result.returncode != 0:
        raise RuntimeError(f"setting {setting} failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(run_setting(json.loads(sys.argv[1]))))
