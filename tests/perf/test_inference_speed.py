import pytest
import torch

from bundle.nets import PhiUNet
from bundle.perf.inference_speed import VARIANTS, FastNetwork


@pytest.mark.parametrize("shape", [(2, 1, 13, 17), (1, 1, 9, 11, 7)])
@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "compiled"])
def test_every_variant_gives_the_eager_logits(variant, shape):
    torch.manual_seed(0)
    network = PhiUNet(len(shape) - 2, 1, 3, features=4, levels=3, phi=0.3).eval()
    x = torch.randn(shape)
    with torch.no_grad():
        expected, result = network(x), FastNetwork(network, variant)(x)
    assert result.dtype == torch.float32 and result.shape == expected.shape
    tolerance = 5e-2 if variant == "bf16" else 1e-5  # bfloat16 keeps 8 bits of mantissa
    torch.testing.assert_close(result, expected, atol=tolerance, rtol=tolerance)


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="variant must be one of"):
        FastNetwork(PhiUNet(2, 1, 2, features=2, levels=2), "int4")
