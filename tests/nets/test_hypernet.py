import pytest
import torch
from torch import nn

from bundle.nets.hypernet import HyperNetwork
from bundle.nets.sshn import SSHN
from bundle.nets.unet import PhiUNet

SHAPES = {"a.weight": (7, 3, 3, 3), "a.bias": (7,), "b.weight": (1, 7, 1, 1)}


@pytest.mark.parametrize("num_phi", [1, 4])
def test_predicts_every_target_tensor_with_its_shape(num_phi):
    hypernet = HyperNetwork(SHAPES, dict.fromkeys(SHAPES, 0.1), num_phi=num_phi)
    out = hypernet([0.3] * num_phi)
    assert {name: tuple(t.shape) for name, t in out.items()} == SHAPES


def test_paper_layout_input_hidden_and_fused_head():
    hypernet = HyperNetwork(SHAPES, dict.fromkeys(SHAPES, 0.1), num_phi=2)
    linears = [m for m in hypernet.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(4, 10), (10, 100), (100, 7 * 27 + 7 + 7)]
    assert all((m.bias == 0).all() for m in linears)


def test_wrong_number_of_phis_is_a_value_error():
    hypernet = HyperNetwork(SHAPES, dict.fromkeys(SHAPES, 0.1), num_phi=2)
    with pytest.raises(ValueError, match=r"expected 2 phi value\(s\), got 1"):
        hypernet([0.5])


def test_each_predicted_tensor_starts_at_its_target_scale():
    torch.manual_seed(0)
    shapes = {"big": (64, 64, 3, 3), "zero": (64,)}
    hypernet = HyperNetwork(shapes, {"big": 0.05, "zero": 0.0})
    rms = torch.stack([hypernet([p])["big"].pow(2).mean().sqrt() for p in torch.linspace(0, 1, 11).tolist()])
    assert 0.5 * 0.05 < rms.mean().item() < 2 * 0.05
    assert (hypernet([0.5])["zero"] == 0).all()


def test_naive_kaiming_head_explodes_where_the_scaled_one_stays_near_unit():
    """The measurement behind the scaled initialization (default 2D U-Net, 160x192 input)."""
    torch.manual_seed(0)
    sshn = SSHN(PhiUNet(2, 1, 4))
    x = torch.randn(1, 1, 160, 192)
    with torch.no_grad():
        scaled = sshn(x, 0.5).std().item()
        nn.init.kaiming_normal_(sshn.hypernet.head.weight, a=0.2, nonlinearity="leaky_relu")
        naive = sshn(x, 0.5).std().item()
    assert 0.1 < scaled < 10
    assert naive > 1e3


def test_paper_init_predicts_other_weights_for_every_phi_and_tied_the_same():
    torch.manual_seed(0)
    scales = {name: 0.1 if len(shape) > 1 else 0.0 for name, shape in SHAPES.items()}
    paper = HyperNetwork(SHAPES, scales, column_correlation=0.0)
    tied = HyperNetwork(SHAPES, scales, column_correlation=1.0)
    first = paper.body[0].weight
    assert not torch.allclose(first[:, 0], first[:, 1])  # independent phi and 1 - phi columns
    torch.testing.assert_close(tied.body[0].weight[:, 0], tied.body[0].weight[:, 1])
    for name in ("a.weight", "b.weight"):
        assert (paper([0.5])[name] - paper([0.1])[name]).norm() > 0.1 * paper([0.1])[name].norm()
        assert (tied([0.5])[name] - tied([0.1])[name]).norm() < 1e-6 * tied([0.1])[name].norm()  # rounding


@pytest.mark.parametrize("rho", [-0.1, 1.5, True, float("nan")])
def test_a_correlation_outside_0_1_is_a_value_error(rho):
    with pytest.raises(ValueError, match=r"column correlation must be a number in \[0, 1\]"):
        HyperNetwork(SHAPES, dict.fromkeys(SHAPES, 0.1), column_correlation=rho)


def test_correlated_columns_keep_kaiming_scale_and_share_more_of_the_weights_as_rho_grows():
    """rho interpolates between the paper's independent columns (0) and the tied ablation (1)."""
    scales = {name: 0.1 if len(shape) > 1 else 0.0 for name, shape in SHAPES.items()}
    changes, stds = {}, {}
    for rho in (0.0, 0.5, 0.9, 1.0):
        torch.manual_seed(0)
        hypernet = HyperNetwork(SHAPES, scales, hidden=(64, 32), column_correlation=rho)
        first = hypernet.body[0].weight
        stds[rho] = (first[:, 0].std().item(), first[:, 1].std().item())
        if 0 < rho < 1:
            correlation = torch.corrcoef(torch.stack([first[:, 0], first[:, 1]]))[0, 1].item()
            assert abs(correlation - rho) < 0.25, (rho, correlation)
        weight = "a.weight"
        changes[rho] = (
            (hypernet([0.5])[weight] - hypernet([0.1])[weight]).norm() / hypernet([0.1])[weight].norm()
        ).item()
    assert changes[0.0] > changes[0.5] > changes[0.9] > changes[1.0]
    assert changes[1.0] < 1e-6 and changes[0.9] > 0.01
    for a, b in stds.values():
        assert 0.5 < a / b < 2  # both columns Kaiming-distributed


def test_tied_columns_separate_with_training():
    torch.manual_seed(0)
    hypernet = HyperNetwork(SHAPES, dict.fromkeys(SHAPES, 0.1), column_correlation=1.0)
    torch.testing.assert_close(hypernet([0.0])["a.weight"], hypernet([0.5])["a.weight"])
    optimizer = torch.optim.Adam(hypernet.parameters(), lr=1e-3)
    target = torch.randn(SHAPES["a.weight"])
    for phi in [0.1, 0.4]:  # Adam moves both tied columns alike until phi varies between steps
        optimizer.zero_grad()
        (hypernet([phi])["a.weight"] - target).pow(2).mean().backward()
        optimizer.step()
    assert not torch.allclose(hypernet([0.0])["a.weight"], hypernet([0.5])["a.weight"])


def test_scale_target_rescales_that_tensor_alone():
    torch.manual_seed(0)
    hypernet = HyperNetwork(SHAPES, dict.fromkeys(SHAPES, 0.1))
    before = hypernet([0.3])
    hypernet.scale_target("a.bias", 0.5)
    after = hypernet([0.3])
    torch.testing.assert_close(after["a.bias"], 0.5 * before["a.bias"])
    torch.testing.assert_close(after["a.weight"], before["a.weight"])
    torch.testing.assert_close(after["b.weight"], before["b.weight"])
    with pytest.raises(KeyError, match=r"predicts no tensor 'c\.weight'"):
        hypernet.scale_target("c.weight", 2.0)
