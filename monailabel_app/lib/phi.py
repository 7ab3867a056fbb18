"""The phi of one MONAI Label request: the clinician's choice between fast and accurate.

phi is the factor by which the U-Net's down/upsampling layers resize feature maps: 0.5 (the default)
is the most accurate of the shipped model's measured settings, lower is cheaper. This module needs
nothing beyond Python, so the default test run (without MONAI Label) checks it.
"""

from collections.abc import Sequence

DEFAULT_PHI = 0.5
# Shown in /info/ as the model's "phi" config entry. MONAI Label reads a list there as a choice whose
# first entry is the default (3D Slicer shows a drop-down); any number in [0, 1] is accepted.
PHI_CHOICES = (DEFAULT_PHI, 0.25, 0.1)


class PhiError(ValueError):
    """A request's phi that is not a number in [0, 1]."""


def request_phi(value: object) -> float:
    """``value`` as a phi in [0, 1], or a :class:`PhiError` that says what was wrong.

    Accepted: None (no choice: the default 0.5), a number, a numeric string (what a client's text
    field or drop-down sends, e.g. ``"0.25"``), or a list, whose first entry counts (MONAI Label's
    convention for a choice list in /info/, as for ``device``). Booleans, NaN, infinities and numbers
    outside [0, 1] are refused.
    """
    given = value
    if value is None:
        return DEFAULT_PHI
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            raise PhiError("phi must be a number in [0, 1], got an empty list")
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PhiError(f"phi must be a number in [0, 1], got {given!r}")
    try:
        phi = float(value)
    except ValueError:
        raise PhiError(f"phi must be a number in [0, 1], got {given!r}") from None
    if not 0.0 <= phi <= 1.0:  # also False for NaN
        raise PhiError(f"phi must be a number in [0, 1] (0.5 accurate, the default; lower is faster), got {given!r}")
    return phi
