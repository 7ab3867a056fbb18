import pytest
import torch

from bundle.nets.unet import PhiUNet

PHIS = [0.0, 0.05, 0.13, 0.25, 0.5, 1.0]
SHAPES = [(2, (2, 3, 37, 41)), (2, (1, 1, 1, 5)), (3, (1, 2, 19, 23, 9)), (3, (1, 1, 7, 1, 3))]


@pytest.mark.parametrize("phi", PHIS)
@pytest.mark.parametrize(("dims", "shape"), SHAPES)
def test_output_keeps_the_input_spatial_size(dims, shape, phi):
    net = PhiUNet(dims, shape[1], 4, features=4)
    assert net(torch.randn(shape), phi).shape == (shape[0], 4, *shape[2:])


@pytest.mark.parametrize("block", ["plain", "residual", "se"])
@pytest.mark.parametrize(("dims", "shape"), [(2, (1, 1, 29, 31)), (3, (1, 1, 13, 11, 17))])
def test_every_block_kind_runs_in_2d_and_3d(block, dims, shape):
    net = PhiUNet(dims, 1, 3, features=[4, 6, 8], levels=3, block=block)
    y = net(torch.randn(shape), [0.3, 0.7])
    assert y.shape == (1, 3, *shape[2:]) and torch.isfinite(y).all()


def test_forward_without_phi_uses_the_constructor_default():
    torch.manual_seed(0)
    net = PhiUNet(2, 1, 2, features=4, phi=0.13)
    x = torch.randn(1, 1, 40, 40)
    torch.testing.assert_close(net(x), net(x, 0.13))
    assert not torch.allclose(net(x), net(x, 0.5))


def test_phi_accepts_ints_tensors_and_one_value_per_resize():
    net = PhiUNet(2, 1, 2, features=4, levels=3)
    x = torch.randn(1, 1, 20, 20)
    torch.testing.assert_close(net(x, 1), net(x, 1.0))
    torch.testing.assert_close(net(x, torch.tensor(0.25)), net(x, [0.25, 0.25]))


@pytest.mark.parametrize("phi", [-0.1, 1.5, float("nan")])
def test_invalid_phi_raises_value_error(phi):
    net = PhiUNet(2, 1, 2, features=4)
    with pytest.raises(ValueError, match="phi must be a number in"):
        net(torch.randn(1, 1, 16, 16), phi)
    with pytest.raises(ValueError, match="phi must be a number in"):
        PhiUNet(2, 1, 2, phi=phi)


def test_wrong_number_of_per_resize_phis_raises_value_error():
    net = PhiUNet(2, 1, 2, features=4, levels=3)
    with pytest.raises(ValueError, match=r"expected one phi or 2 \(one per resize\), got 3"):
        net(torch.randn(1, 1, 16, 16), [0.5, 0.5, 0.5])


@pytest.mark.parametrize(
    ("dims", "channels", "shape"),
    [(2, 1, (1, 1, 16)), (2, 1, (1, 1, 16, 16, 16)), (3, 1, (1, 1, 16, 16)), (2, 3, (1, 1, 16, 16))],
)
def test_wrong_input_shape_raises_value_error_naming_both(dims, channels, shape):
    net = PhiUNet(dims, channels, 2, features=4)
    with pytest.raises(ValueError, match=rf"expected input of shape \(N, {channels}, {dims} spatial sizes\), got"):
        net(torch.randn(shape))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"spatial_dims": 4}, "spatial_dims must be 2 or 3"),
        ({"levels": 0}, "levels must be at least 1"),
        ({"features": [8, 8]}, "features must be a positive int or 5 positive ints"),
        ({"block": "dense"}, "block kind must be one of"),
    ],
)
def test_bad_constructor_arguments_are_clear_errors(kwargs, message):
    args = {"spatial_dims": 2, "in_channels": 1, "out_channels": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        PhiUNet(**args)


@pytest.mark.parametrize("block", ["plain", "residual", "se"])
def test_scripted_network_matches_eager_at_any_size_and_phi(block):
    net = PhiUNet(3, 1, 2, features=4, levels=3, block=block)
    scripted = torch.jit.script(net)
    for shape, phi in [((1, 1, 9, 10, 11), 0.3), ((2, 1, 16, 5, 7), [0.13, 1.0])]:
        x = torch.randn(shape)
        torch.testing.assert_close(scripted(x, phi), net(x, phi))
    torch.testing.assert_close(scripted(x), net(x))


@pytest.mark.parametrize("block", ["plain", "residual", "se"])
def test_activations_start_near_unit_scale(block):
    """Kaiming init (and zero-initialized residual branches) keep a 9-stage U-Net's output near 1."""
    torch.manual_seed(0)
    net = PhiUNet(2, 1, 4, block=block)
    std = net(torch.randn(2, 1, 64, 80)).std().item()
    assert 0.1 < std < 10
