"""The company's logo named by ``content/profile.yaml`` (``logo: assets/logo.png``): checked
when content loads and read for the printed forms' header.

A logo is a PNG or JPEG file inside content/ (a relative path, no ``..``), at most
:data:`MAX_BYTES`. :func:`read_logo` returns its bytes and MIME type or raises
:class:`LogoError` with a message for ``file:line: logo: message``.
"""

from __future__ import annotations

import base64
from pathlib import Path, PurePosixPath

#: the largest logo accepted (bytes): a header picture 12 mm high needs far less
MAX_BYTES = 512 * 1024

#: the formats a logo may have: MIME type → the file's first bytes
SIGNATURES: dict[str, bytes] = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}

__all__ = ["MAX_BYTES", "SIGNATURES", "LogoError", "data_url", "mime_of", "read_logo"]


class LogoError(ValueError):
    """A logo path or file that cannot be printed."""


def mime_of(data: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` by the file's own first bytes (not its name), else None."""
    return next((mime for mime, magic in SIGNATURES.items() if data.startswith(magic)), None)


def read_logo(content_dir: Path, rel: str) -> tuple[bytes, str]:
    """The bytes and MIME type of the logo ``rel`` (relative to ``content_dir``)."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or (rel[1:2] == ":"):
        raise LogoError(f"'{rel}' is an absolute path; give a path inside content/, e.g. assets/logo.png")
    if ".." in pure.parts:
        raise LogoError(f"'{rel}' leads out of content/ (..); put the logo inside content/, e.g. assets/logo.png")
    root = content_dir.resolve()
    path = (root / pure).resolve()
    if not path.is_relative_to(root):
        raise LogoError(f"'{rel}' leads out of content/ (a link); put the logo file itself inside content/")
    if not path.is_file():
        raise LogoError(f"'{rel}' not found in content/")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LogoError(f"'{rel}' is {size // 1024} kB; a logo may be at most {MAX_BYTES // 1024} kB")
    data = path.read_bytes()
    mime = mime_of(data)
    if mime is None:
        raise LogoError(f"'{rel}' is not a PNG or JPEG image")
    return data, mime


def data_url(data: bytes, mime: str) -> str:
    """``data:image/png;base64,…``: how the form renderer hands the logo to WeasyPrint
    (the fetcher serves no file from content/)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
