import pytest
import torch
from ignite.engine import Engine

from bundle.engine.phi_sampler import PhiSampler, sampler_of
from bundle.nets.phi_prior import PhiPrior


def test_sampler_hands_each_iteration_its_phi_as_network_keyword():
    prior = PhiPrior(0.0, 0.5, seed=1)
    sampler = PhiSampler(prior)
    seen = []

    def step(engine, batch):
        image, label, args, kwargs = sampler(batch)
        assert args == () and torch.equal(image, batch["image"]) and torch.equal(label, batch["label"])
        seen.append((engine.state.iteration, kwargs["phi"], engine.state.phi))

    engine = Engine(step)
    sampler.attach(engine)
    batch = {"image": torch.zeros(1, 1, 4, 4), "label": torch.zeros(1, 1, 4, 4)}
    engine.run([batch] * 3, max_epochs=2)
    assert [(i, phi) for i, phi, _ in seen] == [(i, prior.sample(i)) for i in range(1, 7)]
    assert all(phi == state_phi for _, phi, state_phi in seen)


def test_the_trainer_finds_its_one_sampler_among_the_handlers_by_type():
    sampler = PhiSampler(PhiPrior(0.0, 0.5, seed=0))
    assert sampler_of([object(), sampler, object()]) is sampler
    for handlers, found in (([], 0), ([sampler, PhiSampler(PhiPrior(0.0, 0.5))], 2)):
        with pytest.raises(ValueError, match=f"expected one PhiSampler among the training handlers, found {found}"):
            sampler_of(handlers)
