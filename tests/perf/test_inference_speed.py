import pytest
import torch

from bundle.nets import PhiUNet
from bundle.perf.inference_speed import FAST_PRECISIONS, FastNetwork, interleaved_latency_ms


@pytest.mark.parametrize("shape", [(2, 1, 13, 17), (1, 1, 9, 11, 7)])
@pytest.mark.parametrize("precision", [*(v for v in FAST_PRECISIONS if v != "compiled"), "channels_last+bf16"])
def test_every_precision_gives_the_eager_logits(precision, shape):
    torch.manual_seed(0)
    network = PhiUNet(len(shape) - 2, 1, 3, features=4, levels=3, phi=0.3).eval()
    x = torch.randn(shape)
    with torch.no_grad():
        expected, result = network(x), FastNetwork(network, precision)(x)
    assert result.dtype == torch.float32 and result.shape == expected.shape
    tolerance = 5e-2 if "bf16" in precision else 1e-5  # bfloat16 keeps 8 bits of mantissa
    torch.testing.assert_close(result, expected, atol=tolerance, rtol=tolerance)


@pytest.mark.parametrize("precision", ["int4", "bf16+int4", "bf16+bf16", "fp32+bf16", ""])
def test_unknown_precision_is_refused(precision):
    with pytest.raises(ValueError, match="precision must be one of"):
        FastNetwork(PhiUNet(2, 1, 2, features=2, levels=2), precision)


def test_interleaved_latency_times_every_network_and_its_warm_up():
    networks = {(phi, "fp32"): PhiUNet(2, 1, 2, features=2, levels=2, phi=phi).eval() for phi in (0.0, 0.5)}
    measured = interleaved_latency_ms(networks, (1, 1, 12, 12), repeats=3)
    assert set(measured) == set(networks)
    assert all(row["ms"] > 0 and row["warmup_s"] > 0 for row in measured.values())
