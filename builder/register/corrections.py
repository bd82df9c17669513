"""Correcting without losing anything: void, supersede. A record is never deleted.

- :meth:`void`: the record stays, marked 已作废, with the reason, who and when in its history.
- :meth:`supersede`: a corrected copy is issued under a new number (the same form, the
  corrected values, the old template unless a new spec is given); the old record is marked
  已更正 and each record's history names the other.

Only an issued or closed record can be voided or superseded; a voided or superseded one
is final (correct its replacement instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select, update

from .audit import write_audit
from .context import check_text
from .database import writing
from .errors import Conflict
from .issuing import Dues, IssueRequest, Issuing, _prepare
from .results import Issued
from .schema import STATUS_LABELS, dues, events, form_versions, records

_OPEN = ("issued", "closed")


class Corrections(Issuing):
    def void(self, number: str, *, reason: str, by: str) -> None:
        """Mark a record void (作废), keeping it and its history."""
        reason_ = check_text(reason, "作废原因", 200)
        by_ = check_text(by, "by", 60)
        with writing(self.engine) as conn:
            row = self._record(conn, number, lock=True)
            if row.status not in _OPEN:
                raise Conflict(f"{row.number}: {STATUS_LABELS[row.status]}, 不能再作废")
            now = self._now()
            conn.execute(update(records).where(records.c.id == row.id).values(status="voided"))
            conn.execute(insert(events).values(record_id=row.id, action="voided", at=now, by=by_, reason=reason_))
            write_audit(conn, now, by_, "void", row.number, row.form_id)

    def supersede(self, number: str, values: Mapping[str, Any], *, reason: str, by: str,
                  spec: Mapping[str, Any] | None = None, due: Dues = None) -> Issued:
        """Issue a corrected copy of ``number`` with ``values``; the old record becomes 已更正.

        ``spec`` defaults to the old record's snapshot (the template it was issued with);
        ``due`` defaults to the old record's open due dates.
        """
        reason_ = check_text(reason, "更正原因", 200)
        by_ = check_text(by, "by", 60)
        assert by_ is not None
        stored_versions: set[str] = set()
        with writing(self.engine) as conn:
            row = self._record(conn, number, lock=True)
            if row.status not in _OPEN:
                raise Conflict(f"{row.number}: {STATUS_LABELS[row.status]}, 不能再更正")
            if spec is None:
                spec = conn.execute(select(form_versions.c.snapshot)
                                    .where(form_versions.c.version == row.version)).scalar_one()
            if due is None:
                due = {d.label: d.due_on for d in conn.execute(
                    select(dues.c.label, dues.c.due_on).where(dues.c.record_id == row.id)
                    .where(dues.c.done_at.is_(None)))}
            prepared = _prepare(IssueRequest(row.form_id, row.form_code, row.form_title, spec, values, due,
                                             row.prefix))
            new = self._store(conn, [prepared], by_, row.id, stored_versions)[0]
            new_id = conn.execute(select(records.c.id).where(records.c.number == new.number)).scalar_one()
            conn.execute(update(records).where(records.c.id == row.id).values(status="superseded"))
            conn.execute(insert(events).values(record_id=row.id, action="superseded", at=new.issued_at, by=by_,
                                               reason=reason_, other_id=new_id))
            conn.execute(update(events).where(events.c.record_id == new_id).where(events.c.action == "issued")
                         .values(action="supersedes", reason=reason_))
            write_audit(conn, new.issued_at, by_, "supersede", row.number, f"by {new.number}")
        self._known_versions |= stored_versions
        return new
