"""A new hire on day one, in a real headless Chromium, on the built site of the real content:
choose a post, open its study path, open a procedure, mark two items 已学 and see the
progress after a reload; every link on three pages lands on a written page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import OPEN_SHADOW, ROOT, static_server

from builder.core.model import staff_visible
from builder.core.urls import item_path
from builder.site.build import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/shots-site")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("staff-browser") / "site")
    with static_server(site) as url:
        yield url


def shot(page, artifacts: Path, name: str) -> None:
    path = artifacts / f"staff-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_new_hire_chooses_a_post_studies_and_sees_progress(browser, served, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(OPEN_SHADOW)  # Material draws Mermaid in a closed shadow root
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(served + "/")
    shot(page, artifacts, "home")
    page.locator(".md-tabs__link", has_text="学习路径").click()
    page.wait_for_url(re.compile(r"/study/$"))
    assert page.locator("h1").first.inner_text().rstrip("¶") == "你在哪个岗位？"
    page.locator("a.hb-post", has_text="客服员").first.click()
    page.wait_for_url(re.compile(r"/study/kefu-yuan/$"))
    progress = page.locator(".hb-path-head .hb-progress-text")
    total = int(re.search(r"/ (\d+)", progress.inner_text()).group(1))  # type: ignore[union-attr]
    assert progress.inner_text().startswith("已学 0 / ") and total > 20
    quiz = page.locator("a.md-button", has_text="做本岗位自测")
    assert quiz.is_visible(), "the self-test is one click from the path"
    assert "待编写" not in page.locator("article").inner_text()

    page.locator("ul.hb-path a", has_text="报修处理").first.click()
    page.wait_for_url(re.compile(r"/procedures/baoxiu/$"))
    page.wait_for_function("() => [...document.querySelectorAll('div.mermaid')].some(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))")
    chart = page.evaluate("() => [...document.querySelectorAll('div.mermaid')].map(d => d.shadowRoot.querySelector('svg').textContent).join(' ')")
    for words in ("安全设施维修两天内回访", "其他项目维修一星期内回访", "有偿服务", "回访发现问题", "24小时内"):
        assert words in chart.replace("\u200b", ""), words
    assert "…" not in chart
    steps = page.locator("ol.hb-steps > li")
    assert steps.count() == 3 and steps.first.inner_text().endswith("表单：业主报修单")
    page.locator("button.hb-learn").first.click()
    assert page.locator("button.hb-learn").first.inner_text() == "✔ 已学"
    shot(page, artifacts, "baoxiu")

    page.go_back()
    page.wait_for_url(re.compile(r"/study/kefu-yuan/$"))
    page.locator("ul.hb-path a", has_text="维修回访").first.click()
    page.wait_for_url(re.compile(r"/procedures/huifang/$"))
    page.locator("button.hb-learn").first.click()

    page.goto(served + "/study/kefu-yuan/")
    page.reload()
    assert page.locator(".hb-path-head .hb-progress-text").inner_text().startswith(f"已学 2 / {total} ")
    learned = page.locator("ul.hb-path li.hb-learned")
    assert sorted(learned.all_inner_texts()) == ["报修处理", "维修回访"]
    width = page.locator(".hb-path-head .hb-progress-bar span").evaluate("e => e.style.width")
    assert width == f"{round(200 / total)}%"
    shot(page, artifacts, "study-path")

    page.goto(served + "/study/")
    assert page.locator(".hb-post--mine").inner_text().startswith("客服员"), "the tab remembers the post"

    page.goto(served + "/cards/kefu-yuan/")
    cards = page.locator(".hb-card")
    facts = page.locator(".hb-progress").first.get_attribute("data-progress").split()  # type: ignore[union-attr]
    shown = page.eval_on_selector_all(".hb-card[id], .hb-also a[id]", "els => els.map(e => e.id)")
    assert sorted(shown) == sorted(facts), "each fact of the post once: a card, or a line of a card's table"
    assert 30 <= cards.count() < len(facts)
    groups = page.locator("article h2").all_inner_texts()
    assert [g.split("（")[0] for g in groups[:3]] == ["电话", "接待与本小区", "报修与回访"]
    rongjilv = page.locator(".hb-card", has=page.locator("#xiaoqu-rongjilv"))
    assert "容积率" in rongjilv.inner_text() and "2.5" in rongjilv.inner_text(), "the profile value is shown"
    rongjilv.locator("button.hb-learn").click()
    page.reload()
    assert rongjilv.locator("button.hb-learn").inner_text() == "✔ 已学"
    progress = page.locator(".hb-progress-text").first.inner_text()
    assert progress.startswith("已学 8 / "), progress  # the 小区概况 card answers eight facts
    shot(page, artifacts, "cards")

    quiz_page = context.new_page()
    quiz_page.goto(served + "/study/kefu-yuan/")
    quiz_page.locator("a.md-button", has_text="做本岗位自测").click()
    quiz_page.wait_for_url(re.compile(r"/quiz/kefu-yuan/$"))
    assert errors == []
    context.close()


def test_every_link_on_three_pages_lands_on_a_written_page(browser, served, real_content):
    gaps = {"/" + item_path(i.kind, i.id) for i in real_content if not staff_visible(i)}
    context = browser.new_context()
    page = context.new_page()
    seen: set[str] = set()
    for start in ("/", "/study/kefu-yuan/", "/procedures/baoxiu/"):
        page.goto(served + start)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        for url in hrefs:
            url = url.split("#", 1)[0]
            if not url.startswith(served) or url in seen:
                continue
            path = url[len(served):]
            if path.startswith(("/search", "/forms")):
                continue  # served by the web app, not the static site
            seen.add(url)
            assert path not in gaps, f"{start} links a gap: {path}"
            response = context.request.get(url)
            assert response.status == 200, f"{start} → {path}: {response.status}"
            body = response.text()
            assert "找不到这一页" not in body and "<h1" in body, f"{start} → {path}"
    assert len(seen) > 100
    context.close()
