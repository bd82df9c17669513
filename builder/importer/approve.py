"""Approve drafts: each becomes approved text (``status: sourced`` with ``approved_by`` and
``approved_on``), and one revision entry in Chinese is appended to ``content/changelog.yaml``.

The items and the changelog are validated first and written together (temp files, then
renames), so an approval is never half recorded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import ValidationError

from builder.core.errors import ContentError, HandbookError
from builder.core.load import Content, load_content, to_plain
from builder.core.model import KIND_LABELS, MODELS, AnyItem, Changelog, ChangelogEntry
from builder.importer.write import commit, dump, load_map, set_key, to_yaml_value

CHANGELOG = "changelog.yaml"
CHANGELOG_HEADER = """\
# 修订记录: one entry per approval, oldest first. Written by `handbook approve ID… --by NAME`
# (builder/importer/approve.py); the printed handbook's 修订记录 page reads it.
"""
#: the import record's action, as a revision says it
ACTION_WORDS = {"created": "新增", "filled": "补写待编写条目", "revised": "改写", "updated": "按新版文件修订"}
MAX_CHANGES_NAMED = 5


class ApprovalError(HandbookError):
    """What was asked cannot be approved: every reason, one a line (the CLI exits 2)."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)


def describe(item: AnyItem) -> str:
    """One item as a revision names it: 《报刊收发工作程序》（工作流程，补写待编写条目，据《…》“十四、…”）."""
    kind = KIND_LABELS.get(item.kind, item.kind)
    rec = item.imported
    if rec is None:
        return f"《{item.title}》（{kind}，审核通过草稿）"
    what = ACTION_WORDS[rec.action]
    where = f"据《{rec.document}》“{rec.heading_path[-1]}”"
    if rec.action == "updated" and rec.changes:
        named = "、".join(rec.changes[:MAX_CHANGES_NAMED]) + ("等" if len(rec.changes) > MAX_CHANGES_NAMED else "")
        return f"《{item.title}》（{kind}，{what}：{named}，{where}）"
    return f"《{item.title}》（{kind}，{what}，{where}）"


def summary_of(items: list[AnyItem], note: str | None) -> str:
    text = f"审核通过{len(items)}项：" + "；".join(describe(i) for i in items) + "。"
    return text + (f"说明：{note.strip()}" if note and note.strip() else "")


def _checked(ids: list[str], content: Content, by: str,
             prepared_by: str | None) -> tuple[list[AnyItem], list[str], list[str]]:
    """(the drafts to approve, the 编制 people, every problem)."""
    problems = []
    if not ids:
        problems.append("no item id given: handbook approve ID… --by NAME")
    if not by.strip():
        problems.append("--by: give the approver's name (批准)")
    items = []
    for item_id in dict.fromkeys(ids):
        item = content.items.get(item_id)
        if item is None:
            problems.append(f"{item_id}: unknown item id: no such file in {content.root}")
        elif item.status == "outline":
            problems.append(f"{item_id}: a gap (status: outline): there is no text to approve")
        elif item.status == "sourced":
            approved = f" by {item.approved_by} on {item.approved_on}" if item.approved_by else ""
            problems.append(f"{item_id}: approved already (status: sourced{approved})")
        else:
            items.append(item)
    preparers: list[str] = []
    if prepared_by and prepared_by.strip():
        preparers = [prepared_by.strip()]
    else:
        for item in items:
            if item.imported is None or not item.imported.by:
                problems.append(f"{item.id}: who wrote it is not recorded: give --prepared-by NAME (编制)")
            elif item.imported.by not in preparers:
                preparers.append(item.imported.by)
    return items, preparers, problems


def approve(content_dir: Path | str, ids: list[str], by: str, note: str | None = None,
            reviewed_by: str | None = None, prepared_by: str | None = None,
            on: dt.date | None = None) -> ChangelogEntry:
    """Approve drafts and append their revision entry; returns the entry.

    Raises :class:`ApprovalError` (unknown id, not a draft, no approver, no 编制) and
    :class:`builder.load.ContentError` when the content has problems.
    """
    content, problems = load_content(content_dir)
    if problems:
        raise ContentError(problems)
    items, preparers, problems_ = _checked(ids, content, by, prepared_by)
    if problems_:
        raise ApprovalError(problems_)
    on = on or dt.date.today()
    log = content.changelog
    if log.entries and on < log.entries[-1].date:
        last = log.entries[-1]
        raise ApprovalError([f"--date {on} is before the last revision ({last.version}, {last.date})"])
    entry = ChangelogEntry(version=log.next_version(), date=on, items=[i.id for i in items],
                           summary=summary_of(items, note), prepared_by=preparers,
                           reviewed_by=reviewed_by.strip() if reviewed_by and reviewed_by.strip() else None,
                           approved_by=by.strip(), note=note.strip() if note and note.strip() else None)
    files: dict[Path, str] = {}
    for item in items:
        path = content.files[item.id]
        data = load_map(path)
        set_key(data, "status", "sourced")
        set_key(data, "approved_by", entry.approved_by)
        set_key(data, "approved_on", on)
        try:
            MODELS[item.kind].model_validate({"id": item.id, "kind": item.kind, **to_plain(data)})
        except ValidationError as e:
            raise ApprovalError([f"{item.id}: {err['msg']}" for err in e.errors()]) from None
        files[path] = dump(data)
    files[Path(content.root) / CHANGELOG] = changelog_text(Path(content.root) / CHANGELOG, entry)
    commit(files)
    return entry


def changelog_text(path: Path, entry: ChangelogEntry) -> str:
    """The changelog file with one more entry at the end, its comments kept."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    data = load_map(path) if path.exists() else CommentedMap()
    entries = data.get("entries")
    new = to_yaml_value(entry.model_dump(exclude_none=True))
    if isinstance(entries, CommentedSeq) and entries:
        entries.append(new)
    else:
        set_key(data, "entries", [])
        data["entries"].fa.set_block_style()
        data["entries"].append(new)
    Changelog.model_validate(to_plain(data))
    text = dump(data)
    return text if path.exists() else CHANGELOG_HEADER + text
