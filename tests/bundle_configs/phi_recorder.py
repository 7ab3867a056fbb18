"""A test-only Ignite handler: the phi of every training iteration, written per rank when training ends."""

import json
from pathlib import Path

import torch.distributed as dist
from ignite.engine import Engine, Events


class PhiRecorder:
    """Appends ``engine.state.phi`` (set by ``PhiSampler``, attached before this) at every iteration and
    writes the list to ``<folder>/phi_rank<R>.json`` when the run completes."""

    def __init__(self, folder: str) -> None:
        self.folder, self.phis = Path(folder), []

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.ITERATION_STARTED, lambda e: self.phis.append(e.state.phi))
        engine.add_event_handler(Events.COMPLETED, self._write)

    def _write(self, engine: Engine) -> None:
        rank = dist.get_rank() if dist.is_initialized() else 0
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"phi_rank{rank}.json").write_text(json.dumps(self.phis))
