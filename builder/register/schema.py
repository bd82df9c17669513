"""The register's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations in ``migrations/versions`` create exactly these; a test compares the two.

Personal data and what is indexed:
- ``records.room`` is kept in clear and indexed (search by room, including a prefix such
  as ``5栋``); a room alone names a flat, not a person.
- names, phones and ID numbers are never indexed in clear: ``lookups`` holds a keyed HMAC
  (16 bytes) of each normalised value, so an exact match is found through the index while
  the index itself gives nothing away without the key file.
- ID numbers are not in ``records.data`` at all: they are sealed (AES-GCM) in
  ``records.sealed``; ``data`` holds a placeholder where each was.
- ``records.name_masked`` / ``phone_masked`` hold the masked forms shown in lists (张*,
  138****5678), so a list never decodes the values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

STATUSES = ("issued", "voided", "superseded", "closed")
#: Chinese for each status, as lists and ledgers print it.
STATUS_LABELS = {"issued": "已开单", "voided": "已作废", "superseded": "已更正", "closed": "已消单"}

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as naive UTC (SQLite has no time zones); read back as UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the register; pass an aware one")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return, unused-ignore]  # Any under --strict


JSONData = JSON().with_variant(JSONB(), "postgresql")
#: Byte order on PostgreSQL, so a prefix search (room >= '5栋' AND room < '5栋\U0010ffff')
#: uses the index whatever the database's locale; SQLite compares bytes already.
RoomText = String(60).with_variant(String(60, collation="C"), "postgresql")
RowId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid

form_versions = Table(
    "form_versions", metadata,
    Column("version", String(64), primary_key=True, comment="sha256 of the spec snapshot's canonical JSON"),
    Column("form_id", String(80), nullable=False),
    Column("snapshot", JSONData, nullable=False),
    Column("first_issued_at", UTCDateTime(), nullable=False),
)

counters = Table(
    "counters", metadata,
    Column("prefix", String(16), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

records = Table(
    "records", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("form_id", String(80), nullable=False),
    Column("form_code", String(40)),
    Column("form_title", String(100), nullable=False),
    Column("version", String(64), ForeignKey("form_versions.version"), nullable=False),
    Column("data", JSONData, nullable=False, comment="the values, ID numbers replaced by placeholders"),
    Column("sealed", LargeBinary, comment="AES-GCM of the ID numbers, bound to the number"),
    Column("room", RoomText),
    Column("name_masked", String(40)),
    Column("phone_masked", String(40)),
    Column("issued_by", String(60), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("issued_on", Date, nullable=False, comment="local date of issue: the number's year, ledgers, ranges"),
    Column("status", String(12), nullable=False),
    Column("supersedes_id", RowId, ForeignKey("records.id")),
    Column("purged_at", UTCDateTime()),
    UniqueConstraint("prefix", "year", "seq"),
    CheckConstraint("status IN ('issued', 'voided', 'superseded', 'closed')", name="status"),
    Index(None, "room", "issued_on"),
    Index(None, "form_id", "issued_on"),
    Index(None, "issued_on"),
    Index(None, "supersedes_id"),
)

lookups = Table(
    "lookups", metadata,
    Column("kind", String(8), primary_key=True, comment="name, phone, tail4 (last 4 digits) or id"),
    Column("digest", LargeBinary(16), primary_key=True, comment="keyed HMAC of the normalised value"),
    Column("record_id", RowId, ForeignKey("records.id"), primary_key=True),
    Index(None, "record_id"),
)

dues = Table(
    "dues", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("record_id", RowId, ForeignKey("records.id"), nullable=False),
    Column("label", String(20), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("done_on", Date),
    Column("result", Text),
    Column("done_by", String(60)),
    Column("done_at", UTCDateTime()),
    Index(None, "record_id"),
    Index("ix_dues_open_due_on", "due_on", sqlite_where=text("done_at IS NULL"),
          postgresql_where=text("done_at IS NULL")),
)

events = Table(
    "events", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("record_id", RowId, ForeignKey("records.id"), nullable=False),
    Column("action", String(20), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("by", String(60), nullable=False),
    Column("reason", Text),
    Column("other_id", RowId, ForeignKey("records.id"), comment="supersede: the other record"),
    Index(None, "record_id"),
)

users = Table(
    "users", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("name", String(60), nullable=False, unique=True),
    Column("role", String(10), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("password_changed_at", UTCDateTime(), nullable=False),
    Column("disabled_at", UTCDateTime()),
    CheckConstraint("role IN ('前台', '主管', '管理员')", name="role"),
)

audit = Table(
    "audit", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(60)),
    Column("action", String(30), nullable=False),
    Column("number", String(32)),
    Column("detail", String(200), comment="never a personal value: a form id, a count, a role"),
    Index(None, "at"),
    Index(None, "number"),
)

meta = Table(
    "meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)
