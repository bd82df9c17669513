"""Find the item a section belongs to: by title, against the outline gaps and written items.

An exact match is one of titles equal once width, spaces, punctuation, numbering (一、, （二）,
3.) and a trailing 岗位职责 or (及)流程图 are set aside; a post also matches by its aliases.
A looser match (one title inside the other, or a similarity of at least ``LOOSE``) is only
ever proposed.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from builder.core.model import AnyItem
from builder.importer.classify import PUNCT
from builder.importer.numbering import strip_numbers

#: The least similarity (difflib ratio) at which a title is proposed as a match.
LOOSE = 0.6
TRAILING = re.compile(r"(?:(?:及|和|与)?流程图|岗位职责)$")


def normalize(title: str) -> str:
    """The form two titles are compared in: 十四、客服部办公制度 → 客服部办公制度; 监控员岗位职责 → 监控员."""
    t = strip_numbers(unicodedata.normalize("NFKC", title))
    t = PUNCT.sub("", t)
    t = re.sub(r"[0-9]+$", "", t)  # a page number left in a table-of-contents title: 采访接待工作要领 (47)
    while True:
        shorter = TRAILING.sub("", t)
        if shorter == t or not shorter:
            return t
        t = shorter


def names_of(item: AnyItem) -> list[str]:
    return [n for n in dict.fromkeys(normalize(x) for x in [item.title, *getattr(item, "aliases", [])]) if n]


@dataclass
class Match:
    item: AnyItem
    score: float  # 1.0 for an exact match
    how: str

    @property
    def exact(self) -> bool:
        return self.score >= 1.0


def find_match(title: str, candidates: list[AnyItem]) -> Match | None:
    """The best match for a title among the candidates: exact, or the most similar above ``LOOSE``."""
    wanted = normalize(title)
    if not wanted:
        return None
    best: Match | None = None
    for item in candidates:
        for name in names_of(item):
            if name == wanted:
                how = "exact title" if name == normalize(item.title) else "exact alias"
                return Match(item, 1.0, how)
            score = difflib.SequenceMatcher(None, wanted, name).ratio()
            if min(len(name), len(wanted)) >= 2 and (name in wanted or wanted in name):
                score = max(score, 0.75)
            if score >= LOOSE and (best is None or score > best.score):
                best = Match(item, round(score, 2), f"similar title {score:.2f}")
    return best


def heading_key(path: list[str]) -> tuple[str, ...]:
    """A section's place in its document, unaffected by renumbering: its normalized heading path."""
    return tuple(normalize(h) or h for h in path)


def new_id(manual: str, document: str, key: tuple[str, ...], taken: set[str]) -> str:
    """A stable ascii id for a new item: the manual and a hash of the document and heading path (m09-3fa2b1c0)."""
    digest = hashlib.sha1("/".join([normalize(document), *key]).encode("utf-8")).hexdigest()
    for length in (8, 12, 16, 40):
        candidate = f"{manual.lower()}-{digest[:length]}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free id for {key}")  # pragma: no cover - a sha1 collision
