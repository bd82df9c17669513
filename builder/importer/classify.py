"""Which sections become items, and of which kind.

By title: …岗位职责/…职责 → role; …流程/…程序 → procedure; …制度/规定/办法/规程/细则/守则 →
policy; …礼仪/规范/用语/礼节 → etiquette (checked in that order, so 装修管理规定 is a policy).

A section whose title names a kind becomes one item, its subsections its parts, unless a
subsection is an item itself: then it is a container (第三节 客服部岗位职责 holding 一、经理岗位职责 …).
Sections no title places stay text of a policy: under a container they become the sections
of a policy named after the container; at the top of the document each is a policy of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from builder.importer.sections import Section

RULES: list[tuple[str, re.Pattern[str]]] = [
    ("role", re.compile(r"职责$")),
    ("procedure", re.compile(r"流程|程序")),
    ("policy", re.compile(r"制度|规定|办法|规程|细则|守则")),
    ("etiquette", re.compile(r"礼仪|规范|用语|礼节")),
]
PUNCT = re.compile(r"[\s《》〈〉“”\"'‘’「」『』()（）\[\]【】、，,。.·:：;；!！?？\-—_/]+")


def kind_of_title(title: str) -> str | None:
    """The kind a title names, or None."""
    t = PUNCT.sub("", title)
    for kind, pattern in RULES:
        if pattern.search(t):
            return kind
    return None


@dataclass
class Unit:
    """A section that becomes one item."""

    section: Section
    kind: str
    by_title: bool  # False: no title word placed it (a policy by default, or the kind of a known item)
    sections: list[Section] = field(default_factory=list)  # a container's own loose subsections
    own_text_only: bool = False  # a container: only its own blocks (and loose subsections) are its text


def find_units(root: Section, known: Callable[[str], str | None] | None = None,
               anchored: Callable[[str], str | None] | None = None) -> list[Unit]:
    """The items a document makes, in document order. Text before the first heading is not one of them
    unless the document has no headings at all.

    ``known(title)`` may name the kind of an item the content already has under that title (an
    outline gap): a section no title word places is then an item of that kind, not a policy section.
    ``anchored(id)`` names the kind of the item an exported handbook marked on a heading: that
    section is that item, whole (its subsections, 岗位职责 or 办理步骤, are its parts).
    """
    units: list[Unit] = []

    def visit(sec: Section) -> tuple[bool, list[Section]]:
        """(whether the subtree holds an item, the loose sections it leaves to its parent)."""
        if sec.anchor is not None and anchored is not None and (marked := anchored(sec.anchor)) is not None:
            units.append(Unit(sec, marked, by_title=False))
            return True, []
        results = [visit(c) for c in sec.children]
        holds_item = any(r[0] for r in results)
        loose = [s for r in results if not r[0] for s in r[1]]
        kind = kind_of_title(sec.title)
        by_title = kind is not None
        if kind is None and known is not None:
            kind = known(sec.title)
        if not holds_item:
            if kind is not None and sec.has_text:
                units.append(Unit(sec, kind, by_title=by_title))
                return True, []
            return False, [sec] if sec.has_text else []
        if sec.blocks or loose:
            units.append(Unit(sec, "policy", by_title=False, sections=loose, own_text_only=True))
        return True, []

    results = [visit(c) for c in root.children]
    units.extend(Unit(s, "policy", by_title=False) for r in results if not r[0] for s in r[1])
    if not root.children and root.blocks:
        units.append(Unit(root, "policy", by_title=False))
    order = {id(s): i for i, s in enumerate(root.walk())}
    return sorted(units, key=lambda u: order[id(u.section)])
