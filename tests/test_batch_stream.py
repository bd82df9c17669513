"""Batches stream: each document written as it is made, never over an existing file; the
refused rows in an error workbook; progress as plain lines off a terminal; and a batch
stopped by SIGINT, SIGTERM or SIGKILL leaves no worker behind and no partial file."""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT
from pypdf import PdfReader

from builder.cli.main import cli

TODAY = f"{dt.date.today():%Y%m%d}"


def rows_csv(path: Path, n: int, bad: set[int] = frozenset(), room: str = "{i}栋101") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["房号", "业主姓名", "联系电话", "身份证号码", "签订日期"])
        for i in range(n):
            w.writerow([room.format(i=i + 1), f"业主{i}", "123" if i in bad else f"139{i:08d}",
                        "320106196503154024", "2026-03-01"])
    return path


def run(*args: str):
    return CliRunner().invoke(cli, ["form", "batch", "fanghuo-zerenshu", "--preview", *args], catch_exceptions=False)


def test_a_second_batch_never_replaces_the_first(tmp_path):
    out = tmp_path / "out"
    first = rows_csv(tmp_path / "a.csv", 2)
    assert run("--rows", str(first), "--format", "docx", "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # another owner in the same room, same day: a different document with the same name
    second = tmp_path / "b.csv"
    second.write_text("房号,业主姓名,联系电话,身份证号码,签订日期\n1栋101,另一位业主,13900000009,320106196503154024,2026-03-01\n",
                      encoding="utf-8")
    r = run("--rows", str(second), "--format", "docx", "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(out / "防火责任书-1栋101-20260301(2).docx")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before
    r = run("--rows", str(second), "--format", "docx", "--out", str(out), "--overwrite")
    assert r.stdout.strip() == str(out / "防火责任书-1栋101-20260301.docx")
    assert (out / "防火责任书-1栋101-20260301.docx").read_bytes() != before["防火责任书-1栋101-20260301.docx"]


def test_same_names_within_a_batch_get_numbers(tmp_path):
    path = rows_csv(tmp_path / "a.csv", 3, room="1栋101")
    r = run("--rows", str(path), "--format", "docx", "--out", str(tmp_path / "o"))
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "防火责任书-1栋101-20260301(2).docx", "防火责任书-1栋101-20260301(3).docx",
        "防火责任书-1栋101-20260301.docx"]
    assert r.exit_code == 0


def test_workers_stream_progress_lines_summary_and_error_workbook(tmp_path):
    path = rows_csv(tmp_path / "a.csv", 40, bad={3, 17, 30})
    out = tmp_path / "out"
    r = run("--rows", str(path), "--format", "pdf", "--out", str(out), "--workers", "2")
    assert r.exit_code == 2
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 37 and all(len(PdfReader(p).pages) >= 1 for p in pdfs)
    assert sorted(r.stdout.splitlines()) == [str(p) for p in pdfs]  # each path printed as it landed
    assert "进度: 37/40 份" not in r.stderr and "进度: " in r.stderr  # plain lines: not a terminal
    assert r.stderr.splitlines()[-1] == "共 40 行：已生成 37 份，3 行有误"
    assert f"{path} 第5行: 联系电话: 应为" in r.stderr
    book = out / f"防火责任书-有误的行-{TODAY}.xlsx"
    assert f"有误的行已列在 {book}" in r.stderr
    ws = openpyxl.load_workbook(book).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("行号", "问题", "表单")
    assert [r[0] for r in rows[1:]] == [5, 19, 32]
    assert all(r[1].startswith("联系电话: 应为") for r in rows[1:])
    assert not list(out.glob(".*"))


# --- stopping a batch --------------------------------------------------------------------------
def _marked() -> list[int]:
    """Processes started by the batch under test (they carry its marker in their environment)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if MARK.encode() in (d / "environ").read_bytes():
                    out.append(int(d.name))
            except OSError:
                continue
    return out


MARK = ""


def _start(tmp_path: Path, n: int = 300):
    global MARK
    MARK = f"HANDBOOK_TEST_MARK={uuid.uuid4().hex}"
    path = rows_csv(tmp_path / "a.csv", n)
    out = tmp_path / "out"
    env = {**os.environ, MARK.split("=")[0]: MARK.split("=")[1]}
    proc = subprocess.Popen([sys.executable, "-m", "builder.cli.main", "form", "batch", "fanghuo-zerenshu", "--rows",
                             str(path), "--format", "pdf", "--out", str(out), "--workers", "2", "--preview"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 10:
        time.sleep(0.1)
    assert len(list(out.glob("*.pdf"))) >= 10, proc.stderr.read() if proc.poll() is not None else "no files"
    return proc, out


def _no_strays_and_only_whole_files(out: Path, temp_ok: bool = False) -> None:
    deadline = time.monotonic() + 20
    while _marked() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked() == [], "processes left behind"
    others = [p.name for p in out.iterdir() if not p.name.endswith(".pdf")]
    if temp_ok:  # kill -9 can land mid-write: at most a hidden temp file, never a partial .pdf
        others = [n for n in others if not (n.startswith(".") and n.endswith(".tmp"))]
    assert others == []
    for p in out.glob("*.pdf"):
        assert len(PdfReader(p).pages) >= 1


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_batch_with_whole_files_and_a_list(tmp_path, sig):
    proc, out = _start(tmp_path)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig
    written = stdout.splitlines()
    assert written and sorted(written) == sorted(str(p) for p in out.glob("*.pdf"))
    assert len(written) < 300
    assert stderr.splitlines()[-1].startswith(f"共 300 行：已生成 {len(written)} 份；已中断，第 ")
    _no_strays_and_only_whole_files(out)


def test_kill_9_of_the_parent_leaves_no_workers(tmp_path):
    proc, out = _start(tmp_path)
    assert len(_marked()) >= 3  # the batch, the fork server and two workers
    proc.kill()
    proc.communicate(timeout=10)
    _no_strays_and_only_whole_files(out, temp_ok=True)
