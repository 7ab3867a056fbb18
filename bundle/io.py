"""Writing files through a temporary name and a rename, so that no half-written file is ever left."""

import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path


def _temporary(filename: str | os.PathLike) -> Path:
    """A hidden name beside ``filename``, ending in its name (the writers choose the format by the extension),
    of this process and call alone: two runs writing one file never write into each other's temporary."""
    path = Path(filename)
    return path.with_name(f".partial.{os.getpid()}.{secrets.token_hex(4)}.{path.name}")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process; a pid beyond the system's range
        return True
    return True


# Only our own temporaries: ".partial.<pid>.<8 hex digits>.<name>", as _temporary writes them.
TEMPORARY = re.compile(r"^\.partial\.(\d{1,10})\.[0-9a-f]{8}\.")
# A temporary younger than this is left alone even when its pid is not running here: it may be a live
# writer's on another machine or container sharing the folder (its pid is not visible from here).
STALE_AFTER_S = 600.0


def remove_stale_temporaries(folder: str | os.PathLike, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete the temporaries in ``folder`` that a killed process left and return them: regular files named as
    :func:`replace_atomically` names them, whose process no longer runs on this machine, untouched for
    ``older_than_s`` seconds. Anything else (another user's file, a live run's temporary) is kept, and a file
    that cannot be inspected or deleted is skipped."""
    stale = []
    now = time.time()
    for path in Path(folder).glob(".partial.*"):
        match = TEMPORARY.match(path.name)
        try:
            if match is None or not path.is_file() or _running(int(match.group(1))):
                continue
            if now - path.stat().st_mtime < older_than_s:
                continue
            path.unlink()
        except OSError:
            continue
        stale.append(path)
    return stale


def replace_atomically(filename: str | os.PathLike, write: Callable[[Path], object]) -> None:
    """``write(temporary)`` to a hidden name beside ``filename``, then rename it to ``filename``; nothing is
    left behind when ``write`` fails."""
    temporary = _temporary(filename)
    try:
        write(temporary)
        os.replace(temporary, filename)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary name, so no half-written file is ever left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, lambda temporary: temporary.write_text(text))
