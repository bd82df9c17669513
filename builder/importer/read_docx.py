"""Read a Word manual (.docx) into blocks: headings, paragraphs, list items, tables.

- Headings: Word's built-in heading styles (``Heading 1``, shown as 标题 1 in Chinese Word),
  styles named 标题 1 (WPS), and any style or paragraph with an outline level. Typed numbers
  (一、, （一）) are left to ``sections``.
- Lists: Word's own numbering (``w:numPr`` on the paragraph or its style), numbered or bulleted
  by the numbering definition's format.
- Tracked changes count as accepted: inserted text (``w:ins``, ``w:moveTo``) is kept, deleted
  text (``w:del``, ``w:moveFrom``) is dropped.
- Images, drawings and text boxes inside them, field codes and a Word table of contents
  (``TOC 1`` … styles) are ignored.
- A handbook exported by ``handbook export`` marks each item's heading with a bookmark
  ``item-<id>`` (:data:`ITEM_BOOKMARK`), each chapter's with ``chapter-<kind>``, and its own
  notes (source badge, cross-references, the flowchart line) with the paragraph style
  :data:`EXPORT_NOTE_STYLE`. In such a document only the chapters' sections are read, each
  item's heading keeping its id (``Block.anchor``), and a section an editor added to a chapter
  as a new one; the cover, contents, chapter headings, forms appendix and 修订记录, and the
  notes, are not text of the manual.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from builder.importer.document import Block, Document, ImportInputError, looks_like_title

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: The bookmark an exported handbook puts on each item's heading: item-<id>.
ITEM_BOOKMARK = "item-"
#: The bookmark on each chapter's heading (chapter-<kind>): the export's own matter has none.
CHAPTER_BOOKMARK = "chapter-"
#: The paragraph style of an exported handbook's own notes (badges, references): not manual text.
EXPORT_NOTE_STYLE = "Handbook Note"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


#: Subtrees whose text is not the document's accepted text.
SKIP = {q("del"), q("moveFrom"), q("drawing"), q("pict"), q("object"), q("instrText"), q("delText"),
        q("footnoteReference"), q("endnoteReference"), q("commentReference"), q("rPr"), q("pPr"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
HEADING_STYLE = re.compile(r"^\s*(?:heading|标题)\s*([1-9])\s*$", re.IGNORECASE)
TITLE_STYLE = re.compile(r"^\s*(?:title|标题)\s*$", re.IGNORECASE)
TOC_STYLE = re.compile(r"^\s*(?:toc|目录)(?:\s*[1-9]|\s*heading|\s*标题)?\s*$", re.IGNORECASE)


def text_of(el: Any) -> str:
    """The accepted text of a paragraph (or any element): runs, insertions, tabs and breaks."""
    out: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag == q("t"):
                out.append(child.text or "")
            elif tag == q("tab"):
                out.append("\t")
            elif tag in (q("br"), q("cr")):
                out.append("\n")
            elif tag == q("noBreakHyphen"):
                out.append("-")
            else:
                walk(child)

    walk(el)
    return "".join(out)


class _Styles:
    """Heading level, title, TOC and numbering of paragraph styles, following ``basedOn``."""

    def __init__(self, doc: Any):
        self.by_id: dict[str, Any] = {}
        styles_el = doc.styles.element
        for s in styles_el.findall(q("style")):
            self.by_id[s.get(q("styleId"))] = s

    def chain(self, style_id: str | None) -> Iterator[Any]:
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            s = self.by_id[style_id]
            yield s
            based = s.find(q("basedOn"))
            style_id = based.get(q("val")) if based is not None else None

    def name(self, style_id: str | None) -> str:
        for s in self.chain(style_id):
            n = s.find(q("name"))
            return n.get(q("val")) if n is not None else ""
        return ""

    def heading_level(self, style_id: str | None) -> int | None:
        for s in self.chain(style_id):
            n = s.find(q("name"))
            m = HEADING_STYLE.match(n.get(q("val")) if n is not None else "")
            if m:
                return int(m.group(1))
            lvl = _outline_level(s.find(q("pPr")))
            if lvl is not None:
                return lvl
        return None

    def num_pr(self, style_id: str | None) -> Any:
        for s in self.chain(style_id):
            ppr = s.find(q("pPr"))
            if ppr is not None and ppr.find(q("numPr")) is not None:
                return ppr.find(q("numPr"))
        return None


def _outline_level(ppr: Any) -> int | None:
    if ppr is None:
        return None
    ol = ppr.find(q("outlineLvl"))
    if ol is None:
        return None
    try:
        val = int(ol.get(q("val")))
    except (TypeError, ValueError):
        return None
    return val + 1 if 0 <= val < 9 else None


class _Numbering:
    """numId + ilvl → numbered or bulleted (or no list at all), from numbering.xml."""

    def __init__(self, doc: Any):
        self.formats: dict[tuple[str, int], str] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, str]] = {}
        for a in root.findall(q("abstractNum")):
            levels = {}
            for lvl in a.findall(q("lvl")):
                fmt = lvl.find(q("numFmt"))
                levels[int(lvl.get(q("ilvl"), "0"))] = fmt.get(q("val")) if fmt is not None else "decimal"
            abstract[a.get(q("abstractNumId"))] = levels
        for num in root.findall(q("num")):
            ref = num.find(q("abstractNumId"))
            levels = abstract.get(ref.get(q("val")) if ref is not None else "", {})
            for ilvl, fmt in levels.items():
                self.formats[(num.get(q("numId")), ilvl)] = fmt

    def list_kind(self, num_pr: Any) -> tuple[bool, int] | None:
        """(ordered, level) of a paragraph's numbering, or None when it is not a list item."""
        if num_pr is None:
            return None
        num_id_el, ilvl_el = num_pr.find(q("numId")), num_pr.find(q("ilvl"))
        num_id = num_id_el.get(q("val")) if num_id_el is not None else None
        if not num_id or num_id == "0":
            return None
        try:
            ilvl = int(ilvl_el.get(q("val"))) if ilvl_el is not None else 0
        except (TypeError, ValueError):
            ilvl = 0
        fmt = self.formats.get((num_id, ilvl), "decimal")
        if fmt == "none":
            return None
        return fmt != "bullet", ilvl


def _open(path: Path) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(path):
        raise ImportInputError(path, "not a Word .docx file (it is not a zip package); "
                                     "save it from Word or WPS as .docx (a .doc must be converted first)")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise ImportInputError(path, f"not a Word .docx file ({type(e).__name__}: {e}); save it from Word as .docx"
                               ) from None
    except Exception as e:  # lxml syntax errors and the like inside a damaged package
        raise ImportInputError(path, f"damaged Word file ({type(e).__name__}: {e})") from None


def read_docx(path: Path | str) -> Document:
    """The document's title and blocks; :class:`ImportInputError` naming the file when it cannot be read."""
    path = Path(path)
    doc = _open(path)
    styles, numbering = _Styles(doc), _Numbering(doc)
    blocks: list[Block] = []
    title = (doc.core_properties.title or "").strip()
    counter = 0
    exported = any((b.get(q("name")) or "").startswith(ITEM_BOOKMARK) for b in doc.element.body.iter(q("bookmarkStart")))
    in_item = False  # in an exported handbook: inside an item's section (or a section added to a chapter)
    in_chapter = False  # in an exported handbook: under a chapter's heading, not the export's own matter

    def paragraph(p: Any) -> None:
        nonlocal counter, title
        counter += 1
        ppr = p.find(q("pPr"))
        style_el = ppr.find(q("pStyle")) if ppr is not None else None
        style_id = style_el.get(q("val")) if style_el is not None else None
        style_name = styles.name(style_id)
        if TOC_STYLE.match(style_name):
            return
        text = text_of(p).replace("\t", " ").strip()
        if not text:
            return
        if TITLE_STYLE.match(style_name):
            if not title:
                title = text
            return
        level = _outline_level(ppr) or styles.heading_level(style_id)
        if exported:
            nonlocal in_item, in_chapter
            anchor = _bookmark(p, ITEM_BOOKMARK)
            if level is not None and (anchor is not None or level <= 2):
                if level <= 1 and anchor is None:  # a chapter, or the export's appendix / 修订记录
                    in_chapter, in_item = _bookmark(p, CHAPTER_BOOKMARK) is not None, False
                    return
                in_item = anchor is not None or in_chapter  # an unmarked section in a chapter: a new one
                if in_item:
                    blocks.append(Block("heading", counter, text, level=level, anchor=anchor))
                return
            if not in_item or style_name == EXPORT_NOTE_STYLE:
                return
        if level is not None:
            blocks.append(Block("heading", counter, text, level=level))
            return
        num_pr = ppr.find(q("numPr")) if ppr is not None else None
        listed = numbering.list_kind(num_pr if num_pr is not None else styles.num_pr(style_id))
        if listed is not None:
            blocks.append(Block("item", counter, text, level=listed[1], ordered=listed[0]))
        else:
            blocks.append(Block("para", counter, text))

    def table(tbl: Any) -> None:
        if exported and not in_item:
            return
        rows = []
        first = counter + 1
        for tr in tbl.findall(q("tr")):
            cells = []
            for tc in tr.findall(q("tc")):
                paras = [p for p in tc.iter(q("p")) if not (exported and _style_name(p) == EXPORT_NOTE_STYLE)]
                text = "\n".join(t for t in (text_of(p).replace("\t", " ").strip() for p in paras) if t)
                span = tc.find(f"{q('tcPr')}/{q('gridSpan')}")
                cells += [text] * (int(span.get(q("val"), "1")) if span is not None else 1)
            if any(cells):
                rows.append(cells)
        if rows:
            blocks.append(Block("table", first, rows=rows))

    def _style_name(p: Any) -> str:
        style_el = p.find(f"{q('pPr')}/{q('pStyle')}")
        return styles.name(style_el.get(q("val")) if style_el is not None else None)

    def body(container: Any) -> None:
        for child in container:
            if child.tag == q("p"):
                paragraph(child)
            elif child.tag == q("tbl"):
                table(child)
            elif child.tag == q("sdt"):
                content = child.find(q("sdtContent"))
                if content is not None:
                    body(content)

    body(doc.element.body)
    if not blocks:
        raise ImportInputError(path, "the document has no text to import")
    if not title:
        title = _title_from_blocks(blocks) or path.stem
    return Document(title=title, blocks=blocks, path=path)


def _bookmark(p: Any, prefix: str) -> str | None:
    """What follows ``prefix`` in the name of a bookmark in the paragraph (item-<id> → the id)."""
    for b in p.iter(q("bookmarkStart")):
        name = b.get(q("name")) or ""
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return None


def _title_from_blocks(blocks: list[Block]) -> str | None:
    """A manual's title typed as its first line (big and bold, but Normal style), or its only top heading."""
    first = blocks[0]
    if first.kind == "para" and first.number is None and looks_like_title(first.text) \
            and any(b.kind == "heading" or b.number is not None for b in blocks[1:]):
        blocks.pop(0)
        return first.text
    tops = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if len(tops) == 1 and first is tops[0] and len(blocks) > 1:
        blocks.pop(0)
        return first.text
    return None
