"""The migrations build exactly the schema in builder/register/schema.py, on both databases,
and processes opening a new register at the same moment do not trip over each other."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from builder.register import ConfigError, open_register
from builder.register.database import head_revision, make_engine
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


def test_a_database_from_a_newer_handbook_is_refused(db_url, key_file):
    open_register(db_url, key_file=key_file).close_connections()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(ConfigError, match="schema revision 9999, which this version of the handbook does not know"):
        open_register(db_url, key_file=key_file)


def test_an_unreachable_server_is_one_line(tmp_path, key_file):
    with pytest.raises(ConfigError, match="^cannot open the register database: "):
        open_register(f"postgresql://nobody@/nothing?host={tmp_path}", key_file=key_file)
