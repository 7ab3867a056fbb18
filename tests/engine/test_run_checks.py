"""Checkpoints a run is given are checked before any work: each bad one is one line naming the file."""

import pickle

import pytest
import torch
from monai.transforms import Compose, RandAdjustContrastd

from bundle.data.validation import InputError
from bundle.engine.resume import RandomStates, resumable
from bundle.engine.run_checks import checked_pretrained, checked_resumable, pretrained_fits
from bundle.nets import PhiUNet
from bundle.nets.factory import build_network


def _network() -> torch.nn.Module:
    return build_network("fixed", 2, 1, 3, features=4, levels=3)


class Payload:
    """A pickled object that weights_only loading must refuse (its reduce would run code)."""

    def __reduce__(self):
        return (print, ("ran",))


def _write(path, kind):
    if kind == "corrupt":
        path.write_bytes(b"\x00not a checkpoint at all")
    elif kind == "truncated":
        torch.save(_network().state_dict(), path)
        path.write_bytes(path.read_bytes()[:200])
    elif kind == "tensor":
        torch.save(torch.zeros(3), path)
    elif kind == "list":
        torch.save([torch.zeros(3)], path)
    elif kind == "torchscript":
        torch.jit.save(torch.jit.script(_network()), str(path))
    elif kind == "pickle":
        path.write_bytes(pickle.dumps({"model": Payload()}))
    elif kind == "other architecture":
        torch.save(build_network("fixed", 2, 1, 3, features=8, levels=3).state_dict(), path)
    return path


BAD = {
    "corrupt": "cannot be read as a checkpoint",
    "truncated": "cannot be read as a checkpoint",
    "tensor": "holds a Tensor, not a checkpoint's dict of named tensors",
    "list": "holds a list, not a checkpoint's dict of named tensors",
    "torchscript": "is a TorchScript file",
    "pickle": "cannot be read as a checkpoint",
    "other architecture": "checkpoint does not fit this network",
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_pretrained_checkpoint_is_one_error_naming_it(kind, tmp_path, capsys):
    path = _write(tmp_path / "model.pt", kind)
    with pytest.raises(InputError, match=BAD[kind]) as error:
        pretrained_fits(path, _network())
    assert str(error.value).startswith(str(path))
    with pytest.raises(SystemExit) as stop:
        checked_pretrained(path, _network())
    assert stop.value.code == 2
    output = capsys.readouterr()
    (line,) = output.err.strip().splitlines()
    assert line.startswith(f"error: {path}: ")
    assert "ran" not in output.out  # the pickle's payload never ran


def test_no_pretrained_or_a_fitting_one_passes(tmp_path):
    network = _network()
    torch.save(network.state_dict(), tmp_path / "model.pt")
    pretrained_fits(None, network)
    pretrained_fits(tmp_path / "model.pt", _network())


def test_a_resume_checkpoint_must_read_and_hold_the_runs_state(tmp_path):
    state = {"model": object(), "optimizer": object()}
    truncated = _write(tmp_path / "last.pt", "truncated")
    with pytest.raises(InputError, match="cannot be read as a checkpoint"):
        resumable(True, truncated, state)
    assert not resumable(False, truncated, state)  # not resuming: the file is not read
    plain = tmp_path / "plain.pt"
    torch.save({"model": {}}, plain)
    with pytest.raises(InputError, match=r"is not a resume checkpoint of this run: it lacks \['optimizer'\]"):
        resumable(True, plain, state)
    with pytest.raises(SystemExit):
        checked_resumable(True, plain, state)
    torch.save({"model": {}, "optimizer": {}}, plain)
    assert resumable(True, plain, state)


def test_a_resume_checkpoint_of_another_network_or_optimizer_layout_is_refused(tmp_path):
    network = _network()
    one_group = torch.optim.Adam(network.parameters())
    parameters = list(network.parameters())
    two_groups = torch.optim.Adam([{"params": parameters[:1]}, {"params": parameters[1:]}])
    path = tmp_path / "last.pt"
    torch.save({"model": network.state_dict(), "optimizer": one_group.state_dict()}, path)
    assert resumable(True, path, {"model": network, "optimizer": one_group})
    with pytest.raises(InputError, match=r"optimizer has parameter groups of \[\d+\] tensors, this run's \[1, \d+\]"):
        resumable(True, path, {"model": network, "optimizer": two_groups})
    for crafted in ({"model": torch.zeros(3), "optimizer": {}}, {"model": {}, "optimizer": {"param_groups": 5}}):
        torch.save(crafted, tmp_path / "crafted.pt")
        with pytest.raises(InputError, match=r"crafted\.pt: "):
            resumable(True, tmp_path / "crafted.pt", {"model": network, "optimizer": one_group})
    other = PhiUNet(spatial_dims=2, in_channels=3, out_channels=3, features=4, levels=2)
    with pytest.raises(InputError, match="checkpoint does not fit this network"):
        resumable(True, path, {"model": other, "optimizer": one_group})


def test_a_resume_checkpoint_with_other_random_transform_states_is_refused(tmp_path):
    """A last.pt from before nested generators were kept (or from another preprocessing) is one line."""
    states = RandomStates(Compose([RandAdjustContrastd("image", prob=1.0)]))
    path = tmp_path / "last.pt"
    torch.save({"random_states": states.state_dict()}, path)
    assert resumable(True, path, {"random_states": states})
    older = states.state_dict() | {"transforms": states.state_dict()["transforms"][:1]}
    torch.save({"random_states": older}, path)
    with pytest.raises(InputError, match=r"last\.pt: holds 1 random transform states, this run's preprocessing has 2"):
        resumable(True, path, {"random_states": states})
