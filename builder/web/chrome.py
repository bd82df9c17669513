"""The built site's frame (stylesheets, header, tabs, footer) for the web
app's own pages, so /forms and /search look like the rest of the handbook.

The frame is read from the built site's home page, never retyped: when the site changes its
theme, palette or navigation, the app's pages follow at the next build. With no site built
yet, a plain header with the same links stands in. ``templates/web/site_base.html`` draws it;
:data:`bp` makes ``site_chrome()`` available to every template of the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, current_app
from markupsafe import Markup

from builder.core.paths import SITE_DIR, TEMPLATES_DIR

bp = Blueprint("chrome", __name__, template_folder=str(TEMPLATES_DIR))

#: the links of the fallback header (no site built yet)
FALLBACK_TABS = [("首页", "/"), ("学习路径", "/study/"), ("表单", "/forms"), ("搜索", "/search")]


@dataclass
class Chrome:
    stylesheets: list[str] = field(default_factory=list)
    body_attrs: Markup = Markup("")
    top: Markup = Markup("")
    """the page's opening: Material's toggles and header"""
    tabs: Markup = Markup("")
    footer: Markup = Markup("")
    built: bool = False


_cache: dict[Path, tuple[float, Chrome]] = {}

_URL_ATTR = re.compile(r'\b(href|src)="(?![a-z]+:|/|#|data:)([^"]*)"')


def absolute(html: str) -> str:
    """Links written relative to the site's home page, made absolute (the app's pages live elsewhere)."""
    return _URL_ATTR.sub(lambda m: f'{m.group(1)}="/{"" if m.group(2) in (".", "./") else m.group(2)}"', html)


def _between(html: str, start: str, end: str) -> str:
    i = html.find(start)
    if i < 0:
        return ""
    j = html.find(end, i)
    return html[i:j + len(end)] if j >= 0 else ""


def read_chrome(site_dir: Path) -> Chrome:
    """The frame of the built site at ``site_dir`` (its index.html), cached until the file changes."""
    index = Path(site_dir) / "index.html"
    try:
        mtime = index.stat().st_mtime
    except OSError:
        return Chrome()
    hit = _cache.get(index)
    if hit and hit[0] == mtime:
        return hit[1]
    html = index.read_text(encoding="utf-8")
    body = re.search(r"<body([^>]*)>", html)
    top = ""
    if body:
        top = html[body.end():html.find('<div class="md-container"', body.end())]
    # Material's script is left out (it would take /search?q= for its own search and cover the
    # page); the header's search box instead sends its words to /search.
    top = top.replace('<form class="md-search__form" name="search">',
                      '<form class="md-search__form" name="search" action="/search" method="get">')
    top = re.sub(r'(<input type="text" class="md-search__input") name="query"', r'\1 name="q"', top)
    chrome = Chrome(
        stylesheets=["/" + h if not h.startswith("/") else h
                     for h in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
                     if not h.startswith(("http:", "https:"))],
        body_attrs=Markup(body.group(1) if body else ""),
        top=Markup(absolute(top)),
        tabs=Markup(absolute(_between(html, '<nav class="md-tabs"', "</nav>"))),
        footer=Markup(absolute(_between(html, '<footer class="md-footer">', "</footer>"))),
        built=True,
    )
    _cache[index] = (mtime, chrome)
    return chrome


@bp.app_context_processor
def inject() -> dict:
    def site_chrome() -> Chrome:
        return read_chrome(current_app.config.get("SITE_DIR", SITE_DIR))

    return {"site_chrome": site_chrome, "fallback_tabs": FALLBACK_TABS}
