"""The editors' page of the question bank (``editors/quiz/index.md`` in the built site): every
generated and authored question, its state (在题库 / 待采用 / 已拒绝 with the rule's reason), its
source by manual title and section, and the trainer's decision. The same rows as the XLSX sheet."""

from __future__ import annotations

from collections import Counter

from builder.core.paths import TEMPLATES_DIR
from builder.quiz.question import TYPE_LABELS, Bank
from builder.quiz.review import Decision
from builder.quiz.sheet import LETTERS, answer_text, rows

PAGE = "editors/quiz/index.md"


def page(bank: Bank, decisions: dict[str, Decision]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR / "quiz"), autoescape=select_autoescape(["html"]))
    all_rows = rows(bank, decisions)
    counts: dict[str, int] = dict(Counter(r.state for r in all_rows))
    counts["total"] = len(all_rows)
    for state in ("在题库", "待采用", "已拒绝"):
        counts.setdefault(state, 0)
    table = env.get_template("editors.html").render(rows=all_rows, counts=counts, type_labels=TYPE_LABELS,
                                                    letters=LETTERS, answer_text=answer_text)
    return "# 编辑:题库审题\n\n" + table + "\n"
