"""The handbook as one PDF, through Jinja2 HTML + print CSS and WeasyPrint.

Page numbers in the table of contents come from CSS ``target-counter(attr(href), page)``
and the footer's "第 X 页 共 Y 页" from ``counter(page)``/``counter(pages)``, so they are
laid out by WeasyPrint itself and always agree. The bookmarks (PDF outline) come from
``bookmark-level`` on the chapter (h1) and section (h2) headings. The blank forms of the
appendix are the forms engine's own HTML placed inside the handbook's HTML (their CSS
scoped under ``.form-sheet``), so the appendix pages are counted in "共 Y 页" and listed
in the table of contents. WeasyPrint fetches nothing but this project's assets.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import tinycss2
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from builder.core.fetch import asset_fetcher
from builder.core.model import Procedure
from builder.core.paths import ASSETS_DIR, TEMPLATES_DIR
from builder.forms import pdf as form_pdf
from builder.handbook.flowchart import flowchart_svgs
from builder.handbook.structure import APPENDIX_HEADING, IMPORTS_HEADING, REVISIONS_HEADING, Handbook, cn_numeral
from builder.importer.approve import ACTION_WORDS

CSS_FILE = ASSETS_DIR / "export" / "handbook.css"
FORM_CSS_FILE = ASSETS_DIR / "forms" / "form.css"
SCOPE = ".form-sheet"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "export")),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=False, lstrip_blocks=False)


def _date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def scope_css(css: str, scope: str = SCOPE) -> str:
    """A stylesheet made to act only inside ``scope``: selectors prefixed, ``html``/``body``
    mapped to the scope itself, at-rules (``@page`` …) dropped."""
    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selectors = tinycss2.serialize(rule.prelude).split(",")
        scoped = []
        for sel in selectors:
            sel = sel.strip()
            if not sel:
                continue
            head, _, rest = sel.partition(" ")
            if head in ("html", "body") or head.startswith(("html.", "body.", "html:", "body:")):
                tail = head[4:] if head.startswith("html") else head[4:]
                scoped.append(f"{scope}{tail}{(' ' + rest) if rest else ''}")
            else:
                scoped.append(f"{scope} {sel}")
        body = tinycss2.serialize(rule.content)
        out.append(f"{', '.join(scoped)} {{{body}}}")
    return "\n".join(out)


def blank_form_html(spec: Any) -> str:
    """The forms engine's blank form as an HTML fragment (its ``.form`` element)."""
    from lxml import html as lxml_html

    page = form_pdf.render_html(spec, None)
    doc = lxml_html.document_fromstring(page)
    found = [e for e in doc.iter("div") if "form" in (e.get("class") or "").split()]
    node = found[0] if found else doc.find("body")
    return lxml_html.tostring(node, encoding="unicode")


def render_html(hb: Handbook) -> str:
    """The handbook's whole HTML (what WeasyPrint lays out)."""
    form_titles = {f.spec.id: f.spec.title for f in hb.forms}  # type: ignore[attr-defined]

    title_of = hb.title_of

    def item_ref(item_id: str) -> tuple[str, str | None]:
        s = hb.section_of(item_id)
        return (s.heading, f"#{s.anchor}") if s else (hb.title_of(item_id), None)

    def form_ref(form_id: str) -> tuple[str, str | None]:
        f = hb.form_of(form_id)
        return (f"附表{f.number} {f.spec.title}", f"#{f.anchor}") if f else (form_titles.get(form_id, form_id), None)  # type: ignore[attr-defined]

    def refs(item: Any) -> list[tuple[str, list[tuple[str, str | None]]]]:
        groups = []
        procedures, related = hb.refs_shown(item.procedures), hb.refs_shown(item.related)
        if procedures:
            groups.append(("相关流程", [item_ref(i) for i in procedures]))
        if item.forms:
            groups.append(("使用表单", [form_ref(f) for f in item.forms]))
        if related:
            groups.append(("相关条目", [item_ref(i) for i in related]))
        return groups

    def flowcharts(item: Procedure) -> list[Markup]:
        return [Markup(svg) for svg in flowchart_svgs(item, form_titles)]

    def form_html(spec: Any) -> Markup:
        return Markup(blank_form_html(spec))

    return _env().get_template("handbook.html").render(
        hb=hb, c=hb.control, date=_date, title_of=title_of, refs=refs, form_ref=form_ref,
        flowcharts=flowcharts, form_html=form_html, cn=cn_numeral,
        appendix_heading=APPENDIX_HEADING, revisions_heading=REVISIONS_HEADING, imports_heading=IMPORTS_HEADING,
        action_words=ACTION_WORDS)


@lru_cache(maxsize=1)
def _fetcher() -> Any:
    """The project's one asset fetcher (:mod:`builder.core.fetch`): the handbook never
    reaches the network or a file outside the project's assets."""
    return asset_fetcher()


def stylesheets() -> list[Any]:
    from weasyprint import CSS

    sheets = [CSS(filename=str(CSS_FILE), url_fetcher=_fetcher())]
    if FORM_CSS_FILE.is_file():
        sheets.append(CSS(string=scope_css(FORM_CSS_FILE.read_text(encoding="utf-8")),
                          base_url=str(FORM_CSS_FILE.parent) + "/", url_fetcher=_fetcher()))
        # the handbook's own rules for form headings come after the scoped form CSS
        sheets.append(CSS(string=f"{SCOPE} h1, {SCOPE} h2 {{ bookmark-level: none; string-set: none; }}"
                                 f" {SCOPE} h1 {{ border: none; padding: 0; }}"))
    return sheets


def write_pdf(hb: Handbook, path: Path | str) -> None:
    """Render the handbook to ``path`` (the caller makes it atomic)."""
    from weasyprint import HTML

    html = HTML(string=render_html(hb), base_url=str(ASSETS_DIR / "export") + "/", url_fetcher=_fetcher())
    meta_title = f"{hb.title} {hb.subtitle} {hb.control.number} {hb.control.version}"
    doc = html.render(stylesheets=stylesheets())
    doc.metadata.title = meta_title
    doc.metadata.authors = [hb.control.company]
    doc.write_pdf(str(path))
