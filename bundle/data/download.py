"""Download the bundle's datasets into the layout its loaders read, verifying every byte against pinned hashes.

WBC (Zheng et al., Micron 2018; GPL-3.0 repository ``zxaoyou/segmentation_WBC``, acknowledge the sources named in
its README) is fetched file by file, each checked against the SHA-256 in ``wbc_manifest.csv``. The source
repository keeps image and mask side by side (``Dataset 1/001.bmp``, ``Dataset 1/001.png``); the bundle layout
under ``root`` is::

    LICENSE, README.rst
    dataset1/images/NNN.bmp   dataset1/masks/NNN.png
    dataset2/images/NNN.bmp   dataset2/masks/NNN.png

The manifest was generated from the project's copy of the data, which holds 240 of the 300 dataset-1 and 80 of
the 100 dataset-2 images, so exactly those 320 image/mask pairs (plus LICENSE and README.rst) are fetched.

MSD tasks (Medical Segmentation Decathlon, CC BY-SA 4.0) are fetched as one tar, the way MONAI's
``DecathlonDataset`` does, with the md5 from MONAI's own table, and end up as ``root/imagesTr``,
``root/labelsTr`` (plus whatever else the archive holds beside them, e.g. ``dataset.json``, ``imagesTs``).

The OASIS datasets are fetched as the neurite-oasis tar that holds them (``bundle.data.neurite_oasis``), extracted
the same way, and every subject is checked before anything lands in ``root``: ``root/OASIS_OAS1_NNNN_MR1/...``
plus the archive's label tables. The publisher gives no checksum: the user's md5 is required.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO
from urllib.error import URLError
from urllib.parse import quote, urlparse
from urllib.request import urlopen

from monai.apps.datasets import DecathlonDataset
from monai.apps.utils import HashCheckError, download_and_extract, extractall
from tqdm import tqdm

from bundle.data.datalist import NEURITE_OASIS_SUBJECTS
from bundle.data.datasets import get_dataset
from bundle.data.neurite_oasis import RELEASES, check_subjects, get_release
from bundle.data.validation import InputError, exit_on_bad_input

logger = logging.getLogger(__name__)

WBC_COMMIT = "56e0b0aac0f6111b05c5699e2d8e97911a9611fe"
WBC_SOURCE = f"https://raw.githubusercontent.com/zxaoyou/segmentation_WBC/{WBC_COMMIT}"
WBC_MANIFEST = Path(__file__).with_name("wbc_manifest.csv")
MANIFEST_COLUMNS = ["path", "source_path", "sha256"]
TIMEOUT_S = 60  # per request: long enough for a slow mirror, short enough that a dead one fails visibly


def fetch_wbc(root: str | os.PathLike, mirror: str | None = None) -> Path:
    """Download every WBC file of the manifest that ``root`` lacks or holds with the wrong SHA-256.

    Args:
        root: folder that receives the bundle layout (created if missing).
        mirror: an http(s) URL or a local folder holding the bundle layout (e.g. a copy of an existing ``root``);
            None downloads from the source repository at the pinned commit.

    Returns:
        ``root``, now holding every manifest file with its pinned hash.
    """
    root = Path(root)
    if mirror is not None and not _is_url(mirror) and not Path(mirror).is_dir():
        raise ValueError(f"WBC mirror {mirror!r} is neither an http(s) URL nor an existing folder")
    for entry in tqdm(_read_manifest(WBC_MANIFEST), desc="WBC", unit="file"):
        target = root / entry["path"]
        if target.is_file() and _digest(target, "sha256") == entry["sha256"]:
            continue
        _fetch_verified(_wbc_source(entry, mirror), target, entry["sha256"])
    return root


def fetch_msd(
    root: str | os.PathLike, task: str = "Task04_Hippocampus", url: str | None = None, md5: str | int | None = None
) -> Path:
    """Download and extract a Medical Segmentation Decathlon task so that ``root/imagesTr``, ``root/labelsTr`` exist.

    The archive holds ``<task>/imagesTr/...``; it is extracted into a temporary folder beside ``root`` and the
    contents of ``<task>/`` are moved into ``root``, so a refused or failed download leaves no data behind.
    Entries of ``root`` named like the archive's (an incomplete earlier attempt) are replaced.

    Args:
        root: folder that receives ``imagesTr/``, ``labelsTr/`` (created if missing).
        task: MSD task name, a key of ``DecathlonDataset.resource``.
        url: a mirror of the task's tar, as an http(s) URL or a local path; None uses MONAI's URL.
        md5: hex md5 of the mirror's tar; required with ``url``, since a mirror's archive may be packed differently.

    Returns:
        ``root``; untouched when it already holds ``imagesTr`` and ``labelsTr`` with a ``.nii.gz`` each.
    """
    root = Path(root)
    if all(any((root / folder).glob("*.nii.gz")) for folder in ("imagesTr", "labelsTr")):
        return root
    url, md5 = _msd_source(task, url, md5)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".partial", dir=root.parent))
    try:
        _extract_archive(url, md5, staging, "MSD")
        _install_msd_task(staging / task, root, url)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def fetch_neurite_oasis(
    root: str | os.PathLike, dataset: str, url: str | None = None, md5: str | int | None = None
) -> Path:
    """Download and extract the neurite-oasis tar of ``dataset`` so that ``root/OASIS_OAS1_NNNN_MR1/`` hold its files.

    The tar (``bundle.data.neurite_oasis.RELEASES``: the 2D one for "oasis2d", the full one for "oasis3d") is
    checked against ``md5``, extracted into a temporary folder beside ``root``, and every subject is checked
    (:func:`~bundle.data.neurite_oasis.check_subjects`): each problem is logged as one line naming the file, and
    any problem refuses the archive, leaving ``root`` as it was. Entries of ``root`` named like the archive's
    are replaced.

    Args:
        root: folder that receives the subject folders (created if missing).
        dataset: "oasis2d" or "oasis3d".
        url: a mirror of the tar, as an http(s) URL or a local path; None uses the publisher's URL.
        md5: hex md5 of the tar, required (the publisher gives none): the md5 of a copy you trust.

    Returns:
        ``root``.
    """
    root = Path(root)
    url, md5 = _neurite_oasis_source(dataset, url, md5)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".partial", dir=root.parent))
    try:
        extracted = staging / "archive"
        extracted.mkdir()
        _extract_archive(url, md5, extracted, "neurite-oasis")
        _check_neurite_oasis(extracted, dataset, url)
        _move_into(extracted, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _check_neurite_oasis(extracted: Path, dataset: str, url: str) -> None:
    """Refuses the archive ``url``, extracted into ``extracted``, unless every subject of ``dataset`` in it passes
    :func:`~bundle.data.neurite_oasis.check_subjects`; each problem is logged as one line, naming the file by
    its place in the archive (the extracted copy is deleted)."""
    try:
        count, problems = check_subjects(extracted, dataset)
    except FileNotFoundError as error:  # no subject folder at all: not a neurite-oasis tar
        found = sorted(path.name for path in extracted.iterdir())[:5]
        raise ValueError(
            f"refusing neurite-oasis archive {url}: it should hold {NEURITE_OASIS_SUBJECTS}/ folders at its top "
            f"level, which holds {found}"
        ) from error
    problems = [problem.replace(f"{extracted}{os.sep}", "") for problem in problems]
    for problem in problems:
        logger.warning("neurite-oasis archive %s: %s", url, problem)
    if problems:
        raise ValueError(
            f"refusing neurite-oasis archive {url}: {len(problems)} of its {count} subjects fail the checks "
            f"(each logged above), the first: {problems[0]}"
        )


def _holds_files(name: str, root: Path) -> bool:
    """Whether ``root`` holds at least one image of the registered dataset ``name`` in its layout."""
    try:
        items = get_dataset(name).datalist(root)
    except FileNotFoundError:  # no dataset folder, or nothing in its layout
        return False
    return any(Path(item["image"]).is_file() for item in items)


def ensure_dataset(
    name: str, root: str | os.PathLike, mirror: str | None = None, mirror_md5: str | int | None = None
) -> Path:
    """Return ``root`` as is when it already holds dataset ``name`` in the bundle layout, else fetch it there.

    Args:
        name: "wbc", "hippocampus" (MSD Task04), "oasis2d" or "oasis3d", fetched where absent; any other
            registered dataset (``bundle.data.datasets``) must already be in ``root``.
        root: the dataset's folder.
        mirror: for "wbc" a mirror of the bundle layout (see ``fetch_wbc``); for "hippocampus" a URL or path of
            the Task04 tar (see ``fetch_msd``); for the OASIS datasets one of the neurite-oasis tar (see
            ``fetch_neurite_oasis``).
        mirror_md5: md5 of the tar: required with a hippocampus ``mirror``, and for any OASIS download.
    """
    root = Path(root)
    if name == "wbc":
        return root if any(root.glob("dataset*/images/*.bmp")) else fetch_wbc(root, mirror)
    if name == "hippocampus":
        if any((root / "imagesTr").glob("*.nii.gz")):
            return root
        return fetch_msd(root, "Task04_Hippocampus", url=mirror, md5=mirror_md5)
    if name in RELEASES:
        return root if _holds_files(name, root) else fetch_neurite_oasis(root, name, url=mirror, md5=mirror_md5)
    # A registered dataset without a download: its files must be there (the datalist's error names the layout).
    get_dataset(name).datalist(root)
    return root


@exit_on_bad_input
def ensure_dataset_or_exit(
    name: str, root: str | os.PathLike, mirror: str | None = None, mirror_md5: str | int | None = None
) -> Path:
    """:func:`ensure_dataset` for the bundle's configs: a failed fetch ends the run with one line on stderr
    (exit status 2) naming the URL, the cause and the two ways out."""
    try:
        return ensure_dataset(name, root, mirror, mirror_md5)
    except (OSError, ValueError) as error:  # HashCheckError is a ValueError
        if name in RELEASES:
            ways_out = "pass --mirror_md5 (the md5 of the archive), with --mirror for a local copy or other URL of it"
        else:
            hint = " and --mirror_md5" if name == "hippocampus" else ""
            ways_out = f"pass --mirror (a local copy or reachable URL of the source){hint}"
        raise InputError(
            root,
            f"dataset {name} is not here and could not be fetched: {error}. Either point --dataset_dir at a "
            f"local copy, or {ways_out}",
        ) from error


def _is_url(location: str) -> bool:
    return urlparse(str(location)).scheme in ("http", "https")


def _read_manifest(path: Path) -> list[dict[str, str]]:
    """Rows of a download manifest: bundle-layout path, source-repository path, hex SHA-256."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    if reader.fieldnames != MANIFEST_COLUMNS:
        raise ValueError(f"manifest {path} should have columns {MANIFEST_COLUMNS}, found {reader.fieldnames}")
    return rows


def _wbc_source(entry: dict[str, str], mirror: str | None) -> str:
    """Where to get one manifest entry: the pinned source repository, or the mirror's copy of the bundle layout."""
    if mirror is None:
        return f"{WBC_SOURCE}/{quote(entry['source_path'])}"
    if _is_url(mirror):
        return f"{mirror.rstrip('/')}/{quote(entry['path'])}"
    return str(Path(mirror) / entry["path"])


def _digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file's bytes, read in 1 MiB chunks so large files do not sit in memory."""
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _open_source(source: str) -> BinaryIO:
    """Readable stream of a URL or local file; a failed request names the URL (urllib's own message does not)."""
    if not _is_url(source):
        return open(source, "rb")
    try:
        return urlopen(source, timeout=TIMEOUT_S)
    except URLError as err:
        raise OSError(f"could not download {source}: {getattr(err, 'reason', err)}") from err


def _fetch_verified(source: str, target: Path, sha256: str) -> None:
    """Copy ``source`` to ``target`` through a temporary file beside it, renamed into place only if its hash matches.

    MONAI's ``download_url`` stages in the system temp folder and reports no actual hash, hence this small version:
    the temporary name in the same folder makes the final rename atomic, so ``target`` is never half-written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, _open_source(source) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise HashCheckError(
                f"{target}: the file from {source} has SHA-256 {digest.hexdigest()}, expected {sha256}; "
                "the mirror or download is corrupted or not this dataset"
            )
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _msd_source(task: str, url: str | None, md5: str | int | None) -> tuple[str, str]:
    """The task's archive location and md5: MONAI's defaults, or a mirror's, checked for shape."""
    if url is None:
        if task not in DecathlonDataset.resource:
            raise ValueError(f"unknown MSD task {task!r}; MONAI knows {sorted(DecathlonDataset.resource)}")
        return DecathlonDataset.resource[task], DecathlonDataset.md5[task]
    if md5 is None:
        raise ValueError(f"MSD mirror {url} needs its md5: a mirror's archive may differ from MONAI's")
    return url, _checked_archive(url, md5, "MSD mirror", "MSD archive")


def _neurite_oasis_source(dataset: str, url: str | None, md5: str | int | None) -> tuple[str, str]:
    """The archive location of ``dataset`` (the publisher's, or a mirror's) and the user's md5, checked for shape."""
    url = get_release(dataset).archive if url is None else url
    if md5 is None:
        raise ValueError(
            f"neurite-oasis archive {url} needs its md5 (--mirror_md5): the publisher gives none, so the bundle "
            "pins none; give the md5 of a copy you trust"
        )
    return url, _checked_archive(url, md5, "neurite-oasis archive", "neurite-oasis archive")


def _checked_archive(url: str, md5: str | int, md5_of: str, archive: str) -> str:
    """``md5`` as 32 lowercase hex digits, once it is that and ``url`` is an http(s) URL or an existing file.

    ``md5_of`` and ``archive`` name the archive in the two messages ("MSD mirror", "MSD archive"). Command
    lines (fire, ``monai.bundle run``) read an all-digit md5 as a number: its 32 digits come back with their
    leading zeros.
    """
    if isinstance(md5, int) and not isinstance(md5, bool) and 0 <= md5 < 10**32:
        md5 = f"{md5:032d}"
    if not re.fullmatch(r"[0-9a-fA-F]{32}", str(md5)):
        raise ValueError(f"md5 for {md5_of} {url} should be 32 hex digits, got {md5!r}")
    if not _is_url(url) and not Path(url).is_file():
        raise FileNotFoundError(f"{archive} {url} is neither an http(s) URL nor an existing file")
    return str(md5).lower()


def _extract_archive(url: str, md5: str, staging: Path, what: str) -> None:
    """Download (or read) the tar, check its md5 and extract it into the empty folder ``staging``.

    MONAI's tar extraction refuses links and members outside the folder, but only once it reaches them, so
    earlier members may already be in ``staging``: the caller deletes it on any failure. ``what`` names the
    archive in messages ("MSD", "neurite-oasis").
    """
    try:
        if _is_url(url):
            # file_type: a mirror URL need not end in .tar; has_base: staging is empty, nothing to skip
            download_and_extract(url, "", staging, md5, "md5", file_type="tar", has_base=False)
        else:
            extractall(url, staging, hash_val=md5, hash_type="md5", file_type="tar", has_base=False)
    except HashCheckError as err:  # before ValueError: it is one
        actual = "" if _is_url(url) else f", found {_digest(Path(url), 'md5')}"
        raise HashCheckError(
            f"{what} archive {url}: expected md5 {md5}{actual}; corrupted download or wrong md5"
        ) from err
    except ValueError as err:
        raise ValueError(f"refusing {what} archive {url}: {err}") from err
    except Exception as err:  # OSError, and the bare Exception MONAI's get_filename_from_url wraps network errors in
        raise OSError(f"could not download {what} archive {url}: {err}") from err


def _install_msd_task(extracted: Path, root: Path, url: str) -> None:
    """Move the extracted ``<task>/`` contents into ``root``, after checking the archive had the expected folders."""
    missing = [name for name in ("imagesTr", "labelsTr") if not (extracted / name).is_dir()]
    if missing:
        found = sorted(path.name for path in extracted.parent.iterdir())
        raise ValueError(f"MSD archive {url} should hold {extracted.name}/{missing[0]}/; its top level holds {found}")
    _move_into(extracted, root)


def _move_into(extracted: Path, root: Path) -> None:
    """Move every entry of the folder ``extracted`` into ``root`` (created if missing); an entry of ``root`` of the
    same name is parked in ``extracted``'s parent, the staging folder, which the caller deletes."""
    # macOS AppleDouble stubs ("._x.nii.gz") match *.nii.gz globs but are not NIfTI; drop them here, not in loaders
    for stub in extracted.rglob("._*"):
        if stub.is_file():
            stub.unlink()
    root.mkdir(exist_ok=True)
    for item in sorted(extracted.iterdir()):
        target = root / item.name
        if target.exists() or target.is_symlink():
            os.replace(target, extracted.parent / f"replaced-{item.name}")
        os.replace(item, target)
