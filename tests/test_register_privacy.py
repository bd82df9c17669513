"""Personal data: ID numbers sealed at rest, exact lookups by keyed digest, masking in lists,
purge keeps the counts, and neither the audit log nor any log holds a personal value."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from pathlib import Path

import pytest
from register_fixtures import ID_A, ID_B, baoxiu_values, issue_baoxiu
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from builder.register import Conflict
from builder.register.schema import audit, lookups, records

NAME, PHONE = "欧阳娜娜", "13987654321"
PERSONAL = [ID_A, ID_B, ID_A[6:14], NAME, PHONE, "张三丰", "13812345678", "李四"]


def raw_bytes(reg, db_url: str, pg_cluster_or_none) -> bytes:
    """Everything the database keeps on disk (SQLite: the file and its WAL; PostgreSQL: a dump)."""
    if db_url.startswith("sqlite"):
        path = Path(reg.engine.url.database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    out = subprocess.run(["pg_dump", "--data-only", f"--dbname={db_url.replace('+psycopg', '')}"],
                         capture_output=True, check=True)
    return out.stdout


def test_id_numbers_are_never_stored_in_clear(reg, db_url, request):
    issue_baoxiu(reg, name=NAME, phone=PHONE)
    issue_baoxiu(reg, room="3栋", id_number=ID_B)
    blob = raw_bytes(reg, db_url, None)
    assert b"BX-2026-000001" in blob  # the dump is real
    for secret in (ID_A, ID_B, ID_A.lower(), ID_A[6:14]):
        assert secret.encode() not in blob, f"{secret} found in the raw database"
    with reg.engine.connect() as conn:
        row = conn.execute(select(records).where(records.c.number == "BX-2026-000001")).one()
        assert row.data["id_number"] == {"$sealed": "id_number"}
        assert row.data["family"][0]["id_number"] == {"$sealed": "family/0/id_number"}
        assert ID_A not in str(row._mapping) and NAME.encode() not in b"".join(
            r.digest for r in conn.execute(select(lookups)))
    # exact match through the keyed digest, in any case and with spaces
    assert [s.number for s in reg.search(id_number=" 44030519900105351x ")] == ["BX-2026-000001"]
    assert reg.search(id_number=ID_A[:-1] + "0") == []


def test_sealed_values_are_bound_to_their_record(reg):
    a, b = issue_baoxiu(reg), issue_baoxiu(reg, id_number=ID_B)
    with reg.engine.begin() as conn:  # move b's sealed blob onto a: it must not open there
        blob = conn.execute(select(records.c.sealed).where(records.c.number == b.number)).scalar_one()
        conn.execute(records.update().where(records.c.number == a.number).values(sealed=blob))
    from builder.register import ConfigError

    with pytest.raises(ConfigError, match="does not open"):
        reg.reprint_data(a.number, by="x")


def test_lists_are_masked(reg):
    issue_baoxiu(reg, name=NAME, phone=PHONE)
    (s,) = reg.search(name=NAME)
    assert (s.owner, s.phone) == ("欧***", "139****4321")
    assert NAME not in str(s.as_dict()) and PHONE not in str(s.as_dict()) and ID_A not in str(s.as_dict())


def test_purge_removes_personal_values_but_keeps_counts(reg, clock, db_url, tmp_path):
    clock.set(2023, 3, 1, 9, 0)
    old = issue_baoxiu(reg, name=NAME, phone=PHONE, due=dt.date(2023, 3, 4))
    reg.visit(old.number, result=f"业主{NAME}满意, 回电{PHONE}", by="客服小陈")
    reg.close(old.number, by="前台小王", note=f"{NAME}签字")
    old2 = issue_baoxiu(reg, name=NAME, phone=PHONE)
    reg.void(old2.number, reason=f"{NAME}重复报修", by="主管老李")
    clock.set(2026, 4, 21, 9, 0)
    new = issue_baoxiu(reg)
    ledger_before = reg.export_ledger("yezhu-baoxiu-dan", "2023-03", tmp_path / "a.xlsx", by="主管老李").rows

    result = reg.purge(before=dt.date(2024, 1, 1), by="管理员")
    assert result.records == 2 and reg.purge(before=dt.date(2024, 1, 1), by="管理员").records == 0

    assert reg.search(name=NAME) == [] and reg.search(phone=PHONE) == [] and reg.search(room="5栋") == [
        s for s in reg.search(room="5栋") if s.number == new.number]
    assert len(reg.search(form="yezhu-baoxiu-dan")) == 3  # the counts stay
    assert reg.export_ledger("yezhu-baoxiu-dan", "2023-03", tmp_path / "b.xlsx", by="主管老李").rows == ledger_before
    d = reg.show(old.number)
    assert d.purged and d.values == {} and d.summary.owner is None and d.summary.room is None
    assert d.summary.status == "closed" and d.dues[0].result is None and d.dues[0].due_on == dt.date(2023, 3, 4)
    assert [e.action for e in d.history] == ["issued", "visited", "closed", "purged"]
    assert all(e.reason in (None, "回访") for e in d.history)
    with pytest.raises(Conflict, match="已按保存期限清除"):
        reg.reprint_data(old.number, by="x")
    assert reg.reprint_data(new.number, by="x").values == baoxiu_values()
    blob = raw_bytes(reg, db_url, None)
    for secret in (NAME, PHONE):
        assert secret.encode() not in blob


def test_audit_log_has_who_what_when_and_nothing_personal(reg, tmp_path):
    n = issue_baoxiu(reg, name=NAME, phone=PHONE, due=dt.date(2026, 4, 22)).number
    reg.search(name=NAME, by="前台小王")
    reg.search(phone=PHONE[-4:], by="前台小王")
    reg.search(id_number=ID_A, by="前台小王")
    reg.show(n, by="前台小王")
    reg.reprint_data(n, by="前台小王")
    reg.visit(n, result=f"{NAME}说已修好 {PHONE}", by="客服小陈")
    reg.close(n, by="前台小王", note=NAME)
    m = reg.supersede(n, baoxiu_values(name=NAME), reason=f"{NAME}的电话{PHONE}写错", by="主管老李")
    reg.void(m.number, reason=f"{NAME} {ID_A}", by="主管老李")
    reg.export_ledger("yezhu-baoxiu-dan", "2026-04", tmp_path / "l.xlsx", by="主管老李")
    reg.add_user("小王", "前台", "correct horse")
    reg.authenticate("小王", "wrong password")
    reg.authenticate(NAME, "wrong password")  # an unknown name typed at login is not kept either
    entries = reg.audit_log()
    actions = [e.action for e in reversed(entries)]
    assert actions == ["issue", "search", "search", "search", "show", "reprint", "visit", "close", "issue",
                       "supersede", "void", "export", "user.add", "login.refused", "login.refused"]
    assert {e.number for e in entries if e.action in ("issue", "reprint", "show", "visit", "close")} == {n, m.number}
    assert all(e.at.tzinfo is not None and e.actor != "" for e in entries)
    text_of_log = " ".join(str(e.as_dict()) for e in entries)
    for secret in (*PERSONAL, PHONE[-4:]):
        assert secret not in text_of_log, secret
    with reg.engine.connect() as conn:  # and nothing hidden in the table itself
        assert not any(NAME in str(r) or PHONE in str(r) for r in conn.execute(select(audit)))


def test_nothing_personal_reaches_a_log(reg, caplog, db_url):
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "alembic"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        n = issue_baoxiu(reg, name=NAME, phone=PHONE).number
        reg.search(name=NAME, phone=PHONE, id_number=ID_A)
        reg.show(n)
        reg.reprint_data(n, by="x")
        with pytest.raises(IntegrityError) as failed, reg.engine.begin() as conn:
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": "dup", "v": PHONE})
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": "dup", "v": ID_A})
        assert "parameters hidden" in str(failed.value) and PHONE not in str(failed.value)
    finally:
        for name in ("sqlalchemy.engine", "sqlalchemy.pool", "alembic"):
            logging.getLogger(name).setLevel(logging.WARNING)
    assert caplog.records, "the SQL logger was not captured"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in PERSONAL:
        assert secret not in logged, secret


def test_pg_server_log_holds_no_personal_values(request, db_url, reg):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's own server log")
    pg = request.getfixturevalue("pg_cluster")
    start = pg.log.stat().st_size
    n = issue_baoxiu(reg, name=NAME, phone=PHONE).number
    reg.search(name=NAME, phone=PHONE)
    reg.supersede(n, baoxiu_values(name=NAME), reason=NAME, by="主管老李")
    with pytest.raises(Conflict):  # a refused action leaves nothing personal in the server's log
        reg.supersede(n, baoxiu_values(name=NAME), reason=NAME, by="主管老李")
    with pg.log.open("rb") as f:
        f.seek(start)
        logged = f.read().decode(errors="replace")
    for secret in PERSONAL:
        assert secret not in logged


def test_key_file_is_private(reg, key_file):
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_text().startswith("handbook-register-key v1\n")
