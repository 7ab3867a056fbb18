"""register_files at each precision: the displacement agrees with fp32 (tolerances below); only a network
deployed at one phi changes precision."""

import nibabel as nib
import numpy as np
import pytest
import torch

from bundle.perf.precision import CANDIDATES
from bundle.registration.inference import register_files
from bundle.registration.network import build_registration_network


def _pair(tmp_path):
    rng = np.random.default_rng(0)
    paths = []
    for name in ("moving", "fixed"):
        path = tmp_path / f"{name}.nii.gz"
        nib.save(nib.Nifti1Image(rng.random((24, 20)).astype(np.float32), np.eye(4)), path)
        paths.append(path)
    return paths


@pytest.fixture
def network():
    torch.manual_seed(0)
    # flow_std 0.1: displacements of about a voxel, so that a precision's error is visible against them
    return build_registration_network("sshn", 2, features=4, levels=3, flow_std=0.1).eval()


def test_every_precision_gives_the_fp32_displacement(network, tmp_path):
    moving, fixed = _pair(tmp_path)
    fields = {}
    for precision in CANDIDATES:
        paths, used = register_files(network, moving, fixed, tmp_path / precision, 0.3, precision=precision)
        assert used == precision
        fields[precision] = nib.load(paths["ddf"]).get_fdata()
    reference = fields["fp32"]
    assert np.abs(reference).max() > 0.01  # the comparison is not between two zero fields
    np.testing.assert_allclose(fields["channels_last"], reference, atol=1e-5)  # the same arithmetic
    # bfloat16 keeps 8 bits of mantissa: within 2 % of the largest displacement
    assert np.abs(fields["bf16"] - reference).max() <= 0.02 * np.abs(reference).max()


def test_auto_picks_a_candidate_and_a_hypernetwork_needs_a_phi(network, tmp_path):
    moving, fixed = _pair(tmp_path)
    _, used = register_files(network, moving, fixed, tmp_path / "auto", 0.3, precision="auto")
    assert used in CANDIDATES
    with pytest.raises(ValueError, match="--precision must be one of"):
        register_files(network, moving, fixed, tmp_path / "bad", 0.3, precision="int8")
    with pytest.raises(ValueError, match="give phi"):
        register_files(network, moving, fixed, tmp_path / "none", None, precision="bf16")
