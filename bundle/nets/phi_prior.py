"""The distribution phi is drawn from in training: a network's property (the factory builds the SSHN's from it),
so it lives beside the networks and the training engine imports it from here."""

import torch


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
