"""The company's logo (content/profile.yaml ``logo:``) printed at the top left of a form's
header: checked at load, carried as bytes, handed to WeasyPrint as the one kind of
``data:`` URL the fetcher serves, and drawn as a picture in the DOCX."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from builder.core.fetch import FetchRefused, asset_fetcher, check_data_url
from builder.core.load import load_content
from builder.core.logo import MAX_BYTES, data_url
from builder.core.project import load_project
from builder.forms.docx import render_docx
from builder.forms.layout import Header, with_header
from builder.forms.pdf import render_pdf
from builder.forms.samples import sample_data
from builder.forms.validate import validate

FORM = "yezhu-baoxiu-dan"


def _png(size: tuple[int, int] = (240, 120)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    d.ellipse((8, 8, size[1] - 8, size[1] - 8), fill=(0, 90, 160))
    d.rectangle((size[1] + 8, 30, size[0] - 10, size[1] - 30), fill=(200, 40, 40))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 60), (0, 120, 60)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of content/ whose profile names ``assets/logo.png`` (a small PNG made here)."""
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    (root / "assets").mkdir()
    (root / "assets" / "logo.png").write_bytes(_png())
    return root


def _set_logo(root: Path, value: str) -> int:
    """Name ``value`` as the profile's logo; the line it is on."""
    path = root / "profile.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("service_phone:")) + 1
    lines.insert(at, f"logo: {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def _project(root: Path):
    return load_project(root, ROOT / "forms")


def _filled(header: Header):
    spec = _project(ROOT / "content").specs[FORM]
    return spec, with_header(validate(spec, sample_data(spec)), header)


def _images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image XObject on the PDF's first page (pypdf)."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    found: list[tuple[int, int]] = []

    def walk(resources) -> None:
        xobjects = resources.get("/XObject") if resources else None
        if not xobjects:
            return
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append((int(obj["/Width"]), int(obj["/Height"])))
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    walk(page.get("/Resources"))
    return found


def test_a_configured_logo_loads_without_problems_and_is_not_taken_for_an_item(content):
    line = _set_logo(content, "assets/logo.png")
    c, problems = load_content(content)
    assert [p for p in problems if p.path.endswith("profile.yaml") or "assets" in p.path] == [], problems
    assert c.profile is not None and c.profile.logo == "assets/logo.png"
    assert line > 1


@pytest.mark.parametrize(("value", "write", "message"), [
    ("assets/missing.png", None, "not found in content/"),
    ("../pyproject.toml", None, "leads out of content/"),
    ("/etc/hostname", None, "absolute path"),
    ("assets/logo.gif", b"GIF89a" + b"\0" * 40, "not a PNG or JPEG"),
    ("assets/fake.png", b"not really a png", "not a PNG or JPEG"),
    ("assets/huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_BYTES + 1), "at most 512 kB"),
])
def test_a_bad_logo_is_reported_at_its_line(content, value, write, message):
    if write is not None:
        (content / value).write_bytes(write)
    line = _set_logo(content, value)
    _, problems = load_content(content)
    mine = [p for p in problems if p.path.endswith("profile.yaml")]
    assert len(mine) == 1, problems
    if value.endswith(".gif"):
        assert [p.message for p in problems if p.path.endswith("logo.gif")] == [
            "assets/ holds pictures: a .png or .jpg file"]
    assert (mine[0].line, mine[0].key) == (line, "logo") and message in mine[0].message
    assert str(mine[0]).startswith(f"content/profile.yaml:{line}: logo: ")


def test_a_link_out_of_content_is_refused(content, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(_png())
    (content / "assets" / "link.png").symlink_to(outside)
    line = _set_logo(content, "assets/link.png")
    _, problems = load_content(content)
    assert [(p.line, p.key) for p in problems if p.path.endswith("profile.yaml")] == [(line, "logo")]


def test_the_header_from_the_profile_carries_the_logo_bytes(content):
    _set_logo(content, "assets/logo.png")
    profile = _project(content).content.profile
    head = Header.from_profile(profile, content, number="BX-1")
    assert head.company == profile.company and head.number == "BX-1"
    assert head.logo == (content / "assets" / "logo.png").read_bytes() and head.logo_type == "image/png"
    assert head.logo_url.startswith("data:image/png;base64,")
    plain = Header.from_profile(_project(ROOT / "content").content.profile, ROOT / "content")
    assert plain.logo == b"" and plain.logo_url == "" and plain.company


def test_a_form_with_a_logo_prints_it_on_its_first_page_and_one_without_prints_none(content):
    _set_logo(content, "assets/logo.png")
    with_logo = Header.from_profile(_project(content).content.profile, content, number="BX-2026-000001")
    without = Header.from_profile(_project(ROOT / "content").content.profile, ROOT / "content",
                                  number="BX-2026-000001")
    spec, values = _filled(with_logo)
    pdf = render_pdf(spec, values)
    assert _images(pdf) == [(240, 120)]
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert with_logo.company.replace(" ", "") in text.replace(" ", "")
    spec, values = _filled(without)
    assert _images(render_pdf(spec, values)) == []


def test_a_jpeg_logo_prints_too(content):
    (content / "assets" / "logo.jpg").write_bytes(_jpeg())
    _set_logo(content, "assets/logo.jpg")
    head = Header.from_profile(_project(content).content.profile, content)
    assert head.logo_type == "image/jpeg"
    spec, values = _filled(head)
    assert _images(render_pdf(spec, values)) == [(120, 60)]


def test_the_docx_holds_the_logo_as_a_picture_beside_the_company(content):
    _set_logo(content, "assets/logo.png")
    head = Header.from_profile(_project(content).content.profile, content)
    spec, values = _filled(head)
    with zipfile.ZipFile(io.BytesIO(render_docx(spec, values))) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert [z.read(n) for n in media] == [head.logo]
        doc = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert doc.count("<w:drawing>") == 1 and head.company in doc
    assert doc.index("<w:drawing>") < doc.index(head.company)
    first = doc[doc.index("<w:p>"):doc.index("</w:p>")]  # one row: logo, company, code at a right tab
    assert "<w:drawing>" in first and head.company in first and "KF-BX-01" in first and "<w:tab/>" in first
    assert 'Target="media/' in rels and 'Extension="png"' in types
    import docx  # python-docx opens it and sees one inline picture

    d = docx.Document(io.BytesIO(render_docx(spec, values)))
    assert len(d.inline_shapes) == 1
    spec, values = _filled(Header(company="示例物业"))
    with zipfile.ZipFile(io.BytesIO(render_docx(spec, values))) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
        assert "<w:drawing>" not in z.read("word/document.xml").decode()


def test_the_fetcher_serves_a_logo_data_url_and_refuses_every_other():
    png = _png()
    response = asset_fetcher().fetch(data_url(png, "image/png"))
    try:
        assert response.read() == png
    finally:
        response.close()
    check_data_url(data_url(_jpeg(), "image/jpeg"))
    for url in (
        "data:text/css,p{color:red}",
        "data:text/html;base64," + base64.b64encode(b"<p>x</p>").decode(),
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(),
        "data:image/png," + "x",                                   # not base64
        "data:image/png;base64,***",                               # not valid base64
        data_url(_jpeg(), "image/png"),                            # bytes not the type named
        "data:image/png;base64," + "A" * (MAX_BYTES * 2),          # too long
    ):
        with pytest.raises(FetchRefused, match="fetches nothing"):
            asset_fetcher().fetch(url)


@pytest.mark.parametrize("form_id", [FORM, "fanghuo-zerenshu"])
def test_the_fast_and_plain_paths_draw_the_same_logo_alone_and_in_a_batch(content, tmp_path, form_id):
    """The header with a logo is laid out with each form (never stamped as a static run):
    both paths print the same pixels, alone and in a batch split by form, and every form
    of the batch holds its logo."""
    from test_pdf_paths import _pages, _same_pixels

    from builder.forms.pdf import plain_renderer
    from builder.forms.pdf_internals import FastRenderer

    _set_logo(content, "assets/logo.png")
    head = Header.from_profile(_project(content).content.profile, content, number="X-1")
    spec = _project(ROOT / "content").specs[form_id]
    values = with_header(validate(spec, sample_data(spec)), head)
    plain, fast = plain_renderer(), FastRenderer(plain_renderer())
    a = _pages(plain.pdf(spec, values), tmp_path / "plain")
    b = _pages(fast.pdf(spec, values), tmp_path / "fast")
    assert a and _same_pixels(a, b) is None, _same_pixels(a, b)
    rows: list[dict | None] = [values, with_header(None, head)]
    for name, renderer in (("plain", plain), ("fast", fast)):
        parts = renderer.many(spec, rows)
        assert [len(_images(p)) for p in parts] == [1, 1], name
        got = _pages(parts[0], tmp_path / f"batch-{name}")
        assert _same_pixels(a, got) is None, (name, _same_pixels(a, got))


def test_the_front_desk_prints_the_logo_the_profile_names(content):
    """The web form: one submit prints the PDF with the logo, the DOCX offered beside it
    holds it too; a logo set later (profile.yaml edited, file added) is printed without a
    restart."""
    import docx
    from flask import Flask
    from test_forms_web import GOOD

    from builder.web.forms import bp

    app = Flask("logo-test")
    app.config.update(TESTING=True, FORMS_DIR=ROOT / "forms", CONTENT_DIR=content)
    app.register_blueprint(bp)
    client = app.test_client()
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="pdf"))
    assert r.status_code == 200 and _images(r.data) == []
    _set_logo(content, "assets/logo.png")
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="pdf"))
    assert r.status_code == 200 and _images(r.data) == [(240, 120)]
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="docx"))
    assert len(docx.Document(io.BytesIO(r.data)).inline_shapes) == 1
    (content / "assets" / "logo.png").write_bytes(_png((300, 100)))
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="pdf"))
    assert _images(r.data) == [(300, 100)]


def test_the_cli_prints_the_logo_the_profile_names(content, tmp_path, monkeypatch):
    """``handbook form fill --preview``: the same header, logo and all, as on the web."""
    from click.testing import CliRunner
    from test_forms_cli import SLIP_YAML

    from builder.cli.main import cli
    from builder.core import paths

    _set_logo(content, "assets/logo.png")
    monkeypatch.setattr(paths, "CONTENT_DIR", content)
    data = tmp_path / "slip.yaml"
    data.write_text(SLIP_YAML, encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["form", "fill", FORM, "--data", str(data), "--format", "pdf,docx",
                                 "--out", str(out), "--preview"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    (pdf,) = out.glob("*.pdf")
    assert _images(pdf.read_bytes()) == [(240, 120)]
    (word,) = out.glob("*.docx")
    with zipfile.ZipFile(word) as z:
        assert z.read("word/media/logo.png") == (content / "assets" / "logo.png").read_bytes()


def test_a_logo_costs_no_form_a_page(content):
    """The logo, the company and the code share one row: every form, filled and blank, takes
    as many pages with a logo as without (the blank 报修单 fills its page exactly)."""
    from pypdf import PdfReader

    _set_logo(content, "assets/logo.png")
    project = _project(content)
    with_logo = Header.from_profile(project.content.profile, content, number="BX-2026-000001")
    without = Header(company=with_logo.company, number=with_logo.number)
    for spec in project.specs.values():
        values = validate(spec, sample_data(spec))
        for v in (values, None):
            pages = [len(PdfReader(io.BytesIO(render_pdf(spec, with_header(v, h)))).pages) for h in (without, with_logo)]
            assert pages[0] == pages[1], (spec.id, "blank" if v is None else "filled", pages)
