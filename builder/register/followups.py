"""Following up: the 今日回访 and 已逾期 lists, recording a 回访, and 消单 (closing).

Due dates come with the record when it is issued (the forms compute them from the manual's
rules: 安全设施 two days, 渗漏水 three, other repairs a week). A due date is *open* until its
result is recorded; only records still 已开单 appear in the lists (a voided or superseded
record needs no visit; its corrected copy carries the dates on).

:meth:`close` (消单) needs every due date of the record done first.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update

from .audit import write_audit
from .context import RegisterBase, check_text
from .database import reading, writing
from .errors import Conflict, InvalidInput, NotFound
from .results import FollowUp
from .schema import STATUS_LABELS, dues, events, records

WHEN = ("today", "overdue", "open")


class FollowUps(RegisterBase):
    def followups(self, due: str = "today", *, today: dt.date | None = None, form: str | None = None,
                  limit: int = 500) -> list[FollowUp]:
        """``today``: due today; ``overdue``: due before today; ``open``: every open due date."""
        if due not in WHEN:
            raise InvalidInput(f"--due: 应为 {' / '.join(WHEN)}")
        today = today or self.today()
        q = (select(dues.c.label, dues.c.due_on, records.c.number, records.c.form_id, records.c.form_title,
                    records.c.room, records.c.name_masked, records.c.phone_masked, records.c.issued_on)
             .join(records, records.c.id == dues.c.record_id)
             .where(dues.c.done_at.is_(None)).where(records.c.status == "issued"))
        if due == "today":
            q = q.where(dues.c.due_on == today)
        elif due == "overdue":
            q = q.where(dues.c.due_on < today)
        if form:
            q = q.where(records.c.form_id == form)
        q = q.order_by(dues.c.due_on, records.c.number).limit(max(1, min(limit, 5000)))
        with reading(self.engine) as conn:
            rows = conn.execute(q).all()
        return [FollowUp(number=r.number, form_id=r.form_id, form_title=r.form_title, label=r.label,
                         due_on=r.due_on, days_overdue=max(0, (today - r.due_on).days), room=r.room,
                         owner=r.name_masked, phone=r.phone_masked, issued_on=r.issued_on) for r in rows]

    def visit(self, number: str, *, result: str, by: str, on: dt.date | None = None,
              label: str | None = None) -> None:
        """Record a 回访's result (date, result, person) on the record's earliest open due date
        (or the one named ``label``)."""
        result_ = check_text(result, "回访结果", 500)
        by_ = check_text(by, "回访人", 60)
        with writing(self.engine) as conn:
            row = self._record(conn, number, lock=True)
            if row.status != "issued":
                raise Conflict(f"{row.number}: {STATUS_LABELS[row.status]}, 不能再登记回访")
            q = (select(dues.c.id, dues.c.label).where(dues.c.record_id == row.id)
                 .where(dues.c.done_at.is_(None)).order_by(dues.c.due_on, dues.c.id))
            if label:
                q = q.where(dues.c.label == label)
            open_due = conn.execute(q).first()
            if open_due is None:
                raise NotFound(f"{row.number}: 没有待{label or '回访'}的事项")
            now = self._now()
            on = on or self._local_date(now)
            if on < row.issued_on:
                raise InvalidInput(f"回访日期: 不能早于开单日期 {row.issued_on.isoformat()}")
            conn.execute(update(dues).where(dues.c.id == open_due.id)
                         .values(done_on=on, result=result_, done_by=by_, done_at=now))
            conn.execute(insert(events).values(record_id=row.id, action="visited", at=now, by=by_,
                                               reason=open_due.label))
            write_audit(conn, now, by_, "visit", row.number, row.form_id)

    def close(self, number: str, *, by: str, note: str | None = None) -> None:
        """消单: close the record once every due date has its result."""
        by_ = check_text(by, "消单人", 60)
        note_ = check_text(note, "消单说明", 200, required=False)
        with writing(self.engine) as conn:
            row = self._record(conn, number, lock=True)
            if row.status != "issued":
                raise Conflict(f"{row.number}: {STATUS_LABELS[row.status]}, 不能消单")
            pending = conn.execute(select(dues.c.label, dues.c.due_on).where(dues.c.record_id == row.id)
                                   .where(dues.c.done_at.is_(None)).order_by(dues.c.due_on)).first()
            if pending is not None:
                raise Conflict(f"{row.number}: 还有未完成的{pending.label} (截止 {pending.due_on.isoformat()}), "
                               f"先登记{pending.label}结果再消单")
            now = self._now()
            conn.execute(update(records).where(records.c.id == row.id).values(status="closed"))
            conn.execute(insert(events).values(record_id=row.id, action="closed", at=now, by=by_, reason=note_))
            write_audit(conn, now, by_, "close", row.number, row.form_id)
