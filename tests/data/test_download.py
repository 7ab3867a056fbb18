"""Dataset download: mirrors over local HTTP and folders, hash refusal, md5-checked MSD tars, unsafe tar members."""

import filecmp
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from monai.apps.utils import HashCheckError

from bundle.data.download import (
    WBC_MANIFEST,
    _read_manifest,
    ensure_dataset,
    ensure_dataset_or_exit,
    fetch_msd,
    fetch_wbc,
)
from tests.data.test_transforms import make_msd

SHARED = (Path(__file__).parents[2] / ".." / "shared" / "data").resolve()
SCRIPT = Path(__file__).parents[2] / "scripts" / "download.py"
TASK = "Task04_Hippocampus"

needs_shared = pytest.mark.skipif(
    not (SHARED / "wbc").is_dir() or not (SHARED / "hippocampus").is_dir(),
    reason=f"real data not found at {SHARED} (expects wbc/ and hippocampus/)",
)
pytestmark = needs_shared


def manifest_paths() -> list[str]:
    return [row["path"] for row in _read_manifest(WBC_MANIFEST)]


def assert_same_as_source(root: Path) -> None:
    paths = manifest_paths()
    mismatched = [p for p in paths if not filecmp.cmp(root / p, SHARED / "wbc" / p, shallow=False)]
    assert mismatched == []
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == sorted(paths)


def test_manifest_covers_the_local_copy_pairwise() -> None:
    paths = manifest_paths()
    assert len(paths) == 2 + 2 * 320
    images = [p for p in paths if "/images/" in p]
    assert sum(p.startswith("dataset1/") for p in images) == 240
    assert sum(p.startswith("dataset2/") for p in images) == 80
    assert {p.replace("/images/", "/masks/").replace(".bmp", ".png") for p in images} <= set(paths)


def test_http_mirror_gives_byte_identical_files_and_a_second_call_downloads_only_what_is_wrong(
    tmp_path: Path, serve
) -> None:
    server = serve(SHARED)
    root = tmp_path / "wbc"
    assert fetch_wbc(root, mirror=f"{server.url}/wbc/") == root
    assert len(server.requests) == len(manifest_paths())
    assert_same_as_source(root)

    server.requests.clear()
    fetch_wbc(root, mirror=f"{server.url}/wbc")
    assert server.requests == []

    (root / "dataset2/masks/001.png").write_bytes(b"damaged")
    fetch_wbc(root, mirror=f"{server.url}/wbc")
    assert server.requests == ["/wbc/dataset2/masks/001.png"]
    assert_same_as_source(root)


def test_folder_mirror(tmp_path: Path) -> None:
    root = fetch_wbc(tmp_path / "wbc", mirror=str(SHARED / "wbc"))
    assert_same_as_source(root)


def test_tampered_file_is_refused_and_leaves_nothing_behind(tmp_path: Path, serve) -> None:
    mirror = shutil.copytree(SHARED / "wbc", tmp_path / "mirror")
    tampered = mirror / "dataset1/images/001.bmp"
    data = bytearray(tampered.read_bytes())
    data[100] ^= 0xFF
    tampered.write_bytes(data)
    server = serve(mirror)
    root = tmp_path / "wbc"

    with pytest.raises(HashCheckError) as caught:
        fetch_wbc(root, mirror=server.url)
    message = str(caught.value)
    expected = hashlib.sha256((SHARED / "wbc/dataset1/images/001.bmp").read_bytes()).hexdigest()
    assert str(root / "dataset1/images/001.bmp") in message
    assert f"{server.url}/dataset1/images/001.bmp" in message
    assert f"expected {expected}" in message
    assert hashlib.sha256(bytes(data)).hexdigest() in message
    assert not (root / "dataset1/images/001.bmp").exists()
    assert list(root.rglob("*.part")) == []


def test_folder_mirror_that_does_not_exist_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"neither an http\(s\) URL nor an existing folder"):
        fetch_wbc(tmp_path / "wbc", mirror=str(tmp_path / "absent"))


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> str:
    """Write a tar of the given members; return its md5."""
    with tarfile.open(path, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    with tarfile.open(path) as tar:  # tarfile must not have normalised the hostile names away
        assert [m.name for m in tar.getmembers()] == [info.name for info, _ in members]
    return hashlib.md5(path.read_bytes()).hexdigest()


def file_member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def link_member(name: str, target: str, kind: bytes) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def hippocampus_sample(count: int = 3) -> list[str]:
    return sorted(p.name for p in (SHARED / "hippocampus/imagesTr").glob("*.nii.gz"))[:count]


@pytest.fixture
def task_tar(tmp_path: Path) -> tuple[Path, str]:
    """A small Task04 tar in MSD's layout (three image/label pairs of the real data) and its md5."""
    members = [
        file_member(f"{TASK}/{folder}/{name}", (SHARED / "hippocampus" / folder / name).read_bytes())
        for folder in ("imagesTr", "labelsTr")
        for name in hippocampus_sample()
    ]
    members.append(file_member(f"{TASK}/imagesTr/._{hippocampus_sample()[0]}", b"AppleDouble"))
    archive = tmp_path / "served" / f"{TASK}.tar"
    archive.parent.mkdir()
    return archive, make_tar(archive, members)


def staging_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_msd_tar_over_http_lands_as_images_and_labels_folders(tmp_path: Path, serve, task_tar) -> None:
    archive, md5 = task_tar
    server = serve(archive.parent)
    root = tmp_path / "data" / "hippocampus"
    assert fetch_msd(root, url=f"{server.url}/{archive.name}", md5=md5) == root
    for folder in ("imagesTr", "labelsTr"):
        assert sorted(p.name for p in (root / folder).iterdir()) == hippocampus_sample()  # AppleDouble stub dropped
        for name in hippocampus_sample():
            assert filecmp.cmp(root / folder / name, SHARED / "hippocampus" / folder / name, shallow=False)
    assert staging_leftovers(root.parent) == []

    server.requests.clear()
    fetch_msd(root, url=f"{server.url}/{archive.name}", md5=md5)
    assert server.requests == []


def test_msd_tar_from_a_local_path(tmp_path: Path, task_tar) -> None:
    archive, md5 = task_tar
    root = fetch_msd(tmp_path / "hippocampus", url=str(archive), md5=md5)
    assert sorted(p.name for p in (root / "labelsTr").iterdir()) == hippocampus_sample()


@pytest.mark.parametrize("local", [False, True], ids=["http", "path"])
def test_msd_wrong_md5_raises_and_extracts_nothing(tmp_path: Path, serve, task_tar, local: bool) -> None:
    archive, _ = task_tar
    url = str(archive) if local else f"{serve(archive.parent).url}/{archive.name}"
    root = tmp_path / "data" / "hippocampus"
    with pytest.raises(HashCheckError, match=f"MSD archive {url}: expected md5 {'0' * 32}"):
        fetch_msd(root, url=url, md5="0" * 32)
    assert not root.exists()
    assert staging_leftovers(root.parent) == []


def test_an_all_digit_md5_read_as_a_number_keeps_its_leading_zeros(tmp_path: Path, task_tar) -> None:
    archive, _ = task_tar
    with pytest.raises(HashCheckError, match=f"expected md5 {'0' * 32}"):  # not "0": the command line's int
        fetch_msd(tmp_path / "h", url=str(archive), md5=0)


def test_msd_mirror_without_md5_or_with_a_malformed_one_is_refused(tmp_path: Path, task_tar) -> None:
    archive, _ = task_tar
    with pytest.raises(ValueError, match="needs its md5"):
        fetch_msd(tmp_path / "h", url=str(archive))
    with pytest.raises(ValueError, match="should be 32 hex digits, got 'abc'"):
        fetch_msd(tmp_path / "h", url=str(archive), md5="abc")
    with pytest.raises(ValueError, match="unknown MSD task 'Task99_Nothing'"):
        fetch_msd(tmp_path / "h", task="Task99_Nothing")


@pytest.mark.parametrize("attack", ["parent", "absolute", "symlink", "hardlink"])
def test_malicious_tar_writes_nothing_outside_and_is_refused(tmp_path: Path, serve, attack: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "data" / "hippocampus"
    benign = file_member(f"{TASK}/imagesTr/hippocampus_001.nii.gz", b"not really nifti")
    hostile = {
        # staging sits beside root, so ../ from it lands in data/, ../../ in tmp_path
        "parent": [file_member("../evil", b"x"), file_member(f"{TASK}/../../../evil", b"x")],
        "absolute": [file_member(str(outside / "evil"), b"x")],
        "symlink": [
            link_member(f"{TASK}/imagesTr/link", str(outside), tarfile.SYMTYPE),
            file_member(f"{TASK}/imagesTr/link/evil", b"x"),
        ],
        "hardlink": [link_member(f"{TASK}/imagesTr/hard", str(outside / "victim"), tarfile.LNKTYPE)],
    }[attack]
    (outside / "victim").write_bytes(b"keep")
    archive = tmp_path / "served" / f"{TASK}.tar"
    archive.parent.mkdir()
    md5 = make_tar(archive, [benign, *hostile])
    server = serve(archive.parent)

    with pytest.raises(ValueError, match=r"refusing MSD archive .*(Unsafe path|link detected)"):
        fetch_msd(root, url=f"{server.url}/{archive.name}", md5=md5)
    for escaped in (tmp_path / "evil", tmp_path / "data" / "evil", tmp_path.parent / "evil", outside / "evil"):
        assert not escaped.exists(), escaped
    assert (outside / "victim").read_bytes() == b"keep"
    assert not root.exists()  # the benign member extracted before the refusal went with the staging folder
    assert staging_leftovers(root.parent) == []


def test_ensure_dataset_returns_existing_folders_without_fetching(tmp_path: Path, unused_url: str) -> None:
    assert ensure_dataset("wbc", SHARED / "wbc", mirror=unused_url) == SHARED / "wbc"
    hippocampus = SHARED / "hippocampus"
    assert ensure_dataset("hippocampus", hippocampus, mirror=f"{unused_url}/t.tar", mirror_md5="0" * 32) == hippocampus
    # control: the same dead mirror does fail once a fetch is really needed
    with pytest.raises(OSError, match=f"could not download {unused_url}/LICENSE"):
        ensure_dataset("wbc", tmp_path / "wbc", mirror=unused_url)
    with pytest.raises(OSError, match=f"could not download MSD archive {unused_url}/t.tar"):
        ensure_dataset("hippocampus", tmp_path / "h", mirror=f"{unused_url}/t.tar", mirror_md5="0" * 32)


def test_ensure_dataset_unknown_name_and_a_dataset_without_download(tmp_path: Path) -> None:
    known = r"\['hippocampus', 'msd', 'oasis2d', 'oasis3d', 'wbc'\]"
    with pytest.raises(ValueError, match=rf"dataset must be one of {known}, got 'camus'"):
        ensure_dataset("camus", "anywhere")
    with pytest.raises(FileNotFoundError, match=r"dataset folder .*absent does not exist \(expected imagesTr"):
        ensure_dataset("msd", tmp_path / "absent")  # no download: the files must be there
    assert ensure_dataset("msd", make_msd(tmp_path / "task")) == tmp_path / "task"


def test_script_reports_an_error_as_one_line(tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "hippocampus", "--root", str(tmp_path / "h"), "--mirror", str(archive)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    message = f"error: MSD mirror {archive} needs its md5: a mirror's archive may differ from MONAI's"
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr


def test_script_uses_the_given_mirror_and_never_the_public_source(tmp_path: Path) -> None:
    """The docs' flags (--mirror, --mirror_md5) reach the download: a missing mirror fails naming it."""
    missing, md5 = tmp_path / "nothere.tar", "0" * 32
    flags = ["--root", str(tmp_path / "h"), "--mirror", str(missing), "--mirror_md5", md5]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "hippocampus", *flags],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert str(missing) in result.stderr and "amazonaws" not in result.stderr and "Traceback" not in result.stderr


def test_a_config_run_that_cannot_fetch_its_data_ends_with_one_line_and_the_ways_out(
    tmp_path: Path, unused_url: str, capsys
) -> None:
    with pytest.raises(SystemExit) as stop:
        ensure_dataset_or_exit("hippocampus", tmp_path / "h", mirror=f"{unused_url}/t.tar", mirror_md5="0" * 32)
    assert stop.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {tmp_path / 'h'}: dataset hippocampus is not here and could not be fetched")
    assert f"could not download MSD archive {unused_url}/t.tar" in line
    assert "--dataset_dir" in line and "--mirror" in line and "--mirror_md5" in line
    with pytest.raises(SystemExit):
        ensure_dataset_or_exit("wbc", tmp_path / "w", mirror=unused_url)
    assert f"could not download {unused_url}/LICENSE" in capsys.readouterr().err
    assert ensure_dataset_or_exit("wbc", SHARED / "wbc", mirror=unused_url) == SHARED / "wbc"
