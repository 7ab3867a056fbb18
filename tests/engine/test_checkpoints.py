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

    def crash(obj: object, file: object, **kwargs: object) -> None:
        file.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        _train(saver, epochs=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"]
    assert (tmp_path / "m.pt").read_bytes() == before
