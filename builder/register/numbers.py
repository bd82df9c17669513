"""Serial numbers: ``PREFIX-YEAR-NNNNNN`` per prefix and year, gap-free and duplicate-free.

The prefix comes from the company's form code (:func:`form_prefix`):

1. the code is split on anything not a letter or digit: ``KF-BX-01`` → ``KF``, ``BX``, ``01``;
2. with three or more parts the first is dropped: it names the company's document series
   (``KF``, ``QR``), the same on many forms;
3. a last part ``01`` / ``1`` is dropped when a part remains before it: the first form of a
   series needs no number;
4. the rest is joined, upper case, at most 12 characters:
   ``KF-BX-01`` → ``BX``, ``KF-ZX-01`` → ``ZX``, ``QR-DXC-10`` → ``DXC10``,
   ``QR-DXC-01-A`` → ``DXC01A``;
5. a form without a code uses the initials of its id (``yezhu-baoxiu-dan`` → ``YBD``).

The counter is per *prefix* and year, so two codes that share a prefix share a sequence and
their numbers can never collide. The year is the local date of issue.

:func:`next_seq` must run inside the write transaction that inserts the record: on SQLite
that transaction began with ``BEGIN IMMEDIATE`` (the database's write lock is held until
commit); on PostgreSQL the counter row is locked with ``SELECT … FOR UPDATE``. If the
transaction does not commit (an error, a killed process), the counter is not advanced
either, so no number is ever lost or given twice.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .errors import InvalidInput
from .schema import counters

NUMBER_RE = re.compile(r"^([A-Z0-9]{1,12})-(\d{4})-(\d{6,9})$")
MAX_PREFIX = 12


def form_prefix(form_code: str | None, form_id: str = "") -> str:
    """The number prefix for a form (see the module docstring for the rule)."""
    parts = re.findall(r"[A-Z0-9]+", unicodedata.normalize("NFKC", form_code or "").upper())
    if len(parts) >= 3:
        parts = parts[1:]
    if len(parts) >= 2 and parts[-1] in ("01", "1"):
        parts = parts[:-1]
    prefix = "".join(parts)
    if not prefix:
        prefix = "".join(w[0] for w in re.findall(r"[a-z0-9]+", form_id.lower())).upper()
    return (prefix or "F")[:MAX_PREFIX]


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year:04d}-{seq:06d}"


def parse_number(number: str) -> tuple[str, int, int]:
    """``(prefix, year, seq)`` of a number; :class:`InvalidInput` if it is not one."""
    s = unicodedata.normalize("NFKC", number or "").strip().upper()
    m = NUMBER_RE.match(s)
    if not m:
        raise InvalidInput(f"编号 “{number[:40]}” 格式不对, 应如 BX-2026-000123")
    return m.group(1), int(m.group(2)), int(m.group(3))


def normalize_number(number: str) -> str:
    prefix, year, seq = parse_number(number)
    return format_number(prefix, year, seq)


def next_seq(conn: Connection, prefix: str, year: int, count: int = 1) -> int:
    """Advance the counter for (prefix, year) by ``count`` and return the first number taken.

    The counter row stays locked until the transaction ends. Callers taking several
    counters lock them in sorted order, so two batches cannot deadlock.
    """
    where = (counters.c.prefix == prefix) & (counters.c.year == year)
    locked = select(counters.c.last).where(where).with_for_update()
    last = conn.execute(locked).scalar_one_or_none()
    if last is None:  # the first number of this prefix and year: make the row, then lock it
        ins = (postgresql.insert(counters) if conn.dialect.name == "postgresql" else sqlite.insert(counters))
        conn.execute(ins.values(prefix=prefix, year=year, last=0).on_conflict_do_nothing())
        last = conn.execute(locked).scalar_one()
    conn.execute(update(counters).where(where).values(last=last + count))
    return int(last) + 1
