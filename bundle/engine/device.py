"""The device a single-process run uses."""

import torch


def default_device() -> torch.device:
    """The first CUDA GPU when there is one, else the CPU (the configs' ``device``)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
