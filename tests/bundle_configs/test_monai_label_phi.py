"""The MONAI Label app's reading of a request's phi (monailabel_app/lib/phi.py; plain Python, no MONAI Label)."""

import importlib.util
import math

import pytest

from tests.bundle_configs.conftest import ROOT


def load_phi_module():
    # The app's modules are imported as ``lib.*`` with the app folder on sys.path (MONAI Label's layout);
    # loaded by path here so that no ``lib`` package is put on the test run's path.
    spec = importlib.util.spec_from_file_location("sshn_app_phi", ROOT / "monailabel_app" / "lib" / "phi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


phi = load_phi_module()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 0.5), (0.25, 0.25), (0, 0.0), (1, 1.0), ("0.1", 0.1), (" 0.5 ", 0.5), ([0.25, 0.5], 0.25)],
)
def test_a_good_phi_is_read_as_a_float(value, expected):
    assert phi.request_phi(value) == expected


@pytest.mark.parametrize("value", [1.5, -0.1, math.nan, math.inf, "fast", "", True, [], {"phi": 0.5}])
def test_a_bad_phi_is_one_clear_error(value):
    with pytest.raises(phi.PhiError, match=r"phi must be a number in \[0, 1\]"):
        phi.request_phi(value)


def test_the_offered_choices_start_with_the_default():
    assert phi.PHI_CHOICES[0] == phi.DEFAULT_PHI == 0.5
    assert all(phi.request_phi(choice) == choice for choice in phi.PHI_CHOICES)
