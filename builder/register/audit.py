"""The audit log: who did what to which record number, and when. Never a personal value.

Each row is written in the same transaction as the action it records, so the log and the
data cannot disagree. ``detail`` holds only non-personal facts (a form id, a count, a role,
an account name); search terms, values, reasons and results are never copied here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from .context import RegisterBase
from .database import reading
from .results import AuditEntry
from .schema import audit


def write_audit(conn: Connection, at: dt.datetime, actor: str | None, action: str,
                number: str | None = None, detail: str | None = None) -> None:
    conn.execute(insert(audit).values(at=at, actor=actor, action=action, number=number,
                                      detail=detail[:200] if detail else None))


class AuditLog(RegisterBase):
    def audit_log(self, *, limit: int = 200, number: str | None = None, actor: str | None = None,
                  since: dt.datetime | None = None) -> list[AuditEntry]:
        """The newest entries first."""
        q = select(audit).order_by(audit.c.id.desc()).limit(max(1, min(limit, 10_000)))
        if number:
            q = q.where(audit.c.number == number)
        if actor:
            q = q.where(audit.c.actor == actor)
        if since:
            q = q.where(audit.c.at >= since)
        with reading(self.engine) as conn:
            rows = conn.execute(q).all()
        return [AuditEntry(at=r.at, actor=r.actor, action=r.action, number=r.number, detail=r.detail) for r in rows]
