"""What every part of the register shares: the engine, the key, the clock, record lookups."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, Row, select

from .errors import InvalidInput, NotFound
from .keys import Keyring
from .numbers import normalize_number
from .schema import records


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_text(value: str | None, what: str, limit: int, required: bool = True) -> str | None:
    """A person's name, a reason or a result: stripped, bounded, no control characters."""
    s = (value or "").strip()
    if not s:
        if required:
            raise InvalidInput(f"{what}: 必填")
        return None
    if len(s) > limit:
        raise InvalidInput(f"{what}: 最多 {limit} 个字")
    if any(ord(c) < 32 and c not in "\n\t" for c in s):
        raise InvalidInput(f"{what}: 含有不可见的控制字符")
    return s


class RegisterBase:
    """Holds the engine, the keyring and the clock; see :class:`~builder.register.store.Register`."""

    def __init__(self, engine: Engine, keys: Keyring, *, clock: Callable[[], dt.datetime] = utc_now,
                 tz: dt.tzinfo | None = None):
        self.engine = engine
        self.keys = keys
        self.clock = clock
        self.tz = tz  # None: the machine's local time zone
        #: form versions known to be stored (added after a commit), so issuing skips their insert
        self._known_versions: set[str] = set()

    # --- time -----------------------------------------------------------------
    def _now(self) -> dt.datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the register's clock must return an aware datetime")
        return now

    def _local_date(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()

    def today(self) -> dt.date:
        """Today in the register's time zone (what 今日回访 means)."""
        return self._local_date(self._now())

    # --- records ----------------------------------------------------------------
    def _record(self, conn: Connection, number: str, *, lock: bool = False) -> Row[Any]:
        number = normalize_number(number)
        q = select(records).where(records.c.number == number)
        if lock:
            q = q.with_for_update()
        row = conn.execute(q).first()
        if row is None:
            raise NotFound(f"{number}: 没有这条记录")
        return row

    def _number_of(self, conn: Connection, record_id: int | None) -> str | None:
        if record_id is None:
            return None
        return conn.execute(select(records.c.number).where(records.c.id == record_id)).scalar_one_or_none()

    def _secrets(self, row: Row[Any]) -> dict[str, str]:
        if row.sealed is None:
            return {}
        data = json.loads(self.keys.open(row.sealed, row.number.encode()))
        assert isinstance(data, dict)
        return data
