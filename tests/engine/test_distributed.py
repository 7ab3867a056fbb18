"""The DDP device ids and the process-group backends of a torchrun process (no process group needed)."""

import torch

import bundle.engine.distributed as distributed


def test_device_ids_name_the_gpu_and_none_on_the_cpu(monkeypatch):
    monkeypatch.setattr(distributed, "_joined", lambda: None)  # the group itself is tested under torchrun
    assert distributed.device_ids(torch.device("cpu")) is None
    assert distributed.device_ids(torch.device("cuda:1")) == [torch.device("cuda:1")]
    assert distributed.device_ids("cpu") is None and distributed.device_ids("cuda:0") == [torch.device("cuda:0")]


def test_a_gpu_machine_joins_with_both_backends_so_cpu_tensors_still_communicate(monkeypatch):
    joined = []
    monkeypatch.setattr(distributed.dist, "is_initialized", lambda: False)
    monkeypatch.setattr(distributed.dist, "init_process_group", lambda backend: joined.append(backend))
    for cuda in (True, False):
        monkeypatch.setattr(distributed.torch.cuda, "is_available", lambda cuda=cuda: cuda)
        distributed._joined()
    assert joined == ["cpu:gloo,cuda:nccl", "gloo"]  # NCCL alone refuses a --device cpu run's tensors
