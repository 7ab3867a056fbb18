"""Sampling phi once per training iteration and handing it to the network."""

from collections.abc import Sequence

import torch
from ignite.engine import Engine, Events
from monai.engines.utils import default_prepare_batch

from bundle.nets.phi_prior import PhiPrior


class PhiSampler:
    """An Ignite handler and a MONAI ``prepare_batch`` at once: draws phi when each iteration starts,
    then passes it to the network as ``network(image, phi=phi)``.

    The current phi is also kept in ``engine.state.phi`` for logging.
    """

    def __init__(self, prior: PhiPrior) -> None:
        self.prior = prior
        self.phi: float | Sequence[float] = prior.sample(0)

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.ITERATION_STARTED, self._draw)

    def _draw(self, engine: Engine) -> None:
        self.phi = self.prior.sample(engine.state.iteration)
        # ignite's State holds the attributes users add, but its type declares none of them.
        engine.state.phi = self.phi  # type: ignore[attr-defined]

    def __call__(
        self, batchdata: dict, device: str | torch.device | None = None, non_blocking: bool = False, **kwargs
    ) -> tuple[torch.Tensor, torch.Tensor | None, tuple, dict]:
        image, label = default_prepare_batch(batchdata, device, non_blocking, **kwargs)
        return image, label, (), {"phi": self.phi}


def sampler_of(handlers: Sequence[object]) -> PhiSampler:
    """The one :class:`PhiSampler` among a trainer's ``handlers``: the configs' ``prepare_batch``, found by type
    so that adding or removing another handler cannot make it point at the wrong one."""
    samplers = [handler for handler in handlers if isinstance(handler, PhiSampler)]
    if len(samplers) != 1:
        raise ValueError(f"expected one PhiSampler among the training handlers, found {len(samplers)}")
    return samplers[0]
