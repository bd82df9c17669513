"""One way to write an output file: a temp file in the same folder, then one ``os.replace``.

A failure at any point leaves the previous file (or none) and no temp file behind. Every file
gets the permissions an ordinary ``open()`` would give it (0666 less the umask), so a web
server running as another user can read what a build wrote.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def _mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _temp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


def write_with(path: Path | str, write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` fills a temp file beside ``path`` (for libraries that write to a path),
    then it replaces ``path`` in one step. Returns ``path``."""
    path = Path(path)
    tmp = _temp_beside(path)
    try:
        write(tmp)
        os.chmod(tmp, _mode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically. Returns ``path``."""
    return write_with(path, lambda tmp: tmp.write_bytes(data))


def write_text(path: Path | str, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically. Returns ``path``."""
    return write_bytes(path, text.encode("utf-8"))


def write_all(files: Iterable[tuple[Path, bytes]]) -> list[Path]:
    """Several files all-or-nothing: every temp file first, then the renames."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            tmp = _temp_beside(path)
            staged.append((tmp, path))
            tmp.write_bytes(data)
            os.chmod(tmp, _mode())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [p for _, p in staged]
