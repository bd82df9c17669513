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

from builder.core.formspec import FormSpec
from builder.core.paths import ASSETS_DIR, FORMS_DIR, TEMPLATES_DIR
from builder.forms.fonts import FONT_DIR, font_face_css
from builder.forms.layout import layout

FORM_ASSETS = ASSETS_DIR / "forms"
FORM_CSS = FORM_ASSETS / "form.css"
FORM_TEMPLATES = TEMPLATES_DIR / "forms"

__all__ = ["render_pdf", "render_html", "render_pdf_many", "warm", "AssetFetcher", "FORM_CSS"]


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
        # forms/<id>/form.html.j2 (an override, only where a form truly needs one), then ours
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(FORMS_DIR)),
                                    jinja2.FileSystemLoader(str(FORM_TEMPLATES))]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["runs"] = _runs
    return env


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


class _RegexCache(dict):
    """tinyhtml5's ``chars_until`` regex cache, filled on a miss. Its own fill stores each
    regex under the wrong key (``characters = cache[...] = regex`` assigns ``characters``
    first), so it missed every time and rebuilt the pattern: ~3 ms a form. Patterns are
    built exactly as the library builds them."""

    def __missing__(self, key: Any) -> Any:
        chars, opposite = key
        if isinstance(chars, re.Pattern):  # pragma: no cover - the library's own (wrong) key
            raise KeyError(key)
        regex = "".join(f"\\x{ord(c):02x}" for c in chars)
        pattern = self[key] = re.compile(f"[{regex if opposite else '^' + regex}]+")
        return pattern


def _prime_html_parser() -> None:
    try:
        from tinyhtml5 import inputstream
    except ImportError:  # pragma: no cover - WeasyPrint changed parser
        return
    cache = getattr(inputstream, "characters_until_regex", None)
    if type(cache) is dict:
        inputstream.characters_until_regex = _RegexCache(cache)


class _Renderer:
    """What one process keeps between renders: fonts, the parsed CSS, the fetcher."""

    def __init__(self) -> None:
        _prime_html_parser()
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
        self.runs: dict[tuple[str, str, str], _Run | None] = {}

    def pdf(self, spec: FormSpec, values: dict[str, Any] | None) -> bytes:
        """One form: as a batch of one, so its long static runs are stamped (drawn once
        per process) rather than laid out again (~15 ms a form less; the PDF holds a
        second, small subset of the font: ~30 kB more)."""
        return self.many(spec, [values])[0]

    def plain(self, spec: FormSpec, values: dict[str, Any] | None, html: str | None = None) -> bytes:
        """One form laid out whole by WeasyPrint, nothing stamped."""
        html = html or render_html(spec, values, css="none")
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
        # Runs of paragraphs without blanks (``div.static``, the same text on every form):
        # laid out and drawn once (:meth:`_static`); each form gets an empty box of the
        # run's height in its place, and the run is stamped into that box in the PDF.
        runs = {}
        m0 = _BODY.search(first)
        first_body = m0.group(1) if m0 else ""
        found = list(_STATIC_DIV.finditer(first_body))
        if len({m.group(1) for m in found}) != len(found):  # two identical blocks: same ids
            found = []
        for m in found:
            if len(_TAGS.sub("", m.group(2))) >= MIN_STATIC_CHARS:
                at = m.start()
                kind = "notes" if first_body.rfind('<div class="notes">', 0, at) > \
                    first_body.rfind('<div class="pledge">', 0, at) else "pledge"
                with self.lock:
                    run = self._static(head, body_tag, kind, m.group(2))
                if run is not None:
                    runs[m.group(1)] = run
        if len(rows) == 1 and not runs:
            return [self.plain(spec, rows[0], first)]
        sheets = []
        for i, v in enumerate(rows):
            html = first if i == 0 else render_html(spec, v, css="none")
            m = _BODY.search(html)
            body = m.group(1) if m else ""
            if runs:
                def slot(m: re.Match, i: int = i) -> str:
                    run = runs.get(m.group(1))
                    if run is None or m.group(2) != run.inner:
                        return m.group(0)
                    return (f'<div class="static slot" id="s{i}-{m.group(1)}" '
                            f'style="height: {run.height!r}px"></div>')
                body = _STATIC_DIV.sub(slot, body)
            body = body.replace(' id="s-', f' id="s{i}-')  # ids unique in the chunk
            sheets.append(f'<div class="sheet" id="f-{i}">{body}</div>')
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
            out = None
            if len(starts) == len(rows):  # else (never seen): every form on its own, below
                overlays, redo = _place_runs(doc, starts, runs) if runs else ({}, set())
                with _deflate_level():
                    data = doc.write_pdf()
                # under the lock too: the runs' PDF readers are shared (a server's threads)
                out = _split_pdf(data, starts, spec.title, overlays, runs)
        if out is None:  # pragma: no cover - every sheet starts a page
            return [self.plain(spec, v) for v in rows]
        for i in sorted(redo):  # a run that would not sit where the form's own layout puts it
            out[i] = self.plain(spec, rows[i])
        return out

    def _static(self, head: str, body_tag: str, kind: str, inner: str) -> _Run | None:
        """A run of static paragraphs laid out and drawn alone, once per process: its
        height, its position on its page, and its page's PDF (drawn into every form)."""
        import io

        from pypdf import PdfReader

        cache_key = (body_tag, kind, inner)
        if cache_key not in self.runs:
            html = (f'{head}{body_tag}<div class="form"><div class="{kind}">'
                    f'<div class="static" id="run">{inner}</div></div></div></body></html>')
            doc = self.html_class(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets, font_config=self.font_config)
            box = _find_boxes(doc.pages[0], {"run"}).get("run") if len(doc.pages) == 1 else None
            run = None
            if box is not None:
                with _deflate_level():
                    reader = PdfReader(io.BytesIO(doc.write_pdf()))
                run = _Run(inner, box[1].border_height(), box[1].border_box_x(), box[1].border_box_y(),
                           box[1].border_width(), reader)
            self.runs[cache_key] = run
        return self.runs[cache_key]


MIN_STATIC_CHARS = 150  #: shorter runs of static text are laid out with each form
_STATIC_DIV = re.compile(r'<div class="static" id="s-(\d+-\d+)">(.*?)</div>', re.S)
_TAGS = re.compile(r"<[^>]*>")
_SLOT_ID = re.compile(r"s(\d+)-(\d+-\d+)$")


class _Run:
    def __init__(self, inner: str, height: float, x: float, y: float, width: float, reader: Any):
        self.inner, self.height, self.x, self.y, self.width, self.reader = inner, height, x, y, width, reader


def _find_boxes(page: Any, ids: set[str] | None = None) -> dict[str, tuple[Any, Any]]:
    """The boxes of ``page`` whose element has an id (in ``ids``, or any slot id)."""
    found: dict[str, tuple[Any, Any]] = {}
    todo = [page._page_box]
    while todo:
        box = todo.pop()
        el = getattr(box, "element", None)
        if el is not None and getattr(box, "element_tag", None) == "div":
            ident = el.get("id")
            if ident and (ident in ids if ids is not None else _SLOT_ID.match(ident)) and ident not in found:
                found[ident] = (page, box)
        todo.extend(getattr(box, "children", ()))
    return found


def _place_runs(doc: Any, starts: list[int], runs: dict[str, _Run]) -> tuple[dict[int, list[tuple[str, float]]], set[int]]:
    """Where each form's slots landed: ``{page index: [(run key, dy in pt)]}``, and the
    forms to lay out on their own instead. A slot counts only when it sits whole on its
    form's first page at the run's own x and width: then the paragraphs, laid out in
    place, would have been exactly there (same start, same width, no page break) — the
    same layout as the form's own."""
    overlays: dict[int, list[tuple[str, float]]] = {}
    redo: set[int] = set()
    bounds = starts + [len(doc.pages)]
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        found: dict[str, tuple[Any, Any]] = {}
        for n in range(a, b):
            found.update((k, (n, box)) for k, (_, box) in _find_boxes(doc.pages[n]).items())
        mine = [(k, v) for k, v in found.items() if k.startswith(f"s{i}-") and "slot" in (v[1].element.get("class") or "")]
        placed = []
        for ident, (n, box) in mine:
            key = _SLOT_ID.match(ident).group(2)
            run = runs[key]
            page_box = doc.pages[n]._page_box
            bottom = page_box.content_box_y() + page_box.height
            if (n != a or abs(box.border_box_x() - run.x) > 0.01 or abs(box.border_width() - run.width) > 0.01
                    or abs(box.border_height() - run.height) > 0.01 or box.border_box_y() + run.height > bottom + 0.01):
                redo.add(i)
                break
            placed.append((n, key, (box.border_box_y() - run.y) * 0.75))
        else:
            for n, key, dy in placed:
                overlays.setdefault(n, []).append((key, dy))
    for i in redo:
        for n in range(bounds[i], bounds[i + 1]):
            overlays.pop(n, None)
    return overlays, redo


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


def _split_pdf(data: bytes, starts: list[int], title: str,
               overlays: dict[int, list[tuple[str, float]]] | None = None,
               runs: dict[str, _Run] | None = None) -> list[bytes]:
    """One PDF per form of a chunk's PDF (``starts``: each form's first page).

    The forms of a chunk share their fonts, so each object of the chunk is serialised once
    and copied, with its own number, into every form that reaches it (pypdf's ``add_page``
    cloned the shared font objects again for every form: ~10 ms a form, a fifth of a
    batch). Each PDF gets its own catalogue, page tree (under the chunk's page-tree number,
    so the pages' ``/Parent`` stays right), info and xref; the numbers it does not use are
    free entries. Any structure this does not expect goes through pypdf as before.

    ``overlays`` (page index → ``[(run key, dy pt)]``): a static run of ``runs`` is drawn
    on that page, moved down by dy, as a form XObject made of the run's own page (its
    content stream and fonts, copied once per chunk under numbers after the chunk's)."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(data))
    n = len(reader.pages)
    try:
        tree = reader.trailer["/Root"].raw_get("/Pages")
        page_nums = [reader.pages[i].indirect_reference.idnum for i in range(n)]
        if not isinstance(tree, IndirectObject) or any(
                reader.pages[i].raw_get("/Parent").idnum != tree.idnum for i in range(n)):
            raise ValueError("nested page tree")
    except (KeyError, AttributeError, ValueError):  # pragma: no cover - not WeasyPrint's shape
        if overlays:
            raise
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
    overlays = overlays or {}
    # each run's objects, renumbered from size + 2 (catalogue and info are size, size + 1)
    bundles: dict[str, tuple[int, dict[int, bytes]]] = {}
    next_id = size + 2
    for key in sorted({k for marks in overlays.values() for k, _ in marks}):
        run = runs[key]  # type: ignore[index]
        page = run.reader.pages[0]
        resources = page["/Resources"]
        seen: set[int] = set()
        _collect(resources, run.reader, seen)
        mapping = {}
        for old_id in sorted(seen):
            mapping[old_id] = next_id
            next_id += 1
        objs: dict[int, bytes] = {}
        for old_id, new_id in mapping.items():
            objs[new_id] = _serialise(new_id, _remap(run.reader.get_object(old_id), mapping, reader))
        res_bytes = io.BytesIO()
        _remap(resources, mapping, reader).write_to_stream(res_bytes)
        content = zlib.compress(page.get_contents().get_data(), DEFLATE_LEVEL)
        box = " ".join(f"{float(v):g}" for v in page.mediabox)
        xid = next_id
        next_id += 1
        objs[xid] = (b"%d 0 obj\n<< /Type /XObject /Subtype /Form /BBox [ %s ] /Resources %s "
                     b"/Filter /FlateDecode /Length %d >>\nstream\n" % (xid, box.encode(), res_bytes.getvalue(), len(content))
                     + content + b"\nendstream\nendobj\n")
        bundles[key] = (xid, objs)
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
        extra: dict[int, bytes] = {}
        own_id = next_id
        for n in range(a, b):
            if n not in overlays:
                continue
            names = DictionaryObject()
            ops = []
            for j, (key, dy) in enumerate(overlays[n]):
                xid, objs = bundles[key]
                extra.update(objs)
                names[NameObject(f"/HbRun{j}")] = IndirectObject(xid, 0, reader)
                ops.append(b"q 1 0 0 1 0 %.4f cm /HbRun%d Do Q" % (-dy, j))
            # WeasyPrint's page stream leaves its flipped, scaled matrix set: save the
            # state before it, restore it after, then draw the runs in page space.
            stream = b"Q\n" + b"\n".join(ops)
            qid, cid, own_id = own_id, own_id + 1, own_id + 2
            extra[qid] = b"%d 0 obj\n<< /Length 1 >>\nstream\nq\nendstream\nendobj\n" % qid
            extra[cid] = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (cid, len(stream), stream)
            po = reader.get_object(page_nums[n])
            new_page = DictionaryObject(po.items())
            contents = po.raw_get("/Contents")
            new_page[NameObject("/Contents")] = ArrayObject(
                [IndirectObject(qid, 0, reader)] + (list(contents) if isinstance(contents, ArrayObject) else [contents])
                + [IndirectObject(cid, 0, reader)])
            res = DictionaryObject(po["/Resources"].items())
            xobjects = DictionaryObject(res["/XObject"].items()) if "/XObject" in res else DictionaryObject()
            xobjects.update(names)
            res[NameObject("/XObject")] = xobjects
            new_page[NameObject("/Resources")] = res
            extra[page_nums[n]] = _serialise(page_nums[n], new_page)
        extra.update({
            tree.idnum: b"%d 0 obj\n<< /Type /Pages /Kids [ %s ] /Count %d >>\nendobj\n" % (tree.idnum, kids, b - a),
            cat: b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (cat, tree.idnum),
            info: b"%d 0 obj\n<< /Title %s /Producer (handbook \\(WeasyPrint\\)) >>\nendobj\n"
                  % (info, info_title.getvalue()),
        })
        pdf = io.BytesIO()
        pdf.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        for num in sorted(nums | set(extra)):
            offsets[num] = pdf.tell()
            pdf.write(extra.get(num) or body[num])
        xref = pdf.tell()
        count = max(offsets) + 1
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


def _refs(obj: Any, out: set[int]) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(obj, IndirectObject):
        out.add(obj.idnum)
    elif isinstance(obj, DictionaryObject):  # streams too
        for k, v in obj.items():
            if k != "/Parent":
                _refs(v, out)
    elif isinstance(obj, ArrayObject):
        for v in obj:
            _refs(v, out)


def _collect(obj: Any, reader: Any, seen: set[int]) -> None:
    """The numbers of every object ``obj`` reaches (not through ``/Parent``)."""
    direct: set[int] = set()
    _refs(obj, direct)
    for d in direct - seen:
        seen.add(d)
        _collect(reader.get_object(d), reader, seen)


def _remap(obj: Any, mapping: dict[int, int], pdf: Any) -> Any:
    """A copy of ``obj`` whose references are renumbered by ``mapping``."""
    from pypdf.generic import ArrayObject, DictionaryObject, EncodedStreamObject, IndirectObject, StreamObject

    if isinstance(obj, IndirectObject):
        return IndirectObject(mapping[obj.idnum], 0, pdf)
    if isinstance(obj, StreamObject):
        new = EncodedStreamObject()
        for k, v in obj.items():
            if k != "/Length":
                new[k] = _remap(v, mapping, pdf)
        new._data = obj._data
        return new
    if isinstance(obj, DictionaryObject):
        return DictionaryObject((k, _remap(v, mapping, pdf)) for k, v in obj.items())
    if isinstance(obj, ArrayObject):
        return ArrayObject(_remap(v, mapping, pdf) for v in obj)
    return obj


def _serialise(num: int, obj: Any) -> bytes:
    import io

    buf = io.BytesIO()
    buf.write(b"%d 0 obj\n" % num)
    obj.write_to_stream(buf)
    buf.write(b"\nendobj\n")
    return buf.getvalue()


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
        out += _get_renderer().many(spec, part)
    return out
