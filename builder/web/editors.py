"""The editors' actions on the web app: ``/editors/drafts`` lists the drafts awaiting approval
and ``/editors/approve`` approves the checked ones (:func:`builder.importer.approve.approve`,
the same as ``handbook approve ID… --by NAME``), in the logged-in account's name.

Both need a login (:mod:`builder.web.auth`); approving needs a 主管 or 管理员 (the register's
``approve`` permission), a 前台 sees the list read-only. Every POST carries the CSRF token.
The content folder is ``app.config["CONTENT_DIR"]``; the list is read afresh on each request,
and the forms and search caches see the approval by the files' new mtimes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request

from builder.core.errors import HandbookError
from builder.core.model import KIND_LABELS, AnyItem, ChangelogEntry
from builder.core.paths import CONTENT_DIR, FORMS_DIR, TEMPLATES_DIR
from builder.core.project import load_project
from builder.core.urls import item_url
from builder.importer.approve import ACTION_WORDS, approve
from builder.importer.changelog import editors_work

bp = Blueprint("editors", __name__, template_folder=str(TEMPLATES_DIR))

#: the most ids one approval takes (a form with more was not made by this page)
MAX_IDS = 500


def content_dir() -> Path:
    return Path(current_app.config.get("CONTENT_DIR", CONTENT_DIR))


def _row(item: AnyItem) -> dict[str, Any]:
    rec = item.imported
    imported = None
    if rec is not None:
        imported = {"document": rec.document, "heading": rec.heading_path[-1], "action": ACTION_WORDS[rec.action],
                    "on": rec.on, "by": rec.by or "（未记录）", "unplaced": len(rec.unplaced)}
    return {"id": item.id, "title": item.title, "kind": KIND_LABELS.get(item.kind, item.kind),
            "url": item_url(item.kind, item.id), "sources": [s.badge() for s in item.source], "imported": imported}


def _page(*, checked: list[str] | None = None, note: str = "", prepared_by: str = "", entry: ChangelogEntry | None = None,
          problems: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    from builder.web.auth import allowed, need

    user = need("view")
    project = load_project(content_dir(), Path(current_app.config.get("FORMS_DIR", FORMS_DIR)))
    work = editors_work(project.content)
    titles = {i.id: i.title for i in project.content}
    html = render_template(
        "web/editors_drafts.html", user=user, can_approve=allowed("approve"), drafts=[_row(i) for i in work.drafts],
        load_problems=[str(p) for p in project.problems][:20], checked=set(checked or ()), note=note, prepared_by=prepared_by,
        entry=entry,
        entry_items=[(i, titles.get(i, i)) for i in (entry.items if entry else [])], problems=problems or [])
    return html, status


@bp.get("/editors/drafts")
def drafts() -> Any:
    return _page()


@bp.post("/editors/approve")
def approve_drafts() -> Any:
    from builder.web.auth import need

    user = need("approve")
    ids = [i.strip() for i in request.form.getlist("id") if i.strip()]
    note = (request.form.get("note") or "").strip()
    prepared_by = (request.form.get("prepared_by") or "").strip()
    if len(ids) > MAX_IDS:
        abort(413)
    if not ids:
        return _page(note=note, prepared_by=prepared_by, problems=["请先勾选要批准的草稿。"], status=400)
    try:
        entry = approve(content_dir(), ids, by=user.name, note=note or None, prepared_by=prepared_by or None)
    except HandbookError as e:
        return _page(checked=ids, note=note, prepared_by=prepared_by, problems=e.lines(), status=400)
    return _page(entry=entry)
