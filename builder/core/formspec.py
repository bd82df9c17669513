"""Form specifications: ``forms/<id>/form.yaml``, the shared field library
``forms/fields.yaml`` and the packs ``forms/packs.yaml``.

A form is data: its fields (name, label, type, limits, help) and its layout as a list of
blocks. Both renderers (DOCX and PDF) and the web form draw the same blocks. Field names
are shared across forms through the library, so one set of answers for a room fills a
whole pack.

``load_specs(forms_dir) -> (specs, problems)`` never raises for a mistake in the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from builder.core.errors import Problem
from builder.core.load import display_path, line_of, read_yaml, to_plain, validation_problems
from builder.core.model import ID_PATTERN, SourceRef

FieldType = Literal[
    "text", "textarea", "date", "time", "datetime", "phone", "id_number", "number", "money",
    "choice", "multichoice", "checkbox", "checklist", "table", "signature",
]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Label = Annotated[str, Field(min_length=1)]

#: ``{field_name}`` inside pledge and notes text: a blank filled with that field's value.
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")

# --- limits on every input ---------------------------------------------------------
# A form's own limits (``max_length``, ``max_digits``, ``max_rows``) are bounded by these,
# and every entry point (web post, data file, spreadsheet row) is checked against them
# before anything is drawn: render time grows with the size of what is printed.

#: text: the largest ``max_length`` a form may declare (characters after NFKC)
MAX_TEXT_CHARS = 5000
#: number / money: the largest ``max_digits`` (integer digits); with 4 decimals this stays
#: well under the 28 digits of Python's default decimal context
MAX_DIGITS = 18
#: digits before the point when a field sets none: a meter reading, a count; a money value
#: up to 9,999,999,999.99 元
DEFAULT_DIGITS = {"number": 12, "money": 10}
#: table: the largest ``max_rows`` a form may declare
MAX_TABLE_ROWS = 200
#: any other value (a phone, a date, a choice …) longer than this is refused unread
MAX_SCALAR_CHARS = 200
#: keys in one set of answers (a post, a data file, a spreadsheet row); cells in a table row
#: beyond twice its columns (names and labels) and a few more
MAX_KEYS = 1000
#: a web post (form fields), in bytes
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: a batch: rows in one spreadsheet, a cell's characters, the file's bytes
MAX_BATCH_ROWS = 50_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_ROWS_FILE_BYTES = 100 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FieldSpec(_Strict):
    """One field of a form (or one column of a table field)."""

    name: Name
    label: Label = Field(description="the Chinese label printed on the form and used in errors")
    type: FieldType = "text"
    required: bool = False
    help: str | None = None
    placeholder: str | None = None
    default: Any = None
    max_length: int | None = Field(None, ge=1, le=MAX_TEXT_CHARS)
    max_digits: int | None = Field(None, ge=1, le=MAX_DIGITS,
                                   description="number / money: digits before the point (default 12 / 10)")
    min: float | None = None
    max: float | None = None
    choices: list[Label] = Field(default_factory=list, description="for choice / multichoice")
    items: list[Label] = Field(default_factory=list, description="for checklist: the lines to tick")
    options: list[Label] = Field(default_factory=lambda: ["合格", "不合格"], description="for checklist: the answers")
    columns: list[FieldSpec] = Field(default_factory=list, description="for table: the columns")
    min_rows: int = Field(0, ge=0)
    max_rows: int = Field(20, ge=1, le=MAX_TABLE_ROWS)
    blank_rows: int = Field(5, ge=0, description="rows printed on a blank form")
    span: int = Field(1, ge=1, le=4, description="grid cells the field takes")
    mobile_only: bool = Field(False, description="phone: refuse landlines")
    aliases: list[Label] = Field(default_factory=list, description="other labels data may use for this field "
                                 "(a library field's own label when a form relabels it)")
    lines: int = Field(3, ge=1, le=20, description="textarea: ruled lines printed on a blank form")
    prefill: Literal["now"] | None = Field(None, description="the web page fills in today's date / the time now "
                                           "(where the manual means the moment of filling)")
    remember: bool = Field(False, description="the browser remembers what was typed (the clerk's own name; "
                           "never owner data)")

    @model_validator(mode="after")
    def _by_type(self) -> FieldSpec:
        if self.type in ("choice", "multichoice") and not self.choices:
            raise ValueError(f"a {self.type} field needs 'choices'")
        if self.type == "checklist" and not self.items:
            raise ValueError("a checklist field needs 'items'")
        if self.remember and self.type not in ("text", "signature"):
            raise ValueError("remember is for a text field (the clerk's name)")
        if self.prefill and self.type not in ("date", "time", "datetime"):
            raise ValueError("prefill: now is for a date, time or datetime field")
        if self.type == "table":
            if not self.columns:
                raise ValueError("a table field needs 'columns'")
            if any(c.type in ("table", "checklist") for c in self.columns):
                raise ValueError("a table column cannot be a table or a checklist")
            if self.min_rows > self.max_rows:
                raise ValueError("min_rows is larger than max_rows")
        return self


class Block(_Strict):
    """One piece of a form's layout, drawn the same way by the DOCX and PDF renderers."""

    block: Literal["title", "heading", "grid", "table", "checklist", "pledge", "signatures", "notes"]
    text: str | None = Field(None, description="heading / pledge / notes text; {field} marks a blank")
    fields: list[Name] = Field(default_factory=list, description="grid and signatures: field names in order")
    field: Name | None = Field(None, description="table and checklist: the field drawn")
    columns: int = Field(2, ge=1, le=4, description="grid: label/value pairs per row")

    @model_validator(mode="after")
    def _needs(self) -> Block:
        need = {"grid": "fields", "signatures": "fields", "table": "field", "checklist": "field",
                "pledge": "text", "notes": "text", "heading": "text"}.get(self.block)
        if need and not getattr(self, need):
            raise ValueError(f"a '{self.block}' block needs '{need}'")
        return self

    def names(self) -> list[str]:
        """Every field name this block draws or fills."""
        out = list(self.fields) + ([self.field] if self.field else [])
        return out + PLACEHOLDER.findall(self.text or "")


class Condition(_Strict):
    """A test on one field's cleaned value; exactly one of the tests is given."""

    field: Name
    equals: str | bool | None = Field(None, description="the value is this (a choice, or true/false for a checkbox)")
    one_of: list[Label] = Field(default_factory=list, description="the value is one of these")
    filled: bool | None = Field(None, description="true: the field has a value; false: it is blank")
    any_item: Label | None = Field(None, description="checklist: some item has this answer; multichoice: this is picked")
    every_item: Label | None = Field(None, description="checklist: every item has this answer")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [k for k in ("equals", "filled", "any_item", "every_item") if getattr(self, k) is not None]
        given += ["one_of"] if self.one_of else []
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of: equals, one_of, filled, any_item, every_item")
        return self


RuleKind = Literal["not_before", "within", "required_if", "only_if", "implies", "computed", "total"]


class Rule(_Strict):
    """A rule of the manual over several fields, checked by the one validator for every entry
    point (web, CLI, batches, packs). ``message`` is the manual's reason, shown after the
    field's label; ``source`` says where the manual states it.

    ========== ================================================================================
    not_before ``field`` (a date) is not earlier than ``other``
    within     ``field`` is at most ``months`` calendar months (or ``days``) after ``other``;
               a month-end start ends on the last day of the shorter month (11-30 → 02-28)
    required_if ``field`` must be filled (a checkbox: ticked) when ``when`` holds
    only_if    ``field`` may be filled only when ``when`` holds (the web page hides it otherwise)
    implies    when ``when`` holds, ``then`` must hold (the error is shown at ``then.field``)
    computed   ``field`` (a date) = ``base`` + ``days[value of by]`` days; never typed
    total      ``field`` (money) = the sum of ``column`` over the rows of table ``base``, and
               ``words`` (optional) the same sum in Chinese capitals (壹佰贰拾元伍角); never typed
    ========== ================================================================================
    """

    rule: RuleKind
    field: Name | None = None
    other: Name | None = None
    months: int | None = Field(None, ge=1, le=120)
    when: Condition | None = None
    then: Condition | None = None
    base: Name | None = Field(None, description="computed: the date counted from; total: the table")
    column: Name | None = Field(None, description="total: the table's money column summed")
    words: Name | None = Field(None, description="total: a text field for the sum in Chinese capitals")
    by: Name | None = Field(None, description="computed: the choice field whose value picks the days")
    days: dict[Label, Annotated[int, Field(ge=0, le=3650)]] | int | None = Field(
        None, description="within: a number of days; computed: days by the value of 'by'")
    message: str | None = Field(None, description="the manual's reason, in its words (not for computed)")
    source: SourceRef

    @model_validator(mode="after")
    def _needs(self) -> Rule:
        need = {"not_before": ("field", "other", "message"), "within": ("field", "other", "message"),
                "required_if": ("field", "when", "message"), "only_if": ("field", "when", "message"),
                "implies": ("when", "then", "message"), "computed": ("field", "base", "by", "days"),
                "total": ("field", "base", "column")}[self.rule]
        missing = [k for k in need if getattr(self, k) in (None, "")]
        if missing:
            raise ValueError(f"a '{self.rule}' rule needs {', '.join(missing)}")
        if self.rule == "within" and (self.months is None) == (not isinstance(self.days, int)):
            raise ValueError("a 'within' rule needs either months or days (a number)")
        if self.rule == "computed" and not isinstance(self.days, dict):
            raise ValueError("a 'computed' rule needs days: {choice: number of days, …}")
        return self

    def names(self) -> list[str]:
        """Every field name the rule reads or sets."""
        out = [n for n in (self.field, self.other, self.base, self.by, self.words) if n]
        return out + [c.field for c in (self.when, self.then) if c is not None]


class FormSpec(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Label
    code: str | None = Field(None, description="the company's form code, e.g. QR-DXC-03")
    status: Literal["sourced", "draft"] = "sourced"
    source: list[SourceRef] = Field(default_factory=list)
    procedures: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list)
    description: str | None = None
    key_field: Name | None = Field(None, description="the field that names output files (room, …)")
    orientation: Literal["portrait", "landscape"] = "portrait"
    mask_id_in_print: bool = Field(False, description="print ID numbers masked (440305********351X)")
    fields: list[FieldSpec]
    rules: list[Rule] = Field(default_factory=list, description="the manual's rules over several fields")
    layout: list[Block]

    @model_validator(mode="after")
    def _consistent(self) -> FormSpec:
        """Every inconsistency at once, each at its own key (so each gets its own line)."""
        errs: list[tuple[tuple[str | int, ...], str]] = []
        if self.status == "sourced" and not self.source:
            errs.append((("status",), "status 'sourced' needs 'source' (where the manuals name the form); else 'status: draft'"))
        names = [f.name for f in self.fields]
        for i, name in enumerate(names):
            if name in names[:i]:
                errs.append((("fields", i, "name"), f"duplicate field name '{name}'"))
        known = set(names)
        for i, b in enumerate(self.layout):
            unknown = [n for n in b.names() if n not in known]
            if unknown:
                errs.append((("layout", i), f"layout[{i}] ({b.block}) uses undeclared fields: {', '.join(unknown)}"))
            elif b.block in ("table", "checklist") and b.field and self.field(b.field).type != b.block:
                errs.append((("layout", i, "field"), f"layout[{i}]: field '{b.field}' is not a {b.block} field"))
        for i, r in enumerate(self.rules):
            errs += [(("rules", i), m) for m in _rule_problems(self, r, i, known)]
        if self.key_field and self.key_field not in known:
            errs.append((("key_field",), f"key_field '{self.key_field}' is not a declared field"))
        if not any(b.block == "title" for b in self.layout):
            errs.append((("layout",), "the layout needs a 'title' block"))
        if errs:
            raise ValidationError.from_exception_data("FormSpec", [
                InitErrorDetails(type=PydanticCustomError("form", msg), loc=loc, input=None) for loc, msg in errs])
        return self

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def by_label(self) -> dict[str, FieldSpec]:
        return {f.label: f for f in self.fields}


_DATES = ("date", "datetime")


def _rule_problems(spec: FormSpec, r: Rule, i: int, known: set[str]) -> list[str]:
    """What is inconsistent in rule ``i``: unknown fields, wrong types, values no choice has."""
    unknown = [n for n in r.names() if n not in known]
    if unknown:
        return [f"rules[{i}] ({r.rule}) uses undeclared fields: {', '.join(unknown)}"]
    out: list[str] = []
    if r.rule in ("not_before", "within"):
        for n in (r.field, r.other):
            if n and spec.field(n).type not in _DATES:
                out.append(f"rules[{i}] ({r.rule}): '{n}' is not a date field")
    if r.rule == "computed" and r.field and r.base and r.by:
        if spec.field(r.field).type != "date" or spec.field(r.base).type not in _DATES:
            out.append(f"rules[{i}] (computed): '{r.field}' and '{r.base}' must be date fields")
        choices = spec.field(r.by).choices
        if isinstance(r.days, dict) and set(r.days) != set(choices):
            out.append(f"rules[{i}] (computed): days must give every choice of '{r.by}': {', '.join(choices)}")
    if r.rule == "total" and r.field and r.base and r.column:
        table = spec.field(r.base)
        if table.type != "table" or r.column not in {c.name for c in table.columns}:
            out.append(f"rules[{i}] (total): '{r.base}' is not a table with a column '{r.column}'")
        elif next(c for c in table.columns if c.name == r.column).type not in ("money", "number"):
            out.append(f"rules[{i}] (total): column '{r.column}' is not a number")
        if spec.field(r.field).type != "money":
            out.append(f"rules[{i}] (total): '{r.field}' must be a money field")
    for c in (r.when, r.then):
        if c is None:
            continue
        f = spec.field(c.field)
        values = [c.equals] if isinstance(c.equals, str) else list(c.one_of)
        if f.type == "choice" and any(v not in f.choices for v in values):
            out.append(f"rules[{i}]: '{c.field}' has no choice {', '.join(v for v in values if v not in f.choices)}")
        if isinstance(c.equals, bool) and f.type != "checkbox":
            out.append(f"rules[{i}]: equals true/false is for a checkbox; '{c.field}' is a {f.type}")
        for opt in (c.any_item, c.every_item):
            if opt is None:
                continue
            if f.type == "checklist" and opt not in f.options:
                out.append(f"rules[{i}]: '{c.field}' has no answer {opt}")
            elif f.type == "multichoice" and (opt not in f.choices or c.every_item):
                out.append(f"rules[{i}]: '{c.field}' cannot test {opt}")
            elif f.type not in ("checklist", "multichoice"):
                out.append(f"rules[{i}]: any_item/every_item is for a checklist; '{c.field}' is a {f.type}")
    return out


class Pack(_Strict):
    title: Label
    description: str | None = None
    forms: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(min_length=1)


class Packs(_Strict):
    packs: dict[Annotated[str, Field(pattern=ID_PATTERN)], Pack]


# --- the field library ---------------------------------------------------
def _expand_field(raw: Any, library: dict[str, dict[str, Any]]) -> Any:
    """A field may be written as a library name (``owner_name``), or ``{use: owner_name, …overrides}``."""
    if isinstance(raw, str):
        return dict(library.get(raw, {"name": raw, "label": f"未定义字段 {raw}"}))
    if isinstance(raw, dict) and "use" in raw:
        base = dict(library.get(raw["use"], {"name": raw["use"]}))
        shared_label = base.get("label")
        base.update({k: v for k, v in raw.items() if k != "use"})
        if shared_label and base.get("label") != shared_label and "aliases" not in raw:
            base["aliases"] = [shared_label]  # 日期 still fills a field relabelled 签订日期
        return base
    return raw


def load_library(forms_dir: Path) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    path = forms_dir / "fields.yaml"
    if not path.exists():
        return {}, []
    display = display_path(path, forms_dir)
    data, problems = read_yaml(path, display)
    if problems:
        return {}, problems
    library: dict[str, dict[str, Any]] = {}
    for i, raw in enumerate(to_plain(data).get("fields", []) if data else []):
        try:
            spec = FieldSpec.model_validate(raw)
        except ValidationError as e:
            problems += validation_problems(display, data, e, at=("fields", i))
            continue
        library[spec.name] = raw
    return library, problems


@dataclass
class Forms:
    """forms/: the specs, the packs whose forms exist or not, and the shared field library."""

    specs: dict[str, FormSpec] = dc_field(default_factory=dict)
    packs: dict[str, Pack] = dc_field(default_factory=dict)
    library: dict[str, dict[str, Any]] = dc_field(default_factory=dict)


def load_forms(forms_dir: Path | str) -> tuple[Forms, list[Problem]]:
    """Every form, pack and shared field under ``forms_dir``, validated, and every problem
    with its line; read once (the project loader calls this)."""
    forms_dir = Path(forms_dir)
    specs: dict[str, FormSpec] = {}
    library, problems = load_library(forms_dir)
    unknown_lib: list[Problem] = []
    for path in sorted(forms_dir.glob("*/form.yaml")):
        display = display_path(path, forms_dir)
        data, errs = read_yaml(path, display)
        problems += errs
        if errs:
            continue
        plain = to_plain(data) or {}
        if not isinstance(plain, dict):
            problems.append(Problem(display, 1, "(form)", "a form is a mapping of keys (title, fields, layout)"))
            continue
        plain.setdefault("id", path.parent.name)
        if plain["id"] != path.parent.name:
            problems.append(Problem(display, line_of(data, ("id",)), "id",
                                    f"id '{plain['id']}' differs from the folder name '{path.parent.name}'"))
            continue
        raw_fields = plain.get("fields", [])
        if isinstance(raw_fields, list):
            for i, raw in enumerate(raw_fields):
                ref = raw if isinstance(raw, str) else raw.get("use") if isinstance(raw, dict) else None
                if ref is not None and ref not in library:
                    unknown_lib.append(Problem(display, line_of(data, ("fields", i)), f"fields[{i}]",
                                               f"'{ref}' is not in forms/fields.yaml; define the field here or add it there"))
            plain["fields"] = [_expand_field(r, library) for r in raw_fields]
        try:
            specs[plain["id"]] = FormSpec.model_validate(plain)
        except ValidationError as e:
            problems += validation_problems(display, data, e)
    problems += unknown_lib
    packs, pack_problems = load_packs(forms_dir, set(specs))
    problems += pack_problems
    return Forms(specs, packs, library), problems


def load_specs(forms_dir: Path | str) -> tuple[dict[str, FormSpec], list[Problem]]:
    """Just the specs of :func:`load_forms` (for tests and tools that need no packs)."""
    forms, problems = load_forms(forms_dir)
    return forms.specs, problems


def load_packs(forms_dir: Path | str, form_ids: set[str] | None = None) -> tuple[dict[str, Pack], list[Problem]]:
    forms_dir = Path(forms_dir)
    path = forms_dir / "packs.yaml"
    display = display_path(path, forms_dir)
    if not path.exists():
        return {}, []
    data, problems = read_yaml(path, display)
    if problems:
        return {}, problems
    try:
        packs = Packs.model_validate(to_plain(data) or {}).packs
    except ValidationError as e:
        return {}, validation_problems(display, data, e)
    if form_ids is not None:
        for name, pack in packs.items():
            for i, fid in enumerate(pack.forms):
                if fid not in form_ids:
                    problems.append(Problem(display, line_of(data, ("packs", name, "forms", i)),
                                            f"packs.{name}.forms[{i}]", f"unknown form id '{fid}'"))
    return packs, problems


FormSpec.model_rebuild()
FieldSpec.model_rebuild()
