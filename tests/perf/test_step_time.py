import pytest
import torch

from bundle.nets import SSHN, PhiUNet
from bundle.perf.step_time import interleaved_step_ms


def test_every_network_steps_and_trains_on_the_same_batch():
    torch.manual_seed(0)
    networks = {"stochastic": PhiUNet(2, 1, 3, features=4, levels=3), "sshn": SSHN(PhiUNet(2, 1, 3, 4, 3))}
    before = {name: [p.clone() for p in net.parameters()] for name, net in networks.items()}
    result = interleaved_step_ms(networks, (2, 1, 13, 17), 3, repeats=3, warmup=1)
    assert set(result) == {"stochastic", "sshn"}
    assert all(row["step_ms"] > 0 and row["peak_mib"] is None for row in result.values())  # no CUDA here
    for name, network in networks.items():  # Adam moved every parameter
        assert all(not torch.equal(a, b) for a, b in zip(before[name], network.parameters(), strict=True))


@pytest.mark.parametrize("shape", [(1, 1, 9, 11, 7), (3, 1, 21, 10)])
def test_awkward_shapes_and_3d(shape):
    ndim = len(shape) - 2
    result = interleaved_step_ms({"u": PhiUNet(ndim, 1, 2, features=2, levels=3)}, shape, 2, repeats=1, warmup=0)
    assert result["u"]["step_ms"] > 0
