import pytest

from bundle.io import replace_atomically


def test_a_failed_write_leaves_nothing(tmp_path):
    def fail(temporary):
        temporary.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_atomically(tmp_path / "out.nii.gz", fail)
    assert list(tmp_path.iterdir()) == []


def test_two_writers_of_one_file_use_their_own_temporaries(tmp_path):
    names = []

    def record(temporary):
        names.append(temporary.name)
        assert temporary.name.endswith(".out.nii.gz") and temporary.name.startswith(".partial.")
        temporary.write_bytes(b"x")

    replace_atomically(tmp_path / "out.nii.gz", record)
    replace_atomically(tmp_path / "out.nii.gz", record)
    assert names[0] != names[1]
    assert [p.name for p in tmp_path.iterdir()] == ["out.nii.gz"]
