"""Self-test pages: the Markdown and assets the site plugin adds, and a real headless
Chromium taking a self-test on a site built by MkDocs from fixture content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, FIXTURES, ROOT, static_server

from builder.core.check import load_valid
from builder.quiz.bank import build_bank
from builder.quiz.selftest import assets, bank_json, pages

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


def test_a_page_per_post_with_questions_and_the_assets():
    content = load_valid(GOOD, GOOD_FORMS)
    out = pages(content)
    assert list(out) == ["editors/quiz/index.md", "quiz/qiantai.md"]  # kefu-zhuguan has no question in the fixture
    md = out["quiz/qiantai.md"]
    assert md.startswith("# 自测:前台接待")
    assert 'data-root="../../"' in md and 'data-bank="hb-quiz-bank"' in md
    bank = json.loads(md.split('id="hb-quiz-bank">', 1)[1].split("</script>", 1)[0])
    assert {q["id"] for q in bank} == {q.id for q in build_bank(content).questions if "qiantai" in q.posts}
    files = assets()
    assert set(files) == {"assets/quiz/quiz.js", "assets/quiz/quiz.css"}
    assert b"document$" in files["assets/quiz/quiz.js"]


def test_bank_json_cannot_close_its_script():
    content = load_valid(GOOD, GOOD_FORMS)
    q = build_bank(content).questions[0]
    q.stem = "</script><script>alert(1)</script> & more"
    text = bank_json([q])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)[0]["stem"] == q.stem


def test_every_real_post_with_questions_gets_a_page(real_content):
    bank = build_bank(real_content)
    out = pages(real_content, bank)
    with_questions = {p for q in bank.questions for p in q.posts if p in {r.id for r in real_content.of_kind("role")}}
    assert set(out) == {f"quiz/{p}.md" for p in with_questions} | {"editors/quiz/index.md"}


def test_the_editors_page_lists_every_question_with_its_state_source_and_reason():
    content = load_valid(GOOD, GOOD_FORMS)
    md = pages(content)["editors/quiz/index.md"]
    bank = build_bank(content, include_draft=True)
    for q in bank.questions + [r.question for r in bank.refused]:
        assert f"<code>{q.id}</code>" in md
    assert "待采用" in md and "common-sense" in md  # a held do/don't, with its reason
    assert "《物业客服工作内容》" in md  # the manual by title
    assert "/procedures/" not in md  # never a URL
    assert "<script" not in md.split("</table>")[0].split("<table>")[1]  # escaped


# --- the browser -----------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from builder.site.build import build_site

    tmp = tmp_path_factory.mktemp("quiz-site")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {GOOD}")
    text = text.replace("  - handbook ", f"  - handbook:\n      forms: {GOOD_FORMS}\n      userdict: {tmp / 'userdict.txt'}\n   ")
    cfg = tmp / "mkdocs.yml"
    cfg.write_text(text, encoding="utf-8")
    return build_site(cfg, tmp / "site")


@pytest.fixture(scope="module")
def served(site):
    """The site under a base path (/site/), as an intranet server may put it: every link must be relative."""
    with static_server(site.parent) as url:
        yield f"{url}/{site.name}"


ANSWER = """([card, want]) => {
  const type = card.dataset.type;
  if (type === "single" || type === "multiple") {
    const wanted = Array.isArray(want) ? want : [want];
    card.querySelectorAll("input").forEach(i => { i.checked = wanted.includes(i.value); });
  } else if (type === "truefalse") {
    card.querySelector(`input[value="${want ? "true" : "false"}"]`).checked = true;
  } else if (type === "blank") {
    card.querySelector("input").value = want;
  } else {
    card.querySelectorAll("select").forEach(s => { s.value = String(want.indexOf(s.dataset.option) + 1); });
  }
}"""


def _wrong(q: dict):
    if q["type"] == "single":
        return next(o for o in q["options"] if o != q["answer"])
    if q["type"] == "multiple":
        return [o for o in q["options"] if o not in q["answer"]][:1] or q["options"][:1]
    if q["type"] == "truefalse":
        return not q["answer"]
    if q["type"] == "blank":
        return "不知道"
    return list(reversed(q["answer"]))


@pytest.mark.browser
def test_chromium_takes_a_self_test(served, artifacts):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(served + "/quiz/qiantai/")
            page.wait_for_selector(".hb-quiz-q")
            bank = {q["id"]: q for q in page.evaluate("JSON.parse(document.getElementById('hb-quiz-bank').textContent)")}
            cards = page.locator(".hb-quiz-q")
            n = int(page.locator(".hb-quiz").get_attribute("data-count"))
            assert n == len({q["asks"] for q in bank.values()}) == len(bank)  # one question a fact in the bank
            assert cards.count() == n
            drawn = [bank[cards.nth(i).get_attribute("data-qid")] for i in range(n)]
            assert len({q["asks"] for q in drawn}) == n  # never the same thing twice
            assert page.locator(".hb-quiz-score").inner_text() == f"得分:0 / 0(本组共 {n} 题)"

            # one right, one wrong
            for i, right in ((0, True), (1, False)):
                card = cards.nth(i)
                q = bank[card.get_attribute("data-qid")]
                card.evaluate(f"(card) => ({ANSWER})([card, {json.dumps(q['answer'] if right else _wrong(q), ensure_ascii=False)}])")
                card.get_by_role("button", name="提交").click()
                assert card.locator(".hb-quiz-verdict").inner_text() == ("✓ 回答正确" if right else "✗ 回答错误")
                assert ("hb-quiz-right" if right else "hb-quiz-wrong") in card.get_attribute("class")
                link = card.locator("a.hb-quiz-link")
                assert link.get_attribute("href") == "../../" + q["source"]["url"].lstrip("/")
                assert link.evaluate("a => a.href") == served + q["source"]["url"]
            assert page.locator(".hb-quiz-score").inner_text() == f"得分:1 / 2(本组共 {n} 题)"
            wrong_card = cards.nth(1)
            assert wrong_card.locator(".hb-quiz-key").inner_text().startswith("正确答案:")
            wrong_card.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "quiz-selftest.png"))

            # the source link lands on the section it names
            target = bank[cards.nth(0).get_attribute("data-qid")]["source"]["url"]
            href = cards.nth(0).locator("a.hb-quiz-link").get_attribute("href")
            # finish the round first: the score is kept in localStorage
            for i in range(2, n):
                card = cards.nth(i)
                q = bank[card.get_attribute("data-qid")]
                card.evaluate(f"(card) => ({ANSWER})([card, {json.dumps(q['answer'], ensure_ascii=False)}])")
                card.get_by_role("button", name="提交").click()
            assert page.locator(".hb-quiz-done").inner_text() == f"本组完成:{n - 1} / {n}"
            saved = page.evaluate("JSON.parse(localStorage.getItem('hb-quiz:qiantai'))")
            assert saved == {"rounds": 1, "best": n - 1, "last": n - 1}
            page.screenshot(path=str(artifacts / "quiz-selftest-done.png"), full_page=True)

            page.locator(f'a.hb-quiz-link[href="{href}"]').first.click()
            page.wait_for_load_state()
            assert page.url == served + target
            anchor = target.split("#", 1)[1]
            assert page.locator(f"[id='{anchor}']").count() == 1
            assert errors == []
        finally:
            browser.close()


def test_a_self_test_page_carries_no_editors_code(real_content):
    import re as _re

    staff = {path: text for path, text in pages(real_content).items() if path.startswith("quiz/")}
    assert len(staff) > 5
    for path, text in staff.items():
        assert not _re.search(r"(?<![A-Za-z0-9])M(?:0[1-9]|1[0-8])(?![0-9])", text), path  # M17 · … is the editors'
        assert "草稿" not in text and "draft" not in text, path
