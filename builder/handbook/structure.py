"""The printed handbook: collect the structure of the controlled document from the typed content.

``collect(content, specs, control, role=None, edition="staff", copy=None)`` returns a
:class:`Handbook`: the cover's document control block (and, for a numbered copy, its 分发号
and holder), numbered chapters by kind (一、岗位职责 … 七、案例), each item a numbered section
(3.2 装修备案办理流程), the blank forms of the appendix and the 修订记录: the approved entries
of ``content/changelog.yaml`` (:func:`builder.importer.changelog.revision_record`), never the
git log. The renderers (``pdf``, ``docx``) draw this one structure, so the PDF and the DOCX
always have the same chapters, sections and numbers.

Two editions of one source:

- **staff** (员工版, the default): approved text and drafts only. A gap (``status: outline``)
  is left out entirely; a draft carries a plain 待审核 mark; provenance is a discreet 出处
  with the manual's title.
- **editors** (编辑版): every item, gaps included, each gap with the sources the editors still
  need (manual, section, the lines of the scrape where known); the sources by code and
  section; and an appendix of what each import did.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from builder.core.control import ControlSettings, ExportError
from builder.core.distribution import IssuedCopy
from builder.core.load import Content
from builder.core.model import KIND_LABELS, MANUALS, AnyItem, Procedure, staff_visible
from builder.importer.changelog import ImportRun, RevisionRow, editors_work, revision_record

#: The chapter order of the handbook, by kind.
CHAPTER_KINDS: list[str] = ["role", "etiquette", "procedure", "policy", "legal", "fact", "case"]

FORMATS = ("pdf", "docx")

CN_NUMERALS = "一二三四五六七八九十"

#: The sources a badge names before "等 N 处" (an item merged from ten manuals keeps its badge one line)
MAX_BADGE_SOURCES = 3

Edition = Literal["staff", "editors"]
EDITIONS: dict[str, str] = {"staff": "员工版", "editors": "编辑版"}
SCRAPE = "customer-service-manuals.txt"
DUPLICATE_NOTE = re.compile(r"\s*[（(]重复\s*M\d+[）)]")


def is_gap(item: AnyItem) -> bool:
    """A gap: the manuals give only a heading; the staff edition leaves out what
    :func:`builder.core.model.staff_visible` (the site's and search's one rule) does not show."""
    return not staff_visible(item)


def staff_title(title: str) -> str:
    """A manual's title as staff read it: the catalogue's note on a duplicate (重复 M01) left out."""
    return DUPLICATE_NOTE.sub("", title).strip() or title


def parse_edition(text: str) -> Edition:
    if text == "staff":
        return "staff"
    if text == "editors":
        return "editors"
    raise ExportError([f"--edition: unknown edition '{text}': use staff (员工版) or editors (编辑版)"])


# --- the structure -------------------------------------------------------
@dataclass
class Section:
    """One item as a numbered section of a chapter."""

    number: str
    item: AnyItem
    edition: Edition = "staff"

    @property
    def anchor(self) -> str:
        """``item-<id>``: the PDF's link target and the DOCX heading's bookmark, by which an
        exported handbook imported again maps each section back to its item."""
        return f"item-{self.item.id}"

    @property
    def heading(self) -> str:
        return f"{self.number} {self.item.title}"

    @property
    def badge(self) -> str:
        """Staff: 出处《…》 or 待审核. Editors: 来源 M18 · … / 待审核 / 待编写."""
        item = self.item
        if self.is_gap:
            return "待编写"
        if item.status == "draft":
            return "待审核"
        if self.edition == "staff":
            titles = list(dict.fromkeys(f"《{staff_title(r.manual_title)}》" for r in item.source))
            shown = "".join(titles[:MAX_BADGE_SOURCES])
            more = f" 等 {len(titles)} 种" if len(titles) > MAX_BADGE_SOURCES else ""
            return f"出处 {shown}{more}" if titles else ""
        refs = [r.badge() for r in item.source]
        shown = " / ".join(refs[:MAX_BADGE_SOURCES])
        more = f" 等 {len(refs)} 处" if len(refs) > MAX_BADGE_SOURCES else ""
        return f"来源 {shown}{more}"

    @property
    def is_gap(self) -> bool:
        return is_gap(self.item)

    @property
    def sources_needed(self) -> list[str]:
        """For a gap in the editors' edition: where the manuals list it, in full."""
        out = []
        for r in self.item.source:
            where = f"，{SCRAPE} 第 {r.lines} 行" if r.lines else ""
            out.append(f"{r.manual}《{MANUALS.get(r.manual, r.manual)}》“{r.section}”{where}")
        return out


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
class Handbook:
    control: ControlSettings
    chapters: list[Chapter]
    forms: list[AppendixForm]
    revisions: list[RevisionRow]  # the approved entries of content/changelog.yaml, oldest first
    role: AnyItem | None = None
    edition: Edition = "staff"
    copy: IssuedCopy | None = None  # this printed copy's 分发号 and holder
    imports: list[ImportRun] = field(default_factory=list)  # the editors' edition: what each import did
    generated: dt.date = field(default_factory=dt.date.today)
    titles: dict[str, str] = field(default_factory=dict)  # every item's title, also those outside a booklet
    hidden: set[str] = field(default_factory=set)  # the gaps a staff edition leaves out: never named, never linked

    def refs_shown(self, ids: list[str]) -> list[str]:
        """The cross-references a reader of this edition may follow (a staff copy names no gap)."""
        return [i for i in ids if i not in self.hidden]

    @property
    def for_editors(self) -> bool:
        return self.edition == "editors"

    @property
    def edition_label(self) -> str:
        return EDITIONS[self.edition]

    @property
    def copy_line(self) -> str:
        """分发号 003 · 前台, for the running footer of a numbered copy."""
        return f"分发号 {self.copy.copy_no} · {self.copy.holder}" if self.copy else ""

    @property
    def gaps(self) -> list[Section]:
        return [s for s in self.sections if s.is_gap]

    def title_of(self, item_id: str) -> str:
        return self.titles.get(item_id, item_id)

    @property
    def title(self) -> str:
        return self.control.title

    @property
    def subtitle(self) -> str:
        """The booklet's post (客服员 岗位手册) or the whole manual's scope."""
        scope = f"{self.role.title} 岗位手册" if self.role else "全册"
        return f"{scope} · 编辑版" if self.for_editors else scope

    @property
    def stem(self) -> str:
        """The output file name without suffix: handbook[-POST][-editors][-copy003]."""
        parts = ["handbook"] + ([self.role.id] if self.role else []) + (["editors"] if self.for_editors else [])
        return "-".join(parts + ([f"copy{self.copy.copy_no}"] if self.copy else []))

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
        if self.for_editors:
            out.append((1, IMPORTS_HEADING))
        out.append((1, REVISIONS_HEADING))
        return out


APPENDIX_HEADING = "附录 空白表单"
IMPORTS_HEADING = "附录 导入记录"
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
            edition: Edition = "staff", copy: IssuedCopy | None = None) -> Handbook:
    """The handbook's structure: the whole manual, or the booklet of one post, in one edition."""
    role_item = None
    if role is not None:
        if role not in content.items or content.items[role].kind != "role":
            raise ExportError([f"unknown post (岗位) '{role}': use one of {', '.join(known_roles(content)) or '(none)'}"])
        role_item = content.items[role]
        items = content.for_role(role)
    else:
        items = list(content.items.values())
    if edition == "staff":
        items = [i for i in items if not is_gap(i)]
    chapters: list[Chapter] = []
    for kind in CHAPTER_KINDS:
        of_kind = [i for i in items if i.kind == kind]
        if role_item is not None and kind == "role":
            # a booklet's first chapter is its own post, not every post naming it
            of_kind = [role_item] if edition == "editors" or not is_gap(role_item) else []
        if not of_kind:
            continue
        # sourced first, then drafts, then gaps, each by id: a reader meets the approved text first
        order = {"sourced": 0, "draft": 1, "outline": 2}
        of_kind.sort(key=lambda i: (order[i.status], i.id))
        n = len(chapters) + 1
        chapters.append(Chapter(n, kind, [Section(f"{n}.{j}", it, edition) for j, it in enumerate(of_kind, 1)]))
    form_ids = sorted(specs) if role_item is None else _forms_of(items, specs)
    forms = [AppendixForm(k, specs[f]) for k, f in enumerate(form_ids, 1)]
    return Handbook(control=control, chapters=chapters, forms=forms, revisions=revision_record(content),
                    role=role_item, edition=edition, copy=copy,
                    imports=editors_work(content).imports if edition == "editors" else [],
                    titles={i.id: i.title for i in content},
                    hidden={i.id for i in content if is_gap(i)} if edition == "staff" else set())
