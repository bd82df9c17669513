"""Drawing one form in one format: ``render(spec, values, "pdf"|"docx")``, the formats a
command line or a web page may ask for, and a pack's PDFs merged into one to print."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from builder.core.formspec import FormSpec

FORMATS = ("docx", "pdf")


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


def parse_formats(formats: Iterable[str] | str) -> list[str]:
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
