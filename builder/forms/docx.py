"""DOCX forms: the same layout pieces as the PDF, written as WordprocessingML.

Speed: python-docx's ``Document()`` loads and re-serialises its 800 KB default template
(styles, stylesWithEffects, a thumbnail …) on every call — about 80 ms for a one-page form.
This module writes a lean package instead: five small static parts prepared once per
process, and the body XML built as a string from :func:`builder.forms.layout.layout`. The
result opens in Word/WPS/LibreOffice and reads back with python-docx (the tests do).

Fonts: ``w:eastAsia="宋体"`` (SimSun) for Chinese, Times New Roman for Latin and digits, set
on the document defaults; nothing is embedded. 宋体 is on every Chinese Windows PC (and
in every Office for Windows), it is what the company's paper forms use, and Word on a PC
without it substitutes a Song face. ☐/☑ are drawn in "Segoe UI Symbol" (Windows 7 and
later), since 宋体 has no U+2610/U+2611.

Layout: A4 (landscape when the form says so), 2 cm margins; bordered grids of label/value
cells (labels shaded); repeating tables whose header row repeats on each page and whose
rows never split (``w:cantSplit``); checklists with a ☐/☑ per option; pledge text with its
blanks underlined (filled, or left as underlined space); signature lines; notes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from builder.core.docx_fonts import LATIN, SONG, SYMBOL
from builder.core.formspec import FormSpec
from builder.forms.layout import Header, Piece, Segment, layout

__all__ = ["render_docx", "EAST_ASIA_FONT", "LATIN_FONT", "SYMBOL_FONT"]

EAST_ASIA_FONT = SONG
LATIN_FONT = LATIN
SYMBOL_FONT = SYMBOL

#: A4 in twentieths of a point, and the margins (2 cm).
PAGE_W, PAGE_H, MARGIN = 11906, 16838, 1134
#: grid label/value widths (percent of the text width) by pairs per row; as in form.css
GRID_WIDTHS = {1: (16, 84), 2: (16, 34), 3: (12, 21.34), 4: (10, 15)}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
#: the logo's height in the header (12 mm, as form.css) in EMU, and its relationship id
LOGO_EMU = 12 * 36000
LOGO_RID = "rIdLogo"
#: the company name beside the logo raised to its middle (half-points: 12 mm is 34 pt, the name 11 pt)
LOGO_RAISE = 18

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
</Relationships>"""

_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>\
</Relationships>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{_W}">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{EAST_ASIA_FONT}" w:cs="{LATIN_FONT}"/>\
<w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>\
<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>\
<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style>\
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/>\
<w:pPr><w:spacing w:before="60" w:after="200"/><w:jc w:val="center"/></w:pPr>\
<w:rPr><w:b/><w:bCs/><w:spacing w:val="30"/><w:sz w:val="34"/><w:szCs w:val="34"/></w:rPr></w:style>\
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>\
<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>\
<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
</w:styles>"""

_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{_W}"><w:defaultTabStop w:val="420"/>\
<w:characterSpacingControl w:val="compressPunctuation"/><w:compat>\
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>\
</w:compat></w:settings>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>handbook</Application></Properties>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject>{code}</dc:subject>\
<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created></cp:coreProperties>"""

_STATIC = {
    "[Content_Types].xml": _CONTENT_TYPES.encode(),
    "_rels/.rels": _RELS.encode(),
    "word/_rels/document.xml.rels": _DOC_RELS.encode(),
    "word/styles.xml": _STYLES.encode(),
    "word/settings.xml": _SETTINGS.encode(),
    "docProps/app.xml": _APP.encode(),
}

#: XML 1.0 cannot hold these; validation refuses them, this is the last guard for values
#: that did not pass through it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOXES = re.compile("([☐☑])")


def _x(text: str) -> str:
    return escape(_NOT_XML.sub("", text), {'"': "&quot;"})


# --- runs and paragraphs -------------------------------------------------------
def _rpr(bold: bool = False, size: float | None = None, underline: bool = False, symbol: bool = False,
         raised: int = 0) -> str:
    """A run's properties; ``raised``: half-points above the baseline (the company beside a logo)."""
    out = []
    if symbol:
        out.append(f'<w:rFonts w:ascii="{SYMBOL_FONT}" w:hAnsi="{SYMBOL_FONT}" w:eastAsia="{SYMBOL_FONT}" w:cs="{SYMBOL_FONT}"/>')
    if bold:
        out.append("<w:b/><w:bCs/>")
    if raised:
        out.append(f'<w:position w:val="{raised}"/>')
    if size:
        half = int(round(size * 2))
        out.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if underline:  # CT_RPr's order: rFonts, b, bCs, …, sz, szCs, …, u (Word checks it)
        out.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(out)}</w:rPr>" if out else ""


def _runs(text: str, **fmt: Any) -> str:
    """Runs for ``text``: line breaks as ``<w:br/>``, ☐/☑ in the symbol font."""
    out = []
    for piece in _BOXES.split(text):
        if not piece:
            continue
        rpr = _rpr(symbol=piece in "☐☑" and len(piece) == 1, **fmt)
        lines = piece.split("\n")
        inner = "<w:br/>".join(f'<w:t xml:space="preserve">{_x(line)}</w:t>' for line in lines)
        out.append(f"<w:r>{rpr}{inner}</w:r>")
    return "".join(out)


def _p(content: str, jc: str | None = None, before: int = 0, after: int = 0, line: int | None = None,
       keep_next: bool = False, indent_chars: int = 0, style: str | None = None) -> str:
    ppr = []
    if style:
        ppr.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        ppr.append("<w:keepNext/>")
    if before or after or line:
        ln = f' w:line="{line}" w:lineRule="auto"' if line else ""
        ppr.append(f'<w:spacing w:before="{before}" w:after="{after}"{ln}/>')
    if indent_chars:
        ppr.append(f'<w:ind w:firstLineChars="{indent_chars * 100}" w:firstLine="{indent_chars * 210}"/>')
    if jc:
        ppr.append(f'<w:jc w:val="{jc}"/>')
    pp = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
    return f"<w:p>{pp}{content}</w:p>"


# --- tables ----------------------------------------------------------------
_BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_BORDERS = "<w:tblBorders>" + "".join(_BORDER.format(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
_NO_BORDERS = "<w:tblBorders>" + "".join(f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"


def _tbl(widths: list[int], rows: list[str], borders: bool = True) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    total = sum(widths)
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
            f'{_BORDERS if borders else _NO_BORDERS}<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')


def _tr(cells: str, height: int = 420, header: bool = False) -> str:
    hdr = "<w:tblHeader/>" if header else ""
    return (f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/>{hdr}</w:trPr>'
            f"{cells}</w:tr>")


def _tc(content: str, width: int, span: int = 1, shade: bool = False, valign: str = "center") -> str:
    tcpr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        tcpr.append(f'<w:gridSpan w:val="{span}"/>')
    if shade:
        tcpr.append('<w:shd w:val="clear" w:color="auto" w:fill="F0F0F0"/>')
    tcpr.append(f'<w:vAlign w:val="{valign}"/>')
    return f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr>{content}</w:tc>"


def _split(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    widths = [int(total * w / s) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


# --- pieces ----------------------------------------------------------------------
def _grid(p: Piece, text_w: int) -> str:
    lab, val = GRID_WIDTHS[p.ncols]
    widths = _split(text_w, [lab, val] * p.ncols)
    rows = []
    for row in p.rows:
        cells = []
        col = 0
        height = 420
        for c in row:
            w = sum(widths[col:col + c.span])
            col += c.span
            if c.label:
                cells.append(_tc(_p(_runs(c.text, bold=True), jc="center"), w, shade=True))
            else:
                if c.multiline:
                    height = max(height, 400 * c.lines)
                valign = "top" if c.multiline else "center"
                cells.append(_tc(_p(_runs(c.text)), w, span=c.span, valign=valign))
        rows.append(_tr("".join(cells), height))
    return _tbl(widths, rows)


def _rows(p: Piece, text_w: int) -> str:
    widths = _split(text_w, p.widths)
    caption = _p(_runs(p.title, bold=True), before=60, after=60, keep_next=True)
    head = _tr("".join(_tc(_p(_runs(h, bold=True), jc="center"), w, shade=True)
                       for h, w in zip(p.header, widths)), header=True)
    body = []
    for row in p.rows:
        body.append(_tr("".join(_tc(_p(_runs(c.text), jc="center" if c.mark else None), w)
                                for c, w in zip(row, widths)), 400))
    return caption + _tbl(widths, [head] + body)


def _segments(segs: list[Segment]) -> str:
    return "".join(_runs(s.text, underline=s.blank) for s in segs)


def _signatures(p: Piece, text_w: int) -> str:
    per_row = p.ncols or min(max(len(p.signatures), 1), 3)  # as many a line as on the PDF
    widths = _split(text_w, [1] * per_row)
    rows = []
    for k in range(0, len(p.signatures), per_row):
        cells = []
        row = p.signatures[k:k + per_row]
        for j, (label, value) in enumerate(row):
            cells.append(_tc(_p(_runs(f"{label}:") + _runs(value, underline=True)), widths[j], valign="bottom"))
        cells += [_tc(_p(""), widths[j], valign="bottom") for j in range(len(row), per_row)]
        rows.append(_tr("".join(cells), 560))
    return _p("", before=200) + _tbl(widths, rows, borders=False)


def _body(spec: FormSpec, pieces: list[Piece]) -> str:
    landscape = spec.orientation == "landscape"
    pw, ph = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    text_w = pw - 2 * MARGIN
    out = []
    prev = ""
    for p in pieces:
        if p.kind == "title":
            top = p.top
            marks = [f"编号: {p.code}"] if p.code else []
            marks += [f"No. {top.number}"] if top.number else []
            marks += ["预览 (未出具)"] if top.preview else []
            if top.logo:  # one row, as on the PDF: the logo (12 mm) at the left, the company, the marks right
                row = _picture(top.logo) + _runs("\u3000" + top.company, size=11, raised=LOGO_RAISE)
                if marks:
                    row += "<w:r><w:tab/></w:r>" + _runs("　".join(marks), size=9, raised=LOGO_RAISE)
                out.append(f'<w:p><w:pPr><w:tabs><w:tab w:val="right" w:pos="{text_w}"/></w:tabs>'
                           f'<w:jc w:val="left"/></w:pPr>{row}</w:p>')
            else:
                if top.company:
                    out.append(_p(_runs(top.company, size=11), jc="center"))
                if marks:
                    out.append(_p(_runs("　".join(marks), size=9), jc="right"))
            out.append(_p(_runs(p.title), style="Title"))
        elif p.kind == "heading":
            out.append(_p(_runs(p.text, bold=True, size=12), before=120, after=60, keep_next=True))
        elif p.kind == "grid":
            if prev not in ("grid", "title", ""):
                out.append(_p("", after=0))
            out.append(_grid(p, text_w))
        elif p.kind in ("table", "checklist"):
            out.append(_rows(p, text_w))
        elif p.kind == "pledge":
            for para in p.paragraphs:
                out.append(_p(_segments(para), before=60, line=400, indent_chars=2))
        elif p.kind == "notes":
            for i, para in enumerate(p.paragraphs):
                out.append(_p("".join(_runs(s.text, underline=s.blank, size=9) for s in para),
                              before=100 if i == 0 else 0))
        elif p.kind == "signatures":
            out.append(_signatures(p, text_w))
        prev = p.kind
    orient = ' w:orient="landscape"' if landscape else ""
    sect = (f'<w:sectPr><w:pgSz w:w="{pw}" w:h="{ph}"{orient}/>'
            f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
            'w:header="567" w:footer="567" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{_W}" xmlns:r="{_R}" xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:pic="{_PIC}">'
            f'<w:body>{"".join(out)}{sect}</w:body></w:document>')


def _picture(data: bytes) -> str:
    """A run holding the logo (part ``word/media/logo.*``, relationship :data:`LOGO_RID`) as an
    inline picture :data:`LOGO_EMU` high, its width kept in proportion."""
    from PIL import Image  # WeasyPrint's own dependency

    with Image.open(io.BytesIO(data)) as img:
        w, h = img.size
    cy = LOGO_EMU
    cx = max(1, round(cy * w / max(h, 1)))
    return (f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="1" name="logo"/>'
            f'<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            f'<a:graphic><a:graphicData uri="{_PIC}"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="logo"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{LOGO_RID}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            f'</wp:inline></w:drawing></w:r>')


def _logo_parts(header: Header | None) -> dict[str, bytes]:
    """The package parts that change when the form has a logo: the image, its relationship
    and its content type (none without one)."""
    if header is None or not header.logo:
        return {}
    ext = "png" if header.logo_type == "image/png" else "jpeg"
    rel = f'<Relationship Id="{LOGO_RID}" Type="{_R}/image" Target="media/logo.{ext}"/>'
    kind = f'<Default Extension="{ext}" ContentType="{header.logo_type}"/>'
    return {
        "[Content_Types].xml": _CONTENT_TYPES.replace("<Default ", kind + "<Default ", 1).encode(),
        "word/_rels/document.xml.rels": _DOC_RELS.replace("</Relationships>", rel + "</Relationships>").encode(),
        f"word/media/logo.{ext}": header.logo,
    }


def render_docx(spec: FormSpec, values: dict[str, Any] | None = None) -> bytes:
    """The DOCX of ``spec`` filled with cleaned ``values`` (``None``: a blank form)."""
    pieces = layout(spec, values)
    document = _body(spec, pieces)
    logo = _logo_parts(next((p.top for p in pieces if p.kind == "title"), None))
    core = _CORE.format(title=_x(spec.title), code=_x(spec.code or ""),
                        now=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in _STATIC.items():
            if name == "docProps/app.xml":
                z.writestr("word/document.xml", document.encode("utf-8"))
                z.writestr("docProps/core.xml", core.encode("utf-8"))
            z.writestr(name, logo.get(name, data))
        for name, data in logo.items():
            if name not in _STATIC:
                z.writestr(name, data)
    return buf.getvalue()


def docx_text(data: bytes) -> str:
    """All text of a DOCX, paragraphs and table cells in order (python-docx); for tests
    and checks."""
    import docx

    d = docx.Document(io.BytesIO(data))
    out: list[str] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in child.iter(f"{{{_W}}}t")))
        elif tag == "tbl":
            from docx.table import Table

            for row in Table(child, d).rows:
                seen = []
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.append(cell._tc)
                        out.append(cell.text)
    return "\n".join(out)



