"""Form files written: one form, a pack, a batch of spreadsheet rows (the files' names come
from :mod:`builder.forms.naming`, the drawing from :mod:`builder.forms.render`).

* :func:`write_form` — render every format first, then write the files all or nothing
  (:func:`builder.core.atomic.write_all`): a failure leaves nothing half-written.
* :func:`write_pack` — one set of answers fills every form of a pack; every form is
  validated before anything is drawn, and nothing is written unless all are valid; with
  PDF, the whole pack is also written as one PDF in its order (:func:`merge_pdfs`).
* :func:`run_batch` (in :mod:`builder.forms.batch`) — rows from CSV or XLSX
  (:mod:`builder.forms.inputs`), streamed: each row validated on its own, each document
  written as soon as it is made, never over an existing file.

Nothing here logs owner data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from builder.core.atomic import write_all
from builder.core.formspec import FormSpec, Pack
from builder.forms.batch import BatchResult, batch_zip_name, run_batch
from builder.forms.inputs import InputFileError, read_data, read_rows
from builder.forms.naming import output_name, pack_output_name
from builder.forms.render import FORMATS, merge_pdfs, parse_formats, render
from builder.forms.validate import FieldError, FormInputError, check

__all__ = [
    "FORMATS", "output_name", "render", "write_form", "write_pack", "read_rows", "run_batch",
    "BatchResult", "InputFileError", "PackInputError", "read_data", "batch_zip_name", "pack_output_name",
    "merge_pdfs", "parse_formats",
]



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


def write_form(spec: FormSpec, values: Mapping[str, Any] | None, formats: Iterable[str] | str,
               out_dir: Path | str) -> list[Path]:
    """Render ``values`` (cleaned, or ``None`` for a blank form) in each format and write
    the files into ``out_dir``; every file is rendered before any is written."""
    out_dir = Path(out_dir)
    files = [(out_dir / output_name(spec, values, fmt), render(spec, values, fmt)) for fmt in parse_formats(formats)]
    return write_all(files)


# --- packs -------------------------------------------------------------------
def write_pack(pack: Pack, specs: Mapping[str, FormSpec], data: Mapping[str, Any],
               formats: Iterable[str] | str, out_dir: Path | str,
               prepare: Callable[[dict[str, dict[str, Any]]], dict[str, dict[str, Any]]] | None = None) -> list[Path]:
    """Fill every form of ``pack`` with one set of answers; all-or-nothing.

    ``prepare`` gets every form's cleaned values (form id → values) once all are valid and
    returns the values to draw (the register issues them and adds each form's number).

    Keys are field names or labels of any form in the pack; each form takes the ones it
    has. A key no form has is an error (a typo would otherwise be lost silently).
    """
    fmts = parse_formats(formats)
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
    if prepare is not None:
        cleaned = prepare(cleaned)
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


def problems_of(err: FormInputError, source: str) -> list[str]:
    return [f"{source}: {e}" for e in err.errors]
