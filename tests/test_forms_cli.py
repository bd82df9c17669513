"""``handbook form …`` driven in-process: good input writes files, bad input is refused with
a field-named line per problem, exit 2, and nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from builder.cli.main import cli
from builder.core.formspec import load_packs, load_specs
from builder.forms.docx import docx_text

SPECS, _ = load_specs(ROOT / "forms")

SLIP_YAML = """\
房号: 3栋2单元1501
业主姓名: 陈𡃁明
联系电话: "１３８１２３４５６７８"
报修时间: 2026/3/1 09:30
报修类别: 其他
报修内容: "厨房水管漏水 {{ 7*7 }}"
维修材料:
  - 材料名称: 水管
    数量: 1
    金额(元): 12.5
  - item: 阀门
    qty: 2
完成日期: 2026-03-01
"""


@pytest.fixture(autouse=True, scope="module")
def clerk(tmp_path_factory):
    """Every form filled here is issued into a throwaway register as the 前台 account 小王."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDBOOK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        for name in ("HANDBOOK_DATABASE_URL", "HANDBOOK_REGISTER_KEY_FILE", "HANDBOOK_USER"):
            mp.delenv(name, raising=False)
        r = CliRunner().invoke(cli, ["user", "add", "小王", "--role", "前台", "--password-stdin"],
                               input="a long password\n", catch_exceptions=False)
        assert r.exit_code == 0, r.output
        mp.setenv("HANDBOOK_CLERK", "小王")
        yield "小王"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def files(d: Path) -> list[str]:
    return sorted(p.name for p in d.rglob("*") if p.is_file()) if d.exists() else []


def test_list_and_show_json():
    r = run("form", "list", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {x["id"] for x in rows} == set(SPECS)
    assert all(set(x) == {"id", "title", "code"} for x in rows)
    r = run("form", "show", "yezhu-baoxiu-dan", "--json")
    schema = json.loads(r.stdout)
    room = next(f for f in schema["fields"] if f["name"] == "room")
    assert room["label"] == "房号" and room["required"] is True and room["type"] == "text"
    table = next(f for f in schema["fields"] if f["type"] == "table")
    assert table["columns"] and "max_rows" in table
    assert run("form", "show", "yezhu-baoxiu-dan").exit_code == 0


def test_fill_yaml_writes_docx_and_pdf(tmp_path):
    data = tmp_path / "slip.yaml"
    data.write_text(SLIP_YAML, encoding="utf-8")
    out = tmp_path / "out"
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "docx,pdf", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert files(out) == ["业主报修单-3栋2单元1501-20260301.docx", "业主报修单-3栋2单元1501-20260301.pdf"]
    text = docx_text((out / "业主报修单-3栋2单元1501-20260301.docx").read_bytes())
    assert "陈𡃁明" in text and "13812345678" in text and "阀门" in text and "{{ 7*7 }}" in text
    assert (out / "业主报修单-3栋2单元1501-20260301.pdf").read_bytes()[:5] == b"%PDF-"


def test_fill_json_with_field_names(tmp_path):
    data = tmp_path / "slip.json"
    data.write_text(json.dumps({"room": "A-1", "owner_name": "王五", "phone": "13800000000",
                                "report_time": "2026-03-01 08:00", "category": "其他",
                                "description": "门锁坏", "done_date": "2026-03-02"}, ensure_ascii=False), encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "docx", "--out", str(tmp_path / "o"))
    assert r.exit_code == 0, r.output
    assert files(tmp_path / "o") == ["业主报修单-A-1-20260301.docx"]


BAD_INPUTS = [
    ("联系电话: 12345", "联系电话: 应为 11 位手机号码"),
    ("联系电话: ١٣٨١٢٣٤٥٦٧٨", "联系电话: 只能用阿拉伯数字"),
    ("完成日期: 2026-02-30", "完成日期: 2026年2月30日 不存在"),
    ("报修类别: 水", "报修类别: 应为以下之一"),
    ("业主姓名: \"张\\v三\"", "业主姓名: 含有无法写入文档的字符 U+000B"),
    ("维修材料:\n  - 材料名称: 水管\n    数量: abc", "维修材料 第1行 数量: 不是数字"),
    ("维修材料:\n  - 材料名称: 水管\n    金额(元): 1.234", "维修材料 第1行 金额(元): 金额最多两位小数"),
    ("报修内容: \"" + "长" * 501 + "\"", "报修内容: 最多 500 个字"),
    ("不存在的字段: 1", "不存在的字段: “业主报修单”没有这个字段"),
]


@pytest.mark.parametrize("line,message", BAD_INPUTS, ids=[m.split(":")[0] for _, m in BAD_INPUTS])
def test_fill_refuses_bad_input_naming_the_field(tmp_path, line, message):
    base = {k: v for k, v in (x.split(": ", 1) for x in SLIP_YAML.splitlines() if ": " in x and not x.startswith(" "))}
    key = line.split(":", 1)[0]
    base.pop(key, None)
    text = "\n".join(f"{k}: {v}" for k, v in base.items() if k != "维修材料") + "\n" + line + "\n"
    data = tmp_path / "bad.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--out", str(out))
    assert r.exit_code == 2
    assert f"{data}: {message}" in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert files(out) == []


def test_fill_reports_every_problem_one_line_each(tmp_path):
    data = tmp_path / "bad.yaml"
    data.write_text("联系电话: 1\n完成日期: 2026-02-30\n", encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) >= 6 and all(line.startswith(f"{data}: ") for line in lines)
    assert any("房号: 必填" in line for line in lines)


@pytest.mark.parametrize("content,message", [
    ("房号: [a\n", "YAML syntax error"),
    ("- a\n- b\n", "should map fields to values"),
    ("a: 1\na: 2\n", "duplicate key"),
])
def test_fill_refuses_unreadable_files(tmp_path, content, message):
    data = tmp_path / "bad.yaml"
    data.write_text(content, encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and message in r.stderr and str(data) in r.stderr
    assert files(tmp_path / "o") == []


def test_fill_unknown_form_missing_file_bad_format(tmp_path):
    r = run("form", "fill", "no-such-form", "--data", "x.yaml")
    assert r.exit_code == 2 and "unknown form 'no-such-form'" in r.stderr
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(tmp_path / "missing.yaml"))
    assert r.exit_code == 2 and "no such file" in r.stderr
    data = tmp_path / "s.yaml"
    data.write_text(SLIP_YAML, encoding="utf-8")
    r = run("form", "fill", "yezhu-baoxiu-dan", "--data", str(data), "--format", "odt", "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "--format" in r.stderr
    assert files(tmp_path / "o") == []


def test_blank(tmp_path):
    r = run("form", "blank", "fanghuo-zerenshu", "--format", "docx", "--out", str(tmp_path))
    assert r.exit_code == 0
    assert files(tmp_path) == ["防火责任书-空白表.docx"]


@pytest.fixture
def pack_file(tmp_path):
    def make(name: str) -> Path:
        from builder.forms.samples import sample_data

        packs, _ = load_packs(ROOT / "forms", set(SPECS))
        answers: dict[str, object] = {"owner_name": "陈𡃁明", "room": "3栋2单元1501", "phone": "13812345678",
                                      "id_number": "320106196503154024", "date": "2026-03-01"}
        for fid in packs[name].forms:
            sample = sample_data(SPECS[fid])
            ruled = {n for r in SPECS[fid].rules for n in r.names()}
            for f in SPECS[fid].fields:
                if (f.required or f.name in ruled) and f.name not in answers and f.name in sample:
                    answers[f.name] = sample[f.name]
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
        return p
    return make


@pytest.mark.parametrize("name", ["ruhuo", "zhuangxiu"])
def test_pack_fills_every_form(tmp_path, pack_file, name):
    packs, _ = load_packs(ROOT / "forms", set(SPECS))
    out = tmp_path / "out"
    r = run("form", "pack", name, "--data", str(pack_file(name)), "--format", "docx", "--out", str(out))
    assert r.exit_code == 0, r.stderr
    names = files(out)
    assert len(names) == len(packs[name].forms)
    for fid in packs[name].forms:
        doc = next(n for n in names if n.startswith(SPECS[fid].title + "-"))
        assert "3栋2单元1501" in doc
        text = docx_text((out / doc).read_bytes())
        assert "3栋2单元1501" in text, f"{doc}: the room is not on the form"


def test_pack_as_pdf_is_also_one_merged_pdf_in_order(tmp_path, pack_file):
    from pypdf import PdfReader

    packs, _ = load_packs(ROOT / "forms", set(SPECS))
    out = tmp_path / "out"
    r = run("form", "pack", "zhuangxiu", "--data", str(pack_file("zhuangxiu")), "--format", "pdf", "--out", str(out))
    assert r.exit_code == 0, r.stderr
    merged = [n for n in files(out) if n.startswith("装修资料包-3栋2单元1501-")]
    assert len(merged) == 1 and len(files(out)) == len(packs["zhuangxiu"].forms) + 1
    reader = PdfReader(out / merged[0])
    assert [o.title for o in reader.outline] == [SPECS[f].title for f in packs["zhuangxiu"].forms]
    parts = sum(len(PdfReader(out / n).pages) for n in files(out) if n not in merged)
    assert len(reader.pages) == parts


def test_pack_is_all_or_nothing(tmp_path, pack_file):
    p = pack_file("ruhuo")
    data = json.loads(p.read_text(encoding="utf-8"))
    data["phone"] = "123"
    data["typo_field"] = "x"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    r = run("form", "pack", "ruhuo", "--data", str(p), "--out", str(out))
    assert r.exit_code == 2
    assert "联系电话: 应为" in r.stderr and "typo_field" in r.stderr
    assert files(out) == []
    r = run("form", "pack", "nope", "--data", str(p))
    assert r.exit_code == 2 and "unknown pack 'nope'" in r.stderr


def _rows_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    header = list(rows[0])
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)
    return path


def _fire_rows(n: int, bad_at: set[int] = frozenset()) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        rows.append({"房号": f"{i + 1}栋101", "业主姓名": "陈𡃁明" if i == 0 else f"业主{i}",
                     "联系电话": "123" if i in bad_at else f"139{i:08d}",
                     "身份证号码": "320106196503154024", "签订日期": "2026-03-01"})
    return rows


def test_batch_csv_reports_bad_rows_and_writes_the_good(tmp_path):
    assert "fanghuo-zerenshu" in SPECS
    rows = _rows_csv(tmp_path / "rows.csv", _fire_rows(4, bad_at={2}))
    out = tmp_path / "out"
    r = run("form", "batch", "fanghuo-zerenshu", "--rows", str(rows), "--format", "docx", "--out", str(out))
    assert r.exit_code == 2
    assert f"{rows} 第4行: 联系电话: 应为" in r.stderr  # the third data row is spreadsheet row 4
    assert "共 4 行：已生成 3 份，1 行有误" in r.stderr
    docs = [f for f in files(out) if f.endswith(".docx")]
    assert len(docs) == 3 and "防火责任书-3栋101-20260301.docx" not in docs
    assert f"防火责任书-有误的行-{dt.date.today():%Y%m%d}.xlsx" in files(out)


def test_batch_xlsx_pdf_zip_and_table_columns(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["房号", "业主姓名", "联系电话", "报修时间", "报修类别", "报修内容", "维修材料1.材料名称",
               "维修材料1.数量", "维修材料2.材料名称", "完成日期"])
    import datetime as dt

    for i in range(9):
        ws.append([f"{i}栋", f"业主{i}", f"1390000000{i}", dt.datetime(2026, 3, 1, 9, 30), "其他", "漏水",
                   "水管", i + 1, "阀门" if i % 2 else None, dt.date(2026, 3, 2)])
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    out = tmp_path / "out"
    r = run("form", "batch", "yezhu-baoxiu-dan", "--rows", str(path), "--format", "docx,pdf", "--out", str(out),
            "--zip", "--workers", "2")
    assert r.exit_code == 0, r.stderr
    (zname,) = files(out)
    with zipfile.ZipFile(out / zname) as z:
        names = sorted(z.namelist())
        assert len(names) == 18
        doc = z.read("业主报修单-1栋-20260301.docx")
        text = docx_text(doc)
        assert "水管" in text and "阀门" in text and "2026年3月1日 09:30" in text
        assert z.read("业主报修单-1栋-20260301.pdf")[:5] == b"%PDF-"


def test_batch_unknown_column_is_a_row_error(tmp_path):
    rows = _fire_rows(2)
    for row in rows:
        row["电话号码"] = "x"
    path = _rows_csv(tmp_path / "rows.csv", rows, encoding="gb18030")
    r = run("form", "batch", "fanghuo-zerenshu", "--rows", str(path), "--format", "docx", "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "电话号码" in r.stderr
    assert [f for f in files(tmp_path / "o") if not f.endswith(".xlsx")] == []


def test_help_has_examples():
    for cmd in ("list", "show", "fill", "blank", "batch", "pack"):
        r = run("form", cmd, "--help")
        assert r.exit_code == 0 and "Example" in r.stdout and "handbook form" in r.stdout


def test_unknown_region_code_is_a_warning_not_a_refusal(tmp_path):
    data = tmp_path / "room.yaml"
    data.write_text("房号: 1-101\n业主姓名: 王五\n联系电话: 13800000000\n身份证号码: 320106196503154024\n"
                    "date: 2026-03-01\n", encoding="utf-8")
    r = run("form", "fill", "fanghuo-zerenshu", "--data", str(data), "--format", "docx", "--out", str(tmp_path / "o"))
    assert r.exit_code == 0, r.stderr
    assert "warning: 身份证号码: 地区代码 320106" in r.stderr
    assert files(tmp_path / "o") == ["防火责任书-1-101-20260301.docx"]


def test_show_columns_round_trips_through_a_batch(tmp_path):
    r = run("form", "show", "yezhu-baoxiu-dan", "--columns")
    header = next(csv.reader(io.StringIO(r.stdout)))
    assert "房号" in header and "维修材料1.材料名称" in header
    row = {h: "" for h in header}
    row.update({"房号": "1-101", "业主姓名": "王五", "联系电话": "13800000000", "报修时间": "2026-03-01 09:00",
                "报修类别": "其他", "报修内容": "漏水", "维修材料1.材料名称": "水管", "完成日期": "2026-03-02"})
    path = _rows_csv(tmp_path / "rows.csv", [row])
    r = run("form", "batch", "yezhu-baoxiu-dan", "--rows", str(path), "--format", "docx", "--out", str(tmp_path / "o"))
    assert r.exit_code == 0, r.stderr
    assert "水管" in docx_text((tmp_path / "o" / "业主报修单-1-101-20260301.docx").read_bytes())


def test_xlsx_number_cells(tmp_path):
    """Excel keeps phone numbers as numbers (fine) and ID numbers as 15-digit floats (lost):
    the second is refused with a message saying what to do."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["房号", "业主姓名", "联系电话", "身份证号码", "签订日期"])
    ws.append(["1-101", "王五", 13800000000, 320106196503154024, "2026-03-01"])
    ws.append(["1-102", "赵六", 13800000001, "320106196503154024", "2026-03-01"])
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    r = run("form", "batch", "fanghuo-zerenshu", "--rows", str(path), "--format", "docx", "--out", str(tmp_path / "o"))
    assert r.exit_code == 2
    assert "第2行: 身份证号码: 在表格里被存成了数字" in r.stderr
    assert [f for f in files(tmp_path / "o") if not f.endswith(".xlsx")] == ["防火责任书-1-102-20260301.docx"]


def test_an_unwritable_folder_is_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("form", "blank", "fanghuo-zerenshu", "--format", "docx", "--out", str(blocker / "sub"))
    assert r.exit_code == 2 and "cannot write" in r.stderr and "Traceback" not in r.output
