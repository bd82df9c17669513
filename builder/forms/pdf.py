"""PDF forms: Jinja2 HTML (``templates/forms/form.html.j2``) + print CSS
(``assets/forms/form.css``) through WeasyPrint.

* User text is never template source and Jinja2 autoescapes, so ``{{ 7*7 }}`` and
  ``<script>`` typed into a field are printed as they were typed.
* The CSS lives in a file and is parsed once per process into a ``weasyprint.CSS`` with a
  shared ``FontConfiguration``; the Jinja2 environment and template are built once too.
* WeasyPrint fetches nothing but the project's own assets (:mod:`builder.core.fetch`).
* Fonts: the small "Form Sans" cut at setup (:mod:`builder.forms.fonts`), falling back
  to Noto Sans CJK SC from Debian's fonts-noto-cjk, subset by HarfBuzz
  (libharfbuzz-subset0); Noto also covers rare name characters (𡃁 U+210C1).

Two paths, one result:

* **plain** (:class:`PlainRenderer`, the default): WeasyPrint's and pypdf's public APIs
  only — ``HTML(...).render()/write_pdf()``, ``CSS``, ``FontConfiguration``, ``Page.anchors``,
  ``PdfReader``/``PdfWriter``. A batch is laid out ``chunk`` forms at a time as ONE
  document (style set-up, font subsetting and serialisation paid once a chunk), then
  split into one PDF per form with pypdf.
* **fast** (:mod:`builder.forms.pdf_internals`): the same pages, faster, through library
  internals; switched on only for the exact library versions it was tested with, and
  never when ``HANDBOOK_PDF_PLAIN=1``. :func:`path` says which one this process uses.
"""

from __future__ import annotations

import atexit
import functools
import gc
import io
import logging
import re
import threading
from typing import Any

import jinja2

from builder.core.fetch import asset_fetcher
from builder.core.formspec import FormSpec
from builder.core.paths import ASSETS_DIR, TEMPLATES_DIR
from builder.forms import pdf_internals
from builder.forms.fonts import font_face_css
from builder.forms.layout import layout

FORM_ASSETS = ASSETS_DIR / "forms"
FORM_CSS = FORM_ASSETS / "form.css"
FORM_TEMPLATES = TEMPLATES_DIR / "forms"

__all__ = ["render_pdf", "render_html", "render_pdf_many", "warm", "path", "PlainRenderer", "FORM_CSS"]

log = logging.getLogger(__name__)


def _runs(paragraphs: list[list[Any]]) -> list[tuple[bool, list[list[Any]]]]:
    """Consecutive paragraphs grouped by whether they hold a blank: ``(static, paras)``."""
    out: list[tuple[bool, list[list[Any]]]] = []
    for para in paragraphs:
        static = not any(s.blank for s in para)
        if out and out[-1][0] == static:
            out[-1][1].append(para)
        else:
            out.append((static, [para]))
    return out


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(FORM_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["runs"] = _runs
    return env


def _template(spec: FormSpec) -> jinja2.Template:
    """The one template every form is drawn with: its context is the form's layout pieces,
    never raw user values (a form's look is data in its form.yaml, not its own template)."""
    return _env().get_template("form.html.j2")


def render_html(spec: FormSpec, values: dict[str, Any] | None = None, *, css: str = "inline",
                css_href: str | None = None) -> str:
    """The HTML a PDF is made from. ``css``: ``"inline"`` (a self-contained page: the
    stylesheet file's text in ``<style>``), ``"link"`` (``<link href=css_href>``) or
    ``"none"`` (the PDF renderer adds the parsed stylesheet itself)."""
    html = _template(spec).render(
        spec=spec, pieces=layout(spec, values), blank=values is None,
        link_css=css == "link", css_href=css_href or FORM_CSS.as_uri(),
    )
    html = _BETWEEN_TAGS.sub("><", html)  # template indentation only: values hold no raw < >
    if css == "inline":
        # Our own file, inserted after rendering: never passed through autoescape.
        html = html.replace("</head>", f"<style>\n{_css_text()}</style>\n</head>", 1)
    return html


_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


@functools.lru_cache(maxsize=1)
def _css_text() -> str:
    return FORM_CSS.read_text(encoding="utf-8")


# --- WeasyPrint, public API only -------------------------------------------------
class PlainRenderer:
    """What one process keeps between renders — fonts, the parsed CSS, the fetcher — and
    the plain render: public APIs of WeasyPrint and pypdf only."""

    name = "plain"

    def __init__(self) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.fetcher = asset_fetcher()
        self.font_config = FontConfiguration()
        self.stylesheets = [weasyprint.CSS(filename=str(FORM_CSS), font_config=self.font_config,
                                           url_fetcher=self.fetcher)]
        faces = font_face_css()  # our own text, never user input
        if faces:
            self.stylesheets.insert(0, weasyprint.CSS(string=faces, font_config=self.font_config,
                                                      url_fetcher=self.fetcher))
        self.base_url = FORM_ASSETS.as_uri() + "/"
        # Pango's font map is not safe to share between threads: one render at a time
        # per process (batches use processes).
        self.lock = threading.Lock()

    def html(self, spec: FormSpec, values: dict[str, Any] | None) -> str:
        """The form's HTML without its stylesheet (the renderer adds the parsed one)."""
        return render_html(spec, values, css="none")

    def _html(self, html: str) -> Any:
        import weasyprint

        return weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)

    def pdf(self, spec: FormSpec, values: dict[str, Any] | None) -> bytes:
        """One form, laid out whole by WeasyPrint."""
        html = self.html(spec, values)
        with self.lock:
            return self._html(html).write_pdf(stylesheets=self.stylesheets, font_config=self.font_config)

    def many(self, spec: FormSpec, rows: list[dict[str, Any] | None]) -> list[bytes]:
        """One PDF per row: the rows laid out as one document (each form a ``.sheet`` that
        starts a page, its first page found by the anchor ``f-<n>``), split with pypdf."""
        if len(rows) == 1:
            return [self.pdf(spec, rows[0])]
        sheets = []
        head = body_tag = ""
        for i, values in enumerate(rows):
            html = self.html(spec, values)
            if i == 0:
                head = html[:html.index("<body")]
                body_tag = html[len(head):html.index(">", len(head)) + 1]
            m = _BODY.search(html)
            body = (m.group(1) if m else "").replace(' id="s-', f' id="s{i}-')  # ids unique
            sheets.append(f'<div class="sheet" id="f-{i}">{body}</div>')
        with self.lock:
            doc = self._html(f"{head}{body_tag}{''.join(sheets)}</body></html>").render(
                stylesheets=self.stylesheets, font_config=self.font_config)
            starts = sheet_starts(doc, len(rows))
            data = doc.write_pdf() if starts is not None else b""
        if starts is None:  # pragma: no cover - every sheet starts a page
            return [self.pdf(spec, v) for v in rows]
        return split_pdf(data, starts, spec.title)


def sheet_starts(doc: Any, count: int) -> list[int] | None:
    """The page index where each of ``count`` sheets (anchors ``f-0`` …) begins, or None
    when one is not found at the top of a page."""
    starts: list[int] = []
    for n, page in enumerate(doc.pages):
        for i in range(len(starts), count):
            if f"f-{i}" in page.anchors:
                starts.append(n)
            else:
                break
    return starts if len(starts) == count else None


def split_pdf(data: bytes, starts: list[int], title: str) -> list[bytes]:
    """One PDF per form of a batch's PDF (``starts``: each form's first page), with
    pypdf's public API: each form's pages copied into a new writer."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    bounds = starts + [len(reader.pages)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        writer = PdfWriter()
        for i in range(a, b):
            writer.add_page(reader.pages[i])
        writer.add_metadata({"/Title": title, "/Producer": "handbook (WeasyPrint, pypdf)"})
        buf = io.BytesIO()
        writer.write(buf)
        out.append(buf.getvalue())
    return out


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)

Renderer = PlainRenderer | pdf_internals.FastRenderer

_plain: PlainRenderer | None = None
_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def plain_renderer() -> PlainRenderer:
    """The process's plain renderer (its fonts and CSS are the fast path's too)."""
    global _plain
    with _renderer_lock:
        if _plain is None:
            _plain = PlainRenderer()
            atexit.register(_release)
        return _plain


def _release() -> None:
    """Drop the renderers while the interpreter still has its modules: WeasyPrint's
    ``FontConfiguration.__del__`` calls ``shutil.rmtree``, which is gone at the very end."""
    global _plain, _renderer
    _plain = _renderer = None
    gc.collect()


def select_renderer() -> Renderer:
    """A renderer for this process: the fast path when :func:`pdf_internals.enabled`,
    else the plain one (and the log says why)."""
    plain = plain_renderer()
    ok, why = pdf_internals.enabled()
    if not ok:
        log.info("form PDFs: the plain WeasyPrint path (%s)", why)
        return plain
    return pdf_internals.FastRenderer(plain)


def _get_renderer() -> Renderer:
    global _renderer
    if _renderer is None:
        chosen = select_renderer()
        with _renderer_lock:
            if _renderer is None:
                _renderer = chosen
    return _renderer


def path() -> str:
    """``"fast"`` or ``"plain"``: the path this process's form PDFs take."""
    return _get_renderer().name


def warm(spec: FormSpec | None = None) -> None:
    """Load fonts and styles now (about 1 s), so a server's first PDF is as fast as the
    rest; with a spec, also render it once blank."""
    r = _get_renderer()
    if spec is not None:
        r.pdf(spec, None)


def render_pdf(spec: FormSpec, values: dict[str, Any] | None = None) -> bytes:
    """The PDF of ``spec`` filled with cleaned ``values`` (``None``: a blank form)."""
    return _get_renderer().pdf(spec, values)


def render_pdf_many(spec: FormSpec, rows: list[dict[str, Any] | None], chunk: int = 20) -> list[bytes]:
    """One PDF per entry of ``rows``, made ``chunk`` at a time as ONE WeasyPrint document
    that is then split by form. A batch so pays the per-document costs — style set-up,
    font subsetting, PDF serialisation — once a chunk instead of once a form."""
    out: list[bytes] = []
    r = _get_renderer()
    for start in range(0, len(rows), chunk):
        out += r.many(spec, rows[start:start + chunk])
    return out
