import os
from pathlib import Path

import pytest
import torch
from ignite.engine import Engine

from bundle.engine.checkpoints import AtomicCheckpointSaver


def _train(saver: AtomicCheckpointSaver, epochs: int) -> Engine:
    engine = Engine(lambda engine, batch: None)
    saver.attach(engine)
    engine.run([0, 1], max_epochs=epochs)
    return engine


def test_interval_checkpoint_keeps_one_fixed_name(tmp_path):
    model = torch.nn.Linear(2, 1)
    saver = AtomicCheckpointSaver(str(tmp_path), {"model": model}, save_interval=1, n_saved=1, interval_filename="a.pt")
    _train(saver, epochs=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pt"]
    state = torch.load(tmp_path / "a.pt", weights_only=True)
    torch.testing.assert_close(state["weight"], model.weight)


def test_a_failed_write_leaves_the_previous_checkpoint_whole(tmp_path, monkeypatch):
    model = torch.nn.Linear(2, 1)
    saver = AtomicCheckpointSaver(str(tmp_path), {"model": model}, save_final=True, final_filename="m.pt")
    _train(saver, epochs=1)
    before = (tmp_path / "m.pt").read_bytes()

    def crash(obj: object, file: Path, **kwargs: object) -> None:
        Path(file).write_bytes(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        _train(saver, epochs=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"]
    assert (tmp_path / "m.pt").read_bytes() == before


def test_temporaries_of_a_killed_run_are_deleted_and_none_is_left_by_saving(tmp_path, dead_pid):
    """ignite's own atomic writer left a tmpXXXX of the checkpoint's size after a kill; ours are named by process."""
    stale = tmp_path / f".partial.{dead_pid}.0a1b2c3d.last.pt"
    live = tmp_path / ".partial.1.0a1b2c3d.last.pt"  # pid 1 runs: another writer's, kept
    for path in (stale, live):
        path.write_bytes(b"half")
        os.utime(path, (0, 0))  # old: a killed run's, not a writer's on another machine
    saver = AtomicCheckpointSaver(
        str(tmp_path), {"model": torch.nn.Linear(2, 1)}, save_interval=1, n_saved=1, interval_filename="last.pt"
    )
    assert not stale.exists() and live.exists()
    _train(saver, epochs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "last.pt"]
