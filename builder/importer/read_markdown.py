"""Read a manual kept as Markdown into the same blocks as a Word file.

``#`` headings, ``-``/``*``/``+`` bullets and ``1.`` numbered items (indent = level), pipe
tables, paragraphs (lines joined; no space between two Chinese characters). Typed Chinese
numbers (一、, （一）) are left to ``sections``, as for Word. Images, HTML comments and a YAML
front matter (whose ``title`` names the document) are not text of the manual.
"""

from __future__ import annotations

import re
from pathlib import Path

from builder.importer.document import Block, Document, ImportInputError

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
ORDERED = re.compile(r"^(\s*)\d{1,3}[.)]\s+(.*)$")
TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|`)")
MAX_BYTES = 20 * 1024 * 1024


def _inline(text: str) -> str:
    return EMPHASIS.sub("", LINK.sub(r"\1", IMAGE.sub("", text))).strip()


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [_inline(c.replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", line)]


def _join(a: str, b: str) -> str:
    """Join two lines of one paragraph: no space between Chinese characters (or after one)."""
    if not a:
        return b
    if ord(a[-1]) > 0x2E80 or (b and ord(b[0]) > 0x2E80):
        return a + b
    return f"{a} {b}"


def read_markdown(path: Path | str) -> Document:
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise ImportInputError(path, f"too large for a manual ({len(raw) // 1024 // 1024} MB; the limit is 20 MB)")
    if b"\x00" in raw:
        raise ImportInputError(path, "a binary file, not Markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportInputError(path, f"not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from None
    lines = text.splitlines()
    title = ""
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                for fm in lines[1:i]:
                    m = re.match(r"^title:\s*(.+?)\s*$", fm)
                    if m:
                        title = m.group(1).strip("'\"")
                start = i + 1
                break

    blocks: list[Block] = []
    item_open = False  # the last block is a list item that an indented line may continue
    para: list[str] = []
    para_line = 0
    in_comment = False

    def flush() -> None:
        nonlocal para
        if para:
            joined = ""
            for bit in para:
                joined = _join(joined, bit)
            if joined:
                blocks.append(Block("para", para_line, joined))
        para = []

    i = start
    while i < len(lines):
        line = lines[i]
        n = i + 1
        i += 1
        if in_comment:
            in_comment = "-->" not in line
            continue
        if line.strip().startswith("<!--"):
            flush()
            in_comment = "-->" not in line
            continue
        if not line.strip():
            flush()
            item_open = False
            continue
        if item_open and line[:1] in (" ", "\t") and not BULLET.match(line) and not ORDERED.match(line):
            blocks[-1].text = _join(blocks[-1].text, _inline(line))
            continue
        item_open = False
        m = HEADING.match(line)
        if m:
            flush()
            text = _inline(m.group(2))
            if text:
                blocks.append(Block("heading", n, text, level=len(m.group(1))))
            continue
        if line.lstrip().startswith("|") and i < len(lines) and TABLE_SEP.match(lines[i]):
            flush()
            rows = [_cells(line)]
            i += 1
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            blocks.append(Block("table", n, rows=[r for r in rows if any(r)]))
            continue
        for pattern, ordered in ((BULLET, False), (ORDERED, True)):
            m = pattern.match(line)
            if m:
                flush()
                text = _inline(m.group(2))
                if text:
                    indent = len(m.group(1).expandtabs(4))
                    blocks.append(Block("item", n, text, level=indent // 2, ordered=ordered))
                    item_open = True
                break
        else:
            bit = _inline(line)
            if not bit:
                continue
            if not para:
                para_line = n
            para.append(bit)
    flush()
    if not blocks:
        raise ImportInputError(path, "the file has no text to import")
    if not title:
        tops = [b for b in blocks if b.kind == "heading" and b.level == 1]
        if len(tops) == 1 and blocks[0] is tops[0] and len(blocks) > 1:
            title = blocks.pop(0).text
        else:
            title = path.stem
    return Document(title=title, blocks=blocks, path=path)
