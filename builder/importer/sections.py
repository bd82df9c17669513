"""Blocks → a tree of sections.

A section starts at a heading: a Word heading (level 1–9) or a paragraph that starts with a
typed number and reads like a heading (short, no sentence punctuation, with text under it).
Typed numbers nest by the order they first appear under a Word heading (一、 above （一）
above 1. …), except that 第X章 and 第X节 always sit above the rest. A run of two or more
typed-number paragraphs of one scheme with nothing between them is a list, not headings.
A table of contents (a heading 目录, lines ending in page numbers) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.importer.document import Block, Document, looks_like_title
from builder.importer.numbering import Number, parse_number

#: Schemes that number articles and points, never headings.
LIST_SCHEMES = {"article", "circled"}
#: Schemes with a fixed rank: a 第X章 is never under a 第X节.
RANKED = {"chapter": 0, "section": 1}
TOC_LINE = re.compile(r"(\.{3,}|…{2,}|·{3,}|—{3,}|-{4,})\s*[0-9]{1,3}\s*$")
TOC_TITLE = re.compile(r"^目\s*录$")


@dataclass
class Section:
    title: str  # the heading without its number
    heading: str  # the heading as written
    index: int  # the heading's paragraph number (or line)
    path: list[str]  # headings as written, from the top of the document down to this one
    blocks: list[Block] = field(default_factory=list)  # text before the first subsection
    children: list[Section] = field(default_factory=list)
    anchor: str | None = None  # the item id an exported handbook marked on the heading

    def walk(self) -> list[Section]:
        out = [self]
        for c in self.children:
            out += c.walk()
        return out

    def all_blocks(self) -> list[Block]:
        out = list(self.blocks)
        for c in self.children:
            out += c.all_blocks()
        return out

    @property
    def has_text(self) -> bool:
        return bool(self.blocks) or any(c.has_text for c in self.children)


def _heading_number(block: Block) -> Number | None:
    """The number of a paragraph that could head a section (not yet knowing what follows)."""
    if block.kind != "para":
        return None
    n = block.number
    if n is None or n.scheme in LIST_SCHEMES or not n.title:
        return None
    title = n.title
    if title[-1] in "：:":
        title = title[:-1]
        if not title:
            return None
    elif "：" in title or ":" in title:
        return None  # 职务名称：客服员 is a field, not a heading
    return n if looks_like_title(title) and len(title) <= 30 else None


def _typed_headings(blocks: list[Block]) -> set[int]:
    """Positions of the paragraphs that head sections by a typed number."""
    candidates = {i: n for i, b in enumerate(blocks) if (n := _heading_number(b)) is not None}
    out = set()
    for i, n in candidates.items():
        prev, nxt = candidates.get(i - 1), candidates.get(i + 1)
        in_run = (prev is not None and prev.key == n.key) or (nxt is not None and nxt.key == n.key)
        if not in_run:
            out.add(i)
    return out


def build_sections(doc: Document) -> Section:
    """The document as a tree: the root is the document (title, no heading), its children the top sections."""
    blocks = [b for b in doc.blocks
              if not (b.kind in ("para", "item") and TOC_LINE.search(b.text) and len(b.text) < 80)]
    headings = _typed_headings(blocks)
    root = Section(title=doc.title, heading=doc.title, index=0, path=[])
    # stack entries: (key, section); key ("b", level) for a Word heading, ("t", scheme key) for a typed one
    stack: list[tuple[tuple[str, object], Section]] = [(("root", 0), root)]
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            key: tuple[str, object] = ("b", b.level)
            while len(stack) > 1 and (stack[-1][0][0] == "t" or int(str(stack[-1][0][1])) >= b.level):
                stack.pop()
            n = parse_number(b.text)
            title = n.title if n and n.title else b.text
        elif i in headings:
            n = parse_number(b.text)
            assert n is not None
            key = ("t", n.key)
            typed = [k for k, _ in stack if k[0] == "t"]
            if key in typed:
                while stack[-1][0] != key:
                    stack.pop()
                stack.pop()
            elif n.scheme in RANKED:
                while stack[-1][0][0] == "t" and RANKED.get(str(stack[-1][0][1]), 99) >= RANKED[n.scheme]:
                    stack.pop()
            title = n.title.rstrip("：:")
        else:
            if b.kind == "para" and (n := b.number) is not None and n.title:
                b = Block("item", b.index, b.text, level=0, ordered=True)
            stack[-1][1].blocks.append(b)
            continue
        parent = stack[-1][1]
        section = Section(title=title.strip(), heading=b.text, index=b.index, path=parent.path + [b.text],
                          anchor=b.anchor)
        parent.children.append(section)
        stack.append((key, section))
    root.children = [c for c in root.children if not TOC_TITLE.match(c.title)]
    return root
