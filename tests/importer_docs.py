"""Word and Markdown manuals for the importer tests, built with python-docx in the shapes the
company's manuals take: a title typed as the first line, headings typed by hand (第三节, 四、,
（一）, 1.) or in Word's heading styles, Word's own numbered and bulleted lists, a 流程 table
with 时限 and 责任人, a duty table, a flowchart picture, a table of contents and a tracked change."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

W = nsdecls("w")


def png_bytes() -> bytes:
    """A 2×2 PNG: the flowchart picture a manual pastes in."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def add_numbering(doc, fmt: str, text: str = "%1.") -> str:
    """A numbering definition (decimal or bullet) in numbering.xml; returns its numId."""
    numbering = doc.part.numbering_part.element
    ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abs_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abs_id, num_id = max(abs_ids, default=0) + 1, max(ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{abs_id}"><w:multiLevelType w:val="hybridMultilevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        "</w:abstractNum>")
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abs_id}"/></w:num>'))
    return str(num_id)


def listed(doc, text: str, num_id: str, level: int = 0):
    """A paragraph in Word's own numbering: the number is not in the text."""
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def tracked(doc, before: str, deleted: str, inserted: str, after: str):
    """A paragraph with a tracked change: ``deleted`` struck out, ``inserted`` added."""
    p = doc.add_paragraph()
    p._p.append(parse_xml(f'<w:r {W}><w:t xml:space="preserve">{before}</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="1" w:author="审核人" w:date="2026-11-01T09:00:00Z">'
                          f'<w:r><w:delText>{deleted}</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {W} w:id="2" w:author="审核人" w:date="2026-11-01T09:00:00Z">'
                          f'<w:r><w:t>{inserted}</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:r {W}><w:t xml:space="preserve">{after}</w:t></w:r>'))
    return p


def table(doc, rows: list[list[str]]):
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    return t


def m09_typed(path: Path) -> Path:
    """客服部物业服务中心工作手册范文 (M09), numbered by hand: 第三节 > 四、 > 1. and 第四节 > 十四、 > （一）."""
    doc = docx.Document()
    doc.add_paragraph("客服部物业服务中心工作手册范文")
    doc.add_paragraph("第三节 客服部岗位职责")
    doc.add_paragraph("四、客服部文员岗位职责")
    doc.add_paragraph("1.直接上级：客服主管")
    doc.add_paragraph("2.本职工作：负责客服部文件的收发、打印与档案管理。")
    doc.add_paragraph("3.直接责任：")
    doc.add_paragraph("（1）负责部门文件的打印、收发、登记。")
    doc.add_paragraph("（2）负责业户档案的整理、归档与保管。")
    doc.add_paragraph("（3）负责部门考勤的统计与上报。")
    doc.add_paragraph("第四节 客服部规章制度")
    doc.add_paragraph("十四、客服部办公制度")
    doc.add_paragraph("（一）办公时间")
    doc.add_paragraph("员工应按时上下班，不得迟到早退。")
    doc.add_paragraph("（二）办公秩序")
    bullet = add_numbering(doc, "bullet", "●")
    listed(doc, "保持办公区整洁，文件资料摆放整齐。", bullet)
    listed(doc, "办公时间不得大声喧哗。", bullet)
    doc.add_paragraph("第五节 客服部工作流程")
    doc.add_paragraph("十四、杂志、报刊等收发工作程序及流程图")
    doc.add_paragraph("为规范杂志、报刊的收发，制定本程序。")
    table(doc, [["序号", "工作内容", "时限", "责任人", "使用表格"],
                ["1", "收到杂志、报刊后分类登记。", "当日", "前台接待", "《报刊收发登记表》"],
                ["2", "电话通知业主到前台领取。", "24小时内", "客服员", ""],
                ["3", "业主领取时在登记表上签名。", "", "前台接待", "《报刊收发登记表》"]])
    doc.add_picture(_png(path.parent), width=docx.shared.Cm(3))
    doc.save(str(path))
    return path


def content_with_m09(tmp_path: Path) -> Path:
    """A copy of the real content/ with the typed M09 manual imported into it on 2027-01-05 by 王丽
    (three real gaps filled, the drafts the approval tests and pages start from)."""
    import datetime as dt
    import shutil

    from builder.importer.plan import import_file

    root = Path(__file__).resolve().parent.parent
    content = tmp_path / "content"
    shutil.copytree(root / "content", content)
    import_file(m09_typed(tmp_path / "客服部工作手册范文.docx"), content, on=dt.date(2027, 1, 5), by="王丽")
    return content


def _png(folder: Path) -> str:
    p = folder / "flow.png"
    p.write_bytes(png_bytes())
    return str(p)


def m18_styled(path: Path, edited: bool = False) -> Path:
    """恒誉洋 物业客户服务工作实务手册 (M18) in Word's heading styles, a Word table of contents,
    Word numbering, a flowchart picture and a tracked change. ``edited``: the next version."""
    doc = docx.Document()
    doc.core_properties.title = "恒誉洋 物业客户服务工作实务手册"
    doc.add_paragraph("目录", style=_style(doc, "TOC Heading"))
    for line in ("前台事务办理篇\t1", "《客户服务前台物资放行办理流程》\t2"):
        doc.add_paragraph(line, style=_style(doc, "TOC 1"))
    doc.add_heading("前台事务办理篇", 1)
    doc.add_heading("《客户服务前台物资放行办理流程》", 2)
    doc.add_paragraph("业主或住户搬出物品时，到客户服务前台办理物资放行。")
    steps = add_numbering(doc, "decimal")
    listed(doc, "客服员核对业主身份及搬出物品，请业主填写《物品放行条》。", steps)
    tracked(doc, "放行条须在", "三日", "两日", "内使用，过期作废。")
    p = doc.paragraphs[-1]
    p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="{steps}"/></w:numPr>'))
    listed(doc, "保安员凭放行条核对物品后放行。", steps)
    if edited:
        listed(doc, "客服员当日将放行条存档。", steps)
    doc.add_picture(_png(path.parent))
    doc.add_heading("《电话接听礼仪及技巧》", 2)
    bullet = add_numbering(doc, "bullet", "●")
    listed(doc, "电话铃响三声之内接听。", bullet)
    listed(doc, "接听时先问好，再报部门名称。" if not edited else "接听时先问好，再报部门名称和姓名。", bullet)
    doc.add_paragraph("标准用语：")
    listed(doc, "您好，客服中心，请问有什么可以帮您？", bullet)
    doc.add_paragraph("禁语：")
    listed(doc, "不知道。", bullet)
    doc.add_heading("专业知识篇", 1)
    doc.add_heading("《采访接待工作要领》", 2)
    doc.add_paragraph("接到媒体采访要求时，先问清来访单位及采访目的。")
    doc.add_paragraph("未经公司授权，任何人不得接受采访。")
    doc.add_heading("客户走访工作流程", 2)
    numbered = add_numbering(doc, "decimal")
    listed(doc, "客服主管每月制定走访计划。", numbered)
    listed(doc, "管家按计划上门走访，两天内整理走访记录。", numbered)
    doc.add_heading("应知应会", 1)
    doc.add_heading("客服员岗位职责", 2)
    table(doc, [["序号", "职责内容"], ["1", "负责服务台的电话接听与来访接待。"], ["2", "负责受理业主的投诉与报修。"]])
    doc.save(str(path))
    return path


def _style(doc, name: str):
    try:
        return doc.styles[name]
    except KeyError:
        return doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)


def chinese_styles(path: Path, heading: str = "一、钥匙管理规定") -> Path:
    """A WPS-style file whose headings use styles named 标题 1 / 标题 2, and a form field list."""
    doc = docx.Document()
    h1 = doc.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    h2 = doc.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph("物业公司客服管理制度手册")
    doc.add_paragraph(heading, style=h1)
    doc.add_paragraph("业主钥匙由前台统一登记保管。")
    doc.add_paragraph("（一）钥匙借用登记表", style=h2)
    table(doc, [["项目", "填写要求"], ["借用人", "填写借用人姓名"], ["借用时间", "精确到分钟"]])
    doc.save(str(path))
    return path


M02_MARKDOWN = """\
---
title: 万科物业客服实务手册
---

# 万科物业客服实务手册

## 一、钥匙管理流程

钥匙由客服中心统一保管，借用须登记。

1. 客服员核对借用人身份，填写钥匙借用登记表。
2. 借用人当日归还钥匙，客服员核对后签收。

![钥匙管理流程图](flow.png)

## 二、沟通技巧

- 与业主沟通时面带微笑，
  语气平和。
- 先倾听，再解释。

| 项目 | 时限 | 责任人 |
|---|---|---|
| 回复业主咨询 | 24小时内 | 客服员 |
"""
