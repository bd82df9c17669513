"""``handbook form fill/batch/pack`` issue into the register, and ``handbook register reprint``
draws the same document again, even after the template changed. Real register (SQLite in a
temporary data folder), real WeasyPrint, the text read back with pdftotext."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from builder.cli.main import cli
from builder.register import open_register

SLIP = """\
房号: 5栋1单元802
业主姓名: 张三丰
联系电话: "13812345678"
报修时间: 2026-04-21 09:30
报修类别: 房屋渗漏水
报修内容: 卫生间天花板渗水
完成日期: 2026-04-21
"""
NUMBER = re.compile(r"\bBX-\d{4}-\d{6}\b")


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDBOOK_DATA_DIR", str(tmp_path / "data"))
    for name in ("HANDBOOK_DATABASE_URL", "HANDBOOK_REGISTER_KEY_FILE", "HANDBOOK_USER", "HANDBOOK_CLERK"):
        monkeypatch.delenv(name, raising=False)
    assert run("user", "add", "老周", "--role", "管理员", "--password-stdin", input="a long password\n").exit_code == 0
    r = run("user", "add", "小王", "--role", "前台", "--password-stdin", "--by", "老周", input="a long password\n")
    assert r.exit_code == 0, r.output
    return tmp_path


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def records(**criteria: str) -> list:
    reg = open_register()
    try:
        return reg.search(**criteria)
    finally:
        reg.close_connections()


def test_fill_issues_a_numbered_record_printed_on_the_pdf(env):
    data = env / "slip.yaml"
    data.write_text(SLIP, encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "pdf,docx", "--out", str(env / "o"),
            "--by", "小王")
    assert r.exit_code == 0, r.output
    number = NUMBER.search(r.stderr).group(0)
    [rec] = records(room="5栋1单元802")
    assert (rec.number, rec.issued_by, rec.form_id) == (number, "小王", "yezhu-baoxiu-dan")
    assert rec.next_due is not None  # the 回访 due date the form's rule computed
    [pdf] = (env / "o").glob("*.pdf")
    text = pdf_text(pdf)
    assert f"No. {number}" in text and "预览" not in text
    assert "张三丰" not in r.output and "13812345678" not in r.output  # nothing personal echoed


def test_preview_stores_nothing_and_says_so(env):
    data = env / "slip.yaml"
    data.write_text(SLIP, encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "pdf", "--out", str(env / "o"),
            "--preview")
    assert r.exit_code == 0, r.output
    [pdf] = (env / "o").glob("*.pdf")
    text = pdf_text(pdf)
    assert "预览" in text and not NUMBER.search(text)
    assert records(room="5栋") == []


def test_issuing_needs_a_clerk_with_an_account(env, monkeypatch):
    data = env / "slip.yaml"
    data.write_text(SLIP, encoding="utf-8")
    args = ["form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "pdf", "--out", str(env / "o")]
    r = run(*args)
    assert r.exit_code == 2 and "--by" in r.stderr and "HANDBOOK_CLERK" in r.stderr
    r = run(*args, "--by", "无此人")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert not (env / "o").exists() and records(room="5栋") == []
    monkeypatch.setenv("HANDBOOK_CLERK", "小王")
    assert run(*args).exit_code == 0
    assert [x.issued_by for x in records(room="5栋")] == ["小王"]


def test_bad_input_takes_no_number(env):
    data = env / "slip.yaml"
    data.write_text(SLIP.replace('"13812345678"', '"12345"'), encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "pdf", "--out", str(env / "o"),
            "--by", "小王")
    assert r.exit_code == 2 and "联系电话" in r.stderr
    assert records(form="yezhu-baoxiu-dan") == []


def test_batch_issues_each_good_row_with_its_own_number(env):
    rows = env / "rows.csv"
    with rows.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["房号", "业主姓名", "联系电话", "报修时间", "报修类别", "报修内容"])
        w.writerow(["1栋101", "甲一", "13800000001", "2026-04-21 09:00", "其他", "门锁坏"])
        w.writerow(["1栋102", "乙二", "123", "2026-04-21 09:00", "其他", "灯不亮"])  # a bad phone
        w.writerow(["1栋103", "丙三", "13800000003", "2026-04-21 09:00", "其他", "水龙头漏"])
    r = run("form", "batch", "yezhu-baoxiu-dan", "--rows", str(rows), "--format", "pdf", "--out", str(env / "o"),
            "--by", "小王", "--workers", "1")
    assert r.exit_code == 2  # one row refused, the others written
    found = {x.room: x.number for x in records(room="1栋")}
    assert set(found) == {"1栋101", "1栋103"} and len(set(found.values())) == 2
    for room, number in found.items():
        [pdf] = (env / "o").glob(f"*{room}*.pdf")
        assert f"No. {number}" in pdf_text(pdf)


def test_pack_issues_every_form_in_one_step(env):
    import json

    from builder.core.formspec import load_packs, load_specs
    from builder.forms.samples import sample_data

    specs, _ = load_specs(ROOT / "forms")
    packs, _ = load_packs(ROOT / "forms", set(specs))
    answers: dict[str, object] = {"owner_name": "陈明", "room": "3栋2单元1501", "phone": "13812345678",
                                  "id_number": "320106196503154024", "date": "2026-03-01"}
    for fid in packs["zhuangxiu"].forms:
        sample = sample_data(specs[fid])
        ruled = {n for r in specs[fid].rules for n in r.names()}
        for f in specs[fid].fields:
            if (f.required or f.name in ruled) and f.name not in answers and f.name in sample:
                answers[f.name] = sample[f.name]
    data = env / "room.json"
    data.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    r = run("form", "pack", "zhuangxiu", "--data", str(data), "--format", "pdf", "--out", str(env / "o"), "--by", "小王")
    assert r.exit_code == 0, r.output
    got = records(room="3栋2单元1501")
    assert sorted(x.form_id for x in got) == sorted(packs["zhuangxiu"].forms)
    for x in got:
        [pdf] = (env / "o").glob(f"{specs[x.form_id].title}-*.pdf")
        assert f"No. {x.number}" in pdf_text(pdf)


def test_reprint_is_the_document_first_issued_after_the_template_changed(env):
    forms = env / "forms"
    shutil.copytree(ROOT / "forms", forms)
    data = env / "slip.yaml"
    data.write_text(SLIP, encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "pdf", "--out", str(env / "first"),
            "--by", "小王", "--forms", str(forms))
    assert r.exit_code == 0, r.output
    number = NUMBER.search(r.stderr).group(0)
    [first] = (env / "first").glob("*.pdf")
    # the template changes: a label renamed (报修内容 → 报修事项说明)
    spec_file = forms / "yezhu-baoxiu-dan" / "form.yaml"
    before = spec_file.read_text(encoding="utf-8")
    changed = before.replace("label: 报修内容,", "label: 报修事项说明,", 1)
    assert changed != before
    spec_file.write_text(changed, encoding="utf-8")
    data.write_text(SLIP.replace("报修内容", "报修事项说明"), encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "pdf", "--out", str(env / "now"),
            "--preview", "--forms", str(forms))
    assert r.exit_code == 0, r.output
    assert "报修事项说明" in pdf_text(next((env / "now").glob("*.pdf")))  # today's template differs

    r = run("register", "reprint", number, "--format", "pdf,docx", "--out", str(env / "again"), "--by", "小王")
    assert r.exit_code == 0, r.output
    [again] = (env / "again").glob("*.pdf")
    assert pdf_text(again) == pdf_text(first)
    assert "报修事项说明" not in pdf_text(again)
    assert len(list((env / "again").glob("*.docx"))) == 1
    # and the values it holds are the values issued
    reg = open_register()
    try:
        values = reg.reprint_data(number, by="小王").values
    finally:
        reg.close_connections()
    assert values["room"] == "5栋1单元802" and values["owner_name"] == "张三丰" and values["phone"] == "13812345678"


def test_reprint_refusals_are_one_line(env):
    r = run("register", "reprint", "BX-2026-999999", "--out", str(env / "o"), "--by", "小王")
    assert r.exit_code == 2 and "BX-2026-999999" in r.stderr and "Traceback" not in r.output
    r = run("register", "reprint", "BX-2026-000001", "--format", "odt", "--out", str(env / "o"), "--by", "小王")
    assert r.exit_code == 2 and "--format" in r.stderr
