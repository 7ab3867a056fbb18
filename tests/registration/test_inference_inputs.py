"""register_files: every bad moving/fixed file is one InputError naming it; nothing half-written is left."""

import nibabel as nib
import numpy as np
import pytest

from bundle.data.validation import InputError
from bundle.nets.factory import build_network
from bundle.registration.inference import load_registration_network, register_files
from bundle.registration.network import RegistrationNet


def _network() -> RegistrationNet:
    return RegistrationNet(build_network("fixed", 2, 2, 2, features=2, levels=3))


def _write(path, array):
    nib.save(nib.Nifti1Image(np.asarray(array, np.float32), np.eye(4)), path)
    return path


GOOD = np.random.default_rng(0).random((12, 10))
BAD_FIXED = {
    "missing": (None, "file does not exist"),
    "truncated": (b"\x1f\x8b not a NIfTI", "cannot be read as an image"),
    "nan": (np.where(GOOD > 0.5, np.nan, GOOD), "NaN or infinite values"),
    "all zero": (np.zeros((12, 10)), "all zeros"),
    "3D for a 2D network": (np.ones((12, 10, 3)), "3 spatial dimensions"),
}


@pytest.mark.parametrize("case", list(BAD_FIXED))
def test_a_bad_fixed_image_is_one_error_naming_it(case, tmp_path):
    content, message = BAD_FIXED[case]
    moving, fixed = _write(tmp_path / "moving.nii.gz", GOOD), tmp_path / "fixed.nii.gz"
    if isinstance(content, bytes):
        fixed.write_bytes(content)
    elif content is not None:
        _write(fixed, content)
    with pytest.raises(InputError, match=message) as error:
        register_files(_network(), moving, fixed, tmp_path / "out")
    assert str(fixed) in str(error.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_good_files_write_both_outputs_and_no_temporary(tmp_path):
    moving, fixed = _write(tmp_path / "m.nii.gz", GOOD), _write(tmp_path / "f.nii.gz", GOOD[::-1].copy())
    paths, precision = register_files(_network(), moving, fixed, tmp_path / "out", phi=0.25)
    assert precision == "fp32"
    assert nib.load(paths["warped"]).shape == (12, 10) and nib.load(paths["ddf"]).shape == (12, 10, 2)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["m_ddf.nii.gz", "m_warped.nii.gz"]


def test_images_on_different_grids_are_refused_naming_both(tmp_path):
    moving = _write(tmp_path / "m.nii.gz", GOOD)
    shifted = np.eye(4)
    shifted[0, 3] = 5.0
    fixed = tmp_path / "f.nii.gz"
    nib.save(nib.Nifti1Image(GOOD.astype(np.float32), shifted), fixed)
    with pytest.raises(ValueError, match="must share one grid") as error:
        register_files(_network(), moving, fixed, tmp_path / "out")
    assert str(moving) in str(error.value) and str(fixed) in str(error.value)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"method": '$__import__("os").system("touch PWNED")'}, "values starting with"),
        ({"spatial_dims": "$1+1"}, "values starting with"),
        ({"cascades": "@network_def"}, "values starting with"),
        ({"method": "unet"}, "--method must be one of"),
        ({"spatial_dims": 4}, "--spatial_dims must be 2 or 3"),
        ({"cascades": 0}, "--cascades must be an integer >= 1"),
    ],
)
def test_network_settings_are_literal_and_checked(settings, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=message):
        load_registration_network(tmp_path / "model.pt", settings)
    assert not (tmp_path / "PWNED").exists()
