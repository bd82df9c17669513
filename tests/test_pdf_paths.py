"""The form PDFs' two paths, and the one URL fetcher every WeasyPrint render gets.

* The plain path (public APIs only, builder.forms.pdf) is what runs whenever the fast path
  (library internals, builder.forms.pdf_internals) is not switched on: for untested
  library versions or with HANDBOOK_PDF_PLAIN=1. Both must draw the same pixels.
* builder.core.fetch serves the project's own assets and refuses everything else.
"""

from __future__ import annotations

import ast
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from builder.core.fetch import FetchRefused, asset_fetcher, check_url
from builder.core.formspec import load_specs
from builder.core.paths import ASSETS_DIR
from builder.forms import pdf, pdf_internals
from builder.forms.fonts import font_face_css, prepared
from builder.forms.pdf import FORM_CSS, PlainRenderer, plain_renderer, render_html
from builder.forms.pdf_internals import PLAIN_ENV, TESTED, FastRenderer, enabled
from builder.forms.samples import sample_data
from builder.forms.validate import validate

SPECS, _ = load_specs(ROOT / "forms")


def _pages(data: bytes, stem: Path) -> list[Path]:
    """The PDF's pages as PNGs (pdftoppm, 72 dpi: one pixel a point)."""
    pdf_path = stem.with_suffix(".pdf")
    pdf_path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "72", str(pdf_path), str(stem)], check=True)
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))


def _same_pixels(a: list[Path], b: list[Path]) -> str | None:
    from PIL import Image, ImageChops

    if len(a) != len(b):
        return f"{len(a)} pages against {len(b)}"
    for pa, pb in zip(a, b):
        ia, ib = Image.open(pa).convert("RGB"), Image.open(pb).convert("RGB")
        if ia.size != ib.size:
            return f"{pa.name}: size {ia.size} against {ib.size}"
        box = ImageChops.difference(ia, ib).getbbox()
        if box is not None:
            return f"{pa.name}: pixels differ in {box}"
    return None


# --- which path -------------------------------------------------------------------
def test_the_fast_path_is_switched_on_only_for_the_tested_versions():
    assert enabled(versions=dict(TESTED), environ={}) == (True, "")
    ok, why = enabled(versions={**TESTED, "weasyprint": "71.0"}, environ={})
    assert not ok and "weasyprint 71.0 (tested: 70.0)" in why
    ok, why = enabled(versions={**TESTED, "tinyhtml5": ""}, environ={})
    assert not ok and "tinyhtml5 missing" in why
    ok, why = enabled(versions=dict(TESTED), environ={PLAIN_ENV: "1"})
    assert not ok and PLAIN_ENV in why
    assert enabled(versions=dict(TESTED), environ={PLAIN_ENV: "0"})[0]


def test_the_table_names_the_installed_libraries():
    """Every library in the table is installed (else the fast path could never run)."""
    found = pdf_internals.installed_versions()
    assert all(found[name] for name in TESTED), found


def test_an_untested_version_or_the_env_var_gives_the_plain_renderer(monkeypatch):
    monkeypatch.setenv(PLAIN_ENV, "1")
    assert isinstance(pdf.select_renderer(), PlainRenderer)
    monkeypatch.delenv(PLAIN_ENV)
    monkeypatch.setitem(pdf_internals.TESTED, "pypdf", "0.0.1")
    assert isinstance(pdf.select_renderer(), PlainRenderer)


@pytest.mark.skipif(not enabled()[0], reason="the installed libraries are not the tested versions")
def test_a_new_process_takes_the_path_its_environment_asks_for():
    code = "from builder.forms import pdf; print(pdf.path())"
    env = {k: v for k, v in os.environ.items() if k != PLAIN_ENV}
    run = [sys.executable, "-c", code]
    fast = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    plain = subprocess.run(run, cwd=ROOT, env={**env, PLAIN_ENV: "1"}, capture_output=True, text=True, check=True)
    assert (fast.strip(), plain.stdout.strip()) == ("fast", "plain")


# --- the same pixels -----------------------------------------------------------------
@pytest.fixture(scope="module")
def fast() -> FastRenderer:
    """The fast renderer, built directly (not through the version gate): this test is
    what proves a new library version may join the table."""
    return FastRenderer(plain_renderer())


@pytest.mark.parametrize("form_id", sorted(SPECS))
def test_the_plain_fallback_draws_the_fast_paths_pixels(tmp_path, fast, form_id, monkeypatch):
    """Every form, filled and blank: forced onto the plain path (HANDBOOK_PDF_PLAIN=1), it
    prints exactly the pixels the fast path prints."""
    spec = SPECS[form_id]
    monkeypatch.setenv(PLAIN_ENV, "1")
    plain = pdf.select_renderer()
    assert isinstance(plain, PlainRenderer)
    for kind, values in (("filled", validate(spec, sample_data(spec))), ("blank", None)):
        a = _pages(plain.pdf(spec, values), tmp_path / f"{kind}-plain")
        b = _pages(fast.pdf(spec, values), tmp_path / f"{kind}-fast")
        assert a, f"{form_id} {kind}: no page"
        assert _same_pixels(a, b) is None, (form_id, kind, _same_pixels(a, b))


def test_batches_on_both_paths_draw_the_single_forms_pixels(tmp_path, fast):
    """A batch, plain (one document split with pypdf's public API) and fast, of a
    one-page and a two-page form: each form the same pixels as the form alone."""
    from pypdf import PdfReader

    plain = plain_renderer()
    for form_id in ("fanghuo-zerenshu", "zhuangxiu-beian"):
        spec = SPECS[form_id]
        base = sample_data(spec)
        rows = [validate(spec, {**base, "room": f"{n}栋{n}0{n}"}) for n in (1, 2)] + [None]
        batches = {"plain": plain.many(spec, rows), "fast": fast.many(spec, rows)}
        for n, values in enumerate(rows):
            alone = _pages(plain.pdf(spec, values), tmp_path / f"{form_id}-{n}-alone")
            for name, batch in batches.items():
                assert PdfReader(io.BytesIO(batch[n]), strict=True).metadata.title == spec.title
                got = _pages(batch[n], tmp_path / f"{form_id}-{n}-{name}")
                assert _same_pixels(alone, got) is None, (form_id, n, name, _same_pixels(alone, got))


def test_the_fast_path_uses_no_process_wide_swap(fast):
    """Rendering on the fast path leaves pydyf's zlib, tinyhtml5's cache object and
    WeasyPrint's HTML class as they were."""
    import zlib

    import pydyf
    import weasyprint
    from tinyhtml5 import inputstream

    cache, html_class, ua = inputstream.characters_until_regex, weasyprint.HTML, vars(weasyprint.HTML)["_ua_stylesheets"]
    spec = SPECS["fanghuo-zerenshu"]
    fast.many(spec, [None, None])
    assert pydyf.zlib is zlib
    assert inputstream.characters_until_regex is cache and type(cache) is dict
    assert weasyprint.HTML is html_class and vars(html_class)["_ua_stylesheets"] is ua


# --- tinyhtml5's cache --------------------------------------------------------------
def test_tinyhtml5_chars_until_cache_misses_upstream():
    """The upstream bug written up in builder.forms.pdf_internals, reproduced in a fresh
    interpreter: no key the lookup uses is ever stored. When this fails, upstream has
    fixed it and fill_chars_until_cache can go."""
    code = ("import tinyhtml5\nfrom tinyhtml5 import inputstream\n"
            "tinyhtml5.parse('<p class=\"a\">x &amp; y</p>'); tinyhtml5.parse('<p>x</p>')\n"
            "print(sorted(type(k[0]).__name__ for k in inputstream.characters_until_regex))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert set(ast.literal_eval(out)) == {"Pattern"}


def test_the_filled_cache_serves_every_lookup_of_a_form():
    """After the fill, parsing a whole form adds no entry: every chars_until lookup hit."""
    import tinyhtml5
    from tinyhtml5 import inputstream

    pdf_internals.fill_chars_until_cache()
    cache = inputstream.characters_until_regex
    before = set(cache)
    spec = SPECS["fanghuo-zerenshu"]
    html = render_html(spec, validate(spec, sample_data(spec)))
    tinyhtml5.parse(html + "<!-- a comment --><![CDATA[x]]><!DOCTYPE html><p title='a' x=b>")
    assert set(cache) == before


# --- the one fetcher ------------------------------------------------------------------
def test_the_fetcher_serves_the_projects_assets():
    fetcher = asset_fetcher()
    response = fetcher.fetch(FORM_CSS.as_uri())
    try:
        assert response.read() == FORM_CSS.read_bytes()
    finally:
        response.close()
    assert check_url((ASSETS_DIR / "quiz" / "paper.css").as_uri()) == (ASSETS_DIR / "quiz" / "paper.css").resolve()


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png", "https://127.0.0.1/x.css", "data:text/css,p{color:red}",
    "ftp://example.com/a", "file:///etc/hostname", "file://otherhost/etc/hostname",
    (ASSETS_DIR / "forms" / ".." / ".." / ".." / "pyproject.toml").as_uri(),
])
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(FetchRefused, match="fetches nothing"):
        asset_fetcher().fetch(url)


def test_weasyprint_fetches_through_it_and_draws_without_what_it_refuses(tmp_path, caplog):
    """A real render: the form's linked stylesheet (``css="link"``) is fetched through the
    fetcher (the PDF embeds the form font the stylesheet names), and a stylesheet from
    the network or another file is refused with a warning, the page drawn without it."""
    import weasyprint

    spec = SPECS["fanghuo-zerenshu"]
    html = render_html(spec, None, css="link").replace(
        "</head>", '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
                   '<link rel="stylesheet" href="file:///etc/hostname"></head>')
    assert prepared(), "the form fonts are not prepared: python -m builder.forms.fonts"
    from weasyprint.text.fonts import FontConfiguration

    fonts_config = FontConfiguration()  # the @font-face rules load through the fetcher too
    faces = weasyprint.CSS(string=font_face_css(), url_fetcher=asset_fetcher(), font_config=fonts_config)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = weasyprint.HTML(string=html, base_url=str(FORM_CSS.parent) + "/",
                               url_fetcher=asset_fetcher()).write_pdf(stylesheets=[faces], font_config=fonts_config)
    refused = [r.getMessage() for r in caplog.records if "FetchRefused" in r.getMessage()]
    assert len(refused) == 2, [r.getMessage() for r in caplog.records]
    p = tmp_path / "linked.pdf"
    p.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True, check=True).stdout
    assert "Form-Sans" in fonts, fonts  # form.css, fetched, names the form font first


def test_every_weasyprint_render_takes_the_one_fetcher():
    """No module but builder/core/fetch.py makes a fetcher of its own."""
    own = [p.relative_to(ROOT) for p in (ROOT / "builder").rglob("*.py")
           if p.name != "fetch.py" and ("URLFetcher" in p.read_text(encoding="utf-8")
                                        or "default_url_fetcher" in p.read_text(encoding="utf-8"))]
    assert own == []
    for mod in ("builder/handbook/pdf.py", "builder/quiz/paper.py", "builder/forms/pdf.py"):
        assert "asset_fetcher" in (ROOT / mod).read_text(encoding="utf-8"), mod
