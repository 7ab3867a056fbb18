"""Label maps never overwrite an input or each other."""

import pytest

from bundle.data.outputs import check_outputs


def test_an_output_folder_holding_inputs_or_two_inputs_with_one_label_map_are_refused(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    scan, seg = str(inputs / "scan.nii.gz"), str(inputs / "scan_seg.nii.gz")
    with pytest.raises(ValueError, match=r"holds the input .*scan\.nii\.gz: write label maps to another folder"):
        check_outputs([scan, seg], inputs, "hippocampus")
    with pytest.raises(ValueError, match=r"a\.nii and .*a\.nii\.gz would both be written to .*a_seg\.nii\.gz"):
        check_outputs([str(inputs / "a.nii"), str(inputs / "a.nii.gz")], tmp_path / "out", "hippocampus")
    check_outputs([scan, seg], tmp_path / "out", "hippocampus")  # scan_seg_seg.nii.gz: no clash
    (tmp_path / "elsewhere.nii.gz").touch()
    (inputs / "link.nii.gz").symlink_to(tmp_path / "elsewhere.nii.gz")
    with pytest.raises(ValueError, match=r"holds the input .*link\.nii\.gz"):
        check_outputs([str(inputs / "link.nii.gz")], inputs, "hippocampus")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.nii.gz").symlink_to(inputs / "scan.nii.gz")  # a link from another folder into the outputs
    with pytest.raises(ValueError, match=r"holds the input .*elsewhere/x\.nii\.gz"):
        check_outputs([str(elsewhere / "x.nii.gz")], inputs, "hippocampus")


def test_link_loops_among_the_inputs_are_left_for_screening_to_report(tmp_path):
    (tmp_path / "loop1.nii.gz").symlink_to("loop2.nii.gz")
    (tmp_path / "loop2.nii.gz").symlink_to("loop1.nii.gz")
    (tmp_path / "self.nii.gz").symlink_to("self.nii.gz")
    files = [str(tmp_path / name) for name in ("loop1.nii.gz", "loop2.nii.gz", "self.nii.gz")]
    check_outputs(files, tmp_path / "out", "hippocampus")  # Path.resolve raised RuntimeError("Symlink loop")
    with pytest.raises(ValueError, match="holds the input"):
        check_outputs(files, tmp_path, "hippocampus")
