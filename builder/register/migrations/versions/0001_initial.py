"""The register's first schema: form versions, counters, records, lookups, dues, events,
users, audit, meta.

Revision ID: 0001
Revises:
Create Date: 2026-04-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONData = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
RoomText = sa.String(60).with_variant(sa.String(60, collation="C"), "postgresql")
RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "form_versions",
        sa.Column("version", sa.String(64), nullable=False, comment="sha256 of the spec snapshot's canonical JSON"),
        sa.Column("form_id", sa.String(80), nullable=False),
        sa.Column("snapshot", JSONData, nullable=False),
        sa.Column("first_issued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_form_versions"),
    )
    op.create_table(
        "counters",
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name="pk_counters"),
    )
    op.create_table(
        "records",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(80), nullable=False),
        sa.Column("form_code", sa.String(40)),
        sa.Column("form_title", sa.String(100), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("data", JSONData, nullable=False, comment="the values, ID numbers replaced by placeholders"),
        sa.Column("sealed", sa.LargeBinary(), comment="AES-GCM of the ID numbers, bound to the number"),
        sa.Column("room", RoomText),
        sa.Column("name_masked", sa.String(40)),
        sa.Column("phone_masked", sa.String(40)),
        sa.Column("issued_by", sa.String(60), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False,
                  comment="local date of issue: the number's year, ledgers, ranges"),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("supersedes_id", RowId),
        sa.Column("purged_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.UniqueConstraint("number", name="uq_records_number"),
        sa.UniqueConstraint("prefix", "year", "seq", name="uq_records_prefix_year_seq"),
        sa.CheckConstraint("status IN ('issued', 'voided', 'superseded', 'closed')", name="ck_records_status"),
        sa.ForeignKeyConstraint(["version"], ["form_versions.version"], name="fk_records_version_form_versions"),
        sa.ForeignKeyConstraint(["supersedes_id"], ["records.id"], name="fk_records_supersedes_id_records"),
    )
    op.create_index("ix_records_room_issued_on", "records", ["room", "issued_on"])
    op.create_index("ix_records_form_id_issued_on", "records", ["form_id", "issued_on"])
    op.create_index("ix_records_issued_on", "records", ["issued_on"])
    op.create_index("ix_records_supersedes_id", "records", ["supersedes_id"])
    op.create_table(
        "lookups",
        sa.Column("kind", sa.String(8), nullable=False, comment="name, phone, tail4 (last 4 digits) or id"),
        sa.Column("digest", sa.LargeBinary(16), nullable=False, comment="keyed HMAC of the normalised value"),
        sa.Column("record_id", RowId, nullable=False),
        sa.PrimaryKeyConstraint("kind", "digest", "record_id", name="pk_lookups"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name="fk_lookups_record_id_records"),
    )
    op.create_index("ix_lookups_record_id", "lookups", ["record_id"])
    op.create_table(
        "dues",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("record_id", RowId, nullable=False),
        sa.Column("label", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date()),
        sa.Column("result", sa.Text()),
        sa.Column("done_by", sa.String(60)),
        sa.Column("done_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_dues"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name="fk_dues_record_id_records"),
    )
    op.create_index("ix_dues_record_id", "dues", ["record_id"])
    op.create_index("ix_dues_open_due_on", "dues", ["due_on"], sqlite_where=sa.text("done_at IS NULL"),
                    postgresql_where=sa.text("done_at IS NULL"))
    op.create_table(
        "events",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("record_id", RowId, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(60), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("other_id", RowId, comment="supersede: the other record"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name="fk_events_record_id_records"),
        sa.ForeignKeyConstraint(["other_id"], ["records.id"], name="fk_events_other_id_records"),
    )
    op.create_index("ix_events_record_id", "events", ["record_id"])
    op.create_table(
        "users",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.CheckConstraint("role IN ('前台', '主管', '管理员')", name="ck_users_role"),
    )
    op.create_table(
        "audit",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(60)),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("number", sa.String(32)),
        sa.Column("detail", sa.String(200), comment="never a personal value: a form id, a count, a role"),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_number", "audit", ["number"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )


def downgrade() -> None:
    for table in ("meta", "audit", "users", "events", "dues", "lookups", "records", "counters", "form_versions"):
        op.drop_table(table)
