"""The printed handbook: collect the structure of the controlled document from the typed content.

``collect(content, specs, control, role=None)`` returns a :class:`Handbook`: the cover's
document control block, numbered chapters by kind (一、岗位职责 … 七、案例), each item a
numbered section (3.2 装修备案办理流程) with its source badge, outline items kept as gaps
(待编写), the blank forms of the appendix and the revision table from ``git log`` of
content/. The renderers (``export_pdf``, ``export_docx``) draw this one structure, so the
PDF and the DOCX always have the same chapters, sections and numbers.

``export(formats, out_dir, role=…)`` is what the CLI calls: it loads and checks the
content, reads the settings file and writes each format atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.core.control import ControlSettings, ExportError
from builder.core.load import Content
from builder.core.model import KIND_LABELS, AnyItem, Procedure

#: The chapter order of the handbook, by kind.
CHAPTER_KINDS: list[str] = ["role", "etiquette", "procedure", "policy", "legal", "fact", "case"]

FORMATS = ("pdf", "docx")

CN_NUMERALS = "一二三四五六七八九十"

#: The sources a badge names before "等 N 处" (an item merged from ten manuals keeps its badge one line)
MAX_BADGE_SOURCES = 3

#: The most revisions listed; older ones are summarised in one line.
MAX_REVISIONS = 20


# --- the structure -------------------------------------------------------
@dataclass
class Section:
    """One item as a numbered section of a chapter."""

    number: str
    item: AnyItem

    @property
    def anchor(self) -> str:
        return f"item-{self.item.id}"

    @property
    def heading(self) -> str:
        return f"{self.number} {self.item.title}"

    @property
    def badge(self) -> str:
        """来源 M18 · … / 待编写 / 草稿, as the site shows it."""
        if self.item.status == "sourced":
            refs = [r.badge() for r in self.item.source]
            shown = " / ".join(refs[:MAX_BADGE_SOURCES])
            more = f" 等 {len(refs)} 处" if len(refs) > MAX_BADGE_SOURCES else ""
            return f"来源 {shown}{more}"
        return self.item.source_badge

    @property
    def is_gap(self) -> bool:
        return self.item.status == "outline"


@dataclass
class Chapter:
    number: int
    kind: str
    sections: list[Section]

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def numeral(self) -> str:
        return cn_numeral(self.number)

    @property
    def heading(self) -> str:
        return f"{self.numeral}、{self.label}"

    @property
    def anchor(self) -> str:
        return f"chapter-{self.kind}"

    @property
    def gaps(self) -> list[Section]:
        return [s for s in self.sections if s.is_gap]


@dataclass
class AppendixForm:
    number: int
    spec: object  # builder.core.formspec.FormSpec

    @property
    def anchor(self) -> str:
        return f"form-{self.spec.id}"  # type: ignore[attr-defined]

    @property
    def heading(self) -> str:
        code = getattr(self.spec, "code", None)
        return f"附表{self.number} {self.spec.title}" + (f" ({code})" if code else "")  # type: ignore[attr-defined]


@dataclass
class Revision:
    date: str
    subject: str
    author: str
    commit: str


@dataclass
class History:
    revisions: list[Revision] = field(default_factory=list)
    note: str | None = None  # why the list is empty or short (no git, shallow clone, older ones left off)


@dataclass
class Handbook:
    control: ControlSettings
    chapters: list[Chapter]
    forms: list[AppendixForm]
    history: History
    role: AnyItem | None = None
    generated: dt.date = field(default_factory=dt.date.today)
    titles: dict[str, str] = field(default_factory=dict)  # every item's title, also those outside a booklet

    def title_of(self, item_id: str) -> str:
        return self.titles.get(item_id, item_id)

    @property
    def title(self) -> str:
        return self.control.title

    @property
    def subtitle(self) -> str:
        """The booklet's post (客服员 岗位手册) or the whole manual's scope."""
        return f"{self.role.title} 岗位手册" if self.role else "全册"

    @property
    def stem(self) -> str:
        """The output file name without suffix."""
        return f"handbook-{self.role.id}" if self.role else "handbook"

    @property
    def sections(self) -> list[Section]:
        return [s for c in self.chapters for s in c.sections]

    def section_of(self, item_id: str) -> Section | None:
        for s in self.sections:
            if s.item.id == item_id:
                return s
        return None

    def form_of(self, form_id: str) -> AppendixForm | None:
        for f in self.forms:
            if f.spec.id == form_id:  # type: ignore[attr-defined]
                return f
        return None

    def outline(self) -> list[tuple[int, str]]:
        """(level, heading) of every bookmark, in order: what both renderers must produce."""
        out: list[tuple[int, str]] = []
        for c in self.chapters:
            out.append((1, c.heading))
            out += [(2, s.heading) for s in c.sections]
        if self.forms:
            out.append((1, APPENDIX_HEADING))
            out += [(2, f.heading) for f in self.forms]
        out.append((1, REVISIONS_HEADING))
        return out


APPENDIX_HEADING = "附录 空白表单"
REVISIONS_HEADING = "修订记录"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (chapters stay well under 100)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUMERALS[tens - 1] + "十")
    return head + (CN_NUMERALS[ones - 1] if ones else "")


def known_roles(content: Content) -> list[str]:
    return sorted(i.id for i in content.of_kind("role"))


def _forms_of(items: list[AnyItem], specs: Mapping[str, object]) -> list[str]:
    """The forms the items use (item.forms, each step's form) and the forms naming their procedures."""
    ids = {i.id for i in items}
    out: dict[str, None] = {}
    for item in items:
        for f in item.forms:
            out.setdefault(f, None)
        if isinstance(item, Procedure):
            for s in item.steps:
                if s.form:
                    out.setdefault(s.form, None)
    for fid, spec in specs.items():
        if any(p in ids for p in getattr(spec, "procedures", [])):
            out.setdefault(fid, None)
    return [f for f in out if f in specs]


def collect(content: Content, specs: Mapping[str, object], control: ControlSettings, role: str | None = None,
            history: History | None = None) -> Handbook:
    """The handbook's structure: the whole manual, or the booklet of one post."""
    role_item = None
    if role is not None:
        if role not in content.items or content.items[role].kind != "role":
            raise ExportError([f"unknown post (岗位) '{role}': use one of {', '.join(known_roles(content)) or '(none)'}"])
        role_item = content.items[role]
        items = content.for_role(role)
    else:
        items = list(content.items.values())
    chapters: list[Chapter] = []
    for kind in CHAPTER_KINDS:
        of_kind = [i for i in items if i.kind == kind]
        if role_item is not None and kind == "role":
            of_kind = [role_item]  # a booklet's first chapter is its own post, not every post naming it
        if not of_kind:
            continue
        # sourced first, then drafts, then gaps, each by id: a reader meets the approved text first
        order = {"sourced": 0, "draft": 1, "outline": 2}
        of_kind.sort(key=lambda i: (order[i.status], i.id))
        n = len(chapters) + 1
        chapters.append(Chapter(n, kind, [Section(f"{n}.{j}", it) for j, it in enumerate(of_kind, 1)]))
    form_ids = sorted(specs) if role_item is None else _forms_of(items, specs)
    forms = [AppendixForm(k, specs[f]) for k, f in enumerate(form_ids, 1)]
    if history is None:
        history = content_history(content.root)
    return Handbook(control=control, chapters=chapters, forms=forms, history=history, role=role_item,
                    titles={i.id: i.title for i in content})


# --- the revision table --------------------------------------------------
def content_history(content_dir: Path | str, limit: int = MAX_REVISIONS) -> History:
    """The revisions of content/ from ``git log``: newest first; never raises.

    No git, not a repository, or a shallow clone: an empty or short list with a note saying why.
    """
    content_dir = Path(content_dir)
    env = dict(os.environ, LC_ALL="C.UTF-8", GIT_TERMINAL_PROMPT="0")

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(content_dir), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="replace", env=env, timeout=30)

    try:
        r = git("log", "--no-merges", "--date=short", "--format=%h%x1f%ad%x1f%an%x1f%s", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return History(note="无修订记录: 未找到 git")
    if r.returncode != 0:
        return History(note="无修订记录: 内容目录不在 git 仓库中")
    revisions = []
    for line in r.stdout.splitlines():
        bits = line.split("\x1f")
        if len(bits) == 4:
            revisions.append(Revision(date=bits[1], author=bits[2], subject=bits[3], commit=bits[0]))
    notes = []
    try:
        shallow = git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    except (OSError, subprocess.SubprocessError):
        shallow = False
    if shallow:
        notes.append("本仓库为浅克隆, 更早的修订未列出")
    if len(revisions) > limit:
        notes.append(f"仅列最近 {limit} 次修订, 共 {len(revisions)} 次; 完整记录见 git log content/")
        revisions = revisions[:limit]
    if not revisions and not notes:
        notes.append("无修订记录: 内容尚未提交")
    return History(revisions=revisions, note="; ".join(notes) or None)
