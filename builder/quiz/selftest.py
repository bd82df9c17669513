"""Self-test pages for the staff site: one page per post that draws questions in the
browser, checks each answer on the spot, shows the explanation with a link to the
source section, and keeps the score in localStorage. No server.

``pages(content)`` → ``{"quiz/<role-id>.md": markdown}``; each page carries its post's
questions inline as JSON (``<script type="application/json">``: search skips scripts, and
no extra file has to be served). ``assets()`` → the JS and CSS the site adds to every page.
Links into the site are made relative to the page (``data-root``), so the site works under
any base URL.
"""

from __future__ import annotations

import json

from builder.core.load import Content
from builder.core.paths import ASSETS_DIR
from builder.quiz.bank import TYPE_LABELS, Bank, Question, build_bank, filter_questions

#: questions drawn per round
ROUND = 10
ASSET_FILES = ("quiz.js", "quiz.css")


def page_path(role_id: str) -> str:
    return f"quiz/{role_id}.md"


def bank_entry(q: Question) -> dict:
    """What the browser needs of a question."""
    s = q.source
    return {
        "id": q.id, "type": q.type, "stem": q.stem, "options": q.options, "answer": q.answer, "accept": q.accept,
        "explanation": q.explanation, "difficulty": q.difficulty, "topic": q.topic, "asks": q.asks,
        # the manual's title and section link; never the editors' badge (M17 · …) in a staff page
        "source": {"title": s.title, "part": s.part_title, "url": s.url},
    }


def bank_json(questions: list[Question]) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' left raw."""
    text = json.dumps([bank_entry(q) for q in questions], ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(role_title: str, role_id: str, questions: list[Question], count: int = ROUND) -> str:
    types = "、".join(TYPE_LABELS[t] for t in TYPE_LABELS if any(q.type == t for q in questions))
    n = min(count, len({q.asks for q in questions}))
    return (
        f"# 自测:{role_title}\n\n"
        f"从本岗位题库的 {len(questions)} 道题({types})中随机抽 {n} 道。"
        "每题作答后立即判分,并给出解析和出处;成绩只保存在本机浏览器中。\n\n"
        f'<div class="hb-quiz" id="hb-quiz" data-role="{role_id}" data-count="{n}" data-root="../../" '
        f'data-bank="hb-quiz-bank">\n'
        '<noscript>自测需要浏览器启用 JavaScript。</noscript>\n'
        "</div>\n\n"
        f'<script type="application/json" id="hb-quiz-bank">{bank_json(questions)}</script>\n'
    )


def pages(content: Content, bank: Bank | None = None, forms: dict[str, str] | None = None) -> dict[str, str]:
    """A self-test page for every post that has questions (approved material only), and the
    editors' review page of every question, drafts and refused ones included. ``forms`` (form id →
    title) lets the bank ask which form a step uses."""
    from builder.quiz import editors
    from builder.quiz.review import read_decisions

    bank = bank or build_bank(content, forms=forms)
    decisions = read_decisions(content.root)
    out: dict[str, str] = {editors.PAGE: editors.page(build_bank(content, include_draft=True, forms=forms), decisions)}
    for role in sorted(content.of_kind("role"), key=lambda r: r.id):
        questions = filter_questions(bank, role=role.id)
        if questions:
            out[page_path(role.id)] = page(role.title, role.id, questions)
    return out


def assets() -> dict[str, bytes]:
    """The self-test's script and style, as site-relative paths."""
    return {f"assets/quiz/{name}": (ASSETS_DIR / "quiz" / name).read_bytes() for name in ASSET_FILES}
