"""The one URL fetcher every WeasyPrint render gets (forms, handbook, quiz papers): it
serves the project's own files and refuses everything else.

Served: ``file:`` URLs of files inside :data:`ROOTS` — the package's assets
(``builder/assets/``: stylesheets, images) and the CJK fonts prepared at setup
(``.cache/fonts/``, see :mod:`builder.forms.fonts`). Refused, with a
:class:`FetchRefused`: http(s), ``data:``, ftp, and any other file (``file:///etc/…``,
a ``..`` or a symlink leading out of the roots). WeasyPrint turns a refusal into a
warning and draws the page without the resource; the rule is DESIGN.md's "WeasyPrint
fetches nothing but the project's own assets".

Built on WeasyPrint's public fetcher API (70): a subclass of ``weasyprint.URLFetcher``
whose ``fetch(url, headers)`` checks the URL and hands it to the parent. (WeasyPrint 70
has no ``weasyprint.urls.default_url_fetcher`` any more: a fetcher importing it raised
ImportError on its first fetch; and a plain function as fetcher lacks the
``_fail_on_errors`` WeasyPrint reads when a fetch fails.)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from builder.core.paths import ASSETS_DIR, CACHE_DIR

#: the folders whose files may be fetched
ROOTS: tuple[Path, ...] = (ASSETS_DIR, CACHE_DIR / "fonts")

__all__ = ["ROOTS", "FetchRefused", "asset_fetcher", "check_url"]


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


@functools.lru_cache(maxsize=1)
def _fetcher_class() -> type:
    from weasyprint import URLFetcher  # imported late: only renders need WeasyPrint

    class AssetFetcher(URLFetcher):
        """A ``weasyprint.URLFetcher`` limited to ``file:`` URLs inside its roots."""

        def __init__(self, roots: Iterable[Path] = ROOTS) -> None:
            super().__init__(allowed_protocols=("file",))
            self.roots = tuple(roots)

        def fetch(self, url: str, headers: Any = None) -> Any:
            check_url(url, self.roots)
            return super().fetch(url, headers)

    return AssetFetcher


def asset_fetcher(roots: Iterable[Path] = ROOTS) -> Any:
    """A new fetcher for ``weasyprint.HTML``/``CSS(url_fetcher=…)`` serving only ``roots``."""
    return _fetcher_class()(roots)
