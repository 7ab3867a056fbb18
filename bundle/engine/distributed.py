"""One process of a run started by ``torchrun`` (configs/multi_gpu_train.json, multi_gpu_sweep.json).

Each function joins the process group first when this process has not, so a config may reach them in any
order; NCCL for tensors on GPUs, gloo for those on the CPU.
"""

import logging
import os

import torch
import torch.distributed as dist


def _joined() -> None:
    if not dist.is_initialized():
        # Both backends where CUDA exists: tensors on the GPU go through NCCL, those on the CPU through gloo, so
        # a run told --device cpu on a GPU machine still communicates (NCCL alone refuses CPU tensors).
        dist.init_process_group(backend="cpu:gloo,cuda:nccl" if torch.cuda.is_available() else "gloo")


def join() -> torch.device:
    """This process's device (the GPU ``LOCAL_RANK`` names, made current, or the CPU). Ranks above 0 also stop
    logging at INFO level, so that one process reports the run."""
    _joined()
    if dist.get_rank() > 0:
        logging.disable(logging.INFO)
    if not torch.cuda.is_available():
        return torch.device("cpu")
    device = torch.device(f"cuda:{os.environ['LOCAL_RANK']}")
    torch.cuda.set_device(device)
    return device


def is_secondary() -> bool:
    """True on every rank but 0: the configs' ``secondary_rank``, which leaves out the handlers that log, write
    TensorBoard events or reports (rank 0 alone does)."""
    _joined()
    return dist.get_rank() > 0


def device_ids(device: torch.device | str) -> list[torch.device] | None:
    """``DistributedDataParallel``'s ``device_ids``: this process's GPU, or None on the CPU (``device`` may be a
    name given on the command line, e.g. ``--device cpu``, which replaces :func:`join`: the group is joined here
    then, as DistributedDataParallel, built next, needs it)."""
    _joined()
    device = torch.device(device)
    return [device] if device.type == "cuda" else None


def leave() -> None:
    """End this process's part of the group (the configs' ``finalize``)."""
    if dist.is_initialized():
        dist.destroy_process_group()
