"""Study cards: a post's 应知应会 grouped by topic, each fact once, with the property's own
value where a fact says "以物业概况为准".

Nothing here writes markup; ``builder.site.pages`` renders the groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.core.model import Fact, Profile

#: Card groups in study order: a title and the tags that put a fact in it. A fact goes to
#: the group of its first tag that has one (its authors list the main topic first); a fact
#: with none goes to the last group.
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("电话", ("dianhua",)),
    ("接待与本小区", ("jiedai", "fangke")),
    ("报修与回访", ("baoxiu", "huifang")),
    ("投诉", ("tousu",)),
    ("装修", ("zhuangxiu",)),
    ("入伙", ("ruhuo", "yaoshi")),
    ("收费", ("shoufei",)),
    ("礼仪与沟通", ("liyi", "yirong", "goutong", "manyidu")),
    ("应急与安全", ("yingji", "anquan", "xiaofang")),
    ("写字楼", ("xiezilou",)),
    ("职责与管理", ()),
]

#: 物业概况「小区概况 › 容积率」 in an answer: the section and entry of content/profile.yaml
PROFILE_REF = re.compile(r"以?物业概况「([^」›]+?)(?:\s*›\s*([^」]+?))?」为准")
#: the sentence every profile fact repeats; the group says it once
ANSWER_TAIL = re.compile(r"[;；]?\s*客服人员须熟记[^。]*[。]?$")


@dataclass
class Card:
    fact: Fact
    answer: str
    """the answer to show: the fact's own, or its first clause with the property's value"""
    profile: list[tuple[str, str]]
    """(label, value) pairs of the property profile the fact points to"""
    also: list[Fact] = field(default_factory=list)
    """facts whose answer is one line of this card's table: shown here, not again"""

    @property
    def ids(self) -> list[str]:
        return [self.fact.id] + [f.id for f in self.also]


def profile_value(fact: Fact, profile: Profile | None) -> list[tuple[str, str]]:
    """The profile entries a fact's answer defers to (all of a section, or one entry)."""
    if profile is None:
        return []
    m = PROFILE_REF.search(fact.answer)
    if not m:
        return []
    section, entry = m.group(1).strip(), (m.group(2) or "").strip()
    for sec in profile.sections:
        if sec.title == section:
            return [(e.label, e.value) for e in sec.entries if not entry or e.label == entry]
    return []


def card(fact: Fact, profile: Profile | None) -> Card:
    values = profile_value(fact, profile)
    answer = fact.answer
    if values:
        answer = ANSWER_TAIL.sub("", PROFILE_REF.sub("见下", answer)).rstrip("；;，, ")
        answer = re.sub(r"(?:本小区的)?[^；;，,]*见下$", "", answer).rstrip("；;，, ")
    return Card(fact=fact, answer=answer, profile=values)


def group_of(fact: Fact) -> str:
    for tag in fact.tags:
        for title, tags in GROUPS:
            if tag in tags:
                return title
    return GROUPS[-1][0]


def card_groups(facts: list[Fact], profile: Profile | None = None) -> list[tuple[str, list[Card]]]:
    """The facts as cards in their groups, in the groups' order; each fact once."""
    cards = [card(f, profile) for f in {f.id: f for f in facts}.values()]
    # a card whose profile lines all sit in a bigger card's table is folded into that card
    for c in cards:
        if not c.profile:
            continue
        lines = set(c.profile)
        home = [o for o in cards if o is not c and len(o.profile) > len(lines) and lines <= set(o.profile)]
        if home:
            home[0].also.append(c.fact)
    folded = {f.id for c in cards for f in c.also}
    groups: dict[str, list[Card]] = {title: [] for title, _ in GROUPS}
    for c in cards:
        if c.fact.id not in folded:
            groups[group_of(c.fact)].append(c)
    return [(title, cs) for title, cs in groups.items() if cs]
