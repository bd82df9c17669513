"""What a reader makes of a manual: its title and a flat list of blocks in reading order.

Both readers (``read_docx``, ``read_markdown``) produce a :class:`Document`; everything after
them (sections, classification, items) works on blocks and never sees Word or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from builder.core.errors import HandbookError
from builder.importer.numbering import Number, parse_number


class ImportInputError(HandbookError):
    """The file given cannot be imported: not found, empty, not a Word/Markdown file, unreadable.

    One line, ``PATH: message``; the CLI prints it and exits 2 (the input given is invalid)."""

    def __init__(self, path: Path | str, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{path}: {message}")


@dataclass
class Block:
    """One paragraph, list item or table of the document.

    ``kind`` is ``heading`` only for paragraphs Word (or Markdown) marks as headings; a paragraph
    that starts with a typed number (一、, （一）, 1.) stays ``para`` with its ``number`` parsed, and
    ``builder.importer.sections`` decides whether it heads a section or is a list item.
    """

    kind: Literal["heading", "para", "item", "table"]
    index: int  # the paragraph number (Word, 1-based) or line (Markdown) where the block starts
    text: str = ""
    level: int = 0  # heading: 1–9; item: the list level, 0 at the top
    ordered: bool = False  # item: numbered (True) or bulleted
    rows: list[list[str]] = field(default_factory=list)  # table: cells' text, header row first
    anchor: str | None = None  # heading: the item id an exported handbook bookmarked on it (item-<id>)

    @property
    def number(self) -> Number | None:
        return parse_number(self.text) if self.kind != "table" else None


@dataclass
class Document:
    title: str
    blocks: list[Block]
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


#: Sentence-final punctuation: a paragraph ending so is prose, not a heading.
SENTENCE_END = "。；;，,！!？?"


def looks_like_title(text: str) -> bool:
    """A short line without sentence punctuation: a document title or a heading typed by hand."""
    return 0 < len(text) <= 40 and text[-1] not in SENTENCE_END and "。" not in text
