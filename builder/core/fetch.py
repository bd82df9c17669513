"""The one URL fetcher every WeasyPrint render gets (forms, handbook, quiz papers): it
serves the project's own files and refuses everything else.

Served: ``file:`` URLs of files inside :data:`ROOTS` — the package's assets
(``builder/assets/``: stylesheets, images) and the CJK fonts prepared at setup
(``.cache/fonts/``, see :mod:`builder.forms.fonts`); and exactly one kind of ``data:``
URL, a base64 PNG or JPEG of at most :data:`MAX_DATA_URL` characters whose bytes are
one (the company's logo, which a form's header carries as bytes: see
:class:`builder.forms.layout.Header`). Refused, with a :class:`FetchRefused`: http(s),
any other ``data:``, ftp, and any other file (``file:///etc/…``, a ``..`` or a symlink
leading out of the roots). WeasyPrint turns a refusal into a
warning and draws the page without the resource; the rule is DESIGN.md's "WeasyPrint
fetches nothing but the project's own assets".

Built on WeasyPrint's public fetcher API (70): a subclass of ``weasyprint.URLFetcher``
whose ``fetch(url, headers)`` checks the URL and hands it to the parent. (WeasyPrint 70
has no ``weasyprint.urls.default_url_fetcher`` any more: a fetcher importing it raised
ImportError on its first fetch; and a plain function as fetcher lacks the
``_fail_on_errors`` WeasyPrint reads when a fetch fails.)
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from builder.core.logo import MAX_BYTES, mime_of
from builder.core.paths import ASSETS_DIR, CACHE_DIR

#: the folders whose files may be fetched
ROOTS: tuple[Path, ...] = (ASSETS_DIR, CACHE_DIR / "fonts")

#: the image ``data:`` URLs served (the logo): these prefixes only, then base64
DATA_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")
#: the longest ``data:`` URL served: a logo of :data:`builder.core.logo.MAX_BYTES` in base64
MAX_DATA_URL = len(DATA_PREFIXES[1]) + (MAX_BYTES + 2) // 3 * 4

__all__ = ["ROOTS", "DATA_PREFIXES", "MAX_DATA_URL", "FetchRefused", "asset_fetcher", "check_url", "check_data_url"]


class FetchRefused(ValueError):
    """A URL outside the project's own assets."""


def check_url(url: str, roots: Iterable[Path] = ROOTS) -> Path:
    """The file ``url`` names, if it lies inside one of ``roots``; else :class:`FetchRefused`."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        raise FetchRefused(f"WeasyPrint fetches nothing but the project's own assets: "
                           f"refused a {parts.scheme or 'relative'}: URL")
    if parts.netloc not in ("", "localhost"):
        raise FetchRefused("WeasyPrint fetches nothing but the project's own assets: refused a remote file")
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(root.resolve()) for root in roots):
        raise FetchRefused(f"WeasyPrint fetches nothing outside {', '.join(str(r) for r in roots)}: "
                           f"refused {path}")
    return path


def check_data_url(url: str) -> None:
    """Nothing, if ``url`` is a base64 PNG or JPEG ``data:`` URL no longer than
    :data:`MAX_DATA_URL` whose decoded bytes are that format; else :class:`FetchRefused`."""
    prefix = next((p for p in DATA_PREFIXES if url.startswith(p)), None)
    if prefix is None:
        raise FetchRefused("WeasyPrint fetches nothing but the project's own assets: refused a data: URL "
                           "that is not a base64 PNG or JPEG")
    if len(url) > MAX_DATA_URL:
        raise FetchRefused(f"WeasyPrint fetches nothing larger than {MAX_BYTES // 1024} kB as a data: URL: "
                           f"refused one of {len(url)} characters")
    try:
        data = base64.b64decode(url[len(prefix):], validate=True)
    except binascii.Error:
        raise FetchRefused("WeasyPrint fetches nothing but the project's own assets: "
                           "refused a data: URL that is not valid base64") from None
    if mime_of(data) != prefix[len("data:"):prefix.index(";")]:
        raise FetchRefused("WeasyPrint fetches nothing but the project's own assets: "
                           "refused a data: URL whose bytes are not the image type it names")


@functools.lru_cache(maxsize=1)
def _fetcher_class() -> type:
    from weasyprint import URLFetcher  # imported late: only renders need WeasyPrint

    class AssetFetcher(URLFetcher):
        """A ``weasyprint.URLFetcher`` limited to ``file:`` URLs inside its roots (and a
        logo's image ``data:`` URL)."""

        def __init__(self, roots: Iterable[Path] = ROOTS) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.roots = tuple(roots)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                check_data_url(url)
            else:
                check_url(url, self.roots)
            return super().fetch(url, headers)

    return AssetFetcher


def asset_fetcher(roots: Iterable[Path] = ROOTS) -> Any:
    """A new fetcher for ``weasyprint.HTML``/``CSS(url_fetcher=…)`` serving only ``roots``."""
    return _fetcher_class()(roots)
