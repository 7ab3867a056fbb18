import logging

import nibabel as nib
import numpy as np
import pytest
import torch

from bundle.data.atomic_writers import AtomicNibabelWriter, AtomicPILWriter

CASES = [(AtomicNibabelWriter, "a.nii.gz", (5, 6, 7)), (AtomicPILWriter, "a.png", (5, 6))]


@pytest.mark.parametrize(("writer", "name", "shape"), CASES)
def test_writers_leave_only_the_final_file_and_log_its_name(writer, name, shape, tmp_path, caplog):
    image_writer = writer(output_dtype=np.uint8)
    image_writer.set_data_array(torch.ones(1, *shape), channel_dim=0)
    image_writer.set_metadata({"affine": np.eye(4), "original_affine": np.eye(4)}, resample=False)
    with caplog.at_level(logging.INFO):
        image_writer.write(tmp_path / name, verbose=True)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert [record.getMessage() for record in caplog.records] == [f"writing: {tmp_path / name}"]  # not the temporary
    if name.endswith(".nii.gz"):
        assert nib.load(tmp_path / name).shape == shape
