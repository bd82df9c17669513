"""The site's header search box, typed into in headless Chromium (Debian's /usr/bin/chromium):
from a static server, from disk, and served by `handbook serve` (where it asks /api/search);
and the box's engine, run in Chromium over the real content, ranks as search/query.py does."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, fixture_config

from builder.core.formspec import load_specs

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"
WORKER = ROOT / "builder" / "assets" / "site" / "search-worker.js"
BOX = "input.md-search__input"
ITEMS = "ol.md-search-result__list > li.md-search-result__item"


@pytest.fixture(scope="module")
def box_site(tmp_path_factory) -> Path:
    from builder.site.build import build_site

    tmp = tmp_path_factory.mktemp("box-site")
    out = tmp / "site"
    build_site(fixture_config(tmp, GOOD), out)
    return out


def serve(handler) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def type_into_box(page, q: str) -> list[dict]:
    """Type ``q`` into the header box as a person does and wait for the result items."""
    page.focus(BOX)
    page.keyboard.type(q, delay=20)
    page.keyboard.press("End")  # Material searches on keyup
    page.wait_for_selector(ITEMS, timeout=20000)
    return page.eval_on_selector_all(ITEMS, """els => els.map(e => ({
        href: e.querySelector('a').getAttribute('href'),
        page: e.querySelector('h1') ? e.querySelector('h1').textContent.trim() : '',
        sections: [...e.querySelectorAll('h2')].map(h => h.textContent.trim()),
        text: e.innerText}))""")


def check_baoxiu_answer(items: list[dict], meta: str) -> None:
    first = items[0]
    assert first["page"] == "报修处理流程", items  # the page's real title, not 第2步
    assert "procedures/baoxiu/" in first["href"]
    pages = [i["page"] for i in items]
    assert len(pages) == len(set(pages)), "one result a page"
    assert not any(p.startswith("第") and p.endswith("步") for p in pages)
    assert f"{len(items)} 个" in meta or (len(items) == 1 and "1" in meta), meta


@pytest.mark.browser
def test_box_answers_chinese_from_a_static_server(browser, box_site, artifacts):
    handler = partial(SimpleHTTPRequestHandler, directory=str(box_site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server, base = serve(handler)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/facts/ling-xiang/")
        items = type_into_box(page, "报修怎么处理")
        check_baoxiu_answer(items, page.inner_text(".md-search-result__meta"))
        # the best section is the anchor under the page's title, with its marked snippet
        assert "<mark>" in page.inner_html(ITEMS)
        page.screenshot(path=str(artifacts / "search-box-static.png"))
        # and the link lands on the page
        page.click(f"{ITEMS} >> nth=0 >> a >> nth=0")
        page.wait_for_url("**/procedures/baoxiu/**")
        assert errors == []
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_box_answers_when_the_site_is_opened_from_disk(browser, box_site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((box_site / "index.html").as_uri())
    items = type_into_box(page, "报修怎么处理")
    check_baoxiu_answer(items, page.inner_text(".md-search-result__meta"))


@pytest.mark.browser
def test_box_asks_the_api_when_served_by_handbook(browser, box_site, tmp_path):
    from flask import request
    from werkzeug.serving import make_server

    from builder.core.load import load_content
    from builder.web.app import create_app
    from search.index import build_index

    content, _ = load_content(GOOD)
    build_index(content, tmp_path / "index", load_specs(GOOD_FORMS)[0])
    app = create_app(box_site, register=None)
    app.config.update(SEARCH_INDEX_DIR=str(tmp_path / "index"), HANDBOOK_DATA_DIR=str(tmp_path / "data"))
    asked: list[str] = []

    @app.before_request
    def note() -> None:
        if request.path == "/api/search":
            asked.append(request.args.get("q", ""))

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        items = type_into_box(page, "报修怎么处理")
        assert "报修怎么处理" in asked  # the whoosh index answered, not the page's copy
        check_baoxiu_answer(items, page.inner_text(".md-search-result__meta"))
        api = app.test_client().get("/api/search", query_string={"q": "报修怎么处理"}).get_json()
        assert [i["page"] for i in items] == [r["title"] for r in api["results"]]
        assert len(items) == api["total"]  # the count Material shows is every page found
        # once the typing stops the search is counted (not each keystroke); opening a result
        # sends the click beacon
        page.wait_for_timeout(2500)
        page.click(f"{ITEMS} >> nth=0 >> a >> nth=0")
        page.wait_for_url("**/procedures/baoxiu/**")
        page.wait_for_timeout(500)
        import sqlite3

        with sqlite3.connect(tmp_path / "data" / "searches.sqlite3") as con:
            rows = dict((q, (n, c)) for q, n, c in con.execute("SELECT query, searches, clicks FROM queries"))
        assert rows == {"报修怎么处理": (1, 1)}
    finally:
        server.shutdown()


@pytest.mark.browser
def test_engine_in_chromium_ranks_as_the_python_engine(browser, tmp_path):
    """The box's own engine over the real content's exported index gives the same pages, in
    the same order, with the same anchors, as search.query on the same whoosh index."""
    import sys

    from builder.core.load import load_content
    from search.client_index import write_client_index
    from search.index import build_index, open_index
    from search.query import Searcher

    sys.path.insert(0, str(ROOT / "bench"))
    from search_quality import DEV, HOLDOUT, load_dev

    content, _ = load_content(ROOT / "content")
    build_index(content, tmp_path / "index", load_specs(ROOT / "forms")[0])
    opened = open_index(tmp_path / "index")
    js = write_client_index(opened, tmp_path / "search-index.js")
    opened.close()
    queries = [d["q"] for d in load_dev(DEV) + load_dev(HOLDOUT)] + ["QR-DXC-04-A", "A栋3单元", "的", "  "]
    s = Searcher(tmp_path / "index", rebuild=False)
    want = {q: [(r.id, r.page, [x.id for x in r.sections]) for r in s.search(q, limit=10)] for q in queries}
    s.close()

    page = browser.new_page()
    page.set_content("<!doctype html><meta charset=utf-8><title>box</title>")
    page.add_script_tag(path=str(js))
    page.add_script_tag(path=str(WORKER))
    got = page.evaluate("""qs => { const e = new HandbookSearch.Engine(self.__handbookSearch);
        const out = {}; for (const q of qs) out[q] = e.search(q, 10, 0).results.map(r => [r.id, r.page, r.sections.map(x => x.id)]);
        return out; }""", queries)
    differ = [q for q in queries if [list(x) for x in want[q]] != [[a, b, list(c)] for a, b, c in got[q]]]
    assert not differ, f"{len(differ)} queries rank differently, e.g. {differ[:3]}: {want[differ[0]][:3]} vs {got[differ[0]][:3]}"


def test_a_glossary_result_lands_on_its_term(tmp_path):
    """Search links a term to /glossary/#<term>: the glossary page, rendered with the site's
    Markdown extensions, has that anchor for every term (it had none: the link opened the top)."""
    import re

    import markdown
    import yaml

    from builder.core.load import load_content
    from builder.site.pages import Site
    from search.documents import glossary_docs

    content, _ = load_content(ROOT / "content")
    exts = [e if isinstance(e, str) else next(iter(e)) for e in yaml.safe_load(
        re.sub(r"!!python/name:\S+", "x", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")))["markdown_extensions"]]
    page = markdown.markdown(Site(content).glossary(), extensions=[e for e in exts if e in ("attr_list", "md_in_html", "def_list")])
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    docs = list(glossary_docs(content))
    assert len(docs) == len(content.glossary.terms) > 20
    for d in docs:
        assert d.url.startswith("/glossary/#") and d.url.split("#", 1)[1] in ids, d.url
