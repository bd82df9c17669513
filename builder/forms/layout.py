"""One layout, two renderers: a form's blocks turned into plain rows of text cells.

:func:`layout` reads a :class:`FormSpec` and cleaned values (or ``None`` for a blank form)
and returns a list of :class:`Piece` objects holding only strings and flags. The DOCX
writer and the Jinja2 HTML template draw these pieces; neither looks at field types, so the
two outputs cannot drift apart. Fields that no block draws are added as a last grid, so a
value given is never lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.core.formspec import PLACEHOLDER, Block, FieldSpec, FormSpec
from builder.core.logo import LogoError, data_url, read_logo
from builder.core.model import Profile
from builder.forms.validate import cell_text, display

#: the blank printed for an empty ``{field}`` in pledge text (ideographic spaces, underlined)
BLANK = "\u3000" * 6
#: signature labels up to this many characters sit three to a row (with their lines)
SHORT_LABEL = 7
#: an empty date on a signature line
BLANK_DATE = "\u3000\u3000年\u3000\u3000月\u3000\u3000日"


#: the key under which :func:`with_header` puts a :class:`Header` into the values drawn
HEADER_KEY = "_header"


@dataclass(frozen=True)
class Header:
    """What a printed form carries above its title besides the form's own code.

    ``company``: the company name from the profile (``content/profile.yaml``);
    ``number``: the serial number a register gives an issued form (printed beside the code);
    ``preview``: a 预览 mark for a form that is not (yet) issued;
    ``logo``/``logo_type``: the profile's logo, as bytes and MIME type (the PDF hands it to
    WeasyPrint as a ``data:`` URL, the DOCX as an image part), empty when none is set.

    Built from the profile by :meth:`from_profile`, the one place that does."""

    company: str = ""
    number: str = ""
    preview: bool = False
    logo: bytes = field(default=b"", repr=False)
    logo_type: str = ""

    @classmethod
    def from_profile(cls, profile: Profile | None, content_dir: Path, *, number: str = "",
                     preview: bool = False) -> Header:
        """The header of a form printed for the company in ``profile`` (``content/profile.yaml``
        under ``content_dir``): its name, and its logo when one is set and readable (a bad
        logo is reported by ``handbook check``; the form prints without it)."""
        if profile is None:
            return cls(number=number, preview=preview)
        logo, mime = b"", ""
        if profile.logo:
            with contextlib.suppress(LogoError, OSError):
                logo, mime = read_logo(content_dir, profile.logo)
        return cls(company=profile.company, number=number, preview=preview, logo=logo, logo_type=mime)

    @property
    def logo_url(self) -> str:
        """The logo as a ``data:`` URL (``""`` without one)."""
        return data_url(self.logo, self.logo_type) if self.logo else ""


def with_header(values: Mapping[str, Any] | None, header: Header) -> dict[str, Any]:
    """``values`` (cleaned; ``None`` for a blank form) with ``header`` for the renderers.
    The key cannot clash with a field: field names start with a letter."""
    out: dict[str, Any] = {} if values is None else dict(values)
    out[HEADER_KEY] = header
    return out


def mask_id(value: str) -> str:
    """``440305199001011234`` → ``440305********1234``: the region and the last four kept."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else value


@dataclass
class Cell:
    text: str
    label: bool = False      # a label cell (shaded, bold-ish)
    span: int = 1            # grid columns taken
    multiline: bool = False  # keep line breaks; blank forms get ruled lines
    lines: int = 1           # lines of height on a blank form
    mark: bool = False       # a ☐/☑ cell, centred


@dataclass
class Segment:
    text: str
    blank: bool = False      # an underlined blank (filled or not)
    field: str | None = None


@dataclass
class Piece:
    kind: str                                  # title heading grid table checklist pledge notes signatures
    title: str = ""
    code: str = ""
    top: Header = field(default_factory=Header)         # title: company, serial number, preview mark
    text: str = ""
    ncols: int = 0                             # grid: label/value pairs; table: columns
    rows: list[list[Cell]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    paragraphs: list[list[Segment]] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)   # relative column widths (table/checklist)


def _value(values: dict[str, Any] | None, f: FieldSpec) -> Any:
    return None if values is None else values.get(f.name)


def _masked(spec: FormSpec, values: dict[str, Any] | None) -> dict[str, Any] | None:
    """The values as printed: ID numbers masked when the form says so."""
    if values is None or not spec.mask_id_in_print:
        return values
    out = dict(values)
    for f in spec.fields:
        if f.type == "id_number" and isinstance(out.get(f.name), str):
            out[f.name] = mask_id(out[f.name])
        elif f.type == "table" and any(c.type == "id_number" for c in f.columns) and isinstance(out.get(f.name), list):
            out[f.name] = [{k: mask_id(v) if isinstance(v, str) and c_type == "id_number" else v
                            for k, v in row.items() for c_type in [_col_type(f, k)]} for row in out[f.name]]
    return out


def _col_type(f: FieldSpec, name: str) -> str:
    return next((c.type for c in f.columns if c.name == name), "text")


def _grid(spec: FormSpec, names: list[str], pairs: int, values: dict[str, Any] | None) -> Piece:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    used = 0
    blank = values is None
    for name in names:
        f = spec.field(name)
        span = pairs if f.type in ("textarea", "table", "checklist") else min(f.span, pairs)
        if used + span > pairs and row:
            row[-1].span += (pairs - used) * 2
            rows.append(row)
            row, used = [], 0
        v = _value(values, f)
        multiline = f.type == "textarea"
        text = "☐" if blank and f.type == "checkbox" else cell_text(f, v)
        row.append(Cell(f.label, label=True))
        row.append(Cell(text, span=span * 2 - 1, multiline=multiline,
                        lines=(f.lines if multiline and (blank or not text) else 1)))
        used += span
        if used >= pairs:
            rows.append(row)
            row, used = [], 0
    if row:
        row[-1].span += (pairs - used) * 2
        rows.append(row)
    return Piece("grid", ncols=pairs, rows=rows)


def _table(f: FieldSpec, values: dict[str, Any] | None) -> Piece:
    header = ["序号"] + [c.label for c in f.columns]
    data = _value(values, f) or []
    n = f.blank_rows if values is None else max(len(data), 0)
    if values is not None and not data:
        n = min(2, f.blank_rows) or 1
    rows: list[list[Cell]] = []
    for i in range(max(n, len(data))):
        r = data[i] if i < len(data) else None
        cells = [Cell(str(i + 1) if r is not None else "", mark=True)]
        for c in f.columns:
            cells.append(Cell(cell_text(c, r.get(c.name)) if r is not None else "",
                              mark=c.type == "checkbox"))
        rows.append(cells)
    weights = [0.6] + [_col_weight(c) for c in f.columns]
    return Piece("table", title=f.label, header=header, ncols=len(header), rows=rows, widths=weights)


def _col_weight(c: FieldSpec) -> float:
    if c.type in ("number", "money", "checkbox"):
        return 1.0
    if c.type in ("date", "time", "phone"):
        return 1.4
    if c.type in ("datetime", "id_number"):
        return 2.0
    if c.type in ("textarea",):
        return 3.0
    if c.type in ("choice", "multichoice"):
        return 1.5
    return 2.0 if (c.max_length or 40) > 12 else 1.2


def _checklist(f: FieldSpec, values: dict[str, Any] | None) -> Piece:
    answers = _value(values, f) or {}
    header = ["序号", f.label] + list(f.options)
    rows = []
    for i, item in enumerate(f.items, start=1):
        got = answers.get(item)
        rows.append([Cell(str(i), mark=True), Cell(item)]
                    + [Cell("☑" if got == o else "☐", mark=True) for o in f.options])
    widths = [0.6, 4.0] + [1.0] * len(f.options)
    return Piece("checklist", title=f.label, header=header, ncols=len(header), rows=rows, widths=widths)


def _paragraphs(spec: FormSpec, text: str, values: dict[str, Any] | None) -> list[list[Segment]]:
    out: list[list[Segment]] = []
    for para in [p.strip() for p in text.split("\n") if p.strip()]:
        segs: list[Segment] = []
        pos = 0
        for m in PLACEHOLDER.finditer(para):
            if m.start() > pos:
                segs.append(Segment(para[pos:m.start()]))
            f = spec.field(m.group(1))
            shown = display(f, _value(values, f))
            segs.append(Segment(shown if shown else BLANK, blank=True, field=f.name))
            pos = m.end()
        if pos < len(para):
            segs.append(Segment(para[pos:]))
        out.append(segs)
    return out


def _signatures(spec: FormSpec, names: list[str], values: dict[str, Any] | None) -> Piece:
    sigs = []
    for name in names:
        f = spec.field(name)
        shown = display(f, _value(values, f))
        if not shown:
            shown = BLANK_DATE if f.type == "date" else "\u3000" * 8
        sigs.append((f.label, shown))
    # label and line stay on one line: three a row when the labels are short, else two, else one
    longest = max((len(label) for label, _ in sigs), default=0)
    per_row = 3 if longest <= SHORT_LABEL else 2 if longest <= 2 * SHORT_LABEL else 1
    return Piece("signatures", signatures=sigs, ncols=min(per_row, max(len(sigs), 1)))


def layout(spec: FormSpec, values: dict[str, Any] | None) -> list[Piece]:
    """The pieces of ``spec`` drawn with ``values`` (``None``: a blank form). A
    :class:`Header` under :data:`HEADER_KEY` (see :func:`with_header`) is drawn at the top;
    values holding nothing else draw a blank form."""
    top = values.get(HEADER_KEY) if values is not None else None
    if values is not None and HEADER_KEY in values:
        values = {k: v for k, v in values.items() if k != HEADER_KEY} or None
    values = _masked(spec, values)
    pieces: list[Piece] = []
    drawn: set[str] = set()
    b: Block
    for b in spec.layout:
        drawn.update(b.names())
        if b.block == "title":
            pieces.append(Piece("title", title=b.text or spec.title, code=spec.code or "",
                                top=top if isinstance(top, Header) else Header()))
        elif b.block == "heading":
            pieces.append(Piece("heading", text=b.text or ""))
        elif b.block == "grid":
            pieces.append(_grid(spec, b.fields, b.columns, values))
        elif b.block == "table":
            pieces.append(_table(spec.field(b.field), values))  # type: ignore[arg-type]
        elif b.block == "checklist":
            pieces.append(_checklist(spec.field(b.field), values))  # type: ignore[arg-type]
        elif b.block in ("pledge", "notes"):
            pieces.append(Piece(b.block, paragraphs=_paragraphs(spec, b.text or "", values)))
        elif b.block == "signatures":
            pieces.append(_signatures(spec, b.fields, values))
    rest = [f for f in spec.fields if f.name not in drawn]
    if rest:
        grid_rest = [f.name for f in rest if f.type not in ("table", "checklist")]
        at = len(pieces)
        if pieces and pieces[-1].kind == "signatures":
            at -= 1
        extra: list[Piece] = []
        if grid_rest:
            extra.append(_grid(spec, grid_rest, 2, values))
        for f in rest:
            if f.type == "table":
                extra.append(_table(f, values))
            elif f.type == "checklist":
                extra.append(_checklist(f, values))
        pieces[at:at] = extra
    return pieces


def placeholders(spec: FormSpec) -> set[str]:
    """Every ``{field}`` named in the layout's text."""
    out: set[str] = set()
    for b in spec.layout:
        out.update(PLACEHOLDER.findall(b.text or ""))
    return out
