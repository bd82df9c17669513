"""Read what editors and readers need from the content: the printed 修订记录 and the editors' work.

``revision_record(content)`` is the approved revisions from ``content/changelog.yaml`` (never
git log), oldest first, items named by title. ``editors_work(content)`` is what the editors'
page lists: gaps by manual and by post, drafts awaiting approval, and what each import did.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from builder.core.load import Content
from builder.core.model import MANUALS, AnyItem


@dataclass(frozen=True)
class RevisionRow:
    """One row of the printed 修订记录."""

    version: str  # 版本 A/0, A/1 …
    date: dt.date  # 修订日期
    items: list[tuple[str, str]]  # 修订条目: (id, title); the title is the id when the item is gone
    summary: str  # 修订内容
    prepared_by: str  # 编制, names joined with 、
    reviewed_by: str | None  # 审核
    approved_by: str  # 批准
    note: str | None = None


def revision_record(content: Content) -> list[RevisionRow]:
    """The approved revisions, oldest first (A/0 first)."""
    return [
        RevisionRow(version=e.version, date=e.date,
                    items=[(i, content.items[i].title if i in content.items else i) for i in e.items],
                    summary=e.summary, prepared_by="、".join(e.prepared_by), reviewed_by=e.reviewed_by,
                    approved_by=e.approved_by, note=e.note)
        for e in content.changelog.entries
    ]


@dataclass
class ImportRun:
    """One import of one document on one day: what it created, filled, revised and updated."""

    manual: str
    document: str
    file: str | None
    on: dt.date
    by: str | None
    items: dict[str, list[AnyItem]] = field(default_factory=lambda: defaultdict(list))  # action → items

    @property
    def manual_title(self) -> str:
        return MANUALS[self.manual]


@dataclass
class EditorsWork:
    gaps_by_manual: dict[str, list[AnyItem]]  # manual code → its outline items (an item under each manual it cites)
    gaps_by_post: dict[str, list[AnyItem]]  # role id → outline items the post must know (and the post itself, if a gap)
    drafts: list[AnyItem]  # awaiting approval (待审核), imported ones with their record in item.imported
    imports: list[ImportRun]  # newest first
    unplaced: dict[str, list[str]]  # item id → imported text no field holds, for an editor to place


def editors_work(content: Content) -> EditorsWork:
    gaps = sorted((i for i in content if i.status == "outline"), key=lambda i: i.id)
    by_manual: dict[str, list[AnyItem]] = defaultdict(list)
    by_post: dict[str, list[AnyItem]] = defaultdict(list)
    for item in gaps:
        for code in dict.fromkeys(s.manual for s in item.source):
            by_manual[code].append(item)
        for role in item.roles:
            by_post[role].append(item)
        if item.kind == "role":
            by_post[item.id].insert(0, item)
    runs: dict[tuple[str, str, str | None, dt.date, str | None], ImportRun] = {}
    for item in content:
        rec = item.imported
        if rec is None:
            continue
        key = (rec.manual, rec.document, rec.file, rec.on, rec.by)
        run = runs.setdefault(key, ImportRun(rec.manual, rec.document, rec.file, rec.on, rec.by))
        run.items[rec.action].append(item)
    drafts = sorted((i for i in content if i.status == "draft"), key=lambda i: (i.imported is None, i.kind, i.id))
    return EditorsWork(
        gaps_by_manual=dict(sorted(by_manual.items())),
        gaps_by_post=dict(sorted(by_post.items())),
        drafts=drafts,
        imports=sorted(runs.values(), key=lambda r: (r.on, r.document), reverse=True),
        unplaced={i.id: list(i.imported.unplaced) for i in content if i.imported and i.imported.unplaced},
    )
