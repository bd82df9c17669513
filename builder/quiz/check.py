"""Checks on the question bank: every question right, none stale.

* **Correctness** (``check_question``): the key is well formed for the type; the keyed answer
  of a generated question (and the text that proves it) is found in its source part; no
  distractor equals or contains the answer, or the other way round; a blank removes a value
  the source states; an authored question's anchor exists.
* **Papers** (``check_paper``): no two questions ask the same thing (same source part and
  generator family).
* **Staleness** (``stale``): ``content/quiz.lock.json`` maps each question id to the hash of
  its source text when the questions were last reviewed (``handbook quiz check --update``).
  A question whose source text has changed since is stale: read it again, then update the lock.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from builder.core.atomic import write_bytes
from builder.core.load import Content
from builder.core.model import Etiquette
from builder.quiz.question import BLANK, Bank, Question, normalise

LOCK_NAME = "quiz.lock.json"


@dataclass(frozen=True, order=True)
class Issue:
    """One thing wrong with a question: what (wrong, missing, stale, duplicate) and why."""

    what: str
    qid: str
    message: str

    def __str__(self) -> str:
        return f"{self.what}: {self.qid}: {self.message}"


def _clash(a: str, b: str) -> bool:
    a, b = normalise(a), normalise(b)
    return a == b or a in b or b in a


_PUNCT = re.compile(r"[:,;。、!?()《》“”\"'「」\[\]·.\-—]")


def loose(text: str) -> str:
    """Normalised, and without punctuation: '客服员:审核资料。' is found in '客服员 审核资料'."""
    return _PUNCT.sub("", normalise(text))


def _source_text(q: Question, content: Content) -> str | None:
    item = content.items.get(q.source.item_id)
    if item is None:
        return None
    parts = {p.anchor: p for p in item.parts()}
    anchors = q.source.anchors or ([q.source.anchor] if q.source.anchor else list(parts))
    if any(a not in parts for a in anchors):
        return None
    extra = [item.title, getattr(item, "law", "")] + [parts[a].title for a in anchors]
    return loose(" ".join([parts[a].text for a in anchors] + extra))


def check_form(q: Question) -> list[str]:
    """The key fits the type: one right option of a single choice, a permutation for order …"""
    errs: list[str] = []
    opts = [normalise(o) for o in q.options]
    if len(set(opts)) != len(opts):
        errs.append("two options are the same")
    if q.type in ("single", "multiple", "order") and len(q.options) < 2:
        errs.append(f"a {q.type} question needs two options or more")
    if q.type == "single":
        if not isinstance(q.answer, str) or q.answer not in q.options:
            errs.append("the answer of a single choice must be one of its options")
    elif q.type == "multiple":
        if not isinstance(q.answer, list) or not q.answer or any(a not in q.options for a in q.answer):
            errs.append("the answers of a multiple choice must be some of its options")
    elif q.type == "order":
        if not isinstance(q.answer, list) or sorted(q.answer) != sorted(q.options):
            errs.append("the answer of an order question must hold every option once")
    elif q.type == "truefalse":
        if not isinstance(q.answer, bool):
            errs.append("the answer of a true/false question must be true or false")
    elif q.type == "blank":
        if not isinstance(q.answer, str) or not q.answer.strip():
            errs.append("a blank needs its answer")
        if q.origin == "generated" and q.stem.count(BLANK) != 1:
            errs.append(f"a blank's stem must hold exactly one {BLANK}")
    if q.type in ("single", "multiple"):
        right = q.answers
        for o in q.options:
            if o in right:
                continue
            for a in right:
                if _clash(a, o):
                    errs.append(f"distractor '{o}' equals or contains the answer '{a}' (or the other way round)")
    if not q.stem.strip():
        errs.append("empty stem")
    return errs


def check_question(q: Question, content: Content) -> list[Issue]:
    issues = [Issue("wrong", q.id, e) for e in check_form(q)]
    src = _source_text(q, content)
    if src is None:
        where = f"{q.source.item_id}#{q.source.anchor}" if q.source.anchor else q.source.item_id
        issues.append(Issue("missing", q.id, f"source {where} no longer exists"))
        return issues
    if q.origin == "generated" and not q.edited:
        for ev in q.evidence:
            if loose(ev) not in src:
                issues.append(Issue("wrong", q.id, f"'{ev}' is not in the source text of {q.source.item_id}#{q.source.anchor}"))
        if q.family == "form":  # the answer is the title of the form the step names (step.form)
            item = content.items[q.source.item_id]
            step = getattr(item, "steps", [])[int(q.source.anchor.split("-")[1]) - 1] if q.source.anchor else None
            if step is None or not step.form:
                issues.append(Issue("wrong", q.id, "the step no longer names a form"))
        elif q.family == "branches":  # one limit a case, the cases' limits joined with 、
            if any(loose(a) not in src for a in str(q.answer).split("、")):
                issues.append(Issue("wrong", q.id, f"a limit of '{q.answer}' is not in its source text"))
        elif q.type in ("single", "blank") and loose(str(q.answer)) not in src:
            issues.append(Issue("wrong", q.id, f"the answer '{q.answer}' is not in its source text"))
        if q.type == "order" and any(loose(a) not in src for a in q.answers):
            issues.append(Issue("wrong", q.id, "a step of the answer is not in its source text"))
        if q.type == "blank" and normalise(str(q.answer)) in normalise(q.stem):
            issues.append(Issue("wrong", q.id, "the stem gives the blank's answer away"))
        if q.type == "blank" and q.evidence:
            filled = loose(q.stem.replace(BLANK, str(q.answer), 1))
            if any(loose(ev) not in filled for ev in q.evidence):
                issues.append(Issue("wrong", q.id, "filling the blank with its answer does not give the source's words"))
        if q.type == "blank" and not q.evidence:
            issues.append(Issue("wrong", q.id, "a blank names no source text it removes a value from"))
    return issues


def check_bank(bank: Bank, content: Content) -> list[Issue]:
    """Every correctness problem of the bank."""
    issues: list[Issue] = []
    for qid, n in Counter(q.id for q in bank.questions).items():
        if n > 1:
            issues.append(Issue("wrong", qid, f"{n} questions share this id"))
    # a phrase that one item calls 标准用语 and another 禁语 makes every question on it wrong
    etiquette = [e for e in content.items.values() if isinstance(e, Etiquette)]
    std = {normalise(p.text) for e in etiquette for p in e.phrases}
    bad = {normalise(p.text) for e in etiquette for p in e.forbidden}
    for q in bank.questions:
        if q.family in ("phrase", "pick", "multi", "forbidden"):
            for ev in q.evidence:
                if normalise(ev) in std and normalise(ev) in bad:
                    issues.append(Issue("wrong", q.id, f"'{ev}' is 标准用语 in one item and 禁语 in another"))
    stems: dict[tuple[str, str], Question] = {}
    for q in bank.questions:
        issues += check_question(q, content)
        key = (q.type, normalise(q.stem) + "|" + "|".join(sorted(normalise(o) for o in q.options)))
        other = stems.get(key)
        if other is not None and normalise(" ".join(other.answers)) != normalise(" ".join(q.answers)):
            issues.append(Issue("wrong", q.id, f"reads the same as {other.id} but has another answer"))
        stems.setdefault(key, q)
    return sorted(set(issues))


def check_paper(questions: list[Question]) -> list[Issue]:
    """Two questions of one paper must not ask the same thing, nor give each other away (one's stem
    holding the other's answer, or each holding the other's key among its options)."""
    from builder.quiz.rules import gives_away, mirrored_in_item

    seen: dict[str, str] = {}
    issues = []
    for q in questions:
        if q.asks in seen:
            issues.append(Issue("duplicate", q.id, f"asks the same as {seen[q.asks]} ({q.asks})"))
        seen.setdefault(q.asks, q.id)
    for a in questions:
        for b in questions:
            if a is not b and gives_away(a, b):
                issues.append(Issue("giveaway", b.id, f"the stem of {a.id} holds its answer"))
            if a is not b and a.id < b.id and mirrored_in_item(a, b):
                issues.append(Issue("giveaway", b.id, f"{a.id} and this one hold each other's key among their options"))
    return issues


# --- the lock: question id -> source text hash when last reviewed ---------
def lock_path(content_dir: Path | str) -> Path:
    return Path(content_dir) / LOCK_NAME


def read_lock(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("questions", {}))


def write_lock(bank: Bank, path: Path) -> None:
    """Record every question's source hash (atomically)."""
    data = {
        "about": "question id -> sha256 of its source text when last reviewed; "
                 "rewritten by `handbook quiz check --update`",
        "questions": {q.id: q.source.text_hash for q in sorted(bank.questions, key=lambda q: q.id) if q.source.text_hash},
    }
    write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


@dataclass
class LockState:
    stale: list[Issue] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


def stale(bank: Bank, lock: dict[str, str]) -> LockState:
    """Questions whose source text changed since the lock was written; new and gone ids."""
    state = LockState()
    ids = set()
    for q in bank.questions:
        ids.add(q.id)
        old = lock.get(q.id)
        if old is None:
            state.new.append(q.id)
        elif q.source.text_hash and old != q.source.text_hash:
            where = f"{q.source.item_id}#{q.source.anchor}" if q.source.anchor else q.source.item_id
            state.stale.append(Issue("stale", q.id, f"the source text of {where} changed since the question was made; "
                                                     "review it, then run `handbook quiz check --update`"))
    state.gone = sorted(set(lock) - ids)
    return state


@dataclass
class Report:
    issues: list[Issue]
    lock: LockState
    total: int

    @property
    def failed(self) -> bool:
        return bool(self.issues or self.lock.stale)


def check_all(content: Content, bank: Bank, lock_file: Path) -> Report:
    return Report(issues=check_bank(bank, content), lock=stale(bank, read_lock(lock_file)), total=len(bank))
