import pytest

from bundle.io import replace_atomically


def test_a_failed_write_leaves_nothing(tmp_path):
    def fail(temporary):
        temporary.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_atomically(tmp_path / "out.nii.gz", fail)
    assert list(tmp_path.iterdir()) == []
