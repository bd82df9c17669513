"""Read a built site as a new hire sees it: each page's visible text, its links and the
text of each procedure step. Shared by the staff-site tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

#: what only editors may see
FILE_PATH = re.compile(r"content/|forms/[\w-]+/form|\.ya?ml\b|\.py\b|customer-service-manuals")
YAML_NAME = re.compile(r"\b(?:status|sourced|outline|draft|time_limit|reports_to|subordinates|mends|notes|"
                       r"source|section|lines|kind|roles|steps|branches|rhyme)\b\s*[:：=]?")
STATUS_WORD = re.compile(r"待编写|草稿|正文未收录|未经公司审核|\b(?:sourced|outline|draft)\b")
MANUAL_CODE = re.compile(r"(?<![A-Za-z0-9])M(?:0[1-9]|1[0-8])(?![0-9])")
LINE_REF = re.compile(r"第\s*\d+(?:\s*[-–]\s*\d+)?\s*行|行号|\blines?\b")
ENGLISH_CHROME = re.compile(r"Made with|Permanent link|Not found|Back to top|Previous|Next\b|Copy to clipboard")
CONJUNCTION_START = re.compile(r"^(?:并|及(?!时)|和|且|而|或)")
COMMA_END = re.compile(r"[,，、:：]$")
ASCII_PUNCT_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:(?]|[,;:)](?=[\u4e00-\u9fff])")


@dataclass
class Page:
    path: str
    """the URL path, e.g. /procedures/baoxiu/"""
    text: str = ""
    titles: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    """the text of each step action and branch (span.hb-action)"""


class _Reader(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.titles: list[str] = []
        self.links: list[str] = []
        self.actions: list[str] = []
        self._skip = 0
        self._action_depth: list[int] = []
        self._depth = 0
        self._action_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in self.SKIP:
            self._skip += 1
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self._depth += 1
        if a.get("title"):
            self.titles.append(a["title"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if "hb-action" in (a.get("class") or "").split():
            self._action_depth.append(self._depth)
            self._action_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        if self._action_depth and self._action_depth[-1] == self._depth:
            self._action_depth.pop()
            self.actions.append("".join(self._action_text).strip())
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._action_depth:
            self._action_text.append(data)


def read_page(site: Path, file: Path) -> Page:
    reader = _Reader()
    reader.feed(file.read_text(encoding="utf-8"))
    rel = file.relative_to(site).as_posix()
    path = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    text = "".join(reader.parts).replace("\u200b", "")
    return Page(path, text, reader.titles, reader.links, reader.actions)


def staff_pages(site: Path) -> list[Page]:
    """Every HTML page of the built site outside /editors/."""
    return [read_page(site, f) for f in sorted(site.rglob("*.html"))
            if not f.relative_to(site).as_posix().startswith(("editors/", "assets/"))]


def editors_pages(site: Path) -> list[Path]:
    return sorted((site / "editors").rglob("index.html"))


def leaks(page: Page) -> list[str]:
    """What a staff page shows that only editors should see, one message each."""
    found = []
    seen = page.text + "\n" + "\n".join(page.titles)
    for name, rx in (("file path", FILE_PATH), ("YAML name", YAML_NAME), ("status word", STATUS_WORD),
                     ("manual code", MANUAL_CODE), ("line reference", LINE_REF), ("English chrome", ENGLISH_CHROME)):
        for m in rx.finditer(seen):
            start = max(0, m.start() - 20)
            found.append(f"{page.path}: {name} {m.group(0)!r} in …{seen[start:m.end() + 20]!r}")
    return found


def resolve(page_path: str, link: str) -> str | None:
    """An in-site link as a URL path (no anchor), or None for external/anchor-only links."""
    link = link.split("#", 1)[0]
    if not link or re.match(r"^[a-z]+:", link) or link.startswith("//"):
        return None
    if link.startswith("/"):
        return link
    base = page_path if page_path.endswith("/") else page_path.rsplit("/", 1)[0] + "/"
    parts: list[str] = []
    for seg in (base + link).split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    out = "/" + "/".join(parts)
    return out + "/" if (link.endswith("/") or not parts) and not out.endswith("/") else out
