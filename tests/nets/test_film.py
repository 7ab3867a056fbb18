import torch

from bundle.nets.film import FiLMUNet
from bundle.nets.unet import PhiUNet


def small_film(per_level: bool = False) -> FiLMUNet:
    return FiLMUNet(PhiUNet(2, 1, 3, features=[4, 6, 8], levels=3), per_level=per_level)


def test_film_starts_as_the_plain_unet():
    torch.manual_seed(0)
    film = small_film()
    x = torch.randn(2, 1, 19, 22)
    for phi in [0.0, 0.3, 0.5]:
        torch.testing.assert_close(film(x, phi), film.primary(x, phi))


def test_film_modulates_every_3x3_convolution():
    film = small_film()
    # 3 encoder + 2 decoder blocks, two 3x3 convolutions each; the 1x1 head is not modulated.
    assert len(film.targets) == 10 and "head" not in film.targets
    assert film.head.out_features == 2 * sum(film.channels)


def test_materialized_film_network_folds_the_film_layers_in_exactly():
    torch.manual_seed(0)
    film = small_film(per_level=True)
    with torch.no_grad():
        film.head.weight.normal_(std=0.1)
        film.head.bias.normal_(std=0.1)
    x = torch.randn(1, 1, 25, 17)
    for phi in [[0.1, 0.2], [0.5, 0.5]]:
        torch.testing.assert_close(film.materialize(phi)(x), film(x, phi))
    assert not torch.allclose(film(x, [0.1, 0.2]), film.primary(x, [0.1, 0.2]))


def test_gradients_reach_the_film_mlp_and_the_unet_weights():
    torch.manual_seed(0)
    film = small_film()
    film(torch.randn(2, 1, 16, 16), 0.4).pow(2).mean().backward()
    grads = {name: p.grad for name, p in film.named_parameters()}
    assert all(g is not None and torch.isfinite(g).all() for g in grads.values())
    assert grads["head.weight"].abs().sum() > 0  # zero-initialized, yet it learns
    assert grads["primary.encoders.0.conv1.weight"].abs().sum() > 0
