import pytest
import torch

from bundle.engine.param_groups import checked_param_groups, param_groups
from bundle.nets.factory import build_network
from bundle.registration.network import build_registration_network


def test_sshn_head_steps_at_its_own_rate_and_every_parameter_is_in_one_group():
    sshn = build_network("sshn", 2, 1, 3, features=4, levels=3, hidden=(4, 8))
    groups = param_groups(sshn, 1e-3, head_lr_scale=0.1)
    assert [group["lr"] for group in groups] == pytest.approx([1e-3, 1e-4])
    assert groups[1]["params"] == list(sshn.hypernet.head.parameters())
    ids = [id(p) for group in groups for p in group["params"]]
    assert sorted(ids) == sorted(id(p) for p in sshn.parameters())


def test_a_wrapped_sshn_is_found_and_adam_takes_the_groups():
    network = build_registration_network("sshn", 2, features=4, levels=3, hidden=(4, 8))
    groups = param_groups(network, 1e-3, head_lr_scale=0.5)
    optimizer = torch.optim.Adam(groups, lr=1e-3)
    assert [group["lr"] for group in optimizer.param_groups] == pytest.approx([1e-3, 5e-4])


@pytest.mark.parametrize("method", ["fixed", "stochastic", "film"])
def test_other_networks_are_one_group_and_refuse_a_head_scale(method):
    network = build_network(method, 2, 1, 3, features=4, levels=3, hidden=(4, 8))
    (group,) = param_groups(network, 3e-4)
    assert group["lr"] == 3e-4 and len(group["params"]) == len(list(network.parameters()))
    with pytest.raises(ValueError, match="applies to the SSHN's hypernetwork only"):
        param_groups(network, 3e-4, head_lr_scale=0.1)


def test_head_scale_must_be_positive():
    with pytest.raises(ValueError, match="head_lr_scale must be > 0"):
        param_groups(build_network("sshn", 2, 1, 3, features=4, levels=3), 1e-3, head_lr_scale=0.0)


def test_the_configs_get_a_refused_head_scale_as_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        checked_param_groups(build_network("fixed", 2, 1, 3, features=4, levels=3), 1e-3, head_lr_scale=0.1)
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "error: ValueError: head_lr_scale applies to the SSHN's hypernetwork only, got 0.1 for another network"
    )
