"""Coverage: is every sourced fact, time limit and step that a post must know asked at least once?

``coverage(content, bank)`` walks the approved items and lists each thing to know — a fact's
figure, a step's time limit, a policy rule's time limit, each step of a procedure — with the
questions that ask it, or, when none does, why (the rule that refused the candidates, or that
no generator can ask it). Facts and limits are asked by figure; a step is asked when an order,
next-step, form or condition question covers it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from builder.core.load import Content
from builder.core.model import Fact, Policy, Procedure
from builder.quiz.bank import _clause_with, _Ctx, _limits, _rule_figures, frontline, loose
from builder.quiz.question import Bank


@dataclass
class Need:
    """One thing to know: where it is, what it is, the posts that must know it, and what asks it."""

    item_id: str
    anchor: str
    what: str  # 数字 / 时限 / 步骤
    text: str
    posts: list[str]
    figure: str = ""
    where: str = ""  # the words around the figure
    wheres: list[str] = field(default_factory=list)  # every place the item states it
    asked_by: list[str] = field(default_factory=list)
    why_not: list[str] = field(default_factory=list)
    #: asked, but only of supervisors (经理每月抽查): a front-line post that must know it is not asked
    supervisors_only: bool = False


@dataclass
class Report:
    needs: list[Need]

    @property
    def missing(self) -> list[Need]:
        return [n for n in self.needs if not n.asked_by]

    def to_json(self) -> dict:
        by_what: dict[str, dict[str, int]] = defaultdict(lambda: {"total": 0, "asked": 0})
        for n in self.needs:
            by_what[n.what]["total"] += 1
            by_what[n.what]["asked"] += bool(n.asked_by)
        return {"summary": dict(by_what),
                "missing": [{"item": n.item_id, "anchor": n.anchor, "what": n.what, "text": n.text,
                             "posts": n.posts, "why_not": n.why_not} for n in self.missing],
                "supervisors_only": [{"item": n.item_id, "anchor": n.anchor, "what": n.what, "text": n.text,
                                      "asked_by": n.asked_by} for n in self.needs if n.supervisors_only]}

    def lines(self) -> list[str]:
        data = self.to_json()
        out = [f"{what}: {v['asked']} of {v['total']} asked" for what, v in data["summary"].items()]
        out.append(f"not asked: {len(self.missing)}")
        for n in self.missing:
            why = "; ".join(n.why_not) or "no generator asks it (write a question beside the item)"
            out.append(f"  {n.item_id}#{n.anchor} [{n.what}] {n.text[:50]} — {why}")
        sup = [n for n in self.needs if n.supervisors_only]
        out.append(f"asked of supervisors only (a supervisor's duty, not in a front-line paper): {len(sup)}")
        for n in sup:
            out.append(f"  {n.item_id}#{n.anchor} [{n.what}] {n.text[:50]}")
        return out


def coverage(content: Content, bank: Bank) -> Report:
    asked: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in bank.questions:
        for a in q.source.anchors or [q.source.anchor or ""]:
            asked[(q.source.item_id, a)].append(q.id)
    refused: dict[tuple[str, str], list[str]] = defaultdict(list)
    in_bank = {q.id for q in bank.questions}
    for r in bank.refused:
        for a in r.question.source.anchors or [r.question.source.anchor or ""]:
            refused[(r.question.source.item_id, a)] += [why.split(":")[0] for why in r.reasons]
            for why in r.reasons:  # asked in the words of a fact that states the same figure
                other = why.removeprefix("same-as: asks what ").removesuffix(" asks")
                if why.startswith("same-as:") and other in in_bank:
                    asked[(r.question.source.item_id, a)].append(other)
    needs: list[Need] = []
    for item in sorted(content.items.values(), key=lambda i: (i.kind, i.id)):
        if not item.approved:
            continue
        posts = list(item.roles)
        if isinstance(item, Fact) and item.figure:
            needs.append(Need(item.id, "answer", "数字", f"{item.question} {item.figure}", posts))
        elif isinstance(item, Procedure):
            for i, s in enumerate(item.steps, 1):
                needs.append(Need(item.id, f"step-{i}", "步骤", s.action, posts))
                for core in _limits(s):
                    bits = [b for b in re.split(r"[;；]", s.time_limit or "") if core in b and len(loose(b)) > len(loose(core))]
                    wheres = bits + [_clause_with(s.action, core)]
                    needs.append(Need(item.id, f"step-{i}", "时限", f"{s.action} ({core})", posts, core, wheres[0],
                                      wheres))
        elif isinstance(item, Policy):
            rules = [(f"rule-{i}", r) for i, r in enumerate(item.rules, 1)]
            rules += [(f"section-{i}", r) for i, sec in enumerate(item.sections, 1) for r in sec.rules]
            for anchor, rule in rules:
                for core in _rule_figures(rule):
                    clause = _clause_with(rule, core)
                    needs.append(Need(item.id, anchor, "时限", f"{rule} ({core})", posts, core, clause, [clause]))
    ctx = _Ctx(content)
    staff = {r.id for r in ctx.roles.values() if frontline(r)}
    q_posts = {q.id: q.posts for q in bank.questions}
    by_asks: dict[str, list[str]] = defaultdict(list)
    for q in bank.questions:
        by_asks[q.asks].append(q.id)
    for n in needs:
        qs = list(asked.get((n.item_id, n.anchor), []))
        if n.figure:  # a fact that states the same figure asks it (in any of the places that state it)
            for where in n.wheres or [n.where]:
                key = ctx.fact_asks(n.figure, where)
                key = bank.together.get(key or "", key)  # asked with its step's other cases
                qs += [q for q in by_asks.get(key or "", []) if q not in qs]
        if n.what == "时限":
            qs = [q for q in qs if ".limit" in q or ".figure" in q or ".answer." in q or ".branches" in q]
        n.asked_by = qs
        if qs and any(p in staff for p in n.posts) and not any(staff & set(q_posts.get(q, [])) for q in qs):
            n.supervisors_only = True
        if not qs:
            n.why_not = sorted(set(refused.get((n.item_id, n.anchor), [])))
    return Report(needs=needs)
