"""The machine a measurement ran on, in words (reports print it beside every time)."""

import platform
from pathlib import Path

import torch


def hardware() -> str:
    """The device latencies were measured on, in words."""
    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name()}, torch {torch.__version__}"
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.is_file() else []
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    name = names[0] if names else platform.processor() or "unknown CPU"
    return f"{name}, {torch.get_num_threads()} threads, torch {torch.__version__}"
