"""Form files: names, atomic writes, one form, a pack, a batch of spreadsheet rows.

* :func:`output_name` — ``<表名>-<房号 or key field>-<yyyymmdd>.<ext>``, safe on Windows too.
* :func:`write_form` — render every format first, then write each file through a temp file
  and ``os.replace``: a failure leaves nothing half-written.
* :func:`write_pack` — one set of answers fills every form of a pack; every form is
  validated before anything is drawn, and nothing is written unless all are valid; with
  PDF, the whole pack is also written as one PDF in its order (:func:`merge_pdfs`).
* :func:`run_batch` — rows from CSV or XLSX; each row is validated on its own (a bad row is
  reported by its spreadsheet row number, the others go on); PDFs are rendered in a
  process pool (one WeasyPrint per core, fonts and CSS kept warm in each).

Nothing here logs owner data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.core.atomic import write_all, write_bytes
from builder.core.formspec import FormSpec, Pack
from builder.forms.validate import FieldError, FormInputError, check, row_to_data

__all__ = [
    "FORMATS", "output_name", "pack_output_name", "merge_pdfs", "render", "write_form", "write_pack", "read_rows",
    "run_batch", "BatchResult", "InputFileError", "PackInputError", "read_data",
]

FORMATS = ("docx", "pdf")


class InputFileError(Exception):
    """A data or rows file cannot be read; ``.problems`` are lines to print."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class PackInputError(Exception):
    """Answers for a pack are invalid: ``.errors`` maps form id → its errors, ``.unused``
    lists keys no form of the pack has."""

    def __init__(self, errors: dict[str, list[FieldError]], unused: list[str], titles: dict[str, str]):
        self.errors = errors
        self.unused = unused
        self.titles = titles
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        out = [f"{self.titles.get(fid, fid)}: {e}" for fid, errs in self.errors.items() for e in errs]
        out += [f"{u}: 资料包里没有一张表有这个字段" for u in self.unused]
        return out


# --- names ---------------------------------------------------------------------
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


def _safe(text: str, limit: int = 40) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _UNSAFE.sub("-", s).strip("-.")
    return s[:limit].rstrip("-.") or "x"


def output_name(spec: FormSpec, values: Mapping[str, Any] | None, ext: str) -> str:
    """``<表名>-<房号 or key field>-<yyyymmdd>.<ext>`` (``业主报修单-5栋1单元802-20260421.pdf``);
    a blank form is ``<表名>-空白表.<ext>``. Safe on Windows: no ``\\/:*?"<>|``, no spaces.

    The key is the form's ``key_field``, else ``room``, else the first filled text field;
    the date is the one the web page fills with today (``prefill: now``), else the form's
    ``date`` field, else its first filled date, else today.
    """
    ext = ext.lstrip(".")
    title = _safe(spec.title)
    if values is None:
        return f"{title}-空白表.{ext}"
    names = [f.name for f in spec.fields]
    key = None
    for name in [spec.key_field, "room"] + [f.name for f in spec.fields if f.type == "text"]:
        if name and name in names and values.get(name) not in (None, ""):
            key = str(values[name])
            break
    day = None
    dates = [f for f in spec.fields if f.type in ("date", "datetime")]
    for name in [f.name for f in dates if f.prefill] + ["date"] + [f.name for f in dates]:
        v = values.get(name) if name in names else None
        if isinstance(v, (dt.date, dt.datetime)):
            day = v.date() if isinstance(v, dt.datetime) else v
            break
    day = day or dt.date.today()
    parts = [title] + ([_safe(key)] if key else []) + [f"{day:%Y%m%d}"]
    return "-".join(parts) + f".{ext}"


def pack_output_name(pack: Pack, cleaned: Mapping[str, Mapping[str, Any]], ext: str) -> str:
    """``<资料包>-<房号>-<yyyymmdd>.<ext>`` for a pack's merged file: the room and the date
    (the shared ``date``, the day of the business) from the first form that has them."""
    room = next((str(v["room"]) for v in cleaned.values() if v.get("room")), None)
    day = next((v["date"] for v in cleaned.values() if isinstance(v.get("date"), dt.date)), None) or dt.date.today()
    parts = [_safe(pack.title)] + ([_safe(room)] if room else []) + [f"{day:%Y%m%d}"]
    return "-".join(parts) + f".{ext.lstrip('.')}"


# --- writing -----------------------------------------------------------------
def render(spec: FormSpec, values: Mapping[str, Any] | None, fmt: str) -> bytes:
    if fmt == "docx":
        from builder.forms.docx import render_docx

        return render_docx(spec, dict(values) if values is not None else None)
    if fmt == "pdf":
        from builder.forms.pdf import render_pdf

        return render_pdf(spec, dict(values) if values is not None else None)
    raise ValueError(f"unknown format '{fmt}' (docx, pdf)")


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of ``parts`` in their order (a pack printed in one go), through pypdf's
    public API; each part's outline entry is named by its own title."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        reader = PdfReader(io.BytesIO(data))
        title = reader.metadata.title if reader.metadata is not None else None
        writer.append(reader, outline_item=str(title) if title else None)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _formats(formats: Iterable[str] | str) -> list[str]:
    if isinstance(formats, str):
        formats = formats.split(",")
    out = []
    for f in formats:
        f = f.strip().lower().lstrip(".")
        if f not in FORMATS:
            raise ValueError(f"unknown format '{f}': use docx, pdf or docx,pdf")
        if f not in out:
            out.append(f)
    return out


def write_form(spec: FormSpec, values: Mapping[str, Any] | None, formats: Iterable[str] | str,
               out_dir: Path | str) -> list[Path]:
    """Render ``values`` (cleaned, or ``None`` for a blank form) in each format and write
    the files into ``out_dir``; every file is rendered before any is written."""
    out_dir = Path(out_dir)
    files = [(out_dir / output_name(spec, values, fmt), render(spec, values, fmt)) for fmt in _formats(formats)]
    return write_all(files)


# --- packs -------------------------------------------------------------------
def write_pack(pack: Pack, specs: Mapping[str, FormSpec], data: Mapping[str, Any],
               formats: Iterable[str] | str, out_dir: Path | str) -> list[Path]:
    """Fill every form of ``pack`` with one set of answers; all-or-nothing.

    Keys are field names or labels of any form in the pack; each form takes the ones it
    has. A key no form has is an error (a typo would otherwise be lost silently).
    """
    fmts = _formats(formats)
    errors: dict[str, list[FieldError]] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    known: set[str] = set()
    for fid in pack.forms:
        spec = specs[fid]
        for f in spec.fields:
            known.update((f.name, unicodedata.normalize("NFKC", f.label)))
            known.update(unicodedata.normalize("NFKC", a) for a in f.aliases)
        values, errs, _ = check(spec, data, unknown="ignore")
        if errs:
            errors[fid] = errs
        cleaned[fid] = values
    unused = [str(k) for k in data if unicodedata.normalize("NFKC", str(k).strip()) not in known]
    if errors or unused:
        raise PackInputError(errors, unused, {fid: specs[fid].title for fid in pack.forms})
    out_dir = Path(out_dir)
    files = []
    pdfs = []
    for fid in pack.forms:
        for fmt in fmts:
            body = render(specs[fid], cleaned[fid], fmt)
            files.append((out_dir / output_name(specs[fid], cleaned[fid], fmt), body))
            if fmt == "pdf":
                pdfs.append(body)
    if pdfs:  # and the whole pack as one PDF, in its order, to print in one go
        files.append((out_dir / pack_output_name(pack, cleaned, "pdf"), merge_pdfs(pdfs)))
    return write_all(files)


# --- data files ----------------------------------------------------------------
def read_data(path: Path | str) -> dict[str, Any]:
    """A YAML or JSON file of answers (keys: field names or labels). Every scalar is read as
    text (YAML's ``base`` loader), so ``075512345678`` keeps its zero and ``2026-02-30``
    reaches validation instead of crashing the parser."""
    path = Path(path)
    try:
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


def read_rows(path: Path | str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV (UTF-8 or GB18030, as Excel in China saves it) or XLSX file: ``(row
    number as the spreadsheet shows it, header → cell)``; the header is row 1; blank rows
    are skipped."""
    path = Path(path)
    if not path.exists():
        raise InputFileError([f"{path}: no such file"])
    suffix = path.suffix.lower()
    rows: list[tuple[int, dict[str, Any]]] = []
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:
            raise InputFileError([f"{path}: not a readable XLSX file ({type(e).__name__})"]) from None
        try:
            ws = wb.worksheets[0]
            it = ws.iter_rows(values_only=True)
            header = next(it, None)
            if not header:
                raise InputFileError([f"{path}: the first sheet is empty; row 1 should hold the column names"])
            names = [str(h).strip() if h is not None else None for h in header]
            for n, cells in enumerate(it, start=2):
                if cells is None or all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                rows.append((n, {h: c for h, c in zip(names, cells) if h}))
        finally:
            wb.close()
    elif suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputFileError([f"{path}: neither UTF-8 nor GB18030 text"])
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            raise InputFileError([f"{path}: empty; row 1 should hold the column names"])
        names = [h.strip() for h in header]
        for cells in reader:
            n = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                rows.append((n, {"(多余的列)": "x"}))
                continue
            rows.append((n, {h: c for h, c in zip(names, cells) if h}))
    else:
        raise InputFileError([f"{path}: use a .csv or .xlsx file"])
    return rows


# --- batches -----------------------------------------------------------------
@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, list[FieldError]]] = field(default_factory=list)
    rows: int = 0

    def lines(self, source: str) -> list[str]:
        return [f"{source} 第{n}行: {e}" for n, errs in self.failed for e in errs]


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        taken.add(name)
        return name
    stem, ext = name.rsplit(".", 1)
    i = 2
    while f"{stem}-{i}.{ext}" in taken:
        i += 1
    taken.add(f"{stem}-{i}.{ext}")
    return f"{stem}-{i}.{ext}"


def _worker_init() -> None:
    from builder.forms.pdf import _get_renderer

    _get_renderer()


def _render_chunk(spec: FormSpec, chunk: list[tuple[int, dict[str, Any]]], fmt: str) -> list[tuple[int, bytes]]:
    if fmt == "pdf" and len(chunk) > 1:
        from builder.forms.pdf import render_pdf_many

        return list(zip([i for i, _ in chunk], render_pdf_many(spec, [v for _, v in chunk], chunk=len(chunk))))
    return [(i, render(spec, values, fmt)) for i, values in chunk]


def run_batch(spec: FormSpec, rows: list[tuple[int, Mapping[str, Any]]], formats: Iterable[str] | str,
              out_dir: Path | str, *, zip_name: str | None = None, workers: int | None = None,
              progress: Callable[[int], None] | None = None) -> BatchResult:
    """Validate every row, then render and write the good ones.

    ``rows``: ``(row number, header → cell)`` as :func:`read_rows` gives. Each file is
    written atomically as it is made (or, with ``zip_name``, one ZIP written atomically at
    the end). ``progress(n)`` is called as n more documents are done.
    """
    fmts = _formats(formats)
    out_dir = Path(out_dir)
    result = BatchResult(rows=len(rows))
    good: list[tuple[int, dict[str, Any]]] = []
    for n, row in rows:
        values, errs, _ = check(spec, row_to_data(spec, row))
        if errs:
            result.failed.append((n, errs))
        else:
            good.append((n, values))
    taken: set[str] = set()
    names: dict[tuple[int, str], str] = {}
    for i, (_, values) in enumerate(good):
        for fmt in fmts:
            names[(i, fmt)] = _unique(output_name(spec, values, fmt), taken)
    indexed = list(enumerate(v for _, v in good))
    zbuf: zipfile.ZipFile | None = None
    zio = None
    if zip_name:
        zio = io.BytesIO()
        zbuf = zipfile.ZipFile(zio, "w", zipfile.ZIP_DEFLATED)

    def emit(i: int, fmt: str, data: bytes) -> None:
        name = names[(i, fmt)]
        if zbuf is not None:
            zbuf.writestr(name, data)
        else:
            result.written.append(write_bytes(out_dir / name, data))
        if progress:
            progress(1)

    for fmt in fmts:
        n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        if fmt == "pdf" and n_workers > 1 and len(indexed) >= 8:
            size = max(4, min(20, len(indexed) // (n_workers * 3) or 1))
            chunks = [indexed[k:k + size] for k in range(0, len(indexed), size)]
            # forkserver, not fork: the caller (a web server, a test) may already hold a
            # Pango/fontconfig state that a fork would copy mid-use. The server imports
            # WeasyPrint once (no fonts loaded yet), so each worker starts warm-ish.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["builder.forms.pdf", "weasyprint", "weasyprint.text.fonts"])
            with ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=_worker_init) as pool:
                futures = [pool.submit(_render_chunk, spec, c, fmt) for c in chunks]
                for fut in futures:
                    for i, data in fut.result():
                        emit(i, fmt, data)
        else:
            size = 20 if fmt == "pdf" else 1
            for k in range(0, len(indexed), size):
                for i, data in _render_chunk(spec, indexed[k:k + size], fmt):
                    emit(i, fmt, data)
    if zbuf is not None and zio is not None:
        zbuf.close()
        result.written.append(write_bytes(out_dir / zip_name, zio.getvalue()))  # type: ignore[operator]
    return result


def batch_zip_name(spec: FormSpec) -> str:
    return f"{spec.id}-batch-{dt.date.today().isoformat()}.zip"


def problems_of(err: FormInputError, source: str) -> list[str]:
    return [f"{source}: {e}" for e in err.errors]
