"""Golden tests for every form, filled and blank, DOCX and PDF.

Forms come from ``load_specs``, so every form the catalogue adds is covered. Each form is
rendered once per session (WeasyPrint is the slow part) and the checks read the results.
"""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from builder.core.formspec import PLACEHOLDER, load_specs
from builder.forms.docx import docx_text, render_docx
from builder.forms.layout import layout, mask_id, placeholders
from builder.forms.pdf import FORM_TEMPLATES, render_html, render_pdf
from builder.forms.samples import RARE_NAME, sample_data
from builder.forms.validate import cell_text, display, validate

SPECS, PROBLEMS = load_specs(ROOT / "forms")
IDS = sorted(SPECS)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class Rendered:
    def __init__(self, form_id: str, tmp: Path):
        self.spec = SPECS[form_id]
        self.values = validate(self.spec, sample_data(self.spec))
        self.docx = {"filled": render_docx(self.spec, self.values), "blank": render_docx(self.spec, None)}
        self.pdf = {"filled": render_pdf(self.spec, self.values), "blank": render_pdf(self.spec, None)}
        self.pdf_path = {}
        for kind, data in self.pdf.items():
            p = tmp / f"{form_id}-{kind}.pdf"
            p.write_bytes(data)
            self.pdf_path[kind] = p
        self._text: dict[str, str] = {}

    def pdf_text(self, kind: str) -> str:
        if kind not in self._text:
            self._text[kind] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(self.pdf_path[kind]), "-"],
                                              capture_output=True, text=True, check=True).stdout
        return self._text[kind]

    def pages(self, kind: str) -> int:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(self.pdf[kind])).pages)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    tmp = tmp_path_factory.mktemp("forms")
    return {fid: Rendered(fid, tmp) for fid in IDS}


def expected_strings(r: Rendered) -> list[str]:
    """Every value as it must appear in the printed text."""
    out = []
    for f in r.spec.fields:
        v = r.values.get(f.name)
        if f.type == "table":
            for row in v:
                out += [cell_text(c, row[c.name]) for c in f.columns if row.get(c.name) not in (None, "")]
        elif f.type == "checklist":
            out += list(v)  # the items; ticks are counted separately
        elif f.type in ("choice", "multichoice"):
            out.append(display(f, v).split("、")[0])
        elif f.type == "id_number" and r.spec.mask_id_in_print and isinstance(v, str):
            out.append(mask_id(v))  # the form prints ID numbers masked
        elif v not in (None, "", [], {}):
            out.append(display(f, v))
    return [s for s in out if s]


def test_forms_load_without_problems():
    assert SPECS, "no forms under forms/"
    assert not PROBLEMS, "\n".join(map(str, PROBLEMS))


@pytest.mark.parametrize("form_id", IDS)
def test_docx_holds_every_value(rendered, form_id, golden):
    r = rendered[form_id]
    text = docx_text(r.docx["filled"])
    squashed = _squash(text)
    missing = [s for s in expected_strings(r) if _squash(s) not in squashed]
    assert not missing, f"{form_id}: DOCX lacks {missing}"
    assert r.spec.title in text
    if r.spec.code:
        assert r.spec.code in text
    golden(f"forms/{form_id}-filled.docx.txt", text + "\n")


@pytest.mark.parametrize("form_id", IDS)
def test_blank_docx_has_labels_and_no_values(rendered, form_id, golden):
    r = rendered[form_id]
    text = docx_text(r.docx["blank"])
    in_text = placeholders(r.spec)  # blanks inside pledge text carry no label
    for f in r.spec.fields:
        if f.type not in ("table", "checklist") and f.name not in in_text:
            assert _squash(f.label) in _squash(text), f"{form_id}: blank form lacks the label {f.label}"
    assert RARE_NAME not in text and "样" not in text
    golden(f"forms/{form_id}-blank.docx.txt", text + "\n")


@pytest.mark.parametrize("form_id", IDS)
def test_pdf_holds_every_value(rendered, form_id):
    r = rendered[form_id]
    squashed = _squash(r.pdf_text("filled"))
    missing = [s for s in expected_strings(r) if _squash(s) not in squashed]
    assert not missing, f"{form_id}: PDF lacks {missing}"
    assert _squash(r.spec.title) in squashed


@pytest.mark.parametrize("form_id", IDS)
def test_table_rows_survive(rendered, form_id):
    r = rendered[form_id]
    for f in r.spec.fields:
        if f.type != "table":
            continue
        rows = r.values[f.name]
        assert rows, f"{form_id}: sample has no rows for {f.label}"
        # every row's first filled cell, in order, in both outputs
        firsts = [next(cell_text(c, row[c.name]) for c in f.columns if row.get(c.name) not in (None, ""))
                  for row in rows]
        for text in (_squash(docx_text(r.docx["filled"])), _squash(r.pdf_text("filled"))):
            at = -1
            for s in firsts:
                at = text.find(_squash(s), at + 1)
                assert at >= 0, f"{form_id}: row starting {s!r} of {f.label} lost or out of order"
        # the blank form prints the blank rows it promises
        blank_tables = [p for p in layout(r.spec, None) if p.kind == "table" and p.title == f.label]
        assert blank_tables and len(blank_tables[0].rows) == f.blank_rows


@pytest.mark.parametrize("form_id", IDS)
def test_checklists_tick_one_box_per_item(rendered, form_id):
    r = rendered[form_id]
    for f in r.spec.fields:
        if f.type == "checklist":
            piece = next(p for p in layout(r.spec, r.values) if p.kind == "checklist" and p.title == f.label)
            for row in piece.rows:
                marks = [c.text for c in row[2:]]
                assert marks.count("☑") == 1 and marks.count("☐") == len(f.options) - 1
            blank = next(p for p in layout(r.spec, None) if p.kind == "checklist" and p.title == f.label)
            assert all(c.text == "☐" for row in blank.rows for c in row[2:])


@pytest.mark.parametrize("form_id", IDS)
def test_pdf_embeds_a_cjk_font_and_fits(rendered, form_id):
    r = rendered[form_id]
    for kind in ("filled", "blank"):
        out = subprocess.run(["pdffonts", str(r.pdf_path[kind])], capture_output=True, text=True, check=True).stdout
        fonts = out.splitlines()[2:]
        cjk = [line for line in fonts if re.search(r"Form-Sans|Noto-Sans-CJK|Noto-Serif-CJK", line)]
        assert cjk, f"{form_id} {kind}: no CJK font embedded:\n{out}"
        assert all(" yes yes yes " in line for line in fonts), f"{form_id} {kind}: a font is not embedded+subset+unicode:\n{out}"
        assert 1 <= r.pages(kind) <= 3, f"{form_id} {kind}: {r.pages(kind)} pages"


def test_rare_name_character_is_drawn_from_a_font_that_has_it(rendered):
    """𡃁 (U+210C1) must come out as text from a CJK font, not as a box: the PDF text holds
    it and Noto Sans CJK SC (which has it) is embedded for it."""
    r = next(r for r in rendered.values() if any(f.name == "owner_name" for f in r.spec.fields))
    assert RARE_NAME in r.pdf_text("filled")
    out = subprocess.run(["pdffonts", str(r.pdf_path["filled"])], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in out or "Form-Sans" in out
    fc = subprocess.run(["fc-list", ":charset=210c1", "family"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK SC" in fc


def test_user_text_is_printed_literally(rendered):
    r = next(r for r in rendered.values() if any(f.type == "textarea" for f in r.spec.fields))
    html = render_html(r.spec, r.values)
    assert "{{ 7*7 }}" in html and "49" not in re.sub(r"样\d+号|\d{4}", "", html.split("<body", 1)[1])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in r.pdf_text("filled") and "<script>x</script>" in r.pdf_text("filled")
    assert "{{ 7*7 }}" in docx_text(r.docx["filled"])


@pytest.mark.parametrize("form_id", IDS)
def test_every_placeholder_is_a_declared_field(form_id):
    """``{field}`` in pledge/notes text names a declared field, and nothing that looks like
    a placeholder survives into the output (a misspelt ``{ownerName}`` would)."""
    spec = SPECS[form_id]
    names = {f.name for f in spec.fields}
    raw = (ROOT / "forms" / form_id / "form.yaml").read_text(encoding="utf-8")
    for b in spec.layout:
        for m in re.finditer(r"\{([^{}\n]*)\}", b.text or ""):
            assert PLACEHOLDER.fullmatch(m.group(0)), f"{form_id}: '{m.group(0)}' is not a {{field}} placeholder"
            assert m.group(1) in names, f"{form_id}: placeholder {m.group(0)} is not a declared field"
    assert placeholders(spec) <= names
    blank = docx_text(render_docx(spec, None))
    assert not re.search(r"\{[a-z_]+\}", blank), f"{form_id}: a placeholder was printed"
    assert "未定义字段" not in raw


def test_templates_use_only_the_layout_context():
    """The Jinja templates read nothing but the context render_html gives (the layout
    pieces hold every value), so a template cannot print an undeclared field."""
    import jinja2
    from jinja2 import meta

    env = jinja2.Environment()
    allowed = {"spec", "pieces", "blank", "link_css", "css_href"}
    for path in sorted(FORM_TEMPLATES.glob("*.j2")) + sorted((ROOT / "forms").glob("*/*.j2")):
        used = meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
        assert used <= allowed, f"{path.name} uses {used - allowed}"


def test_layout_draws_every_field():
    for spec in SPECS.values():
        drawn = set()
        for b in spec.layout:
            drawn.update(b.names())
        # fields outside every block are still drawn (appended), never lost
        values = validate(spec, sample_data(spec))
        text = _squash(docx_text(render_docx(spec, values)))
        for f in spec.fields:
            if f.name not in drawn and f.type not in ("table", "checklist"):
                assert _squash(f.label) in text


def test_docx_is_a4_with_east_asian_font_and_rows_kept(rendered):
    import docx
    from docx.shared import Mm

    r = rendered["yezhu-baoxiu-dan"] if "yezhu-baoxiu-dan" in rendered else next(iter(rendered.values()))
    d = docx.Document(io.BytesIO(r.docx["filled"]))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(1) and abs(sec.page_height - Mm(297)) < Mm(1)
    styles = d.styles.element.xml
    assert 'w:eastAsia="宋体"' in styles
    body = d.element.xml
    assert "<w:cantSplit/>" in body and "<w:tblHeader/>" in body
    if any(f.type in ("checkbox", "checklist", "choice", "multichoice") for f in r.spec.fields):
        assert "☐" in docx_text(r.docx["blank"]), "a blank form shows empty boxes to tick"


def test_landscape_forms_are_landscape():
    for spec in SPECS.values():
        if spec.orientation == "landscape":
            import docx

            sec = docx.Document(io.BytesIO(render_docx(spec, None))).sections[0]
            assert sec.page_width > sec.page_height


def test_money_prints_two_decimals():
    spec = SPECS["yezhu-baoxiu-dan"]
    f = next(c for t in spec.fields if t.type == "table" for c in t.columns if c.type == "money")
    assert display(f, Decimal("12.50")) == "12.50"


def test_batch_render_splits_one_document_back_into_forms(tmp_path):
    """render_pdf_many lays several forms out as one document and splits it: each PDF
    holds its own values only, and a two-page form keeps both pages."""
    from pypdf import PdfReader

    from builder.forms.pdf import render_pdf_many

    for form_id in ("fanghuo-zerenshu", "zhuangxiu-beian"):
        spec = SPECS[form_id]
        base = sample_data(spec)
        rows = [validate(spec, {**base, "room": f"{n}栋{n}0{n}"}) for n in (1, 2, 3)]
        pdfs = render_pdf_many(spec, rows)
        single_pages = len(PdfReader(io.BytesIO(render_pdf(spec, rows[0]))).pages)
        assert len(pdfs) == 3
        for n, data in zip((1, 2, 3), pdfs):
            p = tmp_path / f"{form_id}-{n}.pdf"
            p.write_bytes(data)
            text = subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True).stdout
            assert f"{n}栋{n}0{n}" in text
            assert all(f"{m}栋{m}0{m}" not in text for m in (1, 2, 3) if m != n)
            assert len(PdfReader(p, strict=True).pages) == single_pages
            info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True)
            assert info.returncode == 0 and not info.stderr.strip(), info.stderr  # xref, objects sound
            assert re.search(r"^Title:\s+" + re.escape(spec.title) + "$", info.stdout, re.M)
            fonts = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True).stdout
            assert re.search(r"^\S*(Form-Sans|NotoSansCJK)\S*\s.*\byes\s+yes\s+yes\b", fonts, re.M), fonts


def test_batch_pdf_looks_exactly_like_the_single_render(tmp_path):
    """A batch is laid out as one document and split (and on the fast path a single
    render is a batch of one that stamps each long run of static paragraphs, drawn once,
    into a box of the same height): the pages must be the same pixels as the form laid
    out whole on its own by the plain path, filled (blanks inline in the pledge text, a
    rare name character) and blank, one page and two."""
    from PIL import Image, ImageChops

    from builder.forms.pdf import _get_renderer, plain_renderer, render_pdf_many
    from builder.forms.pdf_internals import FastRenderer

    for form_id in ("fanghuo-zerenshu", "zhuangxiu-beian"):
        spec = SPECS[form_id]
        base = sample_data(spec)
        rows = [validate(spec, {**base, "room": f"{n}栋{n}0{n}"}) for n in (1, 2)] + [None]
        batch = render_pdf_many(spec, rows)
        if isinstance(_get_renderer(), FastRenderer):
            assert any(r is not None for r in _get_renderer().runs.values())  # the stamp was used
        for n, (data, values) in enumerate(zip(batch, rows)):
            pages = []
            plain = plain_renderer().pdf(spec, values)  # laid out whole, nothing stamped
            for kind, pdf in (("plain", plain), ("batch", data), ("single", render_pdf(spec, values))):
                p = tmp_path / f"{form_id}-{n}-{kind}.pdf"
                p.write_bytes(pdf)
                subprocess.run(["pdftoppm", "-png", "-r", "50", str(p), str(p.with_suffix(""))], check=True)
                pages.append(sorted(tmp_path.glob(f"{form_id}-{n}-{kind}-*.png")))
            assert len(pages[0]) == len(pages[1]) == len(pages[2]) >= 1
            for a, *others in zip(*pages):
                for b in others:
                    diff = ImageChops.difference(Image.open(a).convert("L"), Image.open(b).convert("L"))
                    assert diff.getbbox() is None, (form_id, n, b.name, diff.getbbox())
        text = subprocess.run(["pdftotext", str(tmp_path / f"{form_id}-0-batch.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "1栋101" in text and all(para[0].text[:8] in _squash(text) for piece in layout(spec, None)
                                        if piece.kind in ("pledge", "notes") for para in piece.paragraphs)


def test_docx_xml_keeps_the_schema_order_word_checks(rendered):
    """Word refuses a document whose run or paragraph properties are out of the
    schema's order; check the orders this writer produces."""
    import zipfile

    from lxml import etree

    order_rpr = ["rFonts", "b", "bCs", "spacing", "kern", "sz", "szCs", "u", "lang"]
    order_ppr = ["pStyle", "keepNext", "widowControl", "spacing", "ind", "jc"]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for r in rendered.values():
        with zipfile.ZipFile(io.BytesIO(r.docx["filled"])) as z:
            for part in ("word/document.xml", "word/styles.xml"):
                root = etree.fromstring(z.read(part))
                for tag, order in (("rPr", order_rpr), ("pPr", order_ppr)):
                    for el in root.iter(w + tag):
                        names = [c.tag.replace(w, "") for c in el]
                        known = [n for n in names if n in order]
                        assert known == sorted(known, key=order.index), f"{r.spec.id} {part}: {tag} {names}"


def test_header_seam_prints_company_serial_number_and_preview_mark():
    """The register (issue 15) gives an issued form a number and prints 预览 on a draft: both
    sit in the form's header beside its code, in the PDF and the DOCX alike."""
    from builder.forms.layout import Header, with_header

    spec = SPECS["yezhu-baoxiu-dan"]
    values = validate(spec, sample_data(spec))
    head = Header(company="示例物业服务有限公司", number="BX-2026-000123", preview=True)
    pdf = subprocess.run(["pdftotext", "-", "-"], input=render_pdf(spec, with_header(values, head)),
                         capture_output=True, check=True).stdout.decode("utf-8").replace(" ", "")
    docx = docx_text(render_docx(spec, with_header(values, head))).replace(" ", "")
    for text in (pdf, docx):
        assert "示例物业服务有限公司" in text and "No.BX-2026-000123" in text and "预览(未出具)" in text
        assert "KF-BX-01" in text and RARE_NAME in text
    plain = docx_text(render_docx(spec, values))
    assert "No." not in plain and "预览" not in plain
    blank = docx_text(render_docx(spec, with_header(None, Header(company="示例物业"))))
    assert "示例物业" in blank and "样01号" not in blank, "a header alone draws a blank form"
