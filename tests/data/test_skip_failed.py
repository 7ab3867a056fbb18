import logging

import pytest
import torch
from ignite.engine import Engine
from monai.data import MetaTensor

from bundle.data.skip_failed import SkipFailed


def _labels(value: int) -> dict:
    pred = MetaTensor(torch.full((1, 4, 4), value), meta={"filename_or_obj": f"scan{value}.png"})
    return {"pred": pred}


def test_an_all_background_label_map_is_passed_on_and_named_in_a_warning(caplog):
    chain = SkipFailed([lambda data: data])
    with caplog.at_level(logging.WARNING, logger="bundle.data.skip_failed"):
        assert chain(_labels(0))["pred"].sum() == 0 and chain(_labels(2))["pred"].sum() == 32
        chain.summary(Engine(lambda engine, batch: None))
    assert chain.empty == ["scan0.png"] and not chain.failed
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0].startswith("all background: scan0.png")
    assert messages[-1] == "1 label maps are all background (named above)"


def test_a_failing_sample_is_named_and_passed_on_unchanged(caplog):
    def fail(data):
        raise OSError("disk full")

    chain = SkipFailed([fail])
    sample = _labels(1)
    assert chain(sample) is sample
    assert chain.failed == [("scan1.png", "OSError: disk full")] and not chain.empty
    engine = Engine(lambda engine, batch: None)
    engine.run([0, 1, 2])  # three inputs, one of them failed
    chain.summary(engine)
    with caplog.at_level(logging.ERROR, logger="bundle.data.skip_failed"), pytest.raises(SystemExit) as stop:
        chain.exit_on_failure()
    assert stop.value.code == 1
    assert caplog.records[-1].getMessage() == "1 of 3 inputs failed (named above): 0 at screening, 1 when segmented"
