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
