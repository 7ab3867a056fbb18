"""Fuzzing the loaders: random arrays, dtypes, shapes, NaN/Inf and truncation written as NIfTI or PNG.

Screening must keep a file (and the inference chain then gives a finite tensor) or name it with a
clear problem ("<file>: ..."); nothing else. Default run: FUZZ_EXAMPLES (25) cases; more with
FUZZ_EXAMPLES=500 python -m pytest tests/data/test_fuzz_loading.py.
"""

import os
import tempfile
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from bundle.data.screening import screen
from bundle.data.transforms import preprocessing

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
NIFTI_DTYPES = [np.uint8, np.int16, np.int32, np.float32, np.float64]


@st.composite
def files(draw: st.DrawFn) -> tuple[str, np.ndarray, float | None]:
    """(format, array, fraction of the file kept or None), biased towards the shapes a dataset expects."""
    kind = draw(st.sampled_from(["nifti", "png"]))
    if kind == "png":
        shape = [draw(st.integers(1, 12)), draw(st.integers(1, 12)), *draw(st.sampled_from([[], [3], [3], [4]]))]
        dtype = draw(st.sampled_from([np.uint8, np.uint16])) if len(shape) == 2 else np.uint8
    else:
        dims = draw(st.sampled_from([3, 3, 3, 1, 2, 4, 5]))
        shape = [draw(st.integers(1, 8)) for _ in range(dims)]
        dtype = draw(st.sampled_from(NIFTI_DTYPES))
    fill = draw(st.sampled_from(["random", "random", "zeros", "nan", "inf"]))
    array = np.random.default_rng(draw(st.integers(0, 2**16))).uniform(0, 200, shape)
    if fill == "zeros":
        array[:] = 0
    elif fill in ("nan", "inf") and np.issubdtype(dtype, np.floating):
        array.flat[0] = np.nan if fill == "nan" else np.inf
    cut = draw(st.sampled_from([None, None, None, 0.0, 0.3, 0.9]))
    return kind, array.astype(dtype), cut


def _write(kind: str, array: np.ndarray, cut: float | None, folder: Path) -> Path:
    path = folder / ("image.png" if kind == "png" else "image.nii.gz")
    if kind == "png":
        Image.fromarray(array).save(path)
    else:
        nib.save(nib.Nifti1Image(array, np.eye(4)), path)
    if cut is not None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * cut)])
    return path


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.sampled_from([("hippocampus", 3, 1), ("wbc", 2, 3)]))
def test_screening_keeps_a_usable_file_or_names_it(file, expected):
    dataset, spatial_dims, channels = expected
    with tempfile.TemporaryDirectory() as folder:
        path = _write(*file, Path(folder))
        good, failures = screen([{"image": str(path)}], dataset, spatial_dims, in_channels=channels)
        if failures:
            assert failures[0].startswith(f"{path}: ") and "\n" not in failures[0], failures[0]
            event(failures[0].removeprefix(f"{path}: ").split(" (")[0][:40])
            return
        event("kept")
        image = preprocessing(dataset, "infer", [8] * spatial_dims, in_channels=channels)(good[0])["image"]
        assert image.shape[0] == channels and torch.isfinite(image).all()
