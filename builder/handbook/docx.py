"""The handbook as one DOCX (python-docx), with the same structure as the PDF.

- Headings are Word's own ``Heading 1`` (chapters) and ``Heading 2`` (sections, appendix
  forms), so Word's navigation pane and outline view work the moment the file opens.
- The table of contents is a real ``TOC \\o "1-2" \\h \\z \\u`` field. Word fills in page
  numbers only when it updates the field, so the document asks Word to update fields on
  open (``w:updateFields``), and the field's cached result already lists every heading
  (without page numbers) so the contents are readable even before, or in a viewer that
  never updates fields.
- Header: title and version; footer: "第 PAGE 页 共 NUMPAGES 页" as fields. The cover is its
  own section with no header or footer; page numbers are physical (the cover is page 1), as in the PDF.
- Round trip: each item's heading carries a bookmark named ``item-<id>`` (its anchor in the
  PDF too), the handbook's own notes (badges, references, the flowchart line) have the style
  ``Handbook Note``, lists are Word's own numbering, and a summary is labelled (本职工作：/概述：),
  so ``handbook import`` reads an exported handbook back onto the same items.
- Procedures: the step table (步骤, 执行人, 工作内容, 时限, 表单) stands for the flowchart,
  which Word cannot draw from SVG.
- Chinese text gets its font through ``w:rFonts/@w:eastAsia`` (theme fonts removed), since
  python-docx's ``font.name`` sets only the Latin slots.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from builder.core.docx_fonts import HEI, SONG, set_fonts
from builder.forms.docx import render_docx
from builder.handbook.structure import (
    APPENDIX_HEADING,
    IMPORTS_HEADING,
    REVISIONS_HEADING,
    Chapter,
    Handbook,
    Section,
    cn_numeral,
)
from builder.importer.approve import ACTION_WORDS
from builder.importer.read_docx import EXPORT_NOTE_STYLE

SERIF = SONG  # the office PCs' fonts (builder/core/docx_fonts.py)
SANS = HEI
GREEN = RGBColor(0x2F, 0x6B, 0x3A)
AMBER = RGBColor(0x9A, 0x67, 0x00)
RED = RGBColor(0xB3, 0x26, 0x1E)
GREY = RGBColor(0x55, 0x55, 0x55)
TOC_INSTR = 'TOC \\o "1-2" \\h \\z \\u'
#: the elements of w:settings that come after w:updateFields (ECMA-376 CT_Settings)
UPDATE_FIELDS_SUCCESSORS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)


# --- low-level helpers ----------------------------------------------------
def run(par: Any, text: str, *, bold: bool = False, size: float | None = None, color: RGBColor | None = None,
        font: str | None = None) -> Any:
    r = par.add_run(text)
    r.bold = bold or None
    if size:
        r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = color
    if font:
        set_fonts(r._r, font)
    return r


def add_field(par: Any, instr: str, placeholder: str = "1") -> None:
    """A simple complex field (PAGE, NUMPAGES …) with a cached result."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", placeholder), ("end", None)):
        r = par.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            r._r.append(el)
        elif kind == "text":
            r.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            r._r.append(el)


def bookmark(par: Any, name: str, bookmark_id: int) -> None:
    """A bookmark around the paragraph's text (``w:bookmarkStart`` … ``w:bookmarkEnd``)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    ppr = par._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        par._p.insert(0, start)
    par._p.append(end)


def shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def cell_text(cell: Any, text: str, *, bold: bool = False, center: bool = False, size: float | None = None,
              color: RGBColor | None = None) -> None:
    par = cell.paragraphs[0]
    par.text = ""
    run(par, text, bold=bold, size=size, color=color)
    if center:
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER


_GRID_STYLE: dict[int, Any] = {}


def grid_style(doc: Any) -> Any:
    """The "Table Grid" style, looked up once per document (a lookup by name scans every style)."""
    key = id(doc)
    if key not in _GRID_STYLE:
        _GRID_STYLE.clear()
        _GRID_STYLE[key] = doc.styles["Table Grid"]
    return _GRID_STYLE[key]


def table(doc: Any, header: list[str], rows: list[list[str]], widths_mm: list[float] | None = None,
          size: float = 9.5) -> Any:
    t = doc.add_table(rows=1, cols=len(header))
    t.style = grid_style(doc)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, h in zip(t.rows[0].cells, header):
        cell_text(c, h, bold=True, center=True, size=size)
        shade(c, "EEEEEE")
    repeat_header(t.rows[0])
    for r in rows:
        cells = t.add_row().cells
        for c, v in zip(cells, r):
            cell_text(c, v, size=size)
    if widths_mm:
        t.autofit = False
        for col, w in zip(t.columns, widths_mm):  # w:gridCol, what LibreOffice and WPS lay out by
            col.width = Mm(w)
        for row in t.rows:
            for c, w in zip(row.cells, widths_mm):
                c.width = Mm(w)
    return t


def _date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


# --- the document ------------------------------------------------------------
class DocxWriter:
    def __init__(self, hb: Handbook):
        self.hb = hb
        self.doc = Document()
        self.form_titles = {f.spec.id: f.spec.title for f in hb.forms}  # type: ignore[attr-defined]
        self._styles()
        self._heading_ids = {n: self.doc.styles[f"Heading {n}"].style_id for n in (1, 2, 3)}
        self._bookmarks = 0
        self._note_id = self.doc.styles[EXPORT_NOTE_STYLE].style_id
        self._list_id = self.doc.styles["List Number"].style_id
        self._numbering = self.doc.part.numbering_part.element
        self._list_abstract = self._abstract_of(self.doc.styles["List Number"])
        self._next_num = 1 + max(int(n.get(qn("w:numId"))) for n in self._numbering.findall(qn("w:num")))

    def styled(self, text: str, style_id: str) -> Any:
        """A paragraph with a style given by id (python-docx's by-name lookup scans every style, each call)."""
        par = self.doc.add_paragraph(text)
        par._p.get_or_add_pPr().style = style_id
        return par

    def heading(self, text: str, level: int) -> Any:
        return self.styled(text, self._heading_ids[level])

    def note(self) -> Any:
        """A paragraph of the handbook's own (badge, references): the importer does not read it as manual text."""
        return self.styled("", self._note_id)

    def _abstract_of(self, style: Any) -> str:
        num_id = style.element.pPr.numPr.numId.val
        for num in self._numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == str(num_id):
                return str(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        raise LookupError("the template's List Number style has no numbering")  # pragma: no cover

    def new_list(self) -> int:
        """A fresh Word numbering (1., 2., …) for one list, restarting at 1."""
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(self._next_num))
        abstract = OxmlElement("w:abstractNumId")
        abstract.set(qn("w:val"), self._list_abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(abstract)
        num.append(override)
        self._numbering.append(num)
        self._next_num += 1
        return self._next_num - 1

    def _styles(self) -> None:
        st = self.doc.styles
        normal = st["Normal"]
        normal.font.size = Pt(10.5)
        set_fonts(normal.element, SERIF)
        normal.paragraph_format.space_after = Pt(3)
        normal.paragraph_format.line_spacing = 1.25
        for name, size in (("Title", 26), ("Heading 1", 17), ("Heading 2", 13), ("Heading 3", 11)):
            s = st[name]
            set_fonts(s.element, SANS)
            s.font.size = Pt(size)
            s.font.bold = True
            s.font.color.rgb = RGBColor(0, 0, 0)
            s.font.color.theme_color = None
        st["Heading 1"].paragraph_format.space_before = Pt(0)
        st["Heading 1"].paragraph_format.page_break_before = True
        st["Heading 1"].paragraph_format.space_after = Pt(10)
        st["Heading 2"].paragraph_format.space_before = Pt(14)
        st["Heading 2"].paragraph_format.space_after = Pt(3)
        st["Heading 3"].paragraph_format.space_before = Pt(6)
        st["Heading 3"].paragraph_format.space_after = Pt(2)
        for lvl, indent in ((1, 0), (2, 7)):
            name = f"toc {lvl}"
            try:
                s = st[name]
            except KeyError:
                from docx.enum.style import WD_STYLE_TYPE

                s = st.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                s.base_style = normal
            s.paragraph_format.left_indent = Mm(indent)
            s.paragraph_format.space_after = Pt(2)
            s.font.bold = lvl == 1
        for s in (st["Table Grid"],):
            set_fonts(s.element, SERIF)
        from docx.enum.style import WD_STYLE_TYPE

        note = st.add_style(EXPORT_NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        note.quick_style = False
        # Word fills the TOC's page numbers when it updates fields: ask it to, on open
        settings = self.doc.settings.element
        upd = OxmlElement("w:updateFields")
        upd.set(qn("w:val"), "true")
        # in schema order: before the first element that CT_Settings puts after updateFields
        after = {qn(f"w:{t}") for t in UPDATE_FIELDS_SUCCESSORS}
        successor = next((el for el in settings if el.tag in after), None)
        if successor is not None:
            successor.addprevious(upd)
        else:
            settings.append(upd)
        core = self.doc.core_properties
        core.title = f"{self.hb.title} {self.hb.subtitle}"
        core.author = self.hb.control.company
        core.subject = f"{self.hb.control.number} 版本 {self.hb.control.version}"
        core.keywords = self.hb.control.controlled

    @staticmethod
    def _page_setup(section: Any, landscape: bool = False) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.top_margin, section.bottom_margin = Mm(24), Mm(20)
        section.left_margin, section.right_margin = Mm(20), Mm(18)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)

    def _header_footer(self, section: Any) -> None:
        c = self.hb.control
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        width = section.page_width - section.left_margin - section.right_margin
        hp = section.header.paragraphs[0]
        hp.text = ""
        self._tabs(hp, width)
        title = self.hb.title + (f" · {self.hb.subtitle}" if self.hb.role else "")
        run(hp, title, size=8.5, font=SANS)
        run(hp, f"\t\t手册编号 {c.number}  版本 {c.version}", size=8.5, font=SANS)
        self._bottom_border(hp)
        fp = section.footer.paragraphs[0]
        fp.text = ""
        self._tabs(fp, width)
        status = "编辑版 · 非受控" if self.hb.for_editors else f"{c.controlled}文件"
        if c.is_example:
            status = "示例 · 非正式文件"
        if self.hb.copy:
            status += f" · {self.hb.copy_line}"
        run(fp, f"{status}\t", size=8, color=RED if c.controlled == "受控" else GREY, font=SANS)
        run(fp, "第 ", size=9, font=SANS)
        add_field(fp, "PAGE")
        run(fp, " 页 共 ", size=9, font=SANS)
        add_field(fp, "NUMPAGES")
        run(fp, " 页", size=9, font=SANS)
        run(fp, f"\t{c.company}", size=8, color=GREY, font=SANS)

    @staticmethod
    def _tabs(par: Any, width: int) -> None:
        """A centre and a right tab stop, so header and footer read left · centre · right (the
        template's Header/Footer styles carry stops for another page width: not used)."""
        ppr = par._p.get_or_add_pPr()
        ppr.style = None
        stops = par.paragraph_format.tab_stops
        stops.add_tab_stop(int(width / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(int(width), WD_TAB_ALIGNMENT.RIGHT)

    @staticmethod
    def _bottom_border(par: Any) -> None:
        ppr = par._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "444444")):
            bottom.set(qn(k), v)
        bdr.append(bottom)
        # schema order: pBdr comes before shd, tabs, spacing, ind, jc …
        ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                                  "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                                  "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                                  "w:sectPr", "w:pPrChange")

    # --- parts -------------------------------------------------------------
    def cover(self) -> None:
        doc, c, hb = self.doc, self.hb.control, self.hb
        self._page_setup(doc.sections[0])
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Mm(10)
        run(p, c.company, size=16, font=SANS)
        p = doc.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Mm(40)
        p.text = hb.title
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(p, hb.subtitle, size=16, font=SANS)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Mm(14)
        p.paragraph_format.space_after = Mm(10)
        if c.is_example:
            run(p, "【示  例】", bold=True, size=20, color=RED, font=SANS)
            q = doc.add_paragraph()
            q.alignment = WD_ALIGN_PARAGRAPH.CENTER
            q.paragraph_format.space_after = Mm(8)
            run(q, "封面的公司名称、编号与编制/审核/批准人是示例值, 公司尚未填写 (handbook-control.yaml)。"
                   "本册不是受控文件, 不得作为正式文件发放。", size=9.5, color=RED)
        elif hb.for_editors:
            run(p, "【编辑版】", bold=True, size=18, color=GREY, font=SANS)
        else:
            run(p, f"【{c.controlled}】", bold=True, size=18, color=RED if c.controlled == "受控" else GREY, font=SANS)
        t = doc.add_table(rows=3, cols=4)
        t.style = grid_style(doc)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate([("手册编号", c.number, "版本", c.version),
                                 ("生效日期", _date(c.effective_date), "受控状态",
                                  "示例 (未受控)" if c.is_example else "非受控 (编辑版)" if hb.for_editors
                                  else c.controlled),
                                 ("分发号", hb.copy.copy_no if hb.copy else "未编号", "持有人",
                                  hb.copy.holder if hb.copy else "")]):
            for k, v in enumerate(row):
                cell_text(t.cell(r, k), v, center=True, size=11)
                if k % 2 == 0:
                    shade(t.cell(r, k), "F0F0F0")
        doc.add_paragraph()
        t = doc.add_table(rows=4, cols=4)
        t.style = grid_style(doc)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = [("", "编制", "审核", "批准"), ("姓名", c.prepared_by, c.reviewed_by, c.approved_by), ("签字", "", "", ""),
                ("日期", _date(c.prepared_date), _date(c.reviewed_date), _date(c.approved_date))]
        for r, row in enumerate(rows):
            for k, v in enumerate(row):
                cell_text(t.cell(r, k), v, center=True, size=11, bold=(r == 0))
                if r == 0 or k == 0:
                    shade(t.cell(r, k), "F0F0F0")
        t.rows[2].height = Mm(12)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Mm(10)
        if c.is_example:
            note = "示例封面, 仅供试印。"
        elif hb.for_editors:
            note = "编辑版: 含待编写条目及其出处与导入记录, 供编辑内部使用, 不发给员工。"
        elif c.controlled == "受控":
            note = "受控文件, 未经批准不得复印、外传; 换版时收回旧版。"
        else:
            note = "非受控文件, 仅供参考, 不作换版通知。"
        copy = f", 第 {hb.copy.copy_no} 号分发本, 发给 {hb.copy.holder}" if hb.copy else ""
        run(p, f"本手册由知识库内容生成于 {_date(hb.generated)}{copy}。{note}", size=9, color=GREY)

    def toc(self) -> None:
        doc = self.doc
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section)
        self._header_footer(section)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(12)
        run(p, "目  录", bold=True, size=18, font=SANS)
        entries = [(lvl, text) for lvl, text in self.hb.outline()]
        toc_ids = {lvl: doc.styles[f"toc {lvl}"].style_id for lvl in (1, 2)}
        for k, (lvl, text) in enumerate(entries):
            par = self.styled("", toc_ids[lvl])
            if k == 0:
                for kind, val in (("begin", None), ("instr", TOC_INSTR), ("separate", None)):
                    r = par.add_run()
                    if kind == "instr":
                        el = OxmlElement("w:instrText")
                        el.set(qn("xml:space"), "preserve")
                        el.text = f" {val} "
                    else:
                        el = OxmlElement("w:fldChar")
                        el.set(qn("w:fldCharType"), kind)
                        if kind == "begin":
                            el.set(qn("w:dirty"), "true")  # page numbers are not known until Word updates it
                    r._r.append(el)
            par.add_run(text)
            if k == len(entries) - 1:
                r = par.add_run()
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), "end")
                r._r.append(el)
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(12)
        legend = ("“来源 M18 · …” 内容出自该手册的该章节; “待审核” 已写成、尚待公司审定; "
                  "“待编写” 手册仅列出标题, 所列出处是编辑补写时要找的原文。" if self.hb.for_editors
                  else "“出处《…》” 内容出自公司的该手册; “待审核” 尚待公司审定, 以审定后的版本为准。")
        run(p, f"页码在 Word 中打开时更新 (或右键目录 → 更新域)。标注说明: {legend}", size=8.5, color=GREY)

    def chapter(self, ch: Chapter) -> None:
        self._bookmarks += 1
        bookmark(self.heading(ch.heading, level=1), ch.anchor, self._bookmarks)  # Heading 1 starts a page
        if ch.gaps:
            p = self.note()
            run(p, f"本章共 {len(ch.sections)} 节: {len(ch.sections) - len(ch.gaps)} 节有正文, {len(ch.gaps)} 节待编写"
                   "(手册只列出标题, 排在本章之后部分, 目录中标有“待编写”; 员工版不印)。", size=9, color=GREY)
        for s in ch.sections:
            self.section(s)

    def section(self, s: Section) -> None:
        it = s.item
        self._bookmarks += 1
        bookmark(self.heading(s.heading, level=2), s.anchor, self._bookmarks)
        if s.badge:
            color = RED if s.is_gap else (AMBER if it.status == "draft" else GREEN)
            run(self.note(), f"【{s.badge}】", size=8, color=color, font=SANS)
        if s.is_gap:
            run(self.note(), "待编写: 手册只列出了这一标题, 尚无正文。补写所需出处:", color=GREY)
            for line in s.sources_needed:
                q = self.note()
                q.paragraph_format.left_indent = Mm(7)
                run(q, f"· {line}", size=9, color=GREY)
        if it.summary:
            self.kv([("本职工作" if it.kind == "role" else "概述", it.summary)])
        getattr(self, f"kind_{it.kind}")(it, s)
        if it.notes and self.hb.for_editors:  # editors' notes (sources, what is missing): not for staff
            run(self.note(), f"备注: {it.notes}", size=9, color=GREY)
        refs = []
        procedures, related = self.hb.refs_shown(it.procedures), self.hb.refs_shown(it.related)
        if procedures:
            refs.append("相关流程: " + "、".join(self._item_ref(i) for i in procedures))
        if it.forms:
            refs.append("使用表单: " + "、".join(self._form_ref(f) for f in it.forms))
        if related:
            refs.append("相关条目: " + "、".join(self._item_ref(i) for i in related))
        if refs:
            run(self.note(), "    ".join(refs), size=9)

    def _item_ref(self, item_id: str) -> str:
        s = self.hb.section_of(item_id)
        return s.heading if s else self.hb.title_of(item_id)

    def _form_ref(self, form_id: str) -> str:
        f = self.hb.form_of(form_id)
        return f"附表{f.number} {f.spec.title}" if f else self.form_titles.get(form_id, form_id)  # type: ignore[attr-defined]

    def _title_of(self, item_id: str) -> str:
        return self.hb.title_of(item_id)

    def numbered(self, rows: list[str], label: str | None = None) -> None:
        """A numbered list in Word's own numbering (one numbering a list, so each starts at 1)."""
        if not rows:
            return
        if label:
            self.heading(label, level=3)
        num_id = self.new_list()
        for text in rows:
            self.list_item(text, num_id)

    def list_item(self, text: str, num_id: int) -> Any:
        p = self.styled(text, self._list_id)
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        return p

    def kv(self, rows: list[tuple[str, str]], note: bool = False) -> None:
        """标签: 值 lines (``note``: the handbook's own, which an import does not read back)."""
        for k, v in rows:
            p = self.note() if note else self.doc.add_paragraph()
            run(p, f"{k}: ", bold=True, font=SANS)
            p.add_run(v)

    # --- one method per kind ---------------------------------------------
    def kind_role(self, it: Any, s: Section) -> None:
        if it.aliases:
            self.kv([("又称", "、".join(it.aliases))], note=True)
        kv = []
        if it.reports_to:
            kv.append(("直接上级", self._title_of(it.reports_to)))
        if it.subordinates:
            kv.append(("直接下级", "、".join(self._title_of(r) for r in it.subordinates)))
        self.kv(kv)
        self.numbered(it.duties, "岗位职责")
        for where, rows in it.duties_for.items():
            self.numbered(rows, f"岗位职责（{where}项目）")
        self.numbered(it.authority, "工作权限")
        self.numbered(it.scope, "管理范围")
        self.numbered(it.requirements, "任职要求")

    def kind_etiquette(self, it: Any, s: Section) -> None:
        num_id = self.new_list() if it.rules else 0
        for r in it.rules:
            self.list_item(r.text, num_id)  # one numbering: the 【应】/【忌】 lines between do not restart it
            for tag, rows, color in (("应", r.do, GREEN), ("忌", r.dont, RED)):
                for row in rows:  # one a line, so an import reads each back
                    q = self.doc.add_paragraph()
                    q.paragraph_format.left_indent = Mm(7)
                    run(q, f"【{tag}】", bold=True, color=color, size=9, font=SANS)
                    run(q, row, size=9.5)
        for label, rows in (("标准用语", it.phrases), ("禁语", it.forbidden)):
            if rows:
                self.heading(label, level=3)
                table(self.doc, ["序号", "用语" if label == "标准用语" else "禁用语", "场合"],
                      [[str(i), p.text, p.when or ""] for i, p in enumerate(rows, 1)], [12, 110, 50])

    def kind_procedure(self, it: Any, s: Section) -> None:
        if it.trigger:
            self.kv([("适用情形", it.trigger)])
        if it.owner:
            self.kv([("负责岗位", self._title_of(it.owner))], note=True)
        self.numbered(it.materials, "所需资料")
        if it.steps:
            self.heading("办理步骤", level=3)
            t = table(self.doc, ["步骤", "执行人", "工作内容", "时限", "表单"],
                      [[str(i), st.actor or "", st.action, st.time_limit or "", self._form_ref(st.form) if st.form else ""]
                       for i, st in enumerate(it.steps, 1)], [12, 26, 82, 22, 30])
            for row, st in zip(t.rows[1:], it.steps, strict=True):
                for b in st.branches:  # a decision step's cases, under its action
                    cell = row.cells[2]
                    par = cell.add_paragraph()
                    par._p.get_or_add_pPr().style = self._note_id
                    run(par, f"{b.when}：", bold=True, size=9, font=SANS)
                    extra = "".join(x for x in (f"（{b.actor}）" if b.actor else "",
                                                 f" {b.time_limit}" if b.time_limit else "",
                                                 " 【待审核】" if b.draft else ""))
                    run(par, b.then + extra, size=9)
            p = self.note()
            flow = " → ".join(["开始"] + [f"{i} {st.actor or st.action[:8]}" for i, st in enumerate(it.steps, 1)] + ["结束"])
            run(p, f"流程: {flow}", size=9, color=GREY)
        if it.rhyme:
            run(self.note(), it.rhyme.title or "口诀", bold=True, size=9.5, font=SANS)
            for line in it.rhyme.lines:
                run(self.note(), line, size=10)

    def kind_policy(self, it: Any, s: Section) -> None:
        self.numbered(it.rules)
        for i, sec in enumerate(it.sections, 1):
            self.numbered(sec.rules, f"{cn_numeral(i)}、{sec.title}")
            if not sec.rules:
                self.heading(f"{cn_numeral(i)}、{sec.title}", level=3)

    def kind_legal(self, it: Any, s: Section) -> None:
        law = it.law.replace("《", "").replace("》", "")
        run(self.doc.add_paragraph(), f"《{law}》", bold=True, font=SANS)
        if it.articles:
            table(self.doc, ["条款", "条文要点", "对客服工作的要求"],
                  [[a.article, a.text + ("（节录）" if a.excerpt else ""), a.desk] for a in it.articles], [22, 90, 60])

    def kind_fact(self, it: Any, s: Section) -> None:
        p = self.doc.add_paragraph()
        run(p, "问: ", bold=True, font=SANS)
        p.add_run(it.question)
        p = self.doc.add_paragraph()
        run(p, "答: ", bold=True, font=SANS)
        p.add_run(it.answer)
        if it.figure:
            run(p, f"  【{it.figure}】", size=9, color=RED, font=SANS)
        if it.quote:
            run(self.doc.add_paragraph(), f"原文: {it.quote}", size=9, color=GREY)

    def kind_case(self, it: Any, s: Section) -> None:
        self.kv([("情形", it.situation)])
        self.numbered(it.handling, "处理")
        if it.lesson:
            self.kv([("启示", it.lesson)])

    # --- appendix and revisions -------------------------------------------
    def appendix(self) -> None:
        if not self.hb.forms:
            return
        doc = self.doc
        self.heading(APPENDIX_HEADING, level=1)
        run(doc.add_paragraph(), "以下为空白表单, 可复印使用; 填写后的表单可用 handbook form 生成。", size=9.5, color=GREY)
        for k, f in enumerate(self.hb.forms):
            spec = f.spec
            landscape = getattr(spec, "orientation", "portrait") == "landscape"
            if k or landscape:  # each form on its own page, in its own orientation
                section = doc.add_section(WD_SECTION.NEW_PAGE)
                self._page_setup(section, landscape)
                if landscape != (doc.sections[-2].orientation == WD_ORIENT.LANDSCAPE):
                    self._header_footer(section)  # tab stops for this page width
            self.heading(f.heading, level=2)
            self.form_body(spec)

    def form_body(self, spec: Any) -> None:
        """The forms engine's blank DOCX, its body appended here."""
        src = Document(io.BytesIO(render_docx(spec, None)))
        body = self.doc.element.body
        anchor = body[-1]  # the final sectPr stays last
        for el in list(src.element.body):
            if el.tag == qn("w:sectPr"):
                continue
            for inner in el.iter(qn("w:sectPr")):  # a section break inside their body
                inner.getparent().remove(inner)
            anchor.addprevious(copy.deepcopy(el))

    def _page_for_table(self, heading: str) -> None:
        """A chapter-level heading on a new portrait page (after a landscape form, a new section)."""
        doc = self.doc
        if doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            self._page_setup(section)
            self._header_footer(section)
            self.heading(heading, level=1).paragraph_format.page_break_before = False
        else:
            self.heading(heading, level=1)

    def imports(self) -> None:
        """The editors' edition: what each import created, filled and updated."""
        if not self.hb.for_editors:
            return
        self._page_for_table(IMPORTS_HEADING)
        if not self.hb.imports:
            run(self.doc.add_paragraph(), "尚无导入记录 (handbook import FILE.docx)。", size=9, color=GREY)
            return
        rows = []
        for r in self.hb.imports:
            did = "\n".join(f"{ACTION_WORDS.get(a, a)} {len(items)} 项: " + "、".join(i.title for i in items)
                            for a, items in r.items.items())
            rows.append([r.on.isoformat(), f"{r.manual}《{r.document}》" + (f"\n{r.file}" if r.file else ""),
                         r.by or "", did])
        table(self.doc, ["日期", "文件", "导入人", "导入结果"], rows, [22, 50, 18, 82], size=9)

    def revisions(self) -> None:
        """The 修订记录: the approved entries of content/changelog.yaml, and blank rows for pen."""
        self._page_for_table(REVISIONS_HEADING)
        rows = [[r.version, r.date.isoformat(), r.summary, r.prepared_by, r.reviewed_by or "", r.approved_by]
                for r in self.hb.revisions]
        rows += [[""] * 6 for _ in range(3)]
        table(self.doc, ["版本", "日期", "修订内容", "编制", "审核", "批准"], rows, [12, 22, 87, 17, 17, 17], size=9)
        if not self.hb.revisions:
            run(self.doc.add_paragraph(), "尚无经批准的修订 (修订由 handbook approve 记入 content/changelog.yaml)。",
                size=9, color=GREY)

    def build(self) -> Any:
        self.cover()
        self.toc()
        for ch in self.hb.chapters:
            self.chapter(ch)
        self.appendix()
        self.imports()
        self.revisions()
        return self.doc


def build_docx(hb: Handbook) -> Any:
    """The handbook as a python-docx Document."""
    return DocxWriter(hb).build()


def write_docx(hb: Handbook, path: Path | str) -> None:
    build_docx(hb).save(str(path))
