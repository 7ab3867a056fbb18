"""The neurite-oasis download: a tar built here from generated subjects, served over local HTTP or read from a
path; the user's md5 required and checked, every subject checked before anything is installed."""

import filecmp
import logging
import subprocess
import sys
import tarfile
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from monai.apps.utils import HashCheckError

from bundle.data.download import ensure_dataset, ensure_dataset_or_exit, fetch_neurite_oasis
from tests.data.test_datalist import OASIS_SLICE_AFFINE, make_neurite_oasis
from tests.data.test_download import SCRIPT, file_member, make_tar, staging_leftovers

SUBJECTS = ["OASIS_OAS1_0001_MR1", "OASIS_OAS1_0002_MR1"]


def pack(source: Path, archive: Path) -> str:
    """``source``'s entries at the top level of the tar ``archive``, as the release packs them; returns its md5."""
    members = [
        file_member(str(path.relative_to(source)), path.read_bytes())
        for path in sorted(source.rglob("*"))
        if path.is_file()
    ]
    archive.parent.mkdir(parents=True, exist_ok=True)
    return make_tar(archive, members)


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, Path, str]:
    """(the generated subjects, a tar of them in the 2D release's layout, its md5)."""
    source = make_neurite_oasis(tmp_path / "source", count=2)
    (source / "seg24_labels.txt").write_text("0 Unknown 0 0 0 0\n")
    return source, *archive_of(source, tmp_path / "served" / "neurite-oasis.2d.v1.0.tar")


def archive_of(source: Path, archive: Path) -> tuple[Path, str]:
    return archive, pack(source, archive)


def assert_installed(root: Path, source: Path) -> None:
    assert sorted(p.name for p in root.iterdir()) == [*SUBJECTS, "seg24_labels.txt"]
    for subject in SUBJECTS:
        for name in ("slice_norm.nii.gz", "slice_seg24.nii.gz"):
            assert filecmp.cmp(root / subject / name, source / subject / name, shallow=False)


def test_the_tar_over_http_lands_as_subject_folders_and_a_second_call_fetches_nothing(tmp_path, serve, release):
    source, archive, md5 = release
    server = serve(archive.parent)
    root = tmp_path / "data" / "oasis"
    url = f"{server.url}/{archive.name}"
    assert fetch_neurite_oasis(root, "oasis2d", url=url, md5=md5) == root
    assert_installed(root, source)
    assert staging_leftovers(root.parent) == []

    server.requests.clear()
    assert ensure_dataset("oasis2d", root, mirror=url, mirror_md5=md5) == root
    assert server.requests == []


def test_the_tar_from_a_local_path(tmp_path, release):
    source, archive, md5 = release
    root = fetch_neurite_oasis(tmp_path / "oasis", "oasis2d", url=str(archive), md5=md5.upper())
    assert_installed(root, source)


def test_no_md5_is_refused_before_any_request(tmp_path, serve, release):
    _, archive, _ = release
    server = serve(archive.parent)
    url = f"{server.url}/{archive.name}"
    with pytest.raises(ValueError, match=f"neurite-oasis archive {url} needs its md5 \\(--mirror_md5\\)"):
        fetch_neurite_oasis(tmp_path / "oasis", "oasis2d", url=url)
    public = "https://surfer.nmr.mgh.harvard.edu/ftp/data/neurite/data/neurite-oasis.v1.0.tar"
    with pytest.raises(ValueError, match=f"neurite-oasis archive {public} needs its md5"):
        fetch_neurite_oasis(tmp_path / "oasis", "oasis3d")  # the publisher's URL, never reached
    assert server.requests == []
    assert not (tmp_path / "oasis").exists()


@pytest.mark.parametrize("local", [False, True], ids=["http", "path"])
def test_a_wrong_md5_is_refused_and_extracts_nothing(tmp_path, serve, release, local):
    _, archive, _ = release
    url = str(archive) if local else f"{serve(archive.parent).url}/{archive.name}"
    root = tmp_path / "data" / "oasis"
    with pytest.raises(HashCheckError, match=f"neurite-oasis archive {url}: expected md5 {'0' * 32}"):
        fetch_neurite_oasis(root, "oasis2d", url=url, md5="0" * 32)
    assert not root.exists()
    assert staging_leftovers(root.parent) == []


def test_a_malformed_subject_refuses_the_archive_with_one_line_naming_its_file(tmp_path, release, caplog):
    source, _, _ = release
    cropped = source / SUBJECTS[1] / "slice_seg24.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((160, 190, 1), np.uint8), OASIS_SLICE_AFFINE), cropped)
    (source / SUBJECTS[0] / "slice_norm.nii.gz").unlink()
    archive, md5 = archive_of(source, tmp_path / "bad" / "neurite-oasis.2d.v1.0.tar")
    root = tmp_path / "data" / "oasis"
    with caplog.at_level(logging.WARNING, logger="bundle.data.download"), pytest.raises(ValueError) as refused:
        fetch_neurite_oasis(root, "oasis2d", url=str(archive), md5=md5)
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        f"neurite-oasis archive {archive}: {SUBJECTS[0]}/slice_norm.nii.gz: file does not exist",
        f"neurite-oasis archive {archive}: {SUBJECTS[1]}/slice_seg24.nii.gz: shape 160 x 190 x 1, expected 160 x 192 "
        "as neurite-oasis ships it",
    ]
    message = str(refused.value)
    assert message.startswith(f"refusing neurite-oasis archive {archive}: 2 of its 2 subjects fail the checks")
    assert "\n" not in message
    assert not root.exists()
    assert staging_leftovers(root.parent) == []


def test_a_tar_without_subject_folders_is_refused(tmp_path):
    archive = tmp_path / "other.tar"
    md5 = make_tar(archive, [file_member("Task04_Hippocampus/imagesTr/a.nii.gz", b"x")])
    with pytest.raises(ValueError, match=r"should hold OASIS_OAS1_\*_MR1/ folders .* \['Task04_Hippocampus'\]"):
        fetch_neurite_oasis(tmp_path / "oasis", "oasis2d", url=str(archive), md5=md5)
    assert not (tmp_path / "oasis").exists()


def test_a_tar_member_outside_the_folder_is_refused_and_written_nowhere(tmp_path):
    archive = tmp_path / "served" / "evil.tar"
    archive.parent.mkdir()
    md5 = make_tar(archive, [file_member(f"{SUBJECTS[0]}/slice_norm.nii.gz", b"x"), file_member("../../evil", b"x")])
    root = tmp_path / "data" / "oasis"
    with pytest.raises(ValueError, match=r"refusing neurite-oasis archive .*Unsafe path"):
        fetch_neurite_oasis(root, "oasis2d", url=str(archive), md5=md5)
    assert not any(path.name == "evil" for path in tmp_path.rglob("*"))
    assert not root.exists()


def test_a_folder_that_holds_the_subjects_is_used_as_is(tmp_path, unused_url):
    root = make_neurite_oasis(tmp_path / "oasis")
    assert ensure_dataset("oasis2d", root, mirror=f"{unused_url}/a.tar", mirror_md5="0" * 32) == root
    # control: the same dead mirror fails once a fetch is needed (slices only here: the 3D volumes are not)
    with pytest.raises(OSError, match=f"could not download neurite-oasis archive {unused_url}/a.tar"):
        ensure_dataset("oasis3d", root, mirror=f"{unused_url}/a.tar", mirror_md5="0" * 32)


def test_a_config_run_without_the_data_or_an_md5_ends_with_one_line_and_the_ways_out(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        ensure_dataset_or_exit("oasis2d", tmp_path / "oasis")
    assert stop.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {tmp_path / 'oasis'}: dataset oasis2d is not here and could not be fetched")
    assert "needs its md5" in line and "--dataset_dir" in line and "--mirror_md5" in line


def test_the_script_fetches_from_a_given_tar(tmp_path, release):
    source, archive, md5 = release
    root = tmp_path / "oasis"
    command = [sys.executable, str(SCRIPT), "oasis", "--root", str(root), "--mirror", str(archive)]
    result = subprocess.run([*command, "--mirror_md5", md5], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(root)  # after MONAI's own log lines
    assert_installed(root, source)
    with tarfile.open(archive) as tar:  # the release's layout: subject folders at the top level
        assert {Path(name).parts[0] for name in tar.getnames()} == {*SUBJECTS, "seg24_labels.txt"}
