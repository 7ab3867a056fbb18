"""The precision a clinician's run uses: a checked choice, "auto" timed once per machine, Dice kept."""

import pytest
import torch

import bundle.perf.precision as precision
from bundle.data.datasets import load_split
from bundle.data.transforms import preprocessing
from bundle.export import deployed_network
from bundle.nets import PhiUNet
from bundle.perf.inference_speed import FastNetwork
from bundle.segmentation.evaluation import dice_by_precision
from bundle.segmentation.network import load_bundle_network
from tests.data.test_datalist import SHARED


@pytest.fixture
def network(tmp_path, monkeypatch):
    monkeypatch.setenv("SSHN_CACHE_DIR", str(tmp_path / "cache"))
    return PhiUNet(2, 1, 3, features=4, levels=3).eval()


def test_a_named_precision_wraps_the_network_and_a_bad_one_is_refused(network):
    assert precision.with_precision(network, "fp32", (1, 1, 20, 18)) == (network, "fp32")
    wrapped, chosen = precision.with_precision(network, "bf16", (1, 1, 20, 18))
    assert chosen == "bf16" and isinstance(wrapped, FastNetwork) and wrapped.precision == "bf16"
    with pytest.raises(ValueError, match="--precision must be one of auto, fp32, bf16, channels_last, got 'fp16'"):
        precision.with_precision(network, "fp16", (1, 1, 20, 18))


def test_auto_picks_the_fastest_here_once_and_keeps_it(network, monkeypatch):
    fake = {"fp32": 3.0, "bf16": 1.0, "channels_last": 2.0}
    monkeypatch.setattr(
        precision, "interleaved_latency_ms", lambda nets, *_: {name: {"ms": fake[name]} for name in nets}
    )
    wrapped, chosen = precision.with_precision(network, "auto", (1, 1, 20, 18))
    assert chosen == "bf16" and wrapped.precision == "bf16"
    monkeypatch.setattr(precision, "interleaved_latency_ms", lambda *_: pytest.fail("timed again"))
    assert precision.with_precision(network, "auto", (1, 1, 20, 18))[1] == "bf16"


def test_auto_keeps_fp32_on_a_tie_and_where_a_candidate_cannot_run(network, monkeypatch):
    monkeypatch.setattr(precision, "interleaved_latency_ms", lambda nets, *_: {name: {"ms": 1.0} for name in nets})
    assert precision.fastest_precision(network, (1, 1, 20, 18)) == "fp32"
    original = FastNetwork.forward

    def no_bf16(self, x):
        if self.precision == "bf16":
            raise RuntimeError("bf16 not supported here")
        return original(self, x)

    monkeypatch.setattr(FastNetwork, "forward", no_bf16)
    seen = []
    monkeypatch.setattr(
        precision, "interleaved_latency_ms", lambda nets, *_: seen.append(set(nets)) or {n: {"ms": 1.0} for n in nets}
    )
    assert precision.fastest_precision(network, (1, 1, 21, 18)) == "fp32" and seen == [{"fp32", "channels_last"}]


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared real data (../shared/data) is not on this machine")
def test_every_precision_keeps_the_shipped_wbc_models_dice_on_real_test_images():
    """Tolerance: 0.005 mean Dice on 16 WBC test images (bf16 rounds the logits: a few border pixels move)."""
    network, parser = load_bundle_network("wbc")
    transform = preprocessing("wbc", "eval", parser.get_parsed_content("spatial_size"))
    items = load_split("wbc", SHARED / "wbc", "test")[:16]
    data = [{key: value[None] for key, value in transform(item).items() if key in ("image", "label")} for item in items]
    with torch.no_grad():
        table = dice_by_precision(deployed_network(network, 0.5), data, 3, precision.CANDIDATES)
    for name in precision.CANDIDATES:
        assert abs(table[name]["mean"] - table["fp32"]["mean"]) <= 0.005, (name, table)
    assert table["fp32"]["mean"] > 0.85
