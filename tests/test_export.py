"""The printed handbook: structure, PDF (text, outline, TOC page numbers, footer, fonts),
DOCX (headings, TOC field, page fields, East Asian fonts), booklets, settings, history, CLI.

Most tests export the small fixture content once (module scope); two export the real
content (the full DOCX, and the PDF booklet of a small post)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, ROOT
from pypdf import PdfReader

from builder.core.check import load_valid
from builder.core.control import CONTROL_FILE, ExportError, load_control
from builder.core.formspec import load_specs
from builder.handbook.structure import (
    APPENDIX_HEADING,
    REVISIONS_HEADING,
    History,
    Revision,
    cn_numeral,
    collect,
    content_history,
)

CONTENT = FIXTURES / "good_content"
FORMS = FIXTURES / "good_forms"

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
def handbook(control_file):
    content = load_valid(CONTENT, FORMS)
    specs, problems = load_specs(FORMS)
    assert not problems
    history = History(revisions=[Revision("2026-12-01", "内容: 报修流程", "内业", "abc1234")])
    return collect(content, dict(specs), load_control(control_file), history=history)


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
def test_chapters_numbered_by_kind_and_items_as_sections(handbook):
    heads = [c.heading for c in handbook.chapters]
    assert heads == ["一、岗位职责", "二、礼仪规范", "三、工作流程", "四、管理制度", "五、法律法规", "六、应知应会", "七、案例"]
    proc = handbook.chapters[2].sections[0]
    assert proc.heading == "3.1 报修处理流程"
    assert proc.badge == "来源 M17 · 三、业主接待"
    gap = handbook.section_of("yaoshi")
    assert gap.is_gap and gap.badge == "待编写"
    assert handbook.section_of("tingche").badge == "草稿"
    assert [cn_numeral(n) for n in (1, 7, 10, 11, 20, 23)] == ["一", "七", "十", "十一", "二十", "二十三"]


def test_booklet_holds_the_posts_items_and_the_forms_they_use(control_file):
    content = load_valid(CONTENT, FORMS)
    specs, _ = load_specs(FORMS)
    hb = collect(content, dict(specs), load_control(control_file), role="qiantai", history=History())
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
        collect(content, {}, load_control(control_file), role="kefu-yuanx", history=History())
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


# --- the revision table -----------------------------------------------------
def test_history_from_git_and_without_git(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    h = content_history(plain)
    assert h.revisions == [] and "git" in h.note
    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    env = {"GIT_AUTHOR_NAME": "内业小王", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "x",
           "GIT_COMMITTER_EMAIL": "a@b", "GIT_AUTHOR_DATE": "2026-11-30T10:00:00", "PATH": "/usr/bin:/bin"}
    git = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True, env=env)  # noqa: E731
    git("init", "-q")
    (repo / "content" / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "新增报修流程")
    (repo / "other.txt").write_text("x", encoding="utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "not content")
    h = content_history(repo / "content")
    assert [(r.date, r.subject, r.author) for r in h.revisions] == [("2026-11-30", "新增报修流程", "内业小王")]
    h = content_history(repo / "content", limit=0)
    assert h.revisions == [] and "仅列最近 0 次修订, 共 1 次" in h.note


# --- PDF ----------------------------------------------------------------------
def test_pdf_text_holds_every_title_and_the_control_block(handbook, page_texts):
    text = "\n".join(page_texts).replace(" ", "")
    for s in handbook.sections:
        assert s.item.title.replace(" ", "") in text, s.item.title
    for f in handbook.forms:
        assert f.spec.title in text
    cover = page_texts[0].replace(" ", "")
    for want in ("测试物业服务有限公司", "KF-TEST-009", "B/1", "2027年3月1日", "受控", "张编制", "李审核", "王批准"):
        assert want in cover, want
    assert "内容:报修流程" in text  # the revision table
    assert "待编写" in page_texts[handbook_page(page_texts, "4.1钥匙管理制度")]


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
        m = re.search(re.escape(title.replace(" ", "")) + r"(?:待编写|草稿)?\.*(\d+)", toc_text.replace(" ", ""))
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
    text = page_texts[page].replace(" ", "")
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
    assert "王批准" in "".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert "待编写" in text


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
                   history=content_history(ROOT / "content"))


def test_real_content_docx_holds_every_item_as_a_heading(real_content, tmp_path):
    from builder.handbook.export import export_handbook

    written = export_handbook(real_handbook(real_content), ["docx"], tmp_path)
    assert written == [tmp_path / "handbook.docx"]
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
        m = re.search(re.escape(title.replace(" ", "")) + r"(?:待编写|草稿)?\.*(\d+)", toc)
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
