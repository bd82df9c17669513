"""What the register hands back: plain frozen dataclasses, each with ``as_dict()`` for JSON.

Lists (:class:`RecordSummary`, :class:`FollowUp`) carry only masked personal values.
:class:`RecordDetail` carries the values with ID numbers masked; only :class:`Reprint`
carries them in full, for drawing the document again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .schema import STATUS_LABELS


def _plain(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.time)):  # datetime is a date
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


class _AsDict:
    def as_dict(self) -> dict[str, Any]:
        """JSON-able: dates as ISO text, decimals as text."""
        return _plain(asdict(self))  # type: ignore[call-overload, no-any-return, unused-ignore]


@dataclass(frozen=True)
class Issued(_AsDict):
    """A record just stored: print ``number`` on the form."""

    number: str
    form_id: str
    version: str
    issued_at: dt.datetime
    issued_by: str


@dataclass(frozen=True)
class Due(_AsDict):
    label: str
    due_on: dt.date
    done_on: dt.date | None = None
    result: str | None = None
    done_by: str | None = None


@dataclass(frozen=True)
class Event(_AsDict):
    """One step of a record's history: issued, voided, superseded, supersedes, visited, closed, purged."""

    action: str
    at: dt.datetime
    by: str
    reason: str | None = None
    other_number: str | None = None


@dataclass(frozen=True)
class RecordSummary(_AsDict):
    """One line of a list: masked owner and phone, the next open due date."""

    number: str
    form_id: str
    form_code: str | None
    form_title: str
    status: str
    issued_at: dt.datetime
    issued_on: dt.date
    issued_by: str
    room: str | None
    owner: str | None
    phone: str | None
    next_due: dt.date | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class RecordDetail(_AsDict):
    """``show``: everything about a record, ID numbers masked, history oldest first."""

    summary: RecordSummary
    version: str
    values: dict[str, Any]
    dues: list[Due] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    supersedes: str | None = None
    superseded_by: str | None = None
    purged: bool = False


@dataclass(frozen=True)
class Reprint(_AsDict):
    """What was issued, exactly: the spec snapshot of that version and the full values."""

    number: str
    form_id: str
    form_code: str | None
    form_title: str
    version: str
    spec: dict[str, Any]
    values: dict[str, Any]
    status: str
    issued_at: dt.datetime
    issued_by: str


@dataclass(frozen=True)
class FollowUp(_AsDict):
    """One line of the 今日回访 / 已逾期 lists."""

    number: str
    form_id: str
    form_title: str
    label: str
    due_on: dt.date
    days_overdue: int
    room: str | None
    owner: str | None
    phone: str | None
    issued_on: dt.date


@dataclass(frozen=True)
class User(_AsDict):
    name: str
    role: str
    created_at: dt.datetime
    disabled: bool = False


@dataclass(frozen=True)
class AuditEntry(_AsDict):
    at: dt.datetime
    actor: str | None
    action: str
    number: str | None
    detail: str | None


@dataclass(frozen=True)
class LedgerResult(_AsDict):
    path: Path
    rows: int


@dataclass(frozen=True)
class BackupResult(_AsDict):
    """``records``: rows counted in the SQLite copy (None for a pg_dump archive)."""

    path: Path
    bytes: int
    records: int | None
    method: str


@dataclass(frozen=True)
class PurgeResult(_AsDict):
    before: dt.date
    records: int
