"""The trainer's review: a decision for each question, kept in ``content/quiz.review.json``.

A trainer marks each question 采用 (use it), 修改 (use it with the wording they give) or
弃用 (drop it). Decisions are keyed by the question's stable id, so they survive regeneration:
the bank applies them every time it is built (:func:`apply`). A held question (a post's or a
document's name, a common-sense do/don't) enters the bank only once adopted.

The sheet a trainer works in is an XLSX (:mod:`builder.quiz.sheet`) or the editors' page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from builder.core.errors import ContentError, Problem
from builder.quiz.question import Question

REVIEW_NAME = "quiz.review.json"
DECISIONS = ("采用", "修改", "弃用")
Verdict = Literal["采用", "修改", "弃用"]


class Decision(BaseModel):
    """One question's decision, and the wording a trainer gave it (修改)."""

    model_config = ConfigDict(extra="forbid")

    decision: Verdict
    stem: str | None = Field(default=None, max_length=1000)
    options: list[str] | None = Field(default=None, max_length=10)
    answer: str | list[str] | bool | None = None
    note: str = Field(default="", max_length=1000)
    text_hash: str = Field(default="", description="the source text's hash when decided (a later change makes it stale)")


def review_path(content_dir: Path | str) -> Path:
    return Path(content_dir) / REVIEW_NAME


def read_decisions(content_dir: Path | str) -> dict[str, Decision]:
    """Every decision; {} when there is no file; :class:`ContentError` naming the id and key if bad."""
    path = review_path(content_dir)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ContentError([Problem(str(path), e.lineno, "", f"not valid JSON: {e.msg}")]) from None
    raw = data.get("decisions", {}) if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise ContentError([Problem(str(path), 1, "decisions", "must map question ids to decisions")])
    out: dict[str, Decision] = {}
    problems = []
    for qid, value in raw.items():
        try:
            out[qid] = Decision.model_validate(value)
        except ValidationError as e:
            problems += [Problem(str(path), 1, f"decisions.{qid}." + ".".join(map(str, err["loc"])), err["msg"])
                         for err in e.errors()]
    if problems:
        raise ContentError(problems)
    return out


def write_decisions(content_dir: Path | str, decisions: dict[str, Decision]) -> Path:
    """Write every decision (sorted by id, atomically)."""
    from builder.core.atomic import write_bytes

    path = review_path(content_dir)
    data = {
        "about": "a trainer's decision for each question id: 采用 / 修改 (with the new wording) / 弃用; "
                 "written by `handbook quiz review --apply review.xlsx`",
        "decisions": {k: decisions[k].model_dump(exclude_none=True, exclude_defaults=False)
                      for k in sorted(decisions)},
    }
    write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def edited(q: Question, d: Decision) -> Question:
    """The question with the trainer's wording (修改); the rest is kept."""
    changes: dict = {"review": d.decision, "edited": True}
    if d.stem:
        changes["stem"] = d.stem
    if d.options:
        changes["options"] = list(d.options)
    if d.answer is not None:
        changes["answer"] = d.answer
    return q.model_copy(update=changes)
