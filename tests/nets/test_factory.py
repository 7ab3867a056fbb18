import pytest

from bundle.nets import SSHN, FiLMUNet, PhiUNet
from bundle.nets.factory import build_network, build_phi_prior


@pytest.mark.parametrize(
    ("method", "kind"), [("sshn", SSHN), ("film", FiLMUNet), ("fixed", PhiUNet), ("stochastic", PhiUNet)]
)
def test_each_method_builds_its_network_around_one_unet(method, kind):
    network = build_network(method, 2, 3, 3, features=4, levels=3, phi=0.25, hidden=[4, 8])
    assert type(network) is kind
    primary = network if isinstance(network, PhiUNet) else network.primary
    assert primary.phi == [0.25, 0.25] and primary.in_channels == 3


def test_fixed_trains_at_its_phi_and_the_others_sample_the_prior():
    assert {build_phi_prior("fixed", (0.0, 0.5), phi=0.3).sample(i) for i in range(10)} == {0.3}
    draws = {build_phi_prior("stochastic", (0.1, 0.2), phi=0.3).sample(i) for i in range(10)}
    assert len(draws) == 10 and all(0.1 <= d <= 0.2 for d in draws)
    assert len(build_phi_prior("sshn", (0.0, 1.0), per_level=True, levels=5).sample(1)) == 4


def test_unknown_method_or_malformed_prior_is_a_value_error():
    with pytest.raises(ValueError, match="method must be one of"):
        build_network("hyper", 2, 1, 2)
    with pytest.raises(ValueError, match="method must be one of"):
        build_phi_prior("hyper")
    with pytest.raises(ValueError, match=r"phi prior must be \[low, high\]"):
        build_phi_prior("sshn", [0.1])
