"""``handbook form …``: list, show, fill, blank, batch and pack the company's forms.

Thin: each command parses its input, calls one function of :mod:`builder.forms.output`
and turns domain errors into one line per problem. Exit 0 on success, 2 when the input
given is invalid (nothing is written then, except in a batch, where the good rows are
written and the bad ones listed), 1 when the forms themselves have problems.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from builder.core.paths import FORMS_DIR

forms_option = click.option(
    "--forms", "forms_dir", type=click.Path(path_type=Path), default=FORMS_DIR, show_default=True,
    help="the forms folder to read")
format_option = click.option(
    "--format", "formats", default="docx,pdf", show_default=True, metavar="docx,pdf",
    help="output formats, comma-separated")
out_option = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
    show_default=True, help="folder to write into (made if missing)")


issue_options = [
    click.option("--by", "by", envvar=["HANDBOOK_CLERK", "HANDBOOK_USER"], metavar="NAME",
                 help="the clerk issuing it: an account of the register (or HANDBOOK_CLERK); required unless --preview"),
    click.option("--preview", is_flag=True,
                 help="print 预览 on the form and store nothing in the register (no number)"),
]


def with_issue_options(f: Any) -> Any:
    for option in reversed(issue_options):
        f = option(f)
    return f


def _fail(lines: list[str], code: int = 2) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def _specs(forms_dir: Path) -> dict[str, Any]:

    if not forms_dir.is_dir():
        _fail([f"{forms_dir}: no such folder"])
    project = _project(forms_dir)
    if project.problems and not project.specs:
        _fail([str(p) for p in project.problems], 1)
    return project.specs


def _project(forms_dir: Path) -> Any:
    """The one loaded project, read once per command (forms and the content they cite)."""
    from builder.core.paths import CONTENT_DIR
    from builder.core.project import load_project

    return load_project(CONTENT_DIR, forms_dir)


def _header(forms_dir: Path) -> Any:
    """The header every form of this command prints: the company and its logo (profile)."""
    from builder.core.paths import CONTENT_DIR
    from builder.forms.layout import Header

    return Header.from_profile(_project(forms_dir).content.profile, CONTENT_DIR)


def _clerk(by: str | None, preview: bool) -> Any:
    """The register to issue into as ``by`` (an active account allowed to issue), or None for a preview."""
    if preview:
        return None
    if not by:
        _fail(["--by: 开单人 (a register account) is required to issue, or set HANDBOOK_CLERK; "
               "--preview prints 预览 and stores nothing"])
    from builder.cli.register import actor

    return actor(click.get_current_context(), by, "issue")


def _issue_one(reg: Any, by: str | None, spec: Any, values: dict[str, Any], head: Any) -> dict[str, Any]:
    """``values`` with the header to print (``head``, from :func:`_header`): the register's new
    number, or the 预览 mark."""
    from dataclasses import replace

    from builder.forms.layout import with_header
    from builder.forms.registering import issue_args

    if reg is None:
        return with_header(values, replace(head, preview=True))
    issued = reg.issue(**issue_args(spec, values), issued_by=by)
    click.echo(f"{issued.number}  {spec.title}", err=True)
    return with_header(values, replace(head, number=issued.number))


def _spec(forms_dir: Path, form_id: str) -> Any:
    specs = _specs(forms_dir)
    if form_id not in specs:
        mine = [str(p) for p in _project(forms_dir).problems if p.path.startswith(f"{form_id}/")]
        if mine:
            _fail(mine, 1)
        _fail([f"unknown form '{form_id}'; `handbook form list` shows the forms"])
    return specs[form_id]


def _check_formats(formats: str) -> list[str]:
    from builder.forms.render import parse_formats as _formats

    try:
        return _formats(formats)
    except ValueError as e:
        _fail([f"--format: {e}"])


def _writing(action: Any, out_dir: Path) -> Any:
    """Run a write; a folder that cannot be written is a message, not a traceback."""
    try:
        return action()
    except OSError as e:
        _fail([f"{out_dir}: cannot write ({e.strerror or e})"])


def _written(paths: list[Path]) -> None:
    for p in paths:
        click.echo(str(p))


@click.group("form")
def form() -> None:
    """Fill the company's forms into DOCX and PDF.

    \b
    handbook form list
    handbook form show yezhu-baoxiu-dan
    handbook form fill yezhu-baoxiu-dan --data slip.yaml --format docx,pdf --out out/
    handbook form blank fanghuo-zerenshu --format pdf --out blank/
    handbook form batch fanghuo-zerenshu --rows owners.xlsx --format pdf --out out/ --zip
    handbook form pack ruhuo --data room.yaml --out out/
    """


@form.command("list")
@forms_option
@click.option("--json", "as_json", is_flag=True, help="print id, title and code of each form as JSON")
def list_cmd(forms_dir: Path, as_json: bool) -> None:
    """List the forms: id, code and title.

    \b
    Example:
      handbook form list --json
    """
    specs = _specs(forms_dir)
    rows = [{"id": s.id, "title": s.title, "code": s.code} for s in specs.values()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:<28} {r['code'] or '-':<12} {r['title']}")


def _field_schema(f: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"name": f.name, "label": f.label, "type": f.type, "required": f.required}
    from builder.forms.validate import default_max_length

    if f.type in ("text", "textarea", "signature"):
        d["max_length"] = default_max_length(f)
    if f.type in ("number", "money"):
        from builder.forms.validate import max_digits

        d["max_digits"] = max_digits(f)
    for key in ("help", "placeholder", "min", "max"):
        if getattr(f, key) is not None:
            d[key] = getattr(f, key)
    if f.choices:
        d["choices"] = list(f.choices)
    if f.type == "checklist":
        d["items"] = list(f.items)
        d["options"] = list(f.options)
    if f.type == "phone" and f.mobile_only:
        d["mobile_only"] = True
    if f.type == "table":
        d["min_rows"], d["max_rows"] = f.min_rows, f.max_rows
        d["columns"] = [_field_schema(c) for c in f.columns]
    return d


@form.command("show")
@click.argument("form_id", metavar="ID")
@forms_option
@click.option("--json", "as_json", is_flag=True, help="print the schema as JSON")
@click.option("--columns", "as_columns", is_flag=True,
              help="print the column headers a batch spreadsheet uses (one CSV line)")
def show_cmd(form_id: str, forms_dir: Path, as_json: bool, as_columns: bool) -> None:
    """Show a form's fields (name, label, type, required, limits) and its rules.

    \b
    Example:
      handbook form show yezhu-baoxiu-dan --json
      handbook form show yezhu-baoxiu-dan --columns > rows.csv
    """
    spec = _spec(forms_dir, form_id)
    if as_columns:
        import csv
        import io

        from builder.forms.validate import batch_columns

        buf = io.StringIO()
        csv.writer(buf).writerow(batch_columns(spec))
        click.echo(buf.getvalue().rstrip("\r\n"))
        return
    from builder.forms.rules import describe

    schema = {"id": spec.id, "title": spec.title, "code": spec.code, "procedures": list(spec.procedures),
              "fields": [_field_schema(f) for f in spec.fields],
              "rules": [{"rule": r.rule, "text": describe(spec, r), "source": r.source.model_dump(exclude_none=True)}
                        for r in spec.rules]}
    if as_json:
        click.echo(json.dumps(schema, ensure_ascii=False, indent=2))
        return
    click.echo(f"{spec.title}  {spec.code or ''}  ({spec.id})")
    for f in schema["fields"]:
        req = " 必填" if f["required"] else ""
        extra = ""
        if "choices" in f:
            extra = " [" + "/".join(f["choices"]) + "]"
        if "columns" in f:
            extra = " columns: " + ", ".join(f"{c['name']}({c['label']})" for c in f["columns"])
        if "items" in f:
            extra = f" {len(f['items'])} items: " + "/".join(f["options"])
        click.echo(f"  {f['name']:<22} {f['label']:<14} {f['type']}{req}{extra}")
    if schema["rules"]:
        click.echo("rules (the manual's, checked for every entry):")
        for r in schema["rules"]:
            click.echo(f"  {r['text']}")


@form.command("fill")
@click.argument("form_id", metavar="ID")
@click.option("--data", "data_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="YAML or JSON answers; keys are field names or the Chinese labels")
@format_option
@out_option
@with_issue_options
@forms_option
def fill_cmd(form_id: str, data_file: Path, formats: str, out_dir: Path, by: str | None, preview: bool,
             forms_dir: Path) -> None:
    """Fill one form from a YAML or JSON file; writes <form>-<room>-<date>.<ext>.

    The form is issued into the register as --by (its number, e.g. BX-2026-000123, is
    printed on the form and on stderr); --preview prints 预览 instead and stores nothing.
    Invalid data: one line per problem, exit 2, nothing written and no number taken.

    \b
    Example:
      handbook form fill yezhu-baoxiu-dan --data slip.yaml --format docx,pdf --out out/ --by 小王
      handbook form fill yezhu-baoxiu-dan --data slip.yaml --format pdf --out out/ --preview
    slip.yaml:
      房号: 3栋2单元1501
      业主姓名: 陈明
      联系电话: 13812345678
    """
    from builder.forms.output import InputFileError, read_data, write_form
    from builder.forms.validate import FormInputError, validate

    spec = _spec(forms_dir, form_id)
    fmts = _check_formats(formats)
    warnings: list[Any] = []
    try:
        values = validate(spec, read_data(data_file), warnings=warnings)
    except InputFileError as e:
        _fail(e.problems)
    except FormInputError as e:
        _fail([f"{data_file}: {x}" for x in e.errors])
    for w in warnings:
        click.echo(f"{data_file}: warning: {w}", err=True)
    reg = _clerk(by, preview)
    drawn = _issue_one(reg, by, spec, values, _header(forms_dir))
    _written(_writing(lambda: write_form(spec, drawn, fmts, out_dir), out_dir))


@form.command("blank")
@click.argument("form_id", metavar="ID")
@format_option
@out_option
@forms_option
def blank_cmd(form_id: str, formats: str, out_dir: Path, forms_dir: Path) -> None:
    """Write a blank form for printing: <表名>-空白表.<ext>.

    \b
    Example:
      handbook form blank fanghuo-zerenshu --format pdf --out blank/
    """
    from builder.forms.output import write_form

    spec = _spec(forms_dir, form_id)
    fmts = _check_formats(formats)
    _written(_writing(lambda: write_form(spec, None, fmts, out_dir), out_dir))


@form.command("batch")
@click.argument("form_id", metavar="ID")
@click.option("--rows", "rows_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="CSV or XLSX; row 1 holds the column names (Chinese labels or field names)")
@format_option
@out_option
@click.option("--zip", "as_zip", is_flag=True, help="write one ZIP of all documents instead of loose files")
@click.option("--workers", type=click.IntRange(1, 16), default=None, help="PDF render processes [cores, at most 2]")
@click.option("--overwrite", is_flag=True,
              help="replace files of the same name in --out (without it a new document gets a name like …(2).pdf)")
@with_issue_options
@forms_option
def batch_cmd(form_id: str, rows_file: Path, formats: str, out_dir: Path, as_zip: bool,
              workers: int | None, overwrite: bool, by: str | None, preview: bool, forms_dir: Path) -> None:
    """Fill one form per row of a CSV or XLSX file.

    Columns: the field's Chinese label (or name); a checklist item as
    "<label>.<item>" (验收项目.门窗); a table cell as "<label><n>.<column>"
    (维修材料1.材料名称, 维修材料2.数量 …). A bad row is reported by its row number
    and skipped; the others are written, each as soon as it is made (its path printed),
    and the refused rows are listed in "<form>-有误的行-<date>.xlsx" beside them. An
    existing file is never replaced unless --overwrite is given. Ctrl+C stops within a
    second or two, keeping only complete files. Exit 2 if any row failed (after writing
    the good ones), 130 if interrupted, 0 if all were written. Each good row is issued
    into the register as --by, its number printed on its form (--preview: 预览, nothing stored).

    \b
    Example:
      handbook form batch fanghuo-zerenshu --rows owners.xlsx --format pdf --out out/ --zip --by 小王
    """
    import signal
    import threading

    from builder.forms.batch import batch_zip_name, run_batch
    from builder.forms.inputs import InputFileError, read_rows

    spec = _spec(forms_dir, form_id)
    fmts = _check_formats(formats)
    try:
        rows = read_rows(rows_file)
    except InputFileError as e:
        _fail(e.problems)
    except KeyboardInterrupt:
        _fail([f"{rows_file}: 已中断, 还没有生成任何文件"], 130)
    if not rows:
        _fail([f"{rows_file}: 第1行下面没有数据"])
    reg = _clerk(by, preview)
    head = _header(forms_dir)
    stop = threading.Event()
    got: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        got.append(signum)
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        with _progress(len(rows) * len(fmts), spec.title) as bar:
            result = _writing(lambda: run_batch(
                spec, rows, fmts, out_dir, zip_name=batch_zip_name(spec) if as_zip else None, workers=workers,
                progress=bar, stop=stop, overwrite=overwrite, on_written=lambda p: click.echo(str(p)),
                prepare=lambda _n, values: _issue_one(reg, by, spec, values, head)), out_dir)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    lines = result.lines(str(rows_file))
    if result.error_book is not None:
        lines.append(f"有误的行已列在 {result.error_book}")
    lines.append(result.summary())
    if got:
        _fail(lines, 128 + got[0])
    if result.failed:
        _fail(lines)
    for line in lines:
        click.echo(line, err=True)


class _progress:
    """A tqdm bar on a terminal; otherwise a plain line every 5 % or 10 s (a log, a pipe)."""

    def __init__(self, total: int, title: str):
        self.total, self.title, self.done = total, title, 0
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.last_line = 0.0
        self.step = max(1, total // 20)

    def __enter__(self) -> _progress:
        import time

        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="份", file=sys.stderr, desc=self.title, leave=False)
        self.last_line = time.monotonic()
        return self

    def __call__(self, n: int) -> None:
        import time

        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.done % self.step == 0 or time.monotonic() - self.last_line > 10:
            self.last_line = time.monotonic()
            click.echo(f"进度: {self.done}/{self.total} 份", err=True)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()


@form.command("pack")
@click.argument("name")
@click.option("--data", "data_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="YAML or JSON answers for the room (owner, room, phone, ID, dates …)")
@format_option
@out_option
@with_issue_options
@forms_option
def pack_cmd(name: str, data_file: Path, formats: str, out_dir: Path, by: str | None, preview: bool,
             forms_dir: Path) -> None:
    """Fill every form of a pack (forms/packs.yaml: ruhuo, zhuangxiu …) from one set of answers.

    All-or-nothing: if any form refuses the answers, every problem is listed (form
    and field named), exit 2, and nothing is written. With PDF, the whole pack is also
    written as one PDF in the pack's order (<资料包>-<房号>-<date>.pdf), to print in one go.
    Every form of the pack is issued into the register as --by in one step (all or none),
    each with its own number printed on it; --preview prints 预览 and stores nothing.

    \b
    Example:
      handbook form pack ruhuo --data room.yaml --format pdf --out out/ --by 小王
    """
    from builder.forms.output import InputFileError, PackInputError, read_data, write_pack

    project = _project(forms_dir)
    specs, packs = project.specs, project.packs
    problems = [p for p in project.problems if p.path.endswith("packs.yaml")]
    if problems:
        _fail([str(p) for p in problems], 1)
    if name not in packs:
        _fail([f"unknown pack '{name}'; packs: {', '.join(sorted(packs)) or '(none in forms/packs.yaml)'}"])
    fmts = _check_formats(formats)
    reg = _clerk(by, preview)
    head = _header(forms_dir)

    def issue_all(cleaned: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from dataclasses import replace

        from builder.forms.layout import with_header
        from builder.forms.registering import issue_args
        from builder.register import IssueRequest

        if reg is None:
            return {fid: with_header(v, replace(head, preview=True)) for fid, v in cleaned.items()}
        issued = reg.issue_many([IssueRequest(**issue_args(specs[fid], v)) for fid, v in cleaned.items()],
                                issued_by=by)
        for fid, i in zip(cleaned, issued):
            click.echo(f"{i.number}  {specs[fid].title}", err=True)
        return {fid: with_header(v, replace(head, number=i.number))
                for (fid, v), i in zip(cleaned.items(), issued)}

    try:
        data = read_data(data_file)
        paths = _writing(lambda: write_pack(packs[name], specs, data, fmts, out_dir, prepare=issue_all), out_dir)
    except InputFileError as e:
        _fail(e.problems)
    except PackInputError as e:
        _fail([f"{data_file}: {line}" for line in e.lines()])
    _written(paths)
