"""The SimpleITK demons baseline: its displacement follows the networks' convention, and it registers."""

import numpy as np
import pytest
import torch

from bundle.registration.baseline import demons, run_baseline
from bundle.registration.warp import warp


def blobs(size: int = 32) -> np.ndarray:
    grid = np.stack(np.meshgrid(np.arange(size), np.arange(size), indexing="ij"), axis=-1).astype(np.float32)
    image = np.zeros((size, size), np.float32)
    for centre, width in (((12, 10), 4.0), ((20, 22), 5.0), ((9, 24), 3.0)):
        image += np.exp(-((grid - centre) ** 2).sum(-1) / (2 * width**2))
    return image


@pytest.mark.parametrize("axis", [0, 1])
def test_demons_displacement_uses_the_array_axis_order_of_warp(axis):
    fixed = blobs()
    moving = np.roll(fixed, 2, axis=axis)  # moving(x + 2 e_axis) = fixed(x): the displacement is +2 along axis
    ddf = demons(moving, fixed, iterations=50, sigma=1.0)
    assert ddf.shape == (2, 32, 32)
    interior = ddf[:, 8:-8, 8:-8].reshape(2, -1).mean(axis=1)
    assert interior[axis] == pytest.approx(2.0, abs=0.5)
    assert abs(interior[1 - axis]) < 0.3
    warped = warp(torch.from_numpy(moving)[None, None], torch.from_numpy(ddf)[None])[0, 0].numpy()
    assert np.abs(warped - fixed).mean() < 0.3 * np.abs(moving - fixed).mean()


def test_run_baseline_writes_the_affine_floor_and_demons(tiny_grid, tmp_path):
    rows = run_baseline(str(tiny_grid), str(tmp_path), split="test", slices=[0], iterations=5, levels=1)
    assert [row["method"] for row in rows] == ["affine", "demons"]
    assert all(row["pairs"] == 2 and 0.0 <= row["mean_dice"] <= 1.0 for row in rows)
    assert rows[1]["seconds_per_pair"] > 0
    assert (tmp_path / "baseline.csv").read_text().splitlines()[0].startswith("method,phi,mean_dice")
