import json

import pytest
import torch

from bundle.export import deployed_network, export_torchscript, load_weights, network_for
from bundle.nets import SSHN, FiLMUNet, PhiUNet
from bundle.nets.factory import build_network


def small(kind):
    primary = PhiUNet(2, 1, 3, features=4, levels=3)
    return {"sshn": SSHN, "film": FiLMUNet, "plain": lambda p: p}[kind](primary)


@pytest.mark.parametrize("kind", ["sshn", "film", "plain"])
def test_deployed_network_is_a_plain_unet_with_the_same_output(kind):
    torch.manual_seed(0)
    network = small(kind)
    deployed = deployed_network(network, 0.3)
    x = torch.randn(1, 1, 17, 23)
    assert type(deployed) is PhiUNet and deployed.phi == [0.3, 0.3]
    torch.testing.assert_close(deployed(x), network(x, 0.3))


def test_exported_file_loads_with_torch_alone_and_carries_metadata(tmp_path):
    torch.manual_seed(0)
    sshn = small("sshn")
    path = export_torchscript(sshn, 0.25, tmp_path / "net.ts", {"labels": ["a", "b"]})
    extra = {"metadata.json": ""}
    loaded = torch.jit.load(str(path), _extra_files=extra)
    assert json.loads(extra["metadata.json"]) == {"labels": ["a", "b"], "phi": 0.25}
    x = torch.randn(2, 1, 31, 19)
    torch.testing.assert_close(loaded(x), sshn(x, 0.25))
    assert not list(tmp_path.glob(".*tmp"))


def test_checkpoint_of_another_architecture_is_one_clear_error(tmp_path):
    torch.save(small("plain").state_dict(), tmp_path / "plain.pt")
    with pytest.raises(ValueError, match=r"plain\.pt: checkpoint does not fit this network \(SSHN\).*another method"):
        load_weights(small("sshn"), tmp_path / "plain.pt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_weights(small("sshn"), tmp_path / "missing.pt")
    torch.save(small("sshn").state_dict(), tmp_path / "sshn.pt")
    assert isinstance(load_weights(small("sshn"), tmp_path / "sshn.pt"), SSHN)


def test_a_checkpoint_with_nan_weights_is_one_clear_error(tmp_path):
    state = small("sshn").state_dict()
    key = next(key for key, value in state.items() if value.is_floating_point())
    state[key] = torch.full_like(state[key], float("nan"))
    torch.save(state, tmp_path / "diverged.pt")
    with pytest.raises(ValueError, match=r"diverged\.pt: 1 tensors hold NaN or infinite weights"):
        load_weights(small("sshn"), tmp_path / "diverged.pt")


def test_network_for_a_phi_is_the_model_itself_without_one_and_its_materialized_weights_with_one():
    sshn = build_network("sshn", 2, 1, 2, features=4, levels=3, hidden=(4, 8)).eval()
    assert network_for(sshn) is sshn
    image = torch.rand(1, 1, 20, 20)
    transferred = network_for(sshn, 0.5)
    with torch.no_grad():
        assert torch.allclose(transferred(image, 0.5), sshn(image, 0.5), atol=1e-5)
        assert not torch.allclose(transferred(image, 0.1), sshn(image, 0.1), atol=1e-5)
