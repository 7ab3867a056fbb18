import pytest
import torch

from bundle.nets import SSHN, FiLMUNet, PhiUNet
from bundle.nets.adaptation import median_weight_change, weight_changes


def test_changes_are_relative_l2_per_tensor_and_skip_zero_tensors():
    torch.manual_seed(0)
    sshn = SSHN(PhiUNet(2, 1, 2, features=4, levels=3), hidden=(4, 8))
    changes = weight_changes(sshn, 0.1, 0.5)
    assert set(changes) == {name for name, p in sshn.primary.named_parameters() if p.ndim > 1}  # biases start at 0
    a, b = sshn.predict_weights([0.1, 0.1]), sshn.predict_weights([0.5, 0.5])
    name = "head.weight"
    assert changes[name] == pytest.approx(((b[name] - a[name]).norm() / a[name].norm()).item())
    assert median_weight_change(sshn, 0.3, 0.3) == 0.0


def test_film_at_init_is_the_plain_network_at_every_phi():
    film = FiLMUNet(PhiUNet(2, 1, 2, features=4, levels=3), hidden=(4, 8))
    assert median_weight_change(film) == 0.0  # its MLP's last layer starts at zero
