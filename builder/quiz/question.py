"""A question of the bank, where it comes from, and the text helpers every stage shares."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

QuestionType = Literal["single", "multiple", "truefalse", "blank", "order"]
TYPE_LABELS: dict[str, str] = {
    "single": "单项选择题",
    "multiple": "多项选择题",
    "truefalse": "判断题",
    "blank": "填空题",
    "order": "排序题",
}
BLANK = "____"


# --- the model ----------------------------------------------------------------
class Source(BaseModel):
    """Where a question's answer comes from."""

    item_id: str
    kind: str
    title: str = Field(description="the item's title")
    anchor: str | None = Field(description="the part of the item, e.g. 'step-3'; None: the whole item")
    anchors: list[str] = Field(default_factory=list, description="every part the question was made from")
    part_title: str = ""
    badge: str = Field("", description="the item's provenance: M18 · 前台事务办理篇 / 草稿 / 待编写")
    url: str = Field(description="the site's URL of the part: builder.core.urls.item_url")
    text_hash: str = Field(description="sha256 of the parts' normalised text, when the question was made")
    manuals: list[str] = Field(default_factory=list, description="the manuals' titles (none for a draft)")
    sections: list[str] = Field(default_factory=list, description="the manuals' sections, one per manual")

    def cite(self) -> str:
        """The source as a trainer reads it: 手册名 · 章节 — 条目 · 部分 (a draft: 待审核); never a URL."""
        where = self.title + (f" · {self.part_title}" if self.part_title else "")
        if not self.manuals:
            return f"{where}(待审核,尚无手册出处)" if self.badge == "草稿" else where
        first: dict[str, str] = {}
        for m, s in zip(self.manuals, self.sections, strict=False):
            first.setdefault(m, s)  # one section a manual: the text's own, not its table-of-contents entry
        books = "；".join(f"《{m}》{s}" for m, s in first.items())
        return f"{books} — {where}"


class Question(BaseModel):
    """One question of the bank."""

    id: str = Field(description="stable: item id, anchor and generator; or the authored id")
    type: QuestionType
    stem: str
    options: list[str] = Field(default_factory=list)
    answer: str | list[str] | bool
    accept: list[str] = Field(default_factory=list, description="other spellings a blank accepts (3声 for 三声)")
    explanation: str = ""
    difficulty: int = Field(ge=1, le=3)
    posts: list[str] = Field(default_factory=list, description="role ids that must know this")
    tags: list[str] = Field(default_factory=list)
    topic: str = Field(description="the first tag of the item, or its kind")
    origin: Literal["authored", "generated"]
    family: str = Field(description="the generator: figure, order, next, duty, phrase, rule, policy, law, article, lesson, authored")
    asks: str = Field(description="two questions with the same value ask the same thing; a paper holds one")
    evidence: list[str] = Field(default_factory=list, description="source text that proves the key (checked)")
    claim: str = Field(default="", description="a true/false question's statement, as it stands in the stem")
    sequence: bool = Field(default=False, description="made from steps the source takes one after another")
    draft: bool = Field(default=False, description="made from text the company has not approved: 待审核 on every paper")
    review: str = Field(default="", description="the trainer's decision: 采用 / 修改 (empty: not yet reviewed)")
    edited: bool = Field(default=False, description="worded by a trainer (修改): the source checks do not apply")
    source: Source

    @property
    def answers(self) -> list[str]:
        """The keyed answer(s) as a list of strings (truefalse: '对'/'错')."""
        if isinstance(self.answer, bool):
            return ["对" if self.answer else "错"]
        if isinstance(self.answer, list):
            return list(self.answer)
        return [self.answer]

    def public(self) -> dict:
        """What a paper's JSON, the site and the exports show: no internal bookkeeping."""
        return self.model_dump(exclude={"evidence", "asks", "claim", "sequence"})


class Refused(BaseModel):
    """A generated question a rule kept out of the bank, and why."""

    question: Question
    reasons: list[str]
    held: bool = Field(default=False, description="waits for a trainer's 采用 (not wrong, only not asked by default)")


class Bank(BaseModel):
    questions: list[Question]
    refused: list[Refused] = Field(default_factory=list, description="kept out by builder.quiz.rules")
    together: dict[str, str] = Field(default_factory=dict, description="what a fact asks → what the question "
                                     "that asks it with its step's other cases asks (回访: 两天内/三天内/一星期内)")

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def __len__(self) -> int:
        return len(self.questions)


# --- text helpers -------------------------------------------------------------
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, no whitespace: the form in which texts are compared and hashed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def text_hash(texts: Iterable[str]) -> str:
    joined = "\n".join(normalise(t) for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


def similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Whether two texts say nearly the same (character-bigram Jaccard), or one holds the other."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    ga = {a[i:i + 2] for i in range(len(a) - 1)} or {a}
    gb = {b[i:i + 2] for i in range(len(b) - 1)} or {b}
    return len(ga & gb) / len(ga | gb) >= threshold


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。;；,，.:：")

