"""Export the printed handbook: load the project, collect the structure, write each format.

The stages: :mod:`builder.handbook.structure` (what goes in, in which order) →
:mod:`builder.handbook.pdf` / :mod:`builder.handbook.docx` (drawing it) → this module
(writing the files atomically)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from builder.core.atomic import write_with
from builder.core.control import CONTROL_FILE, ExportError, load_control
from builder.core.paths import CONTENT_DIR, FORMS_DIR
from builder.core.project import load_valid_project
from builder.handbook.docx import write_docx
from builder.handbook.pdf import write_pdf
from builder.handbook.structure import FORMATS, Handbook, collect, content_history, known_roles

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
           control_file: Path | str = CONTROL_FILE) -> list[Path]:
    """Load, check and export: the whole handbook (``role=None``), one post's booklet, or
    every post's booklet (``role="all"``).

    Raises :class:`ExportError` for bad input (format, role, settings) and
    :class:`builder.core.load.ContentError` when the content has problems.
    """
    if isinstance(formats, str):
        formats = parse_formats(formats)
    control = load_control(control_file)
    project = load_valid_project(content_dir, forms_dir)
    content, specs = project.content, project.specs
    history = content_history(content_dir)
    roles: list[str | None] = list(known_roles(content)) if role == "all" else [role]
    handbooks = [collect(content, specs, control, r, history=history) for r in roles]
    written = []
    for hb in handbooks:
        written += export_handbook(hb, formats, out_dir)
    return written
