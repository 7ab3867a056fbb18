"""The DDP device ids of a torchrun process (no process group needed)."""

import torch

import bundle.engine.distributed as distributed


def test_device_ids_name_the_gpu_and_none_on_the_cpu(monkeypatch):
    monkeypatch.setattr(distributed, "_joined", lambda: None)  # the group itself is tested under torchrun
    assert distributed.device_ids(torch.device("cpu")) is None
    assert distributed.device_ids(torch.device("cuda:1")) == [torch.device("cuda:1")]
    assert distributed.device_ids("cpu") is None and distributed.device_ids("cuda:0") == [torch.device("cuda:0")]
