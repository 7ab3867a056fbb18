import os
import time

import pytest

from bundle.io import STALE_AFTER_S, remove_stale_temporaries, replace_atomically


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


def test_only_old_temporaries_of_processes_that_no_longer_run_are_stale(tmp_path, dead_pid):
    dead, alive = dead_pid, os.getpid()
    stale = f".partial.{dead}.ab12cd34.x.nii.gz"
    kept = [
        f".partial.{alive}.ab12cd34.x.nii.gz",  # a live run's
        f".partial.{dead}.ab12cd34.young.nii.gz",  # too recent: maybe a writer on another machine
        f".partial.{dead}.my-notes.txt",  # not our naming
        ".partial.99999999999999999999.ab12cd34.x.png",  # no such pid
        ".partial.notapid.x.png",
        "x.png",
    ]
    for name in [stale, *kept]:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / f".partial.{dead}.ab12cd34.folder").mkdir()  # not a regular file
    old = time.time() - 2 * STALE_AFTER_S
    for name in [stale, *kept]:
        if "young" not in name:
            os.utime(tmp_path / name, (old, old))
    assert remove_stale_temporaries(tmp_path) == [tmp_path / stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, f".partial.{dead}.ab12cd34.folder"])
