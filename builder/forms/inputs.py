"""Reading answers: a YAML/JSON data file, and the rows of a CSV or XLSX spreadsheet.

Spreadsheets are read honestly: whatever cannot be read as the clerk sees it in Excel is
named by row and column and refused, never dropped or guessed —

* the header: a blank or duplicate column name (the later column would silently win);
* a cell under no column name (a merged header cell: its right-hand part has no name);
* a formula whose result was never saved (openpyxl-written files, "calculate manually"),
  or an Excel error value (``#DIV/0!``);
* a cell longer than Excel's 32,767 characters (CSV: Python's field limit is raised to the
  file size so the row is named instead of a ``_csv.Error``);
* a CSV quote that is never closed (it swallows the rows after it), more cells than the
  header, a NUL byte.

Problems that make the whole file unreadable (no header, duplicate names, an unclosed quote
at the end of the file) raise :class:`InputFileError`; a row's own problems travel with the
row, so the batch refuses that row and writes the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from builder.core.formspec import MAX_BATCH_ROWS, MAX_CELL_CHARS, MAX_ROWS_FILE_BYTES
from builder.forms.validate import FieldError

__all__ = ["InputFileError", "Row", "read_rows", "read_data", "column_letter"]


class InputFileError(Exception):
    """A data or rows file cannot be read; ``.problems`` are lines to print."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class Row(NamedTuple):
    """One spreadsheet row: its number as Excel shows it, header → cell, and what could not
    be read in it (each a :class:`FieldError` named by column letter and header)."""

    number: int
    cells: dict[str, Any]
    problems: list[FieldError]


#: what Excel stores as a cell's value when a formula fails
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!"}


def column_letter(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell_problem(col: int, header: str | None, message: str) -> FieldError:
    where = f"{column_letter(col)}列" + (f"({header})" if header else "")
    return FieldError(header or column_letter(col), where, message)


def _header(path: Path, raw: list[Any]) -> list[str | None]:
    """Row 1 → column names; a duplicate name is a problem of the file (the later column
    would win silently). Trailing blanks are dropped."""
    names: list[str | None] = [str(h).strip() if h is not None and str(h).strip() else None for h in raw]
    while names and names[-1] is None:
        names.pop()
    if not names:
        raise InputFileError([f"{path}: 第1行是空的; 第1行应写列名 (房号, 业主姓名 …)"])
    problems = []
    seen: dict[str, int] = {}
    for i, h in enumerate(names):
        if h is None:
            continue
        if h in seen:
            problems.append(f"{path}: 第1行 {column_letter(i)}列: 列名“{h}”与 {column_letter(seen[h])}列重复; "
                            "每列的名字应不同")
        else:
            seen[h] = i
        if len(h) > 200:
            problems.append(f"{path}: 第1行 {column_letter(i)}列: 列名太长 ({len(h)} 个字符)")
    if problems:
        raise InputFileError(problems)
    return names


def _row(n: int, names: list[str | None], cells: list[Any], formulas: list[Any] | None = None) -> Row:
    out: dict[str, Any] = {}
    problems: list[FieldError] = []
    for i, c in enumerate(cells):
        blank = c is None or (isinstance(c, str) and not c.strip())
        header = names[i] if i < len(names) else None
        if blank and formulas is not None and i < len(formulas) and _is_formula(formulas[i]):
            problems.append(_cell_problem(i, header, "是公式, 但文件里没有保存计算结果; "
                                                     "请在 Excel 中打开、计算并保存后再试"))
            continue
        if blank:
            continue
        if header is None:
            problems.append(_cell_problem(i, None, "有内容, 但第1行这一列没有列名 (是否合并了表头单元格?)"))
            continue
        if isinstance(c, str):
            if len(c) > MAX_CELL_CHARS:
                problems.append(_cell_problem(i, header, f"有 {len(c)} 个字符, 一格最多 {MAX_CELL_CHARS} 个"))
                continue
            if c.strip() in EXCEL_ERRORS:
                problems.append(_cell_problem(i, header, f"是 Excel 的错误值 {c.strip()}; 请先改正公式"))
                continue
        out[header] = c
    return Row(n, out, problems)


def _is_formula(v: Any) -> bool:
    if isinstance(v, str):
        return v.startswith("=")
    return type(v).__name__ in ("ArrayFormula", "DataTableFormula")


# --- XLSX ------------------------------------------------------------------------------
def _xlsx_rows(path: Path) -> Iterator[Row]:
    import openpyxl

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # noqa: BLE001 - any unreadable zip/XML is one message
        raise InputFileError([f"{path}: 不是可读的 XLSX 文件 ({type(e).__name__})"]) from None
    try:
        if not values.worksheets:
            raise InputFileError([f"{path}: 没有工作表"])
        vit = values.worksheets[0].iter_rows(values_only=True)
        fit = formulas.worksheets[0].iter_rows(values_only=True)
        header = next(vit, None)
        next(fit, None)
        names = _header(path, list(header or []))
        for n, cells in enumerate(vit, start=2):
            fcells = next(fit, None)
            if n > MAX_BATCH_ROWS + 1:
                raise InputFileError([f"{path}: 超过 {MAX_BATCH_ROWS} 行; 请分成几个文件"])
            yield _row(n, names, list(cells or ()), list(fcells or ()))
    finally:
        values.close()
        formulas.close()


# --- CSV ---------------------------------------------------------------------------------
def _decode(path: Path, raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputFileError([f"{path}: 既不是 UTF-8 也不是 GB18030 文本; 请在 Excel 中另存为“CSV UTF-8”"])


def _swallowed(cell: str, width: int) -> bool:
    """A quoted cell that holds, on a later line, what looks like a whole row: an opening
    quote that was never closed where it should have been."""
    if "\n" not in cell or width < 2:
        return False
    return any(line.count(",") >= width - 1 for line in cell.split("\n")[1:])


def _csv_rows(path: Path) -> Iterator[Row]:
    text = _decode(path, path.read_bytes())
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputFileError([f"{path}: 第{line}行含有 NUL 字符; 这不是一个文本 CSV 文件"])
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ROWS_FILE_BYTES))  # cells are measured by us, by row
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    n = 1  # the row as Excel numbers it: one a record, however many lines a quoted cell spans
    try:
        header = next(reader, None)
        names = _header(path, list(header or []))
        for cells in reader:
            n += 1
            if n > MAX_BATCH_ROWS + 1:
                raise InputFileError([f"{path}: 超过 {MAX_BATCH_ROWS} 行; 请分成几个文件"])
            if not any(c.strip() for c in cells):
                continue
            row = _row(n, names, cells)
            for i, c in enumerate(cells):
                if _swallowed(c, len(names)):
                    row.problems.append(_cell_problem(i, names[i] if i < len(names) else None,
                                                      "引号没有闭合, 吞掉了下面的行; 请检查这一格的引号"))
            yield row
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise InputFileError([f"{path}: 第{n + 1}行: 引号没有闭合, 一直到文件末尾; 请检查这一行的引号"]) from None
        raise InputFileError([f"{path}: 第{n + 1}行: 无法读取 ({e})"]) from None


def read_rows(path: Path | str) -> list[Row]:
    """Rows of a CSV (UTF-8 or GB18030, as Excel in China saves it) or XLSX file, numbered as
    the spreadsheet shows them (the header is row 1); blank rows are skipped. A row that
    could not be read whole carries its problems (see the module's list)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError([f"{path}: 没有这个文件"]) from None
    except OSError as e:
        raise InputFileError([f"{path}: 无法读取 ({e.strerror})"]) from None
    if size > MAX_ROWS_FILE_BYTES:
        raise InputFileError([f"{path}: 文件有 {size // 1024 // 1024} MB, 最大 {MAX_ROWS_FILE_BYTES // 1024 // 1024} MB; "
                              "请分成几个文件"])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        source = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        source = _csv_rows(path)
    else:
        raise InputFileError([f"{path}: 请用 .csv 或 .xlsx 文件"])
    return [r for r in source if r.cells or r.problems]


# --- one set of answers -------------------------------------------------------------------
def read_data(path: Path | str) -> dict[str, Any]:
    """A YAML or JSON file of answers (keys: field names or labels). Every scalar is read as
    text (YAML's ``base`` loader), so ``075512345678`` keeps its zero and ``2026-02-30``
    reaches validation instead of crashing the parser."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_ROWS_FILE_BYTES:
            raise InputFileError([f"{path}: too large for one set of answers"])
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError([f"{path}: no such file"]) from None
    except UnicodeDecodeError as e:
        raise InputFileError([f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8"]) from None
    except OSError as e:
        raise InputFileError([f"{path}: cannot read ({e.strerror})"]) from None
    if path.suffix.lower() == ".json":
        import json

        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputFileError([f"{path}:{e.lineno}: JSON syntax error: {e.msg}"]) from None
        except RecursionError:
            raise InputFileError([f"{path}: JSON nested too deeply"]) from None
    else:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        try:
            data = YAML(typ="base").load(text)
        except MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else 1
            raise InputFileError([f"{path}:{line}: YAML syntax error: {e.problem or e.context}"]) from None
        except (YAMLError, Exception) as e:  # duplicate keys and the like
            raise InputFileError([f"{path}: YAML error: {str(e).splitlines()[0] if str(e) else type(e).__name__}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputFileError([f"{path}: the file should map fields to values (房号: 3栋2单元1501)"])
    return data

