"""Retention under 个人信息保护法: remove personal values of old records, keep the counts.

``purge(before=date)`` goes through records issued before ``date`` that still hold personal
data and, in batches of 500 (each its own short transaction, so clerks keep working):

- empties the stored values and drops the sealed ID numbers and the room;
- drops the masked owner/phone and every lookup digest (the record is no longer found by
  name, phone, ID number or room);
- blanks 回访 results, void/correction reasons and 消单 notes (free text may name people);
- marks the record purged and adds a ``purged`` event.

The record itself stays: number, form, version, dates, status and who issued it, so ledgers
and counts per form and month are unchanged. It cannot be reprinted afterwards.

Old copies: on SQLite, ``secure_delete`` overwrites the freed bytes and a WAL checkpoint
(TRUNCATE) drops the old pages. On PostgreSQL a plain ``VACUUM`` frees the old row versions;
their bytes stay on disk until the space is reused, so run ``VACUUM FULL records`` in a
quiet hour when the old values must be gone from the files at once. Backups taken before
the purge still hold the values: let them expire on the same schedule.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select, update

from .audit import write_audit
from .context import RegisterBase, check_text
from .database import writing
from .errors import InvalidInput
from .results import PurgeResult
from .schema import dues, events, lookups, records

BATCH = 500


class Retention(RegisterBase):
    def purge(self, *, before: dt.date, by: str) -> PurgeResult:
        """Remove the personal values of every record issued before ``before``."""
        by_ = check_text(by, "by", 60)
        if not isinstance(before, dt.date) or isinstance(before, dt.datetime):
            raise InvalidInput("--before: 应为日期, 如 2023-01-01")
        if before > self.today():
            raise InvalidInput("--before: 不能晚于今天")
        total = 0
        while True:
            with writing(self.engine) as conn:
                ids = list(conn.execute(select(records.c.id).where(records.c.issued_on < before)
                                        .where(records.c.purged_at.is_(None)).order_by(records.c.id)
                                        .limit(BATCH)).scalars())
                if not ids:
                    break
                now = self._now()
                conn.execute(update(records).where(records.c.id.in_(ids)).values(
                    data={}, sealed=None, room=None, name_masked=None, phone_masked=None, purged_at=now))
                conn.execute(delete(lookups).where(lookups.c.record_id.in_(ids)))
                conn.execute(update(dues).where(dues.c.record_id.in_(ids)).where(dues.c.result.is_not(None))
                             .values(result=None))
                conn.execute(update(events).where(events.c.record_id.in_(ids))
                             .where(events.c.action.in_(("voided", "superseded", "supersedes", "closed")))
                             .where(events.c.reason.is_not(None)).values(reason=None))
                conn.execute(insert(events), [{"record_id": i, "action": "purged", "at": now, "by": by_}
                                              for i in ids])
                total += len(ids)
        with writing(self.engine) as conn:
            write_audit(conn, self._now(), by_, "purge", detail=f"before {before.isoformat()}: {total} records")
        if total:
            self._scrub()
        return PurgeResult(before=before, records=total)

    def _scrub(self) -> None:
        """Let go of old copies of the purged values where the database keeps them."""
        if self.engine.dialect.name == "sqlite":
            # secure_delete zeroed the freed cells; the WAL still holds the old pages until a
            # checkpoint copies the new ones back and truncates it (best effort while others read).
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("records", "lookups", "dues", "events"):
                conn.exec_driver_sql(f"VACUUM {table}")
