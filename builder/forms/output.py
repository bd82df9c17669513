"""Form files: names, atomic writes, one form, a pack, a batch of spreadsheet rows.

* :func:`output_name` — ``<form>-<room or key field>-<date>.<ext>``, safe on Windows too.
* :func:`write_form` — render every format first, then write each file through a temp file
  and ``os.replace``: a failure leaves nothing half-written.
* :func:`write_pack` — one set of answers fills every form of a pack; every form is
  validated before anything is drawn, and nothing is written unless all are valid.
* :func:`run_batch` (in :mod:`builder.forms.batch`) — rows from CSV or XLSX
  (:mod:`builder.forms.inputs`), streamed: each row validated on its own, each document
  written as soon as it is made, never over an existing file.

Nothing here logs owner data.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from builder.core.formspec import FormSpec, Pack
from builder.forms.batch import BatchResult, batch_zip_name, run_batch
from builder.forms.inputs import InputFileError, read_data, read_rows
from builder.forms.validate import FieldError, FormInputError, check

__all__ = [
    "FORMATS", "output_name", "render", "write_form", "write_pack", "read_rows", "run_batch",
    "BatchResult", "InputFileError", "PackInputError", "atomic_write", "read_data", "batch_zip_name",
]

FORMATS = ("docx", "pdf")


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
    """``<form>-<room or key field>-<date>.<ext>``; a blank form is ``<form>-blank.<ext>``.

    The key is the form's ``key_field``, else ``room``, else the first filled text field;
    the date is the form's ``date`` field, else its first filled date, else today.
    """
    ext = ext.lstrip(".")
    if values is None:
        return f"{spec.id}-blank.{ext}"
    names = [f.name for f in spec.fields]
    key = None
    for name in [spec.key_field, "room"] + [f.name for f in spec.fields if f.type == "text"]:
        if name and name in names and values.get(name) not in (None, ""):
            key = str(values[name])
            break
    day = None
    for name in ["date"] + [f.name for f in spec.fields if f.type in ("date", "datetime")]:
        v = values.get(name) if name in names else None
        if isinstance(v, (dt.date, dt.datetime)):
            day = v.date() if isinstance(v, dt.datetime) else v
            break
    day = day or dt.date.today()
    parts = [spec.id] + ([_safe(key)] if key else []) + [day.isoformat()]
    return "-".join(parts) + f".{ext}"


# --- writing -----------------------------------------------------------------
def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _commit(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write several files all-or-nothing: all temp files first, then the renames."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [p for _, p in staged]


def render(spec: FormSpec, values: Mapping[str, Any] | None, fmt: str) -> bytes:
    if fmt == "docx":
        from builder.forms.docx import render_docx

        return render_docx(spec, dict(values) if values is not None else None)
    if fmt == "pdf":
        from builder.forms.pdf import render_pdf

        return render_pdf(spec, dict(values) if values is not None else None)
    raise ValueError(f"unknown format '{fmt}' (docx, pdf)")


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
    return _commit(files)


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
    for fid in pack.forms:
        for fmt in fmts:
            files.append((out_dir / output_name(specs[fid], cleaned[fid], fmt), render(specs[fid], cleaned[fid], fmt)))
    return _commit(files)


def problems_of(err: FormInputError, source: str) -> list[str]:
    return [f"{source}: {e}" for e in err.errors]
