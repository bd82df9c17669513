"""The staff site: golden pages from fixture content, a strict build of the real
content, the Chinese search index, and the pages in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, OPEN_SHADOW, ROOT, fixture_config, static_server

from builder.core.check import load_valid
from builder.core.formspec import load_specs
from builder.core.model import staff_visible
from builder.site.build import BuildError, build_site, count_pages
from builder.site.pages import Site

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("fixture-site")
    out = tmp / "site"
    build_site(fixture_config(tmp, GOOD), out)
    return out


def test_golden_pages(golden):
    content = load_valid(GOOD, GOOD_FORMS)
    forms, _ = load_specs(GOOD_FORMS)
    pages = Site(content, forms).pages()
    assert {"index.md", "editors/index.md", "study/index.md", "study/qiantai.md", "procedures/baoxiu.md",
            "facts/ling-xiang.md", "cards/qiantai.md"} <= set(pages)
    for path in sorted(pages):
        golden(f"site/{path}", pages[path])


def test_procedure_page_has_steps_time_limits_and_flowchart():
    content = load_valid(GOOD, GOOD_FORMS)
    page = Site(content, {}).pages()["procedures/baoxiu.md"]
    assert page.index('id="step-1"') < page.index('id="step-2"') < page.index('id="step-3"')
    assert "时限：两天内" in page
    assert "```mermaid\nflowchart TD" in page
    assert '<p class="hb-source">出处：《物业客服工作内容》· 三、业主接待' in page
    assert "M17" not in page


def test_editors_pages_list_every_gap_and_draft_and_staff_pages_none():
    content = load_valid(GOOD, GOOD_FORMS)
    pages = Site(content, {}).pages()
    gaps = pages["editors/gaps.md"]
    assert "钥匙管理制度" in gaps and "M06" in gaps  # the outline item and where it is listed
    assert "服务用语" in pages["editors/drafts.md"]  # the draft
    gap_ids = {i.id for i in content if i.is_gap}
    assert gap_ids, "the fixture has a gap"
    staff = {path: text for path, text in pages.items() if not path.startswith("editors/")}
    assert not any(f"policies/{g}.md" in staff for g in gap_ids)
    for path, text in staff.items():
        assert "钥匙管理制度" not in text, path


def test_failed_build_keeps_last_good_site(tmp_path, fixture_site):
    out = tmp_path / "site"
    shutil.copytree(fixture_site, out)
    broken = tmp_path / "content"
    shutil.copytree(GOOD, broken)
    (broken / "facts" / "ling-xiang.yaml").write_text("title: [broken\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"facts/ling-xiang.yaml:2: \(yaml\)"):
        build_site(fixture_config(tmp_path, broken), out)
    assert (out / "index.html").exists() and (out / "procedures" / "baoxiu" / "index.html").exists()
    assert not list(tmp_path.glob(".site-new-*"))


@pytest.mark.slow
def test_strict_build_of_real_content(tmp_path):
    out = build_site(ROOT / "mkdocs.yml", tmp_path / "site")
    content = load_valid()
    written = [i for i in content if staff_visible(i)]
    assert count_pages(out) >= len(written)
    for item in content:
        folder = {"role": "roles", "etiquette": "etiquette", "procedure": "procedures", "policy": "policies",
                  "legal": "legal", "fact": "facts", "case": "cases"}[item.kind]
        assert (out / folder / item.id / "index.html").exists() == staff_visible(item), item.id


def lunr_tokens(text: str) -> list[str]:
    """The browser's tokenizer with our separator (mkdocs.yml: '[\\s\\u200b\\-]')."""
    return [t for t in re.split(r"[\s\u200b\-]+", text.lower()) if t]


def test_search_index_is_segmented_and_finds_a_word_from_the_middle_of_a_title(fixture_site):
    index = json.loads((fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    titles = [d for d in docs if d["location"].startswith("procedures/baoxiu/") and "报修" in d["title"].replace("\u200b", "")]
    assert titles, "the procedure page is in the index"
    assert any("\u200b" in d["title"] or "\u200b" in d["text"] for d in docs), "Chinese text is segmented"
    # 处理 stands in the middle of 报修处理流程; lunr matches whole tokens, so it must be one
    hits = [d["location"] for d in docs if "处理" in lunr_tokens(d["title"])]
    assert any(h.startswith("procedures/baoxiu/") for h in hits)
    # our dictionary word stays whole in the index
    assert index["config"]["separator"] == r"[\s\u200b\-]"


@pytest.fixture(scope="module")
def served(fixture_site):
    with static_server(fixture_site) as url:
        yield url




@pytest.mark.browser
def test_home_and_procedure_pages_in_chromium(browser, served, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(OPEN_SHADOW)  # Material draws Mermaid in a closed shadow root
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served + "/")
    assert page.locator("h1").first.inner_text().rstrip("¶") == "物业客服部工作手册"
    assert page.get_by_role("link", name="前台接待").first.is_visible()
    page.screenshot(path=str(artifacts / "site-home.png"))
    page.goto(served + "/procedures/baoxiu/")
    page.wait_for_selector("div.mermaid", state="attached")
    page.wait_for_function("() => [...document.querySelectorAll('div.mermaid')].some(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))")
    labels = page.evaluate("() => [...document.querySelectorAll('div.mermaid')].map(d => d.shadowRoot.querySelector('svg').textContent).join(' ')")
    assert "记录报修内容" in labels and "两天内" in labels
    assert page.locator("#step-3").inner_text().count("两天内") == 1
    page.screenshot(path=str(artifacts / "site-procedure.png"), full_page=True)
    assert errors == []


def test_flowcharts_show_every_step_and_time_limit_in_full(real_content):
    from builder.site.markup import zh_punct

    pages = Site(real_content, {}).pages()
    procedures = [p for p in real_content.of_kind("procedure") if staff_visible(p) and p.steps]
    assert len(procedures) >= 9
    for p in procedures:
        page = pages[f"procedures/{p.id}.md"]
        chart = page[page.index("```mermaid"):page.index("```", page.index("```mermaid") + 3)]
        flat = chart.replace("<br/>", "").replace("#quot;", '"')
        for s in p.steps:
            assert zh_punct(s.action) in flat, (p.id, s.action)
            if s.time_limit:
                assert zh_punct(s.time_limit) in flat, (p.id, s.time_limit)
            for b in s.branches:
                assert zh_punct(b.then) in flat and f'|"{b.when}"|' in flat, (p.id, b.when)
        own = " ".join(s.action + (s.time_limit or "") + "".join(b.then for b in s.branches) for s in p.steps)
        assert chart.count("…") == own.count("…"), f"{p.id}: the chart cuts text short"


def test_a_draft_carries_its_mark_wherever_staff_meet_it(real_content):
    pages = Site(real_content, {}).pages()
    drafts = [i for i in real_content if i.awaiting_approval]
    assert drafts
    pending = '<span class="hb-pending"'
    for path, text in pages.items():
        if path.startswith(("editors/", "quiz/")):
            continue
        for d in drafts:
            for m in re.finditer(rf"\]\((?:[./\w-]*/)?{re.escape(d.id)}\.md(?:#[\w-]+)?\)", text):
                assert text[m.end():].lstrip().startswith(pending), f"{path}: link to {d.id} without 待审核"
        if path.endswith(tuple(f"/{d.id}.md" for d in drafts)):
            heading = next(line for line in text.splitlines() if line.startswith("# "))
            assert pending in heading, f"{path}: the draft's own page is marked at its title"
