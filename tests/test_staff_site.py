"""The built staff site of the real content, read as a new hire reads it.

Staff pages show written material only: no gaps, and none of the editors' machinery (file
paths, YAML names, status words, manual codes, line numbers). Procedure steps are whole
actions. The editors' section under /editors/ has the rest and is one link away."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from staff_walk import (
    ASCII_PUNCT_IN_CHINESE,
    COMMA_END,
    CONJUNCTION_START,
    Page,
    editors_pages,
    leaks,
    resolve,
    staff_pages,
)

from builder.core.model import staff_visible
from builder.core.urls import item_path
from builder.site.build import build_site

pytestmark = pytest.mark.slow

#: served by the web app, not the static site
SERVED_ELSEWHERE = ("/search", "/forms")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("staff") / "site")


@pytest.fixture(scope="module")
def pages(real_site) -> list[Page]:
    return staff_pages(real_site)


@pytest.fixture(scope="module")
def gap_urls(real_content) -> set[str]:
    gaps = [i for i in real_content if not staff_visible(i)]
    assert len(gaps) > 100, "the real content has its gaps (outline items)"
    return {"/" + item_path(i.kind, i.id) for i in gaps}


def test_no_staff_page_shows_editors_machinery(pages):
    assert len(pages) > 100
    found = [msg for p in pages for msg in leaks(p)]
    assert not found, f"{len(found)} leaks, first: " + "\n".join(found[:10])


def test_no_staff_page_links_a_gap_and_every_link_lands_on_a_written_page(real_site, pages, gap_urls):
    missing, to_gaps = [], []
    for p in pages:
        for link in p.links:
            target = resolve(p.path, link)
            if target is None or target.startswith(SERVED_ELSEWHERE):
                continue
            if target in gap_urls:
                to_gaps.append(f"{p.path} → {target}")
            file = real_site / target.lstrip("/")
            if target.endswith("/"):
                file = file / "index.html"
            if not file.exists():
                missing.append(f"{p.path} → {link}")
    assert not to_gaps, to_gaps[:10]
    assert not missing, missing[:10]
    for url in gap_urls:
        assert not (real_site / url.lstrip("/") / "index.html").exists(), f"a gap has a staff page: {url}"


def test_study_paths_list_written_items_only(real_site, real_content, pages, gap_urls):
    paths = [p for p in pages if p.path.startswith("/study/") and p.path != "/study/"]
    studied = {post for i in real_content if staff_visible(i) for post in i.roles}
    written_posts = [r for r in real_content.roles if staff_visible(r) and r.id in studied]
    assert len(paths) == len(written_posts)
    gap_titles = {i.title for i in real_content if not staff_visible(i)} - {i.title for i in real_content if staff_visible(i)}
    for p in paths:
        targets = {resolve(p.path, link) for link in p.links}
        assert not targets & gap_urls, p.path
        main = p.text.split("学习路径", 1)[-1]
        assert not [t for t in gap_titles if f"\n{t}\n" in main], p.path


def test_every_step_is_a_whole_action(pages):
    procedures = [p for p in pages if p.path.startswith("/procedures/") and p.actions]
    assert len(procedures) >= 9
    bad = [f"{p.path}: {a}" for p in procedures for a in p.actions
           if CONJUNCTION_START.search(a) or COMMA_END.search(a)]
    assert not bad, bad


def test_generated_chinese_uses_full_width_punctuation(pages):
    # the self-test pages are drawn by builder.quiz; the rest is ours
    bad = [(p.path, m.group(0)) for p in pages if not p.path.startswith("/quiz/")
           for m in ASCII_PUNCT_IN_CHINESE.finditer(p.text)]
    assert not bad, bad[:10]


def test_editors_section_is_one_unobtrusive_link_away(real_site, real_content, pages):
    home = next(p for p in pages if p.path == "/")
    editors_links = [link for link in home.links if (resolve("/", link) or "").startswith("/editors/")]
    assert editors_links == ["./editors/"] or len(editors_links) == 1, editors_links
    assert "编辑入口" in home.text and "编辑：" not in home.text
    found = editors_pages(real_site)
    assert {f.parent.name for f in found} >= {"editors", "gaps", "drafts", "sources", "mends", "notes", "imports"}
    gaps = (real_site / "editors" / "gaps" / "index.html").read_text(encoding="utf-8")
    outline = [i for i in real_content if i.is_gap]
    assert f"共 {len(outline)} 项" in gaps
    sources = (real_site / "editors" / "sources" / "index.html").read_text(encoding="utf-8")
    assert "M17" in sources and "content/procedures/baoxiu.yaml" in sources


def test_study_tab_asks_for_the_post_and_404_is_chinese(real_site, pages):
    study = next(p for p in pages if p.path == "/study/")
    assert "你在哪个岗位" in study.text and "客服员" in study.text
    missing = next(p for p in pages if p.path == "/404.html")
    assert "找不到这一页" in missing.text
