'''The form PDFs' speed-ups that reach into library internals — the ONLY module that does.

The default is the plain render of :mod:`builder.forms.pdf` (public APIs only). The fast
path here is used only when every library has exactly the version it was tested with
(:data:`TESTED`) and ``HANDBOOK_PDF_PLAIN`` is not set; otherwise :func:`enabled` says
why not and the forms print through the plain path. ``tests/test_pdf_paths.py`` renders
every form both ways and compares the pages pixel for pixel (pdftoppm). To move a library
on: bump its version, run that test and ``bench/forms.py``, update :data:`TESTED`.

What it does, and which internals each step touches (figures: CPU a form of a 20-form
batch of 防火责任书, measured 2026-12 on the 2-core build machine under load: plain 46 ms,
fast 25 ms; ``bench/forms.py`` prints both paths' figures):

1. **Static runs stamped** (most of the gain). A long run of paragraphs without blanks
   (the pledge text, the notes: the same on every form) is laid out and drawn ONCE per
   process; each form gets an empty box of the run's height in its place, and the run's
   drawn page is stamped into that box as a PDF form XObject. Needs the laid-out boxes
   (WeasyPrint ``Page._page_box``) to find the box's position, and pypdf's raw stream
   bytes (``StreamObject._data``) to copy the run's font streams without re-encoding.
   A form whose box would not sit where its own layout puts the run (a page break inside
   it, another x or width) is rendered by the plain path instead.
2. **A lean user-agent stylesheet** (about 6 ms a form). ``HTML._ua_stylesheets`` returns only
   the display rules our own template uses (:data:`UA_CSS`) instead of WeasyPrint's full
   HTML5 sheet, whose ~250 rules cost every element selector tests.
3. **One serialisation a chunk** (pypdf's split alone costs about 6 ms a form). The chunk's PDF is
   split by copying each object's bytes once per chunk into every form that reaches it
   (pypdf's public ``PdfWriter.add_page`` clones the shared font objects again for every
   form).
   WeasyPrint writes the chunk uncompressed (its public ``uncompressed_pdf`` option) and
   the split deflates each stream once, at :data:`DEFLATE_LEVEL`, with pypdf's public
   ``flate_encode`` — so no library module attribute is ever swapped (pydyf's own level
   9 costs about 5 ms a form for files ~2 % smaller).
4. **tinyhtml5's ``chars_until`` regex cache filled** (parsing a one-page form's HTML
   drops from 1.4 to 0.85 ms: small, and it grows with the text): see the
   upstream bug below. The library's own dict is filled, in place, with the patterns
   under their right keys, built exactly as the library builds them; no attribute or
   function of the library is replaced.

Upstream bug: tinyhtml5's ``chars_until`` cache never hits
-----------------------------------------------------------
Version: tinyhtml5 2.1.0 (the newest release the package index offers us, 2026-12; the
HTML parser of WeasyPrint 70). File ``tinyhtml5/inputstream.py``, lines 174-182, in
``HTMLUnicodeInputStream.chars_until``::

    # Use a cache of regexps to find the required characters.
    try:
        characters = characters_until_regex[(characters, opposite)]
    except KeyError:
        regex = "".join([f"\\\\x{ord(character):02x}" for character in characters])
        if not opposite:
            regex = f"^{regex}"
        regex = re.compile(f"[{regex}]+")
        characters = characters_until_regex[(characters, opposite)] = regex

Python assigns a chained assignment's targets left to right, so ``characters = regex``
runs first and the entry is stored under ``(regex, opposite)``, the compiled pattern,
never under the ``(characters, opposite)`` that the lookup uses. The lookup misses every
time: each call builds the pattern string again and goes through ``re.compile`` (its
own cache saves the compilation, not the work around it). Parsing a one-page form
(1,700 characters) takes 1.4 ms instead of 0.85 ms with a working cache.

Minimal reproduction::

    import tinyhtml5
    from tinyhtml5 import inputstream
    tinyhtml5.parse("<p>a</p>")
    tinyhtml5.parse("<p>a</p>")
    keys = list(inputstream.characters_until_regex)
    print(keys)                       # [(re.compile('[^\\\\x26\\\\x3c\\\\x00]+'), False), …]
    assert any(isinstance(k[0], str | tuple | frozenset) for k in keys)  # fails: no key ever hits

Proposed fix (two lines)::

    -        characters = characters_until_regex[(characters, opposite)] = regex
    +        characters_until_regex[(characters, opposite)] = regex
    +        characters = regex

(The cache stays bounded: the tokenizer calls ``chars_until`` with about a dozen
constant character sets.) html5lib, from which tinyhtml5 was forked, has the same line
with another name on the left — ``chars = charsUntilRegEx[(characters, opposite)] =
re.compile(…)`` — so its key is right: the bug came with the rename of ``chars`` to
``characters``, which made the first target overwrite the key's own variable.
'''

from __future__ import annotations

import io
import os
import re
import zlib
from typing import Any, Protocol

from builder.core.formspec import FormSpec

#: The exact versions this module was tested with; any other version → the plain path.
TESTED: dict[str, str] = {"weasyprint": "70.0", "pydyf": "0.13.0", "tinyhtml5": "2.1.0", "pypdf": "7.1.1"}
#: Set to 1 (or any non-empty value but 0) to force the plain path.
PLAIN_ENV = "HANDBOOK_PDF_PLAIN"
#: Deflate level of the streams of a split batch (pydyf's own is 9).
DEFLATE_LEVEL = 1

__all__ = ["TESTED", "PLAIN_ENV", "DEFLATE_LEVEL", "installed_versions", "enabled", "FastRenderer"]


def installed_versions() -> dict[str, str]:
    """The installed versions of the libraries in :data:`TESTED` ("" when missing)."""
    from importlib import metadata

    out = {}
    for name in TESTED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def enabled(versions: dict[str, str] | None = None, environ: dict[str, str] | None = None) -> tuple[bool, str]:
    """Whether the fast path may run, and why not."""
    env = os.environ if environ is None else environ
    if env.get(PLAIN_ENV, "") not in ("", "0"):
        return False, f"{PLAIN_ENV} is set"
    found = installed_versions() if versions is None else versions
    other = [f"{name} {found.get(name) or 'missing'} (tested: {want})"
             for name, want in TESTED.items() if found.get(name) != want]
    if other:
        return False, "untested library versions: " + ", ".join(other)
    return True, ""


class PlainPath(Protocol):
    """What the fast path takes from :class:`builder.forms.pdf.PlainRenderer`."""

    fetcher: Any
    font_config: Any
    stylesheets: list[Any]
    base_url: str
    lock: Any

    def html(self, spec: FormSpec, values: dict[str, Any] | None) -> str: ...

    def pdf(self, spec: FormSpec, values: dict[str, Any] | None) -> bytes: ...

    def many(self, spec: FormSpec, rows: list[dict[str, Any] | None]) -> list[bytes]: ...


class _Unexpected(Exception):
    """A PDF or layout this module does not know: the plain path renders it."""


# --- tinyhtml5 ------------------------------------------------------------------
def _chars_until_keys() -> list[tuple[Any, bool]]:
    """Every ``(characters, opposite)`` the tokenizer of tinyhtml5 2.1.0 passes to
    ``chars_until`` (tokenizer.py: its calls are all on constant sets)."""
    from tinyhtml5.constants import ascii_letters, space_characters

    return [
        (space_characters, True), (("&", "<", "\u0000"), False), (("<", "\u0000"), False),
        ("\u0000", False), (("<", "-", "\u0000"), False), (ascii_letters, True),
        (('"', "&", "\u0000"), False), (("'", "&", "\u0000"), False),
        (frozenset(("&", ">", '"', "'", "=", "<", "`", "\u0000")) | space_characters, False),
        (">", False), (("-", "\u0000"), False), ("]", False),
    ]


def fill_chars_until_cache() -> int:
    """Fill tinyhtml5's ``characters_until_regex`` in place, under the keys its lookup
    uses, with the patterns it would build; the number of entries added."""
    from tinyhtml5 import inputstream

    cache = inputstream.characters_until_regex
    added = 0
    for chars, opposite in _chars_until_keys():
        if (chars, opposite) in cache:
            continue
        regex = "".join(f"\\x{ord(c):02x}" for c in chars)
        cache[(chars, opposite)] = re.compile(f"[{regex if opposite else '^' + regex}]+")
        added += 1
    return added


# --- the fast renderer ----------------------------------------------------------------
MIN_STATIC_CHARS = 150  #: shorter runs of static text are laid out with each form
_STATIC_DIV = re.compile(r'<div class="static" id="s-(\d+-\d+)">(.*?)</div>', re.S)
_TAGS = re.compile(r"<[^>]*>")
_SLOT_ID = re.compile(r"s(\d+)-(\d+-\d+)$")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


class FastRenderer:
    """Renders like the plain path (same HTML, CSS, fonts, fetcher and lock: ``plain``'s),
    faster; every form it cannot place exactly goes to ``plain``."""

    name = "fast"

    def __init__(self, plain: PlainPath) -> None:
        import weasyprint

        fill_chars_until_cache()
        self.plain = plain
        self.fetcher, self.font_config, self.lock = plain.fetcher, plain.font_config, plain.lock
        self.stylesheets, self.base_url = plain.stylesheets, plain.base_url
        self.html_class = _lean_html_class(weasyprint)
        self.runs: dict[tuple[str, str, str], _Run | None] = {}

    def _document(self, html: str) -> Any:
        return self.html_class(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=self.stylesheets, font_config=self.font_config)

    def pdf(self, spec: FormSpec, values: dict[str, Any] | None) -> bytes:
        """One form: as a batch of one, so its long static runs are stamped (drawn once
        per process) rather than laid out again (the PDF holds a second, small subset of
        the font: ~30 kB more)."""
        return self.many(spec, [values])[0]

    def many(self, spec: FormSpec, rows: list[dict[str, Any] | None]) -> list[bytes]:
        """One PDF per row, laid out as one document and split."""
        try:
            return self._many(spec, rows)
        except _Unexpected:  # pragma: no cover - a PDF or layout this module does not know
            return self.plain.many(spec, rows)

    def _many(self, spec: FormSpec, rows: list[dict[str, Any] | None]) -> list[bytes]:
        first = self.plain.html(spec, rows[0])
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
        sheets = []
        for i, v in enumerate(rows):
            html = first if i == 0 else self.plain.html(spec, v)
            mb = _BODY.search(html)
            body = mb.group(1) if mb else ""
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
            doc = self._document(html)
            starts: list[int] = []
            for n, page in enumerate(doc.pages):
                for i in range(len(starts), len(rows)):
                    if f"f-{i}" in page.anchors:
                        starts.append(n)
                    else:
                        break
            if len(starts) != len(rows):  # pragma: no cover - every sheet starts a page
                raise _Unexpected("a form does not start a page")
            overlays, redo = _place_runs(doc, starts, runs) if runs else ({}, set())
            # uncompressed (a public option): the split deflates each stream once
            data = doc.write_pdf(uncompressed_pdf=True)
            # under the lock too: the runs' PDF readers are shared (a server's threads)
            out = _split_pdf(data, starts, spec.title, overlays, runs)
        for i in sorted(redo):  # a run that would not sit where the form's own layout puts it
            out[i] = self.plain.pdf(spec, rows[i])
        return out

    def _static(self, head: str, body_tag: str, kind: str, inner: str) -> _Run | None:
        """A run of static paragraphs laid out and drawn alone, once per process: its
        height, its position on its page, and its page's PDF (drawn into every form)."""
        from pypdf import PdfReader

        cache_key = (body_tag, kind, inner)
        if cache_key not in self.runs:
            html = (f'{head}{body_tag}<div class="form"><div class="{kind}">'
                    f'<div class="static" id="run">{inner}</div></div></div></body></html>')
            doc = self._document(html)
            box = _find_boxes(doc.pages[0], {"run"}).get("run") if len(doc.pages) == 1 else None
            run = None
            if box is not None:
                reader = PdfReader(io.BytesIO(doc.write_pdf()))
                run = _Run(inner, box[1].border_height(), box[1].border_box_x(), box[1].border_box_y(),
                           box[1].border_width(), reader)
            self.runs[cache_key] = run
        return self.runs[cache_key]


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
            slot_id = _SLOT_ID.match(ident)
            if slot_id is None:  # pragma: no cover - _find_boxes keeps only slot ids
                raise _Unexpected(ident)
            key = slot_id.group(2)
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
UA_CSS = """
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
img { overflow: hidden }
"""


def _lean_html_class(weasyprint: Any) -> type:
    """``weasyprint.HTML`` with :data:`UA_CSS` as its user-agent stylesheet (the forms'
    template is ours, so it needs no more), through WeasyPrint's private
    ``HTML._ua_stylesheets`` hook."""
    if not hasattr(weasyprint.HTML, "_ua_stylesheets"):  # pragma: no cover
        return weasyprint.HTML
    ua = weasyprint.CSS(string=UA_CSS)

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
    free entries. A stream WeasyPrint left uncompressed is deflated once a chunk, at
    :data:`DEFLATE_LEVEL`. Any structure this does not expect: :class:`_Unexpected`.

    ``overlays`` (page index → ``[(run key, dy pt)]``): a static run of ``runs`` is drawn
    on that page, moved down by dy, as a form XObject made of the run's own page (its
    content stream and fonts, copied once per chunk under numbers after the chunk's)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject, TextStringObject

    reader = PdfReader(io.BytesIO(data))
    trailer: Any = reader.trailer  # pypdf's objects are typed loosely: read as WeasyPrint writes them
    n = len(reader.pages)
    try:
        tree = trailer["/Root"].raw_get("/Pages")
        page_nums = [reader.pages[i].indirect_reference.idnum for i in range(n)]  # type: ignore[union-attr]
        if not isinstance(tree, IndirectObject) or any(
                reader.pages[i].raw_get("/Parent").idnum != tree.idnum for i in range(n)):
            raise ValueError("nested page tree")
    except (KeyError, AttributeError, ValueError) as e:  # pragma: no cover - not WeasyPrint's shape
        raise _Unexpected(str(e)) from e

    body: dict[int, bytes] = {}
    reach: dict[int, frozenset[int]] = {}

    def reachable(num: int, path: frozenset[int] = frozenset()) -> frozenset[int]:
        if num not in reach:
            obj: Any = reader.get_object(num)
            if isinstance(obj, StreamObject) and "/Filter" not in obj:
                obj = obj.flate_encode(level=DEFLATE_LEVEL)
            direct: set[int] = set()
            _refs(obj, direct)
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

    size = int(trailer["/Size"])  # the chunk's objects are 1 … size-1
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
            po: Any = reader.get_object(page_nums[n])
            new_page = DictionaryObject(po.items())
            contents = po.raw_get("/Contents")
            new_page[NameObject("/Contents")] = ArrayObject(
                [IndirectObject(qid, 0, reader)] + (list(contents) if isinstance(contents, ArrayObject) else [contents])
                + [IndirectObject(cid, 0, reader)])
            res: Any = DictionaryObject(po["/Resources"].items())
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
    buf = io.BytesIO()
    buf.write(b"%d 0 obj\n" % num)
    obj.write_to_stream(buf)
    buf.write(b"\nendobj\n")
    return buf.getvalue()


