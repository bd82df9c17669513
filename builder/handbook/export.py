"""Export the printed handbook: load the project, collect the structure, write each format.

The stages: :mod:`builder.handbook.structure` (what goes in, in which order) →
:mod:`builder.handbook.pdf` / :mod:`builder.handbook.docx` (drawing it) → this module
(writing the files atomically, recording a numbered copy in the distribution record)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

from builder.core.atomic import write_with
from builder.core.control import CONTROL_FILE, ExportError, load_control
from builder.core.distribution import IssuedCopy, check_copy, distribution_file, record_copy, valid_copy_number
from builder.core.paths import CONTENT_DIR, FORMS_DIR
from builder.core.project import load_valid_project
from builder.handbook.docx import write_docx
from builder.handbook.pdf import write_pdf
from builder.handbook.structure import FORMATS, Edition, Handbook, collect, known_roles, parse_edition

WRITERS: dict[str, Callable[[Handbook, Path], None]] = {"pdf": write_pdf, "docx": write_docx}


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ExportError([f"unknown format '{b}': use pdf, docx or pdf,docx" for b in bad]
                          or ["no format given: use pdf, docx or pdf,docx"])
    return list(dict.fromkeys(formats))


def export_handbook(handbook: Handbook, formats: list[str], out_dir: Path | str) -> list[Path]:
    """Write the handbook in each format into ``out_dir``; returns the files written."""
    out_dir = Path(out_dir)
    written = []
    for fmt in formats:
        path = out_dir / f"{handbook.stem}.{fmt}"
        write_with(path, partial(WRITERS[fmt], handbook))
        written.append(path)
    return written


def export(formats: list[str] | str, out_dir: Path | str, role: str | None = None,
           content_dir: Path | str = CONTENT_DIR, forms_dir: Path | str = FORMS_DIR,
           control_file: Path | str = CONTROL_FILE, edition: Edition | str = "staff",
           copy: str | None = None, holder: str | None = None, on: dt.date | None = None) -> list[Path]:
    """Load, check and export: the whole handbook (``role=None``), one post's booklet, or
    every post's booklet (``role="all"``), in the staff or the editors' edition.

    With ``copy`` (and ``holder``), the export is one numbered copy: the 分发号 and holder print
    on its cover and footer, and the copy is added to ``handbook-distribution.yaml`` beside the
    control file once its files are written; a number already issued for this version is refused.

    Raises :class:`ExportError` for bad input (format, role, edition, copy, settings) and
    :class:`builder.core.errors.ContentError` when the content has problems.
    """
    if isinstance(formats, str):
        formats = parse_formats(formats)
    edition = parse_edition(edition)
    control = load_control(control_file)
    issued = _copy_to_issue(control_file, copy, holder, role, edition, control.version, on)
    project = load_valid_project(content_dir, forms_dir)
    content, specs = project.content, project.specs
    roles: list[str | None] = list(known_roles(content)) if role == "all" else [role]
    handbooks = [collect(content, specs, control, r, edition=edition, copy=issued) for r in roles]
    written = []
    for hb in handbooks:
        written += export_handbook(hb, formats, out_dir)
    if issued is not None:
        try:
            record_copy(distribution_file(control_file), issued)
        except ExportError:  # issued meanwhile by another export: this one's files are not a valid copy
            for path in written:
                path.unlink(missing_ok=True)
            raise
    return written


def _copy_to_issue(control_file: Path | str, copy: str | None, holder: str | None, role: str | None,
                   edition: Edition, version: str, on: dt.date | None) -> IssuedCopy | None:
    """The copy this export is, checked against the record before anything is rendered."""
    if copy is None:
        if holder is not None:
            raise ExportError(["--holder: give it with --copy N: the holder is recorded with a numbered copy"])
        return None
    problems = []
    try:
        copy = valid_copy_number(copy)
    except ValueError as e:
        problems.append(f"--copy: {e}")
    if not (holder or "").strip():
        problems.append("--holder: say whom the copy goes to (持有人/部门), e.g. --holder 前台")
    elif len(holder.strip()) > 40:  # type: ignore[union-attr]
        problems.append("--holder: at most 40 characters")
    if role == "all":
        problems.append("--copy: a numbered copy is one handbook: give one --role, or none for the whole manual")
    if problems:
        raise ExportError(problems)
    check_copy(distribution_file(control_file), copy, version)
    return IssuedCopy.model_validate({"copy": copy, "holder": holder, "date": on or dt.date.today(),
                                      "edition": edition, "version": version, "role": role})
