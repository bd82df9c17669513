"""The MkDocs plugin that turns content/ into the staff site.

Registered by entry point as ``handbook`` (pyproject.toml), so ``mkdocs build --strict``
and ``mkdocs serve`` work as MkDocs users expect: content is loaded and checked in
``on_config`` (a problem stops the build, naming every bad file and line), pages are
added as generated files in ``on_files``, and ``on_serve`` watches content/ and forms/ so
an edit reloads the page.

List it *before* ``search`` in mkdocs.yml: it writes the jieba user dictionary that the
search plugin loads in its own ``on_config``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from builder.core.paths import ASSETS_DIR, BUILD_DIR, CACHE_DIR, FORMS_DIR, TEMPLATES_DIR
from builder.core.project import load_project
from builder.site.pages import Site

log = logging.getLogger("mkdocs.plugins.handbook")

MERMAID_JS = CACHE_DIR / "mermaid" / "mermaid.min.js"
#: Files of ours the site carries; the pages load the stylesheets and PAGE_SCRIPTS (the worker is
#: loaded by Material's search UI, see SEARCH_WORKER).
SITE_ASSETS = ["assets/handbook/handbook.css", "assets/handbook/search-worker.js", "assets/handbook/progress.js"]
PAGE_SCRIPTS = ["assets/handbook/progress.js"]
#: The header box's worker (builder/assets/site/search-worker.js) stands in for Material's,
#: whose lunr zh support cannot cut Chinese in a browser; its index is written after the build.
SEARCH_WORKER = "assets/handbook/search-worker.js"
SEARCH_INDEX = "assets/handbook/search-index.js"
_MATERIAL_WORKER_RE = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')
_MATERIAL_BUNDLE_RE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"')
#: Material overrides (Chinese footer and 404, the editors' link), put first in the theme's
#: search path here rather than by ``custom_dir`` so a mkdocs.yml anywhere finds them.
OVERRIDES = TEMPLATES_DIR / "site"


class HandbookConfig(Config):
    content = c.Optional(c.Dir(exists=True))
    """The content folder; default: the site's docs_dir."""
    forms = c.Optional(c.Dir(exists=True))
    """The forms folder; default: forms/ beside mkdocs.yml."""
    userdict = c.Type(str, default="")
    """Where to write the jieba user dictionary for the search plugin; default: build/jieba_userdict.txt."""


class HandbookPlugin(BasePlugin[HandbookConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.site: Site | None = None
        self.assets: dict[str, bytes] = {}

    # --- config: load, check, nav, search dictionary -------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        content_dir = Path(self.config.content or config.docs_dir)
        forms_dir = Path(self.config.forms) if self.config.forms else root / "forms"
        if not forms_dir.is_dir():
            forms_dir = FORMS_DIR
        project = load_project(content_dir, forms_dir)
        if project.problems:
            raise PluginError("content has problems:\n" + "\n".join(str(p) for p in project.problems))
        content, forms = project.content, project.specs
        extra_pages, self.assets = quiz_pages(content)
        self.site = Site(content, forms, extra_pages)
        self.site_content = content
        if not config.nav:
            config.nav = self.site.nav()

        userdict = Path(self.config.userdict) if self.config.userdict else BUILD_DIR / "jieba_userdict.txt"
        write_userdict(content.dictionary, userdict)
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and hasattr(search.config, "jieba_dict_user"):
            search.config.jieba_dict_user = str(userdict)

        if str(OVERRIDES) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(OVERRIDES))
        if MERMAID_JS.exists():
            config.extra_javascript.append("assets/mermaid/mermaid.min.js")
        else:
            log.warning("mermaid.min.js not found in .cache/mermaid/ (run `make setup`): flowcharts stay as text")
        for rel in SITE_ASSETS:
            if rel.endswith(".css") and rel not in config.extra_css:
                config.extra_css.append(rel)
        for rel in PAGE_SCRIPTS:
            if rel not in config.extra_javascript:
                config.extra_javascript.append(rel)
        self._specs = project.specs
        for path in self.assets:
            if path.endswith(".css") and path not in config.extra_css:
                config.extra_css.append(path)
            elif path.endswith(".js") and path not in config.extra_javascript:
                config.extra_javascript.append(path)
        self._watch = [content_dir, forms_dir]
        return config

    # --- files: every page is generated ------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for src, markdown in self.site.pages().items():
            if files.get_file_from_path(src) is None:
                files.append(File.generated(config, src, content=markdown))
        if MERMAID_JS.exists():
            files.append(File.generated(config, "assets/mermaid/mermaid.min.js", abs_src_path=str(MERMAID_JS)))
        for rel in SITE_ASSETS:
            files.append(File.generated(config, rel, abs_src_path=str(ASSETS_DIR / "site" / Path(rel).name)))
        for rel, data in self.assets.items():
            files.append(File.generated(config, rel, content=data))
        return files

    # --- the header search box: our worker, our index -------------------
    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        return use_search_worker(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return use_search_worker(output_content)

    @event_priority(-100)  # after the search plugin has written search_index.json
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        from search.client_index import build_client_index

        site = Path(config.site_dir)
        build_client_index(self.site_content, self._specs, site / SEARCH_INDEX)
        # what Material's page script loads from disk instead of search_index.json
        index_json = site / "search" / "search_index.json"
        if index_json.is_file():
            (site / "search" / "search_index.js").write_text(
                "var __index = " + index_json.read_text(encoding="utf-8"), encoding="utf-8")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for path in self._watch:
            server.watch(str(path))
        return server


def use_search_worker(html: str) -> str:
    """Point Material's search UI (``__config.search``) at our worker, keeping the page's
    relative path to the site root."""
    m = _MATERIAL_WORKER_RE.search(html)
    if m is None:
        return html
    prefix = m.group(2)
    html = html[: m.start()] + f"{m.group(1)}{prefix}{SEARCH_WORKER}\"" + html[m.end() :]
    # loaded as a page script before Material's bundle (which starts the worker as it loads):
    # from disk (file://), where Chromium starts no worker, it runs the box in the page
    tag = f'<script src="{prefix}{SEARCH_WORKER}"></script>'
    return _MATERIAL_BUNDLE_RE.sub(lambda b: tag + b.group(0), html, count=1)


def quiz_pages(content: Any) -> tuple[dict[str, str], dict[str, bytes]]:
    """Self-test pages (one a post) and the JS/CSS they run on."""
    from builder.quiz import selftest as quiz_site

    return quiz_site.pages(content), quiz_site.assets()


def write_userdict(dictionary: Any, path: Path) -> Path:
    """jieba's user-dictionary format: one ``word freq`` a line, written atomically."""
    from search.userdict import write_jieba_userdict

    return write_jieba_userdict(dictionary, path)
