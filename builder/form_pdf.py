"""PDF forms: Jinja2 HTML (``templates/forms/form.html.j2``) + print CSS
(``assets/forms/form.css``) through WeasyPrint.

* User text is never template source and Jinja2 autoescapes, so ``{{ 7*7 }}`` and
  ``<script>`` typed into a field are printed as they were typed.
* The CSS lives in a file and is parsed once per process into a ``weasyprint.CSS`` with a
  shared ``FontConfiguration``; the Jinja2 environment and template are built once too.
* WeasyPrint fetches nothing but the project's own form assets (:class:`AssetFetcher`).
* Fonts: Noto Sans CJK SC from Debian's fonts-noto-cjk, subset by HarfBuzz
  (libharfbuzz-subset0); it also covers rare name characters (𡃁 U+210C1).
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import zlib
from pathlib import Path
from typing import Any

import jinja2

from .form_fonts import FONT_DIR, font_face_css
from .form_layout import layout
from .formspec import FormSpec
from .paths import ASSETS_DIR, FORMS_DIR, TEMPLATES_DIR

FORM_ASSETS = ASSETS_DIR / "forms"
FORM_CSS = FORM_ASSETS / "form.css"
FORM_TEMPLATES = TEMPLATES_DIR / "forms"

__all__ = ["render_pdf", "render_html", "render_pdf_many", "warm", "AssetFetcher", "FORM_CSS"]


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        # forms/<id>/form.html.j2 (an override, only where a form truly needs one), then ours
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(FORMS_DIR)),
                                    jinja2.FileSystemLoader(str(FORM_TEMPLATES))]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


@functools.lru_cache(maxsize=64)
def _template_name(form_id: str) -> str:
    own = FORMS_DIR / form_id / "form.html.j2"
    return f"{form_id}/form.html.j2" if own.exists() else "form.html.j2"


def _template(spec: FormSpec) -> jinja2.Template:
    """The form's own ``forms/<id>/form.html.j2`` if it has one, else the shared template.
    Either gets the same context (spec, pieces, blank …), never raw user values."""
    return _env().get_template(_template_name(spec.id))


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


# --- WeasyPrint -----------------------------------------------------------------
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class AssetFetcher(URLFetcher):
        """Fetches ``file:`` URLs inside ``builder/assets/forms`` (and the prepared fonts in
        ``.cache/fonts``) and refuses anything else: no http, no data, no other file."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            from urllib.parse import unquote, urlparse

            u = urlparse(url)
            if u.scheme != "file":
                raise ValueError(f"refused to fetch {u.scheme}: URL (forms fetch only their own assets)")
            path = Path(unquote(u.path)).resolve()
            if not any(path.is_relative_to(d.resolve()) for d in (FORM_ASSETS, FONT_DIR)):
                raise ValueError("refused to fetch a file outside the form assets")
            return super().fetch(url, headers)

    return AssetFetcher


#: Deflate level for our PDFs' streams. pydyf compresses every stream at level 9; the
#: forms' streams are mostly the CFF font subsets, for which level 1 costs about a fifth
#: of the time (~5 ms a form less) for files about 2 % bigger (90.7 → 92.8 kB).
DEFLATE_LEVEL = 1


class _FastDeflate:
    """Stands for the ``zlib`` module inside pydyf while one of OUR PDFs is written
    (:func:`_deflate_level`): the same functions, at :data:`DEFLATE_LEVEL`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(DEFLATE_LEVEL, *args, **kwargs)

    @staticmethod
    def compress(data: bytes, level: int = -1, **kwargs: Any) -> bytes:
        return zlib.compress(data, DEFLATE_LEVEL)


@contextlib.contextmanager
def _deflate_level():
    """pydyf's deflate at :data:`DEFLATE_LEVEL` for the block (held under the renderer's
    lock, so ours never interleave; another PDF written meanwhile in the same process —
    the handbook export — would at worst get level-1 streams: still a valid PDF)."""
    import pydyf

    if getattr(pydyf, "zlib", None) is not zlib:  # pragma: no cover - pydyf changed
        yield
        return
    pydyf.zlib = _FastDeflate()
    try:
        yield
    finally:
        pydyf.zlib = zlib


class _Renderer:
    """What one process keeps between renders: fonts, the parsed CSS, the fetcher."""

    def __init__(self) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self.fetcher = _fetcher_class()(allowed_protocols=("file",))
        self.font_config = FontConfiguration()
        self.css = weasyprint.CSS(filename=str(FORM_CSS), font_config=self.font_config,
                                  url_fetcher=self.fetcher)
        self.stylesheets = [self.css]
        faces = font_face_css()  # our own text, never user input
        if faces:
            self.stylesheets.insert(0, weasyprint.CSS(string=faces, font_config=self.font_config,
                                                      url_fetcher=self.fetcher))
        self.html_class = _fast_html_class(weasyprint)
        self.base_url = FORM_ASSETS.as_uri() + "/"
        self.lock = threading.Lock()

    def pdf(self, spec: FormSpec, values: dict[str, Any] | None) -> bytes:
        html = render_html(spec, values, css="none")
        # Pango's font map is not safe to share between threads: one render at a time
        # per process (batches use processes).
        with self.lock:
            doc = self.html_class(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
            with _deflate_level():
                return doc.write_pdf(stylesheets=self.stylesheets, font_config=self.font_config)

    def many(self, spec: FormSpec, rows: list[dict[str, Any] | None]) -> list[bytes]:
        first = render_html(spec, rows[0], css="none")
        head, _, _ = first.partition("<body")
        body_tag = first[len(head):first.index(">", len(head)) + 1]
        sheets = []
        for i, v in enumerate(rows):
            html = first if i == 0 else render_html(spec, v, css="none")
            m = _BODY.search(html)
            sheets.append(f'<div class="sheet" id="f-{i}">{m.group(1) if m else ""}</div>')
        html = f"{head}{body_tag}{''.join(sheets)}</body></html>"
        with self.lock:
            doc = self.html_class(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets, font_config=self.font_config)
            starts: list[int] = []
            for n, page in enumerate(doc.pages):
                for i in range(len(starts), len(rows)):
                    if f"f-{i}" in page.anchors:
                        starts.append(n)
                    else:
                        break
            if len(starts) != len(rows):  # pragma: no cover - every sheet starts a page
                return [self.pdf(spec, v) for v in rows]
            with _deflate_level():
                data = doc.write_pdf()
        return _split_pdf(data, starts, spec.title)


#: The user-agent stylesheet for our own template: only the display types it uses. The
#: full HTML5 one (256 lines) costs every element a few hundred selector tests a render.
_UA_CSS = """
html, body, div, p, h1, h2, header, caption { display: block }
head, style, link, meta, title, script, template { display: none }
table { display: table; box-sizing: border-box; border-collapse: separate; text-indent: initial }
caption { display: table-caption; text-align: center }
colgroup { display: table-column-group } col { display: table-column }
thead { display: table-header-group; vertical-align: middle }
tbody { display: table-row-group; vertical-align: middle }
tr { display: table-row; vertical-align: inherit }
td, th { display: table-cell; vertical-align: inherit }
th { font-weight: bold }
h1, h2 { font-weight: bold }
span { display: inline }
"""


def _fast_html_class(weasyprint: Any) -> type:
    """``weasyprint.HTML`` with :data:`_UA_CSS` as its user-agent stylesheet (the forms'
    template is ours, so it needs no more). Falls back to the stock class if WeasyPrint's
    private hook ever changes."""
    if not hasattr(weasyprint.HTML, "_ua_stylesheets"):  # pragma: no cover
        return weasyprint.HTML
    ua = weasyprint.CSS(string=_UA_CSS)

    class FormHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [ua]

    return FormHTML


def _split_pdf(data: bytes, starts: list[int], title: str) -> list[bytes]:
    """One PDF per form of a chunk's PDF (``starts``: each form's first page).

    The forms of a chunk share their fonts, so each object of the chunk is serialised once
    and copied, with its own number, into every form that reaches it (pypdf's ``add_page``
    cloned the shared font objects again for every form: ~10 ms a form, a fifth of a
    batch). Each PDF gets its own catalogue, page tree (under the chunk's page-tree number,
    so the pages' ``/Parent`` stays right), info and xref; the numbers it does not use are
    free entries. Any structure this does not expect goes through pypdf as before."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, TextStringObject

    reader = PdfReader(io.BytesIO(data))
    n = len(reader.pages)
    try:
        tree = reader.trailer["/Root"].raw_get("/Pages")
        page_nums = [reader.pages[i].indirect_reference.idnum for i in range(n)]
        if not isinstance(tree, IndirectObject) or any(
                reader.pages[i].raw_get("/Parent").idnum != tree.idnum for i in range(n)):
            raise ValueError("nested page tree")
    except (KeyError, AttributeError, ValueError):  # pragma: no cover - not WeasyPrint's shape
        return _split_pdf_pypdf(reader, starts, title)

    body: dict[int, bytes] = {}
    reach: dict[int, frozenset[int]] = {}

    def refs(obj: Any, out: set[int]) -> None:
        if isinstance(obj, IndirectObject):
            out.add(obj.idnum)
        elif isinstance(obj, DictionaryObject):  # streams too
            for k, v in obj.items():
                if k != "/Parent":
                    refs(v, out)
        elif isinstance(obj, ArrayObject):
            for v in obj:
                refs(v, out)

    def reachable(num: int, path: frozenset[int] = frozenset()) -> frozenset[int]:
        if num not in reach:
            obj = reader.get_object(num)
            direct: set[int] = set()
            refs(obj, direct)
            found = {num}
            for d in direct - path - {num}:
                found |= reachable(d, path | {num})
            buf = io.BytesIO()
            buf.write(b"%d 0 obj\n" % num)
            obj.write_to_stream(buf)
            buf.write(b"\nendobj\n")
            body[num] = buf.getvalue()
            reach[num] = frozenset(found)
        return reach[num]

    size = int(reader.trailer["/Size"])  # the chunk's objects are 1 … size-1
    info_title = io.BytesIO()
    TextStringObject(title).write_to_stream(info_title)
    out = []
    bounds = starts + [n]
    for a, b in zip(bounds, bounds[1:]):
        nums: set[int] = set()
        for p in page_nums[a:b]:
            nums |= reachable(p)
        cat, info = size, size + 1
        kids = b" ".join(b"%d 0 R" % p for p in page_nums[a:b])
        extra = {
            tree.idnum: b"%d 0 obj\n<< /Type /Pages /Kids [ %s ] /Count %d >>\nendobj\n" % (tree.idnum, kids, b - a),
            cat: b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (cat, tree.idnum),
            info: b"%d 0 obj\n<< /Title %s /Producer (handbook \\(WeasyPrint\\)) >>\nendobj\n"
                  % (info, info_title.getvalue()),
        }
        pdf = io.BytesIO()
        pdf.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        for num in sorted(nums | set(extra)):
            offsets[num] = pdf.tell()
            pdf.write(extra.get(num) or body[num])
        xref = pdf.tell()
        count = info + 1
        free = [i for i in range(1, count) if i not in offsets]
        nxt = dict(zip([0] + free, free + [0]))
        pdf.write(b"xref\n0 %d\n" % count)
        for i in range(count):
            if i in offsets:
                pdf.write(b"%010d 00000 n \n" % offsets[i])
            else:
                pdf.write(b"%010d %05d f \n" % (nxt[i], 65535 if i == 0 else 0))
        pdf.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                  % (count, cat, info, xref))
        out.append(pdf.getvalue())
    return out


def _split_pdf_pypdf(reader: Any, starts: list[int], title: str) -> list[bytes]:
    import io

    from pypdf import PdfWriter

    n = len(reader.pages)
    bounds = starts + [n]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        w = PdfWriter()
        for i in range(a, b):
            w.add_page(reader.pages[i])
        w.add_metadata({"/Title": title, "/Producer": "handbook (WeasyPrint, pypdf)"})
        buf = io.BytesIO()
        w.write(buf)
        out.append(buf.getvalue())
    return out


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = _Renderer()
    return _renderer


def AssetFetcher() -> Any:  # noqa: N802 - a factory standing for the class
    """A url_fetcher for WeasyPrint that refuses everything but the form assets."""
    return _fetcher_class()(allowed_protocols=("file",))


def warm(spec: FormSpec | None = None) -> None:
    """Load fonts and styles now (about 1 s), so a server's first PDF is as fast as the
    rest; with a spec, also render it once blank."""
    r = _get_renderer()
    if spec is not None:
        r.pdf(spec, None)


def render_pdf(spec: FormSpec, values: dict[str, Any] | None = None) -> bytes:
    """The PDF of ``spec`` filled with cleaned ``values`` (``None``: a blank form)."""
    return _get_renderer().pdf(spec, values)


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


def render_pdf_many(spec: FormSpec, rows: list[dict[str, Any] | None], chunk: int = 20) -> list[bytes]:
    """One PDF per entry of ``rows``, made ``chunk`` at a time as ONE WeasyPrint document
    that is then split by form (pypdf). A batch so pays the per-document costs — style
    set-up, font subsetting, PDF serialisation — once a chunk instead of once a form.
    Each form starts on a new page; its pages are found by the anchor ``f-<n>`` of its
    first page."""
    out: list[bytes] = []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        out += _get_renderer().many(spec, part) if len(part) > 1 else [_get_renderer().pdf(spec, part[0])]
    return out
