"""The migrations build exactly the schema in builder/register/schema.py, on both databases,
and processes opening a new register at the same moment do not trip over each other."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from builder.register.database import head_revision
from builder.register.schema import metadata


def test_migrations_match_the_schema(reg):
    with reg.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert ctx.get_current_revision() == head_revision()
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_expected_indexes(reg):
    insp = inspect(reg.engine)
    assert {i["name"] for i in insp.get_indexes("records")} >= {
        "ix_records_room_issued_on", "ix_records_form_id_issued_on", "ix_records_issued_on"}
    assert "ix_dues_open_due_on" in {i["name"] for i in insp.get_indexes("dues")}
    # no personal value is indexed in clear: lookups holds digests only
    assert [c["name"] for c in insp.get_columns("lookups")] == ["kind", "digest", "record_id"]


def test_processes_opening_a_new_register_at_once(db_url, tmp_path):
    code = ("import sys; from builder.register import open_register; "
            "r = open_register(sys.argv[1], key_file=sys.argv[2]); print(len(r.search()))")
    key = tmp_path / "k" / "register.key"
    procs = [subprocess.Popen([sys.executable, "-c", code, db_url, str(key)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert [out.strip() for out, _ in results] == ["0", "0", "0"]
