"""The printed handbook: structure, PDF (text, outline, TOC page numbers, footer, fonts),
DOCX (headings, TOC field, page fields, East Asian fonts, item bookmarks), booklets, settings,
the 修订记录 from the changelog, the staff and editors' editions, numbered copies, CLI.

Most tests export the small fixture content once (module scope) as numbered copy 007 of the
staff edition, with one approved revision in its changelog; the editors' edition is exported
once too. Two tests export the real content (the full DOCX, and the PDF booklet of a small post)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, enrich_fixture_content
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from builder.core.check import load_valid
from builder.core.control import CONTROL_FILE, ExportError, load_control
from builder.core.distribution import IssuedCopy, load_distribution, valid_copy_number
from builder.core.formspec import load_specs
from builder.handbook.structure import (
    APPENDIX_HEADING,
    IMPORTS_HEADING,
    REVISIONS_HEADING,
    cn_numeral,
    collect,
    staff_title,
)

CONTENT = FIXTURES / "good_content"
FORMS = FIXTURES / "good_forms"
CHANGELOG = """\
entries:
- version: A/0
  date: 2026-12-01
  items: [baoxiu]
  summary: 审核通过1项：《报修处理流程》（工作流程，审核通过草稿）。
  prepared_by: [内业小王]
  reviewed_by: 张主管
  approved_by: 李经理
"""
COPY = IssuedCopy.model_validate({"copy": "007", "holder": "前台", "date": "2027-03-02", "version": "B/1"})

CONTROL_TEXT = """\
company: 测试物业服务有限公司
title: 物业客服部工作手册
number: KF-TEST-009
version: B/1
effective_date: 2027-03-01
controlled: 受控
prepared_by: 张编制
reviewed_by: 李审核
approved_by: 王批准
"""


@pytest.fixture(scope="module")
def control_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("control") / "handbook-control.yaml"
    path.write_text(CONTROL_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    """The fixture content with one approved revision in its changelog."""
    path = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(CONTENT, path)
    (path / "changelog.yaml").write_text(CHANGELOG, encoding="utf-8")
    enrich_fixture_content(path)
    with (path / "procedures" / "baoxiu.yaml").open("a", encoding="utf-8") as f:
        f.write("notes: 时限据 M17 第 263 行核对。\n")  # an editors' note: the staff edition leaves it out
    return path


@pytest.fixture(scope="module")
def handbook(control_file, content_dir):
    content = load_valid(content_dir, FORMS)
    specs, problems = load_specs(FORMS)
    assert not problems
    return collect(content, dict(specs), load_control(control_file), copy=COPY)


@pytest.fixture(scope="module")
def editors(control_file, content_dir):
    content = load_valid(content_dir, FORMS)
    return collect(content, dict(load_specs(FORMS)[0]), load_control(control_file), edition="editors")


@pytest.fixture(scope="module")
def editors_texts(editors, tmp_path_factory) -> list[str]:
    from builder.handbook.export import export_handbook

    (path,) = export_handbook(editors, ["pdf"], tmp_path_factory.mktemp("editors"))
    return [re.sub(r"[ \t]+", " ", p.extract_text() or "") for p in PdfReader(path).pages]


@pytest.fixture(scope="module")
def pdf_path(handbook, tmp_path_factory) -> Path:
    from builder.handbook.export import export_handbook

    out = tmp_path_factory.mktemp("pdf")
    (path,) = export_handbook(handbook, ["pdf"], out)
    return path


@pytest.fixture(scope="module")
def pdf(pdf_path) -> PdfReader:
    return PdfReader(pdf_path)


@pytest.fixture(scope="module")
def page_texts(pdf) -> list[str]:
    return [re.sub(r"[ \t]+", " ", p.extract_text() or "") for p in pdf.pages]


@pytest.fixture(scope="module")
def docx_doc(handbook, tmp_path_factory):
    from builder.handbook.export import export_handbook

    (path,) = export_handbook(handbook, ["docx"], tmp_path_factory.mktemp("docx"))
    return path, docx.Document(str(path))


def flat_outline(reader: PdfReader, items=None, level: int = 1) -> list[tuple[int, str, int]]:
    out = []
    for it in reader.outline if items is None else items:
        if isinstance(it, list):
            out += flat_outline(reader, it, level + 1)
        else:
            out.append((level, it.title, reader.get_destination_page_number(it) + 1))
    return out


# --- structure --------------------------------------------------------------
def test_chapters_numbered_by_kind_and_items_as_sections(handbook, editors):
    # the staff edition leaves the gap (钥匙管理制度, the only 管理制度) out: no empty chapter for it
    heads = [c.heading for c in handbook.chapters]
    assert heads == ["一、岗位职责", "二、礼仪规范", "三、工作流程", "四、法律法规", "五、应知应会", "六、案例"]
    proc = handbook.chapters[2].sections[0]
    assert proc.heading == "3.1 报修处理流程"
    assert proc.badge == "出处 《物业客服工作内容》"  # staff: the manual's title, no code, no section
    assert handbook.section_of("yaoshi") is None and handbook.gaps == []
    assert handbook.section_of("tingche").badge == "待审核"
    # the editors' edition: every item, the sources by code and section, gaps with what to look up
    assert [c.heading for c in editors.chapters][3] == "四、管理制度"
    assert editors.section_of("baoxiu").badge == "来源 M17 · 三、业主接待"
    gap = editors.section_of("yaoshi")
    assert gap.is_gap and gap.badge == "待编写"
    assert gap.sources_needed == ["M06《物业客户服务手册》“目录 · 钥匙管理制度”"]
    assert staff_title("物业公司客服部工作手册(重复 M01)") == "物业公司客服部工作手册"
    assert [cn_numeral(n) for n in (1, 7, 10, 11, 20, 23)] == ["一", "七", "十", "十一", "二十", "二十三"]


def test_booklet_holds_the_posts_items_and_the_forms_they_use(control_file):
    content = load_valid(CONTENT, FORMS)
    specs, _ = load_specs(FORMS)
    hb = collect(content, dict(specs), load_control(control_file), role="qiantai")
    ids = [s.item.id for s in hb.sections]
    assert ids[0] == "qiantai"
    assert "kefu-zhuguan" not in ids  # another post is not part of this booklet
    assert set(ids) == {i.id for i in content.for_role("qiantai")} - {"kefu-zhuguan"}
    assert [f.spec.id for f in hb.forms] == ["yezhu-baoxiu-dan"]  # used by step 1 of 报修处理流程
    assert hb.stem == "handbook-qiantai" and "前台接待" in hb.subtitle
    # chapters are renumbered: no empty chapter
    assert [c.number for c in hb.chapters] == list(range(1, len(hb.chapters) + 1))


def test_unknown_role_names_the_known_posts(control_file):
    content = load_valid(CONTENT, FORMS)
    with pytest.raises(ExportError) as e:
        collect(content, {}, load_control(control_file), role="kefu-yuanx")
    assert "kefu-yuanx" in str(e.value) and "kefu-zhuguan, qiantai" in str(e.value)


# --- the settings file --------------------------------------------------------
@pytest.mark.parametrize("edit,where", [
    (("controlled: 受控", "controlled: 半受控"), ":6: controlled:"),
    (("effective_date: 2027-03-01", "effective_date: 2027年3月"), ":5: effective_date:"),
    (("approved_by: 王批准\n", ""), "approved_by: required field is missing"),
    (("version: B/1", "version: B/1\nedition: 2"), ":5: edition: unknown field"),
])
def test_settings_errors_name_the_line_and_key(tmp_path, edit, where):
    path = tmp_path / "handbook-control.yaml"
    path.write_text(CONTROL_TEXT.replace(*edit), encoding="utf-8")
    with pytest.raises(ExportError) as e:
        load_control(path)
    assert where in str(e.value), str(e.value)


def test_settings_missing_file_and_the_repos_own_file(tmp_path):
    with pytest.raises(ExportError, match="settings file not found"):
        load_control(tmp_path / "none.yaml")
    c = load_control(CONTROL_FILE)  # the committed settings are valid
    assert c.controlled in ("受控", "非受控") and c.number


# --- the settings file: example values, per-copy numbers -------------------------
def test_example_settings_are_marked_and_a_copy_number_is_not_a_setting(tmp_path):
    assert load_control(CONTROL_FILE).is_example  # the committed file still holds the example values
    path = tmp_path / "handbook-control.yaml"
    path.write_text(CONTROL_TEXT, encoding="utf-8")
    assert not load_control(path).is_example
    path.write_text(CONTROL_TEXT + "example: true\n", encoding="utf-8")
    assert load_control(path).is_example
    path.write_text(CONTROL_TEXT + 'copy_number: "001"\n', encoding="utf-8")
    with pytest.raises(ExportError, match=r":10: copy_number: .*not a setting.*--copy 003 --holder"):
        load_control(path)


# --- PDF ----------------------------------------------------------------------
def test_pdf_text_holds_every_title_and_the_control_block(handbook, page_texts):
    text = "\n".join(page_texts).replace(" ", "")
    for s in handbook.sections:
        assert s.item.title.replace(" ", "") in text, s.item.title
    for f in handbook.forms:
        assert f.spec.title in text
    cover = page_texts[0].replace(" ", "")
    for want in ("测试物业服务有限公司", "KF-TEST-009", "B/1", "2027年3月1日", "受控", "张编制", "李审核", "王批准",
                 "分发号007", "持有人前台"):
        assert want in cover, want
    assert "示例" not in cover  # the test's settings are the company's own
    # the staff edition: no gap, no status word but 待审核, no manual code
    body = "".join(page_texts[:handbook_page(page_texts, REVISIONS_HEADING)]).replace(" ", "")
    assert "钥匙管理制度" not in text and "待编写" not in text and "草稿" not in body
    assert "待审核" in page_texts[handbook_page(page_texts, "6.1业主投诉停车难")]
    assert not re.search(r"M\d\d", text)


def test_revision_record_page_is_the_changelog(handbook, page_texts):
    page = page_texts[handbook_page(page_texts, REVISIONS_HEADING)].replace(" ", "").replace("\n", "")
    assert "版本日期修订内容编制审核批准" in page
    assert "A/02026-12-01审核通过1项：《报修处理流程》（工作流程，审核通过草稿）。内业小王张主管李经理" in page
    assert not re.search(r"[0-9a-f]{7}", page)  # no commit hash as a record number


def test_a_numbered_copy_says_so_on_every_page(pdf, page_texts):
    for t in page_texts[1:]:
        assert "分发号 007 · 前台" in t, t[-120:]


def test_editors_edition_lists_gaps_with_sources_and_the_imports(editors, editors_texts):
    text = "\n".join(editors_texts).replace(" ", "")
    page = editors_texts[handbook_page(editors_texts, "4.1钥匙管理制度")].replace(" ", "")
    assert "待编写" in page and "M06《物业客户服务手册》“目录·钥匙管理制度”" in page
    assert "编辑版" in editors_texts[0] and "非受控" in editors_texts[0]
    assert IMPORTS_HEADING.replace(" ", "") in text and "尚无导入记录" in text
    assert "备注:时限据M17第263行核对。" in text
    assert editors.outline()[-2:] == [(1, IMPORTS_HEADING), (1, REVISIONS_HEADING)]
    assert editors.stem == "handbook-editors"


def test_example_settings_print_a_plain_mark_on_the_cover(content_dir, tmp_path):
    from builder.handbook.export import export_handbook

    content = load_valid(content_dir, FORMS)
    hb = collect(content, {}, load_control(CONTROL_FILE))
    (pdf_path,) = export_handbook(hb, ["pdf"], tmp_path)
    pages = [(p.extract_text() or "").replace(" ", "") for p in PdfReader(pdf_path).pages]
    cover = pages[0]
    assert "示例" in cover and "是示例值" in cover and "不是受控文件" in cover and "分发号未编号" in cover
    assert "受控状态示例(未受控)" in cover and "受控状态受控" not in cover
    assert all("示例·非正式文件" in t for t in pages[1:])  # the running footer says so too
    (docx_path,) = export_handbook(hb, ["docx"], tmp_path)
    assert any("示例值" in p.text for p in docx.Document(str(docx_path)).paragraphs[:8])


def handbook_page(page_texts: list[str], heading: str) -> int:
    for i, t in enumerate(page_texts[2:], 2):
        if heading in t.replace(" ", ""):
            return i
    raise AssertionError(heading)


def test_pdf_outline_follows_the_chapters(handbook, pdf):
    got = [(lvl, title) for lvl, title, _ in flat_outline(pdf)]
    assert got == handbook.outline()
    assert got[0] == (1, "一、岗位职责") and (1, APPENDIX_HEADING) in got and got[-1] == (1, REVISIONS_HEADING)


def test_toc_page_numbers_are_the_pages_of_the_headings(handbook, pdf, page_texts):
    toc_text = page_texts[1]
    assert "目" in toc_text and "录" in toc_text
    entries = flat_outline(pdf)
    for _level, title, page in entries:
        # the TOC line: the heading, dot leaders, the page number
        m = re.search(re.escape(title.replace(" ", "")) + r"(?:待编写|待审核)?\.*(\d+)", toc_text.replace(" ", ""))
        assert m, f"{title} not in the table of contents"
        assert int(m.group(1)) == page, f"TOC says {title} is on page {m.group(1)}, the heading is on page {page}"
        assert title.replace(" ", "") in page_texts[page - 1].replace(" ", ""), title
    assert len(entries) == len(handbook.outline())


def test_every_page_after_the_cover_says_page_x_of_y(pdf, page_texts):
    n = len(pdf.pages)
    assert n >= 9
    assert "共" not in page_texts[0]  # the cover has no header or footer
    for i, t in enumerate(page_texts[1:], 2):
        assert f"第 {i} 页 共 {n} 页" in t, (i, t[-80:])
        assert "KF-TEST-009" in t and "B/1" in t  # running header: number and version


def test_pdf_embeds_the_cjk_fonts(pdf_path):
    out = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    names = " ".join(r.split()[0] for r in rows)
    assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC" in names
    assert all(" yes " in r for r in rows), out  # every font embedded
    assert "Type 3" not in out


def test_procedure_has_steps_and_a_flowchart(handbook, pdf, page_texts):
    page = handbook_page(page_texts, "3.1报修处理流程")
    text = (page_texts[page] + page_texts[page + 1]).replace(" ", "")
    for want in ("有偿服务：按收费标准收取费用。", "无偿服务：直接维修。当日", "报修口诀", "报修先登记", "回访两天内"):
        assert want in text.replace("\n", ""), want
    assert "岗位职责（写字楼项目）" in "".join(page_texts).replace(" ", "")
    for want in ("办理步骤", "前台接待", "两天内", "开始", "结束", "流程图", "附表1业主报修单"):
        assert want in text, want


# --- DOCX ---------------------------------------------------------------------
def test_docx_headings_follow_the_same_structure(handbook, docx_doc):
    _, d = docx_doc
    heads = [(int(p.style.name[-1]), p.text) for p in d.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert heads == handbook.outline()


def test_docx_has_toc_field_page_fields_and_east_asian_fonts(docx_doc):
    path, d = docx_doc
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
        styles = z.read("word/styles.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        headers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    assert 'TOC \\o "1-2"' in body and 'w:fldCharType="begin"' in body
    assert "updateFields" in settings
    assert " PAGE " in footers and " NUMPAGES " in footers and "第 " in footers and " 页 共 " in footers
    assert "KF-TEST-009" in headers and "B/1" in headers
    for style in ("Normal", "Heading 1", "Heading 2"):
        rfonts = d.styles[style].element.rPr.rFonts
        assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "") in ("宋体", "黑体")
        assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsiaTheme") is None
    assert "eastAsiaTheme" not in re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)
    text = "\n".join(p.text for p in d.paragraphs)
    cells = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    assert "王批准" in "".join(c for row in cells for c in row)
    assert ["分发号", "007", "持有人", "前台"] in cells and "分发号 007 · 前台" in footers
    assert "待编写" not in text and "待审核" in text
    assert ["版本", "日期", "修订内容", "编制", "审核", "批准"] in cells
    assert ["A/0", "2026-12-01", "审核通过1项：《报修处理流程》（工作流程，审核通过草稿）。", "内业小王", "张主管",
            "李经理"] in cells


def test_docx_chapter_and_item_headings_carry_bookmarks(handbook, docx_doc):
    path, _ = docx_doc
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    names = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"/>', body)
    assert names == [a for c in handbook.chapters for a in [c.anchor] + [s.anchor for s in c.sections]]


def test_docx_procedure_step_table_and_appendix_form(docx_doc):
    _, d = docx_doc
    cells = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    assert ["步骤", "执行人", "工作内容", "时限", "表单"] in cells
    assert ["3", "前台接待", "维修完成后回访业主。", "两天内", ""] in cells
    assert any("附表1 业主报修单" in c for row in cells for c in row)
    alltext = "\n".join(p.text for p in d.paragraphs) + "".join(c for row in cells for c in row)
    assert "报修内容" in alltext  # a field label of the blank form in the appendix


# --- CLI ----------------------------------------------------------------------
def test_cli_writes_the_booklet_atomically_and_refuses_bad_input(tmp_path, control_file, capsys):
    from builder.cli.main import main

    out = tmp_path / "out"
    args = ["export", "--content", str(CONTENT), "--forms", str(FORMS), "--control", str(control_file), "--out", str(out)]
    assert main(args + ["--format", "docx", "--role", "qiantai"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["handbook-qiantai.docx"]  # no temp file left behind
    capsys.readouterr()
    assert main(args + ["--role", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "unknown post (岗位) 'nobody'" in err and "qiantai" in err and "Traceback" not in err
    assert main(args + ["--format", "pdf,odt"]) == 2
    assert "unknown format 'odt'" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text(CONTROL_TEXT.replace("controlled: 受控", "controlled: 半受控"), encoding="utf-8")
    assert main(args[:-4] + ["--control", str(bad), "--out", str(out)]) == 2
    assert "bad.yaml:6: controlled:" in capsys.readouterr().err


def test_cli_numbered_copy_is_recorded_once_per_version(tmp_path, capsys):
    from builder.cli.main import main

    control = tmp_path / "handbook-control.yaml"
    control.write_text(CONTROL_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    args = ["export", "--content", str(CONTENT), "--forms", str(FORMS), "--control", str(control), "--out", str(out),
            "--format", "docx"]
    assert main(args + ["--copy", "003", "--holder", "前台"]) == 0
    assert main(args + ["--copy", "004", "--holder", "工程部", "--role", "qiantai"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["handbook-copy003.docx", "handbook-qiantai-copy004.docx"]
    record_file = tmp_path / "handbook-distribution.yaml"
    record = load_distribution(record_file)
    assert [(c.copy_no, c.holder, c.version, c.edition, c.role) for c in record.distribution] == [
        ("003", "前台", "B/1", "staff", None), ("004", "工程部", "B/1", "staff", "qiantai")]
    capsys.readouterr()
    before = record_file.read_bytes()
    assert main(args + ["--copy", "003", "--holder", "客服部"]) == 2
    err = capsys.readouterr().err
    assert "分发号 003 of version B/1 was issued already (to 前台 on" in err and "Traceback" not in err
    assert record_file.read_bytes() == before
    assert main(args + ["--copy", "3a", "--role", "all"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "--copy: '3a' is not a copy number (分发号): give 1–6 digits, e.g. 003",
        "--holder: say whom the copy goes to (持有人/部门), e.g. --holder 前台",
        "--copy: a numbered copy is one handbook: give one --role, or none for the whole manual"]
    # a new version numbers its copies afresh
    control.write_text(CONTROL_TEXT.replace("version: B/1", "version: B/2"), encoding="utf-8")
    assert main(args + ["--copy", "003", "--holder", "客服部"]) == 0
    assert len(load_distribution(record_file).distribution) == 3


def test_cli_content_problems_exit_1(tmp_path, control_file, capsys):
    from builder.cli.main import main

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "facts" / "ling-xiang.yaml").write_text("title: x\nquestion: q\n", encoding="utf-8")
    code = main(["export", "--content", str(content), "--forms", str(FORMS), "--control", str(control_file),
                 "--out", str(tmp_path / "o"), "--format", "docx"])
    assert code == 1
    assert "ling-xiang.yaml" in capsys.readouterr().err
    assert not (tmp_path / "o" / "handbook.docx").exists()


# --- the real content -----------------------------------------------------------
def real_handbook(content, role=None):
    from builder.core.paths import FORMS_DIR

    return collect(content, dict(load_specs(FORMS_DIR)[0]), load_control(CONTROL_FILE), role=role,
                   edition="editors")


def test_real_content_docx_holds_every_item_as_a_heading(real_content, tmp_path):
    from builder.handbook.export import export_handbook

    written = export_handbook(real_handbook(real_content), ["docx"], tmp_path)
    assert written == [tmp_path / "handbook-editors.docx"]  # the editors' edition: gaps included
    d = docx.Document(str(written[0]))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    titles = {re.sub(r"^\d+\.\d+ ", "", h) for h in heads}
    for item in real_content:
        assert item.title in titles, item.id
    chapters = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert chapters[0] == "一、岗位职责" and chapters[-1] == REVISIONS_HEADING


def test_real_content_pdf_booklet(real_content, tmp_path):
    """A post's booklet from the real content (文员: a small one, ~7 s; the full handbook is
    bench/export.py's job): every item it must know is in the PDF, and the table of
    contents agrees with the outline."""
    from builder.handbook.export import export_handbook

    (path,) = export_handbook(real_handbook(real_content, "wenyuan"), ["pdf"], tmp_path)
    reader = PdfReader(path)
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    for item in real_content.for_role("wenyuan"):
        if item.kind != "role" or item.id == "wenyuan":
            assert re.sub(r"\s+", "", item.title) in text, item.id
    outline = flat_outline(reader)
    assert [t for lvl, t, _ in outline if lvl == 1][-1] == REVISIONS_HEADING
    toc = "\n".join(reader.pages[i].extract_text() for i in range(1, outline[0][2] - 1)).replace(" ", "")
    for _, title, page in outline[:40]:
        m = re.search(re.escape(title.replace(" ", "")) + r"(?:待编写|待审核)?\.*(\d+)", toc)
        assert m and int(m.group(1)) == page, title


def test_cli_role_all_writes_a_booklet_per_post(tmp_path, control_file):
    from builder.cli.main import main

    out = tmp_path / "booklets"
    assert main(["export", "--content", str(CONTENT), "--forms", str(FORMS), "--control", str(control_file),
                 "--out", str(out), "--format", "docx", "--role", "all"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["handbook-kefu-zhuguan.docx", "handbook-qiantai.docx"]


def test_form_css_is_scoped_to_the_appendix():
    from builder.handbook.pdf import scope_css

    css = scope_css("@page { size: A4; margin: 1cm }\nhtml { font-size: 10pt }\nbody.landscape { page: x }\n"
                    ".grid th, h1 { border: 1px solid }")
    assert css.splitlines() == [
        ".form-sheet { font-size: 10pt }",
        ".form-sheet.landscape { page: x }",
        ".form-sheet .grid th, .form-sheet h1 { border: 1px solid }",
    ]


def test_the_pdf_fetches_only_the_projects_assets():
    from builder.handbook.pdf import CSS_FILE, _fetcher

    fetcher = _fetcher()
    assert fetcher.fetch(CSS_FILE.as_uri()) is not None
    for url in ("http://example.com/logo.png", "file:///etc/hostname", "data:text/plain,x"):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)


def test_a_blank_form_takes_as_many_pages_in_the_appendix_as_on_its_own(handbook, pdf):
    import io

    from builder.forms.pdf import render_pdf

    outline = flat_outline(pdf)
    starts = {title: page for _, title, page in outline}
    for f in handbook.forms:
        i = [t for _, t, _ in outline].index(f.heading)
        pages = outline[i + 1][2] - starts[f.heading]
        own = len(PdfReader(io.BytesIO(render_pdf(f.spec, None))).pages)
        assert pages == own, f"{f.heading}: {pages} pages in the appendix, {own} on its own"


@given(st.text(max_size=8))
def test_a_copy_number_is_one_to_six_digits(text):
    ok = text.strip().isascii() and text.strip().isdigit() and 1 <= len(text.strip()) <= 6
    if ok:
        assert valid_copy_number(text) == text.strip()
    else:
        with pytest.raises(ValueError, match="is not a copy number"):
            valid_copy_number(text)


def test_a_broken_distribution_record_is_named_at_its_line(tmp_path):
    path = tmp_path / "handbook-distribution.yaml"
    path.write_text("distribution:\n- {copy: '003', holder: 前台, date: 2027-01-05, version: A/0}\n"
                    "- {copy: '004', holder: '', date: 2027-01-05, version: A/0}\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"handbook-distribution.yaml:3: distribution\[1\]\.holder"):
        load_distribution(path)
    path.write_text("distribution:\n- {copy: '003', holder: 前台, date: 2027-13-01, version: A/0}\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"handbook-distribution.yaml:1: \(yaml\): .*month must be in 1..12"):
        load_distribution(path)
