"""Ledgers (XLSX with Chinese headers, written atomically) and backups taken while clerks write."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from register_fixtures import ID_A, issue_baoxiu

from builder.register import InvalidInput, RegisterError


def test_ledger_for_a_form_and_month(reg, clock, tmp_path):
    a = issue_baoxiu(reg, due=dt.date(2026, 4, 24))
    clock.set(2026, 4, 22, 9, 0)
    b = issue_baoxiu(reg, room="2栋301")
    reg.visit(a.number, result="已修好", by="客服小陈")
    reg.close(a.number, by="前台小王")
    reg.void(b.number, reason="重复开单", by="主管老李")
    clock.set(2026, 5, 1, 9, 0)
    issue_baoxiu(reg)  # May: not in April's ledger
    reg.issue("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {}, {}, issued_by="x")  # another form
    out = tmp_path / "台帐" / "报修-2026-04.xlsx"
    result = reg.export_ledger("yezhu-baoxiu-dan", "2026-04", out, by="主管老李")
    assert result.rows == 2 and result.path == out
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "业主报修单 台帐 2026年04月"
    headers = list(rows[1])
    assert headers[:4] == ["编号", "开单日期", "开单人", "状态"]
    assert headers[4:13] == ["房号", "业主姓名", "联系电话", "身份证号码", "报修日期", "类别", "金额", "报修内容",
                             "家庭成员"]  # the signature is not a ledger column
    assert headers[-7:] == ["回访截止", "回访日期", "回访结果", "回访人", "消单日期", "消单人", "作废/更正说明"]
    first = dict(zip(headers, rows[2], strict=True))
    assert first["编号"] == a.number and first["状态"] == "已消单" and first["身份证号码"] == "440305********351X"
    assert first["开单日期"].date() == dt.date(2026, 4, 21) and first["金额"] == 120.5
    assert first["回访截止"] == "2026-04-24" and first["回访结果"] == "已修好" and first["消单人"] == "前台小王"
    assert first["家庭成员"] == "李四, 110105********002X"
    second = dict(zip(headers, rows[3], strict=True))
    assert second["状态"] == "已作废" and second["作废/更正说明"] == "作废: 重复开单"
    assert ID_A not in str(rows)
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_ledger_mistakes(reg, tmp_path):
    with pytest.raises(InvalidInput, match="月份: 应如 2026-04"):
        reg.export_ledger("yezhu-baoxiu-dan", "2026-13", tmp_path / "a.xlsx", by="x")
    with pytest.raises(InvalidInput, match=r"\.xlsx"):
        reg.export_ledger("yezhu-baoxiu-dan", "2026-04", tmp_path / "a.csv", by="x")
    assert reg.export_ledger("nothing", "2026-04", tmp_path / "empty.xlsx", by="x").rows == 0
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", 0o500)
    if os.geteuid() != 0:  # root writes anywhere
        with pytest.raises(RegisterError, match="cannot write"):
            reg.export_ledger("nothing", "2026-04", tmp_path / "ro" / "x.xlsx", by="x")


def _restore_count(db_url: str, backup: Path, pg) -> int:
    if db_url.startswith("sqlite"):
        with sqlite3.connect(backup) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    target = pg.create_database("restore")
    try:
        plain = target.replace("+psycopg", "")
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={plain}", str(backup)], check=True,
                       capture_output=True)
        out = subprocess.run(["psql", "-tA", "-c", "SELECT count(*) FROM records", plain], check=True,
                             capture_output=True, text=True)
        return int(out.stdout.strip())
    finally:
        pg.drop_database(target)


def test_backup_while_clerks_keep_issuing(reg, db_url, tmp_path, request):
    pg = request.getfixturevalue("pg_cluster") if db_url.startswith("postgresql") else None
    for i in range(200):
        issue_baoxiu(reg, room=f"{i}号")
    stop = threading.Event()
    issued: list[str] = []
    errors: list[BaseException] = []

    def clerk() -> None:
        try:
            while not stop.is_set():
                issued.append(issue_baoxiu(reg).number)
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    t = threading.Thread(target=clerk)
    t.start()
    try:
        while len(issued) < 5:
            stop.wait(0.01)
        result = reg.backup(tmp_path / "backups" / "register.bak", by="管理员")
        during = len(issued)
        while len(issued) < during + 5:  # and the clerk goes on after it
            stop.wait(0.01)
    finally:
        stop.set()
        t.join()
    assert not errors
    assert result.path.exists() and result.bytes > 0 and result.path.stat().st_mode & 0o777 == 0o600
    in_copy = _restore_count(db_url, result.path, pg)
    assert 200 + 5 <= in_copy <= 200 + len(issued)  # one consistent moment in between
    if result.records is not None:
        assert result.records == in_copy
    assert [p.name for p in result.path.parent.iterdir()] == ["register.bak"]
    assert [e.actor for e in reg.audit_log(limit=10_000) if e.action == "backup"] == ["管理员"]
    assert ID_A.encode() not in result.path.read_bytes()  # still sealed in the copy
