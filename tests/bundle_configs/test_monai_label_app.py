"""MONAI Label's own BundleInferTask runs this bundle on a real hippocampus volume (marked slow).

monailabel pins another torch and numpy than our test environment, so it lives in its own virtual
environment (docs/README.md, "MONAI Label"); this test skips where monailabel does not import.
"""

from pathlib import Path

import nibabel as nib
import numpy as np
import pytest

from tests.bundle_configs.conftest import ROOT

DATA = ROOT.parent / "shared" / "data" / "hippocampus"


@pytest.mark.slow
def test_monai_label_bundle_task_segments_a_real_volume():
    pytest.importorskip("monailabel", reason="monailabel is not installed in this environment")
    from monailabel.tasks.infer.bundle import BundleInferTask

    images = sorted((DATA / "imagesTr").glob("hippocampus_*.nii.gz"))
    if not images:
        pytest.skip(f"no MSD hippocampus volumes under {DATA}")
    image, label = images[0], DATA / "labelsTr" / images[0].name
    task = BundleInferTask(str(ROOT), {}, load_strict=True)  # strict: a key mismatch fails instead of loading nothing
    assert task.is_valid()
    assert task.labels == {"anterior": 1, "posterior": 2} and task.dimension == 3

    result_file, _ = task({"image": str(image), "device": "cpu"})
    prediction = np.asarray(nib.load(result_file).dataobj)
    truth = np.asarray(nib.load(label).dataobj)
    assert prediction.shape == truth.shape
    assert set(np.unique(prediction).tolist()) <= {0, 1, 2}
    foreground = [
        2 * np.sum((prediction == c) & (truth == c)) / (np.sum(prediction == c) + np.sum(truth == c)) for c in (1, 2)
    ]
    assert np.mean(foreground) > 0.7, foreground  # the shipped model, at its default phi 0.5
    Path(result_file).unlink()
