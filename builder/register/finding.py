"""Finding records: search, show (with history), and the data to reprint one exactly.

Search criteria combine with AND:

- ``number``: one exact number (``bx-2026-123`` is read as ``BX-2026-000123``);
- ``room``: the room or a prefix of it (``5栋`` finds every room of building 5), after the
  same normalisation as stored (NFKC, no spaces, upper case);
- ``name`` / ``phone`` / ``id_number``: exact match through the keyed digests (a phone may
  be the whole number or its last four digits); the typed value is never stored or logged;
- ``form``: a form id; ``date_from`` / ``date_to``: the local issue date, both inclusive;
- ``status``: issued, voided, superseded or closed.

Newest first, at most ``limit`` (1–500) rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from .audit import write_audit
from .codec import decode_values
from .context import RegisterBase
from .database import reading, writing
from .errors import Conflict, InvalidInput
from .masking import mask_id
from .numbers import normalize_number
from .personal import merge_secrets, norm_id, norm_name, norm_room, phone_query
from .results import Due, Event, RecordDetail, RecordSummary, Reprint
from .schema import STATUSES, dues, events, form_versions, lookups, records

_TOP = "\U0010ffff"
PURGED_MARK = "(已清除)"


def _next_due() -> Any:
    return (select(func.min(dues.c.due_on)).where(dues.c.record_id == records.c.id)
            .where(dues.c.done_at.is_(None)).scalar_subquery().label("next_due"))


def summary_query() -> Select[Any]:
    return select(records.c.id, records.c.number, records.c.form_id, records.c.form_code, records.c.form_title,
                  records.c.status, records.c.issued_at, records.c.issued_on, records.c.issued_by,
                  records.c.room, records.c.name_masked, records.c.phone_masked, _next_due())


def to_summary(r: Row[Any]) -> RecordSummary:
    return RecordSummary(number=r.number, form_id=r.form_id, form_code=r.form_code, form_title=r.form_title,
                         status=r.status, issued_at=r.issued_at, issued_on=r.issued_on, issued_by=r.issued_by,
                         room=r.room, owner=r.name_masked, phone=r.phone_masked, next_due=r.next_due)


class Finding(RegisterBase):
    def search(self, *, number: str | None = None, room: str | None = None, name: str | None = None,
               phone: str | None = None, id_number: str | None = None, form: str | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None, status: str | None = None,
               limit: int = 50, by: str | None = None) -> list[RecordSummary]:
        """Records matching every criterion given (see the module docstring); audited when ``by`` is given."""
        if not 1 <= limit <= 500:
            raise InvalidInput("limit: 1–500")
        q = summary_query()
        if number:
            q = q.where(records.c.number == normalize_number(number))
        if room and room.strip():
            r = norm_room(room)
            q = q.where(records.c.room >= r).where(records.c.room < r + _TOP)
        digests = []
        if name and name.strip():
            digests.append(("name", self.keys.digest("name", norm_name(name))))
        if phone and phone.strip():
            kind, norm = phone_query(phone)
            digests.append((kind, self.keys.digest(kind, norm)))
        if id_number and id_number.strip():
            digests.append(("id", self.keys.digest("id", norm_id(id_number))))
        for kind, digest in digests:
            q = q.where(records.c.id.in_(select(lookups.c.record_id).where(lookups.c.kind == kind)
                                         .where(lookups.c.digest == digest)))
        if form:
            q = q.where(records.c.form_id == form.strip())
        if date_from and date_to and date_from > date_to:
            raise InvalidInput("日期范围: 开始日期晚于结束日期")
        if date_from:
            q = q.where(records.c.issued_on >= date_from)
        if date_to:
            q = q.where(records.c.issued_on <= date_to)
        if status:
            if status not in STATUSES:
                raise InvalidInput(f"状态: 应为 {' / '.join(STATUSES)}")
            q = q.where(records.c.status == status)
        q = q.order_by(records.c.issued_at.desc(), records.c.id.desc()).limit(limit)
        with reading(self.engine) as conn:
            rows = conn.execute(q).all()
        if by:
            with writing(self.engine) as conn:
                write_audit(conn, self._now(), by, "search", detail=f"{len(rows)} rows")
        return [to_summary(r) for r in rows]

    def show(self, number: str, *, by: str | None = None) -> RecordDetail:
        """One record: masked values, due dates, history, the records it replaces or is replaced by."""
        with reading(self.engine) as conn:
            row = self._record(conn, number)
            summary = to_summary(conn.execute(summary_query().where(records.c.id == row.id)).one())
            secrets = self._secrets(row)
            values = merge_secrets(decode_values(row.data), {k: mask_id(v) for k, v in secrets.items()},
                                   missing=PURGED_MARK)
            detail = RecordDetail(
                summary=summary, version=row.version, values=values, dues=self._dues(conn, row.id),
                history=self._history(conn, row.id), supersedes=self._number_of(conn, row.supersedes_id),
                superseded_by=conn.execute(select(records.c.number).where(records.c.supersedes_id == row.id)
                                           ).scalar_one_or_none(),
                purged=row.purged_at is not None)
        if by:
            with writing(self.engine) as conn:
                write_audit(conn, self._now(), by, "show", row.number)
        return detail

    def history(self, number: str) -> list[Event]:
        """The record's events, oldest first."""
        with reading(self.engine) as conn:
            return self._history(conn, self._record(conn, number).id)

    def reprint_data(self, number: str, *, by: str) -> Reprint:
        """The spec snapshot and full values as issued: render them to reprint the same document.

        Audited as a reprint. A voided or superseded record still reprints (its ``status``
        says so, for the document to be marked); a purged one cannot.
        """
        with writing(self.engine) as conn:
            row = self._record(conn, number)
            if row.purged_at is not None:
                raise Conflict(f"{row.number}: 个人信息已按保存期限清除, 不能重印")
            spec = conn.execute(select(form_versions.c.snapshot)
                                .where(form_versions.c.version == row.version)).scalar_one()
            values = merge_secrets(decode_values(row.data), self._secrets(row))
            write_audit(conn, self._now(), by, "reprint", row.number, row.form_id)
        return Reprint(number=row.number, form_id=row.form_id, form_code=row.form_code,
                       form_title=row.form_title, version=row.version, spec=dict(spec), values=values,
                       status=row.status, issued_at=row.issued_at, issued_by=row.issued_by)

    # --- helpers ------------------------------------------------------------------
    def _dues(self, conn: Connection, record_id: int) -> list[Due]:
        rows = conn.execute(select(dues).where(dues.c.record_id == record_id).order_by(dues.c.due_on, dues.c.id))
        return [Due(label=d.label, due_on=d.due_on, done_on=d.done_on, result=d.result, done_by=d.done_by)
                for d in rows]

    def _history(self, conn: Connection, record_id: int) -> list[Event]:
        other = records.alias("other")
        rows = conn.execute(
            select(events.c.action, events.c.at, events.c.by, events.c.reason, other.c.number)
            .outerjoin(other, other.c.id == events.c.other_id)
            .where(events.c.record_id == record_id).order_by(events.c.id))
        return [Event(action=e.action, at=e.at, by=e.by, reason=e.reason, other_number=e.number) for e in rows]
