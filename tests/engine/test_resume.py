import random

import numpy as np
import pytest
import torch
from monai.transforms import Compose, RandAdjustContrastd, RandFlipd, RandScaleIntensityd

from bundle.engine.resume import RandomStates, resumable


def _draws(transforms: Compose) -> list[float]:
    return [torch.rand(1).item(), np.random.rand(), random.random(), *(t.R.rand() for t in transforms.transforms)]


def test_random_states_survive_a_weights_only_round_trip(tmp_path):
    transforms = Compose([RandFlipd("image", prob=0.5), RandScaleIntensityd("image", factors=0.1, prob=0.5)])
    states = RandomStates(transforms)
    torch.save(states.state_dict(), tmp_path / "rng.pt")
    expected = _draws(transforms)
    states.load_state_dict(torch.load(tmp_path / "rng.pt", weights_only=True))
    assert _draws(transforms) == expected


def test_the_generators_that_dictionary_transforms_hold_are_restored_too():
    """RandAdjustContrastd draws gamma from its own RandAdjustContrast: restoring only the outer generator let a
    resumed run see other contrasts (weights differed by up to 8.5e-4 on WBC after one resumed epoch)."""
    transforms = Compose([RandAdjustContrastd("image", prob=1.0), RandScaleIntensityd("image", factors=0.3, prob=1.0)])
    states = RandomStates(transforms)
    assert len(states.randomizables) == 4  # two dictionary transforms and the array transform each holds
    image = {"image": torch.rand(1, 6, 5) + 0.1}
    saved = states.state_dict()
    expected = [transforms(dict(image))["image"] for _ in range(3)]
    states.load_state_dict(saved)
    for want in expected:
        assert torch.equal(transforms(dict(image))["image"], want)


def test_random_states_refuse_another_preprocessing():
    state = RandomStates(Compose([RandFlipd("image", prob=0.5)])).state_dict()
    with pytest.raises(ValueError, match="holds 1 random transforms, this run has 0"):
        RandomStates(Compose([])).load_state_dict(state)


def test_resume_needs_the_flag_and_the_file(tmp_path):
    (tmp_path / "last.pt").touch()
    assert resumable("true", tmp_path / "last.pt") and resumable(True, tmp_path / "last.pt")
    assert not resumable("false", tmp_path / "last.pt")
    assert not resumable(True, tmp_path / "none.pt")  # killed before its first checkpoint: start again
    with pytest.raises(ValueError, match="resume must be true or false"):
        resumable("yes", tmp_path / "last.pt")


def test_resuming_with_other_epochs_or_another_epoch_length_warns(tmp_path, caplog):
    from ignite.engine import Engine

    trainer = Engine(lambda engine, batch: None)
    trainer.state.max_epochs, trainer.state.epoch_length = 3, 40  # --epochs 3 at --batch_size 1 over 40 images
    saved = {"trainer": {"max_epochs": 1, "epoch_length": 5, "iteration": 5}}
    torch.save(saved, tmp_path / "last.pt")
    with caplog.at_level("WARNING"):
        assert resumable(True, tmp_path / "last.pt", {"trainer": trainer})
    warnings = [record.getMessage() for record in caplog.records]
    assert any("a run of 1 epochs, this run asks for 3" in message for message in warnings)
    assert any("a run of 5 steps per epoch, this run asks for 40" in message for message in warnings)
    caplog.clear()
    trainer.state.max_epochs, trainer.state.epoch_length = 1, 5
    with caplog.at_level("WARNING"):
        resumable(True, tmp_path / "last.pt", {"trainer": trainer})
    assert not caplog.records  # the same run: nothing to say
