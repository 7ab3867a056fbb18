"""Writing files through a temporary name and a rename, so that no half-written file is ever left."""

import os
import secrets
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
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporaries in ``folder`` that a killed process left (``.partial.<pid>.*`` whose process no
    longer runs) and return them; those of running processes, other runs writing here now, are kept."""
    stale = []
    for path in Path(folder).glob(".partial.*.*"):
        pid = path.name.split(".")[2]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)
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
