"""Sampling phi once per training iteration and handing it to the network."""

from collections.abc import Sequence

import torch
from ignite.engine import Engine, Events
from monai.engines.utils import default_prepare_batch


class PhiPrior:
    """Uniform prior U(low, high) over phi; low == high gives a Fixed network's constant phi.

    Each draw is a pure function of (seed, iteration), so ranks of a distributed run agree
    without communicating and a resumed run continues the same sequence.

    Args:
        low, high: bounds of the prior, 0 <= low <= high <= 1 (the paper: 0 and 0.5).
        num: factors per draw: 1 (one phi for every resize) or one per resize (appendix variant).
        seed: seed of the sequence.
    """

    def __init__(self, low: float = 0.0, high: float = 0.5, num: int = 1, seed: int = 0) -> None:
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"phi prior needs 0 <= low <= high <= 1, got low={low}, high={high}")
        if num < 1:
            raise ValueError(f"num must be at least 1, got {num}")
        self.low, self.high, self.num, self.seed = float(low), float(high), num, seed

    def sample(self, iteration: int) -> float | list[float]:
        """phi for ``iteration``: a float, or a list of ``num`` floats."""
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + iteration)
        unit = torch.rand(self.num, generator=generator, dtype=torch.float64)
        values = (self.low + (self.high - self.low) * unit).tolist()
        return values[0] if self.num == 1 else values


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
        engine.state.phi = self.phi

    def __call__(
        self, batchdata: dict, device: str | torch.device | None = None, non_blocking: bool = False, **kwargs
    ) -> tuple[torch.Tensor, torch.Tensor, tuple, dict]:
        image, label = default_prepare_batch(batchdata, device, non_blocking, **kwargs)
        return image, label, (), {"phi": self.phi}
