"""Spreadsheets read honestly: each hostile CSV or XLSX is named by row and column and
refused, nothing dropped in silence; and random sheets give written files or named
errors, never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.formspec import MAX_CELL_CHARS, load_specs
from builder.forms.batch import run_batch
from builder.forms.inputs import InputFileError, read_rows

SPECS, _ = load_specs(ROOT / "forms")
FIRE = SPECS["fanghuo-zerenshu"]
HEADER = ["房号", "业主姓名", "联系电话", "身份证号码", "签订日期"]
GOOD = ["1-101", "王五", "13800000000", "320106196503154024", "2026-03-01"]


def xlsx(path: Path, rows: list[list], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def problems(rows) -> dict[int, list[str]]:
    return {r.number: [str(p) for p in r.problems] for r in rows if r.problems}


def test_a_duplicate_header_is_refused_naming_both_columns(tmp_path):
    for path in (xlsx(tmp_path / "d.xlsx", [HEADER + ["房号"], GOOD + ["2-202"]]),):
        with pytest.raises(InputFileError) as ei:
            read_rows(path)
        assert ei.value.problems == [f"{path}: 第1行 F列: 列名“房号”与 A列重复; 每列的名字应不同"]
    path = tmp_path / "d.csv"
    path.write_text("房号,业主姓名,房号\n1-101,王五,2-202\n", encoding="utf-8")
    with pytest.raises(InputFileError) as ei:
        read_rows(path)
    assert ei.value.problems == [f"{path}: 第1行 C列: 列名“房号”与 A列重复; 每列的名字应不同"]


def test_a_merged_header_cell_does_not_drop_its_column(tmp_path):
    # 业主姓名 merged over B1:C1: C has data but no name
    path = xlsx(tmp_path / "m.xlsx", [["房号", "业主姓名", None, "联系电话"], ["1-101", "王", "五", "13800000000"]],
                merge="B1:C1")
    assert problems(read_rows(path)) == {2: ["C列: 有内容, 但第1行这一列没有列名 (是否合并了表头单元格?)"]}


def test_a_formula_with_no_saved_value_is_named(tmp_path):
    path = xlsx(tmp_path / "f.xlsx", [HEADER + ["备注"], GOOD + ["=A2&B2"]])
    (row,) = read_rows(path)
    assert [str(p) for p in row.problems] == ["F列(备注): 是公式, 但文件里没有保存计算结果; 请在 Excel 中打开、计算并保存后再试"]


def test_an_excel_error_value_is_named(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("房号,业主姓名\n1-101,#DIV/0!\n", encoding="utf-8")
    assert problems(read_rows(path)) == {2: ["B列(业主姓名): 是 Excel 的错误值 #DIV/0!; 请先改正公式"]}


def test_an_over_long_csv_cell_is_named_not_a_csv_error(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("房号,业主姓名\n1-101,王五\n1-102," + "长" * 200_000 + "\n", encoding="utf-8")
    assert problems(read_rows(path)) == {3: [f"B列(业主姓名): 有 200000 个字符, 一格最多 {MAX_CELL_CHARS} 个"]}


def test_an_unterminated_quote_that_swallows_rows_is_named(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('房号,业主姓名,联系电话\n1-101,"王五,13800000000\n1-102,赵六,13800000001\n1-103,孙七",13800000002\n',
                    encoding="utf-8")
    assert problems(read_rows(path)) == {2: ["B列(业主姓名): 引号没有闭合, 吞掉了下面的行; 请检查这一格的引号"]}


def test_an_unterminated_quote_at_the_end_refuses_the_file(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('房号,业主姓名\n1-101,王五\n1-102,"赵六\n1-103,孙七\n', encoding="utf-8")
    with pytest.raises(InputFileError) as ei:
        read_rows(path)
    assert ei.value.problems == [f"{path}: 第3行: 引号没有闭合, 一直到文件末尾; 请检查这一行的引号"]


def test_more_cells_than_columns_and_a_nul_byte(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("房号,业主姓名\n1-101,王五,多余\n", encoding="utf-8")
    assert problems(read_rows(path)) == {2: ["C列: 有内容, 但第1行这一列没有列名 (是否合并了表头单元格?)"]}
    path.write_bytes("房号,业主姓名\n1-101,王\x00五\n".encode())
    with pytest.raises(InputFileError) as ei:
        read_rows(path)
    assert "第2行含有 NUL 字符" in ei.value.problems[0]


def test_a_refused_row_is_in_the_batch_result_and_the_others_are_written(tmp_path):
    path = xlsx(tmp_path / "f.xlsx", [HEADER + ["备注"], GOOD + ["=A2&B2"], ["1-102"] + GOOD[1:] + [None]])
    result = run_batch(FIRE, read_rows(path), "docx", tmp_path / "out")
    assert [n for n, _ in result.failed] == [2]
    assert [p.name for p in result.written] == ["防火责任书-1-102-20260301.docx"]
    assert result.summary() == "共 2 行：已生成 1 份，1 行有误"


# --- random sheets ---------------------------------------------------------------------------
LABELS = HEADER + ["备注", "", "电话号码", "房号"]
CELL = st.one_of(
    st.none(), st.text(max_size=30), st.sampled_from(GOOD + ["=1+1", "=A2", "#REF!", '"', "a,b", "x\ny", " "]),
    st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
)
SHEET = st.tuples(st.lists(st.sampled_from(LABELS), min_size=0, max_size=7),
                  st.lists(st.lists(CELL, max_size=8), max_size=4))


def _check_batch(path: Path, tmp: Path) -> None:
    try:
        rows = read_rows(path)
    except InputFileError as e:
        assert e.problems and all(str(path) in p for p in e.problems)
        return
    result = run_batch(FIRE, rows, "docx", tmp / "out", error_book=False)
    assert result.done_rows + len(result.failed) == len(rows)
    assert all(errs and all(str(e) for e in errs) for _, errs in result.failed)
    assert len(result.written) == result.done_rows
    assert not [p for p in (tmp / "out").glob("*.tmp")] if (tmp / "out").exists() else True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SHEET)
def test_random_xlsx_gives_files_or_named_errors(tmp_path_factory, sheet):
    tmp = tmp_path_factory.mktemp("x")
    header, body = sheet
    wb = openpyxl.Workbook()
    ws = wb.active
    try:
        ws.append([h or None for h in header])
        for r in body:
            ws.append(r)
        wb.save(tmp / "r.xlsx")
    except Exception:  # noqa: BLE001 - openpyxl refuses characters XML cannot hold: not our input
        return
    _check_batch(tmp / "r.xlsx", tmp)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SHEET, st.booleans(), st.text(alphabet='",\n\r x', max_size=12))
def test_random_csv_gives_files_or_named_errors(tmp_path_factory, sheet, gb, noise):
    tmp = tmp_path_factory.mktemp("c")
    header, body = sheet
    path = tmp / "r.csv"
    with open(path, "w", encoding="gb18030" if gb else "utf-8", errors="replace", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in body:
            w.writerow(["" if c is None else str(c) for c in r])
        f.write(noise)
    _check_batch(path, tmp)
