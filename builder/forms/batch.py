"""A batch: one form filled per spreadsheet row, streamed.

* Each row is validated on its own; a bad row (or one that could not be read whole, see
  :mod:`builder.forms.inputs`) is refused by its Excel row number and the others go on.
* Documents are rendered in worker processes (:mod:`builder.forms.workers`) a few rows at
  a time, and each is written as soon as it comes back — temp file, then a link that never
  replaces a file already there — so memory stays flat whatever the row count.
* An existing file is never replaced: the new document gets ``…(2).pdf``, unless
  ``overwrite`` is set. Two rows with the same name within the batch get ``(2)``, ``(3)`` too.
* ``stop`` (a :class:`threading.Event` the CLI sets on Ctrl+C or SIGTERM) ends the batch
  within a moment: the workers are killed, only complete files remain, and the result says
  what was done and from which row nothing was.
* Refused rows are listed in an error workbook (XLSX) beside the documents.

Nothing here logs owner data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from builder.core.formspec import FormSpec
from builder.forms.inputs import Row
from builder.forms.naming import safe_name
from builder.forms.validate import FieldError, check, row_to_data

__all__ = ["BatchResult", "run_batch", "batch_zip_name", "write_new", "free_name"]

#: rows a worker renders at a time, at most (the PDF renderer shares static parts within a
#: chunk; a small batch gets smaller chunks so every worker has some)
CHUNK = 20


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, list[FieldError]]] = field(default_factory=list)
    rows: int = 0
    done_rows: int = 0                      # rows written
    stopped_at: int | None = None           # the first row not done, when stopped
    error_book: Path | None = None

    def lines(self, source: str) -> list[str]:
        return [f"{source} 第{n}行: {e}" for n, errs in self.failed for e in errs]

    def summary(self) -> str:
        """``共 7 行：已生成 3 份，4 行有误`` (and where a stopped batch stopped)."""
        out = f"共 {self.rows} 行：已生成 {self.done_rows} 份"
        if self.failed:
            out += f"，{len(self.failed)} 行有误"
        if self.stopped_at is not None:
            out += f"；已中断，第 {self.stopped_at} 行起未处理"
        return out


# --- names that never replace a file -----------------------------------------------------
def free_name(folder: Path, name: str, taken: set[str], overwrite: bool = False) -> str:
    """``name``, or ``stem(2).ext``, ``stem(3).ext`` … : not used in this batch, and (unless
    ``overwrite``) not a file already in ``folder``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, i = name, 1
    while candidate in taken or (not overwrite and (folder / candidate).exists()):
        i += 1
        candidate = f"{stem}({i}).{ext}" if dot else f"{stem}({i})"
    taken.add(candidate)
    return candidate


def write_new(folder: Path, name: str, data: bytes | Path, taken: set[str], overwrite: bool = False) -> Path:
    """Write ``data`` (bytes, or a finished temp file to move) as ``folder/name`` without
    ever replacing a file that is there: the temp file is hard-linked to the name (which
    fails if it exists, even one made a moment ago by someone else) and the next free
    name tried. With ``overwrite``, an ``os.replace``."""
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        tmp = str(data)
    else:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    try:
        while True:
            target = folder / free_name(folder, name, taken, overwrite)
            if overwrite:
                os.replace(tmp, target)
                return target
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: check, then rename
                if target.exists():
                    continue
                os.replace(tmp, target)
                return target
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --- rendering ---------------------------------------------------------------------------------
def render_chunk(spec: FormSpec, values: list[dict[str, Any]], fmt: str) -> list[bytes]:
    """Render several filled forms (in a worker, or in this process)."""
    if fmt == "pdf" and len(values) > 1:
        from builder.forms.pdf import render_pdf_many

        return list(render_pdf_many(spec, list[dict[str, Any] | None](values), chunk=len(values)))
    from builder.forms.render import render

    return [render(spec, v, fmt) for v in values]


def _as_row(r: Row | tuple[int, Mapping[str, Any]]) -> Row:
    if isinstance(r, Row):
        return r
    n, cells = r
    return Row(n, dict(cells), [])


Job = tuple[int, list[tuple[int, dict[str, Any]]]]  # (format index, [(row number, values)])


def run_batch(spec: FormSpec, rows: Sequence[Row | tuple[int, Mapping[str, Any]]], formats: Iterable[str] | str,
              out_dir: Path | str, *, zip_name: str | None = None, workers: int | None = None,
              progress: Callable[[int], None] | None = None, stop: threading.Event | None = None,
              overwrite: bool = False, on_written: Callable[[Path], None] | None = None,
              error_book: bool = True,
              prepare: Callable[[int, dict[str, Any]], dict[str, Any]] | None = None) -> BatchResult:
    """Validate each row, render the good ones and write each document as it is made.

    ``progress(n)`` is called as n more documents are done, ``on_written(path)`` as each
    file lands. With ``zip_name``, one ZIP is written (streamed to a temp file, moved into
    place at the end, holding whatever was done if stopped). ``prepare(row, values)`` turns
    each valid row's values into the values to draw (the register issues the row there and
    adds its number); it runs in this process, row by row, before the row is rendered.
    """
    from builder.forms.naming import output_name
    from builder.forms.render import parse_formats as _formats

    fmts = _formats(formats)
    out_dir = Path(out_dir)
    result = BatchResult(rows=len(rows))
    taken: set[str] = set()
    stop = stop or threading.Event()
    zip_tmp: Path | None = None
    zf: zipfile.ZipFile | None = None
    if zip_name:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{zip_name}.", suffix=".tmp")
        os.close(fd)
        zip_tmp = Path(tmp_name)
        zf = zipfile.ZipFile(zip_tmp, "w", zipfile.ZIP_DEFLATED)
    zip_names: set[str] = set()
    outstanding: dict[int, int] = {}   # row number → documents still to come

    def emit(n: int, fmt: str, values: dict[str, Any], data: bytes) -> None:
        name = output_name(spec, values, fmt)
        if zf is not None:
            zf.writestr(free_name(out_dir, name, zip_names, overwrite=True), data)
        else:
            path = write_new(out_dir, name, data, taken, overwrite)
            result.written.append(path)
            if on_written:
                on_written(path)
        outstanding[n] -= 1
        if outstanding[n] == 0:
            result.done_rows += 1
        if progress:
            progress(1)

    def fail(chunk: list[tuple[int, dict[str, Any]]], kind: str) -> None:
        """A render that failed (its message may carry owner data: only its type is kept)."""
        for n, _ in chunk:
            if outstanding.get(n):
                outstanding[n] = 0
                result.failed.append((n, [FieldError("(form)", spec.title, f"生成文档时出错 ({kind})")]))

    def jobs() -> Iterator[Job]:
        """Validated rows, CHUNK at a time; refused rows recorded on the way."""
        chunk: list[tuple[int, dict[str, Any]]] = []
        for raw in rows:
            r = _as_row(raw)
            if r.problems:
                result.failed.append((r.number, list(r.problems)))
                continue
            values, errs, _ = check(spec, row_to_data(spec, r.cells))
            if errs:
                result.failed.append((r.number, errs))
                continue
            if prepare is not None:
                values = prepare(r.number, values)
            outstanding[r.number] = len(fmts)
            chunk.append((r.number, values))
            if len(chunk) == size:
                yield from ((k, chunk) for k in range(len(fmts)))
                chunk = []
        if chunk:
            yield from ((k, chunk) for k in range(len(fmts)))

    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    size = max(4, min(CHUNK, len(rows) // (n_workers * 3) or 1))
    try:
        if n_workers > 1 and len(rows) >= 8:
            _in_workers(spec, jobs(), fmts, n_workers, emit, fail, stop)
        else:
            for k, chunk in jobs():
                if stop.is_set():
                    break
                todo = [(n, v) for n, v in chunk if outstanding.get(n)]
                try:
                    docs = render_chunk(spec, [v for _, v in todo], fmts[k])
                except Exception as e:  # noqa: BLE001 - the row is refused, the batch goes on
                    fail(todo, type(e).__name__)
                    continue
                for (n, values), data in zip(todo, docs):
                    emit(n, fmts[k], values, data)
    finally:
        if zf is not None and zip_tmp is not None:
            zf.close()
            if result.done_rows or not stop.is_set():
                path = write_new(out_dir, zip_name or "batch.zip", zip_tmp, taken, overwrite)
                result.written.append(path)
                if on_written:
                    on_written(path)
            with contextlib.suppress(OSError):
                zip_tmp.unlink()
    if stop.is_set():
        pending = [n for n, left in outstanding.items() if left]
        seen = set(outstanding) | {n for n, _ in result.failed}
        unread = [_as_row(r).number for r in rows if _as_row(r).number not in seen]
        if pending or unread:
            result.stopped_at = min(pending + unread)
    result.failed.sort(key=lambda x: x[0])
    if error_book and result.failed:
        result.error_book = write_error_book(spec, result, out_dir, taken)
    return result


def _in_workers(spec: FormSpec, jobs: Iterator[Job], fmts: list[str], n: int,
                emit: Callable[[int, str, dict[str, Any], bytes], None],
                fail: Callable[[list[tuple[int, dict[str, Any]]], str], None], stop: threading.Event) -> None:
    """At most one chunk per worker in flight: what is rendered is written at once."""
    from builder.forms.workers import Worker, WorkerError, context

    ctx = context()
    pool = [Worker(ctx) for _ in range(n)]
    busy: dict[Any, tuple[Worker, Job]] = {}
    exhausted = False
    clean = False
    try:
        while True:
            if stop.is_set():
                return
            for w in pool:
                if not w.busy and not exhausted:
                    job = next(jobs, None)
                    if job is None:
                        exhausted = True
                        break
                    k, chunk = job
                    w.send(render_chunk, spec, [v for _, v in chunk], fmts[k])
                    busy[w.conn] = (w, job)
            if not busy:
                clean = True
                return
            for conn in wait(list(busy), timeout=0.2):
                w, (k, chunk) = busy.pop(conn)
                try:
                    docs = w.recv()
                except WorkerError as e:
                    fail(chunk, e.kind)
                    continue
                except (EOFError, OSError):  # the worker died (killed, out of memory): replace it
                    fail(chunk, "进程意外退出")
                    w.kill()
                    pool[pool.index(w)] = Worker(ctx)
                    continue
                for (row_n, values), data in zip(chunk, docs):
                    emit(row_n, fmts[k], values, data)
    finally:
        for w in pool:
            w.close() if clean else w.kill()


# --- the error workbook ----------------------------------------------------------------------
def write_error_book(spec: FormSpec, result: BatchResult, out_dir: Path, taken: set[str]) -> Path:
    """``<表名>-有误的行-<yyyymmdd>.xlsx``: each refused row, its Excel row number and messages."""
    import io

    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "有误的行"
    ws.append(["行号", "问题", "表单"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, errs in result.failed:
        ws.append([n, "\n".join(str(e) for e in errs), spec.title])
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 20
    buf = io.BytesIO()
    wb.save(buf)
    return write_new(out_dir, f"{safe_name(spec.title)}-有误的行-{dt.date.today():%Y%m%d}.xlsx", buf.getvalue(), taken)


def batch_zip_name(spec: FormSpec) -> str:
    return f"{safe_name(spec.title)}-批量-{dt.date.today():%Y%m%d}.zip"
