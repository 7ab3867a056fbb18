"""Tiny synthetic subjects in the registration cache layout, and where the real data lives."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def make_grid(root: Path, count: int = 10, shape: tuple[int, ...] = (11, 9, 13), seed: int = 0) -> Path:
    """``count`` subjects ``<name>.npz``: a blurred random image in [0, 1] and labels 0..3 from its quartiles."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        noise = rng.random(shape)
        for axis in range(len(shape)):  # a cheap blur: smooth blobs, so the labels form regions
            noise = (noise + np.roll(noise, 1, axis) + np.roll(noise, -1, axis)) / 3
        image = ((noise - noise.min()) / (noise.max() - noise.min())).astype(np.float32)
        label = np.digitize(image, np.quantile(image, [0.25, 0.5, 0.75])).astype(np.int16) * 10  # ids 0, 10, 20, 30
        np.savez(root / f"subject_{index:02d}.npz", image=image, label=label)
    return root


@pytest.fixture(scope="session")
def tiny_grid(tmp_path_factory) -> Path:
    return make_grid(tmp_path_factory.mktemp("registration") / "grid")
