"""``handbook register …`` and ``handbook user …``: a thin CLI over the register library.

Each command parses its input, calls one method of :class:`~builder.register.Register` and
prints the result (``--json`` for machines). A :class:`~builder.register.RegisterError`
becomes one line on stderr and exit code 2.

The register is the one configured by the environment (``HANDBOOK_DATA_DIR``,
``HANDBOOK_DATABASE_URL``, ``HANDBOOK_REGISTER_KEY_FILE``). Commands that change records or
export data take ``--by NAME`` (or ``HANDBOOK_USER``): an account whose role allows the
action. The CLI runs on the machine that holds the data, so it trusts its operator to be
that person; the web app is where staff log in with passwords.

Mounted on the main CLI as ``handbook register`` and ``handbook user`` (``LAZY_COMMANDS``).

``register supersede`` reads the corrected values as JSON in the shape ``reprint-data``
prints (dates as ``{"$date": "2026-04-21"}``). The mounting CLI may validate them with the
form instead: set ``ctx.meta["register.validate"]`` to ``fn(form_id, spec, data) -> values``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from builder.register import ROLES, Register, RegisterError, open_register, require
from builder.register.codec import decode_values, encode_values

EXIT_INVALID = 2
DATE = click.DateTime(formats=["%Y-%m-%d"])
by_option = click.option("--by", "by", envvar="HANDBOOK_USER", required=True, metavar="NAME",
                         help="the account doing this (or HANDBOOK_USER)")
json_option = click.option("--json", "as_json", is_flag=True, help="print JSON")


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(EXIT_INVALID)


@contextmanager
def _errors() -> Iterator[None]:
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except RegisterError as e:
        _fail(str(e))
    except OperationalError as e:  # the server went away, the file is locked for 30 s …
        first = (str(e.orig).strip().splitlines() or [type(e.orig).__name__])[0]
        _fail(f"the register database is not available: {first}")


def _reg(ctx: click.Context) -> Register:
    """The register for this command run: opened once, closed when the command ends."""
    root = ctx.find_root()
    reg = root.meta.get("register.instance")
    if reg is None:
        with _errors():
            reg = open_register()
        root.meta["register.instance"] = reg
        root.call_on_close(reg.close_connections)
    assert isinstance(reg, Register)
    return reg


def actor(ctx: click.Context, by: str, action: str) -> Register:
    """The register, once ``by`` is an active account allowed to do ``action``."""
    reg = _reg(ctx)
    with _errors():
        user = reg.get_user(by)
        if user.disabled:
            _fail(f"账号 “{user.name}” 已停用")
        require(user.role, action)
    return reg


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- register ---------------------------------------------------------------------------
@click.group()
def register() -> None:
    """The register of issued forms: find, show, correct, follow up, export, back up.

    \b
    Example:
      handbook register list --room 5栋802
      handbook register followups --due today
    """


@register.command("list")
@click.option("--number", help="a record number, e.g. BX-2026-000123")
@click.option("--room", help="a room, or the start of one (5栋 finds the whole building)")
@click.option("--name", help="an owner's full name (exact)")
@click.option("--phone", help="a phone number, or its last four digits")
@click.option("--id-number", "id_number", help="a 身份证 number (exact)")
@click.option("--form", help="a form id, e.g. yezhu-baoxiu-dan")
@click.option("--from", "date_from", type=DATE, help="issued on or after (YYYY-MM-DD)")
@click.option("--to", "date_to", type=DATE, help="issued on or before (YYYY-MM-DD)")
@click.option("--status", type=click.Choice(["issued", "voided", "superseded", "closed"]))
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@json_option
@click.pass_context
def list_records(ctx: click.Context, /, date_from: dt.datetime | None, date_to: dt.datetime | None,
                 as_json: bool, **criteria: Any) -> None:
    """Records matching every criterion given, newest first (owners and phones masked).

    \b
    Example:
      handbook register list --phone 5678 --from 2026-04-01 --json
    """
    reg = _reg(ctx)
    with _errors():
        found = reg.search(date_from=_day(date_from), date_to=_day(date_to), **criteria)
    if as_json:
        _print_json([s.as_dict() for s in found])
        return
    for s in found:
        due = f" 回访截止 {s.next_due}" if s.next_due and s.status == "issued" else ""
        click.echo(f"{s.number}  {s.issued_on}  {s.form_title}  {s.room or '-'}  {s.owner or '-'}  "
                   f"{s.phone or '-'}  {s.status_label}{due}")
    if not found:
        click.echo("没有符合条件的记录", err=True)


@register.command()
@click.argument("number")
@json_option
@click.pass_context
def show(ctx: click.Context, number: str, as_json: bool) -> None:
    """One record: its values (ID numbers masked), due dates and history.

    \b
    Example:
      handbook register show BX-2026-000123
    """
    reg = _reg(ctx)
    with _errors():
        d = reg.show(number)
    if as_json:
        _print_json(d.as_dict())
        return
    s = d.summary
    click.echo(f"{s.number}  {s.form_title} ({s.form_code or s.form_id})  {s.status_label}")
    click.echo(f"开单: {s.issued_at.astimezone():%Y-%m-%d %H:%M}  {s.issued_by}   版本 {d.version[:12]}")
    if d.supersedes:
        click.echo(f"更正自: {d.supersedes}")
    if d.superseded_by:
        click.echo(f"已更正为: {d.superseded_by}")
    for key, value in d.values.items():
        if value not in (None, "", [], {}):
            click.echo(f"  {key}: {value}")
    for due in d.dues:
        done = f"  {due.done_on} {due.result} ({due.done_by})" if due.done_on else "  未完成"
        click.echo(f"{due.label}截止 {due.due_on}{done}")
    for e in d.history:
        other = f" {e.other_number}" if e.other_number else ""
        reason = f": {e.reason}" if e.reason else ""
        click.echo(f"  {e.at.astimezone():%Y-%m-%d %H:%M}  {e.action}{other}  {e.by}{reason}")


@register.command("reprint-data")
@click.argument("number")
@by_option
@click.pass_context
def reprint_data(ctx: click.Context, number: str, by: str) -> None:
    """Print, as JSON, the template snapshot and the full values a record was issued with.

    \b
    Example:
      handbook register reprint-data BX-2026-000123 --by 小王 > issued.json
    """
    reg = actor(ctx, by, "reprint")
    with _errors():
        r = reg.reprint_data(number, by=by)
    data = r.as_dict()
    data["values"] = encode_values(r.values)  # typed, so `supersede --data` reads it back exactly
    _print_json(data)


@register.command()
@click.argument("number")
@click.option("--format", "formats", default="pdf", show_default=True, metavar="docx,pdf",
              help="output formats, comma-separated")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="folder to write into (made if missing)")
@by_option
@click.pass_context
def reprint(ctx: click.Context, number: str, formats: str, out_dir: Path, by: str) -> None:
    """Draw a record again: the template it was issued with and its values, with its number.

    The same document as first issued, even after the form's template has changed since.

    \b
    Example:
      handbook register reprint BX-2026-000123 --format pdf,docx --out reprints/ --by 小王
    """
    from builder.forms.layout import with_header
    from builder.forms.output import write_form
    from builder.forms.registering import spec_of_snapshot
    from builder.forms.render import parse_formats

    try:
        fmts = parse_formats(formats)
    except ValueError as e:
        _fail(f"--format: {e}")
    reg = actor(ctx, by, "reprint")
    with _errors():
        r = reg.reprint_data(number, by=by)
    spec = spec_of_snapshot(r.spec)
    try:
        paths = write_form(spec, with_header(r.values, _header(r.number)), fmts, out_dir)
    except OSError as e:
        _fail(f"{out_dir}: cannot write ({e.strerror or e})")
    for p in paths:
        click.echo(str(p))


def _header(number: str) -> Any:
    """The header of a reprint: the company and logo (content/profile.yaml), as on every form
    printed today, and the record's own number."""
    from builder.core.paths import CONTENT_DIR, FORMS_DIR
    from builder.core.project import load_project
    from builder.forms.layout import Header

    return Header.from_profile(load_project(CONTENT_DIR, FORMS_DIR).content.profile, CONTENT_DIR, number=number)


@register.command()
@click.argument("number")
@click.option("--reason", required=True, help="why it is void (作废原因)")
@by_option
@click.pass_context
def void(ctx: click.Context, number: str, reason: str, by: str) -> None:
    """Void a record (作废). It stays, with the reason, who and when.

    \b
    Example:
      handbook register void BX-2026-000123 --reason 重复开单 --by 老李
    """
    reg = actor(ctx, by, "void")
    with _errors():
        reg.void(number, reason=reason, by=by)
    click.echo(f"{number.upper()} 已作废")


@register.command()
@click.argument("number")
@click.option("--data", "data_file", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="the corrected values: JSON as reprint-data prints them (its 'values', or the whole output)")
@click.option("--reason", required=True, help="what was wrong (更正原因)")
@by_option
@click.pass_context
def supersede(ctx: click.Context, number: str, data_file: Path, reason: str, by: str) -> None:
    """Issue a corrected copy of a record under a new number; the old one is marked 已更正.

    \b
    Example:
      handbook register reprint-data BX-2026-000123 --by 老李 > fix.json   # edit the values
      handbook register supersede BX-2026-000123 --data fix.json --reason 房号写错 --by 老李
    """
    reg = actor(ctx, by, "supersede")
    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        _fail(f"{data_file}: cannot read JSON ({e})")
    if isinstance(data, dict) and isinstance(data.get("values"), dict):
        data = data["values"]
    if not isinstance(data, dict):
        _fail(f"{data_file}: expected an object of field: value")
    validate: Callable[[str, dict[str, Any], dict[str, Any]], dict[str, Any]] | None = (
        ctx.find_root().meta.get("register.validate"))
    with _errors():
        if validate is not None:
            original = reg.reprint_data(number, by=by)
            values = validate(original.form_id, original.spec, data)
        else:
            values = decode_values(data)
        new = reg.supersede(number, values, reason=reason, by=by)
    click.echo(new.number)


@register.command()
@click.option("--due", type=click.Choice(["today", "overdue", "open"]), default="today", show_default=True,
              help="today: 今日回访; overdue: 已逾期; open: every open due date")
@click.option("--form", help="only this form id")
@json_option
@click.pass_context
def followups(ctx: click.Context, due: str, form: str | None, as_json: bool) -> None:
    """The 今日回访 / 已逾期 list.

    \b
    Example:
      handbook register followups --due overdue --json
    """
    reg = _reg(ctx)
    with _errors():
        items = reg.followups(due, form=form)
    if as_json:
        _print_json([f.as_dict() for f in items])
        return
    for f in items:
        late = f"  逾期 {f.days_overdue} 天" if f.days_overdue else ""
        click.echo(f"{f.due_on}  {f.label}  {f.number}  {f.form_title}  {f.room or '-'}  {f.owner or '-'}  "
                   f"{f.phone or '-'}{late}")
    if not items:
        click.echo({"today": "今日没有待回访", "overdue": "没有逾期的回访", "open": "没有待回访"}[due], err=True)


@register.command()
@click.argument("number")
@click.option("--result", required=True, help="回访结果")
@click.option("--on", "on", type=DATE, help="回访日期 (default today)")
@click.option("--label", help="which due date, when a record has several (default the earliest)")
@by_option
@click.pass_context
def visit(ctx: click.Context, number: str, result: str, on: dt.datetime | None, label: str | None, by: str) -> None:
    """Record a 回访: its date, result and who made it.

    \b
    Example:
      handbook register visit BX-2026-000123 --result 已修好,业主满意 --by 小陈
    """
    reg = actor(ctx, by, "followup")
    with _errors():
        reg.visit(number, result=result, by=by, on=_day(on), label=label)
    click.echo(f"{number.upper()} 已登记回访")


@register.command("close")
@click.argument("number")
@click.option("--note", help="消单说明")
@by_option
@click.pass_context
def close_record(ctx: click.Context, number: str, note: str | None, by: str) -> None:
    """消单: close a record once its 回访 are recorded.

    \b
    Example:
      handbook register close BX-2026-000123 --by 小王
    """
    reg = actor(ctx, by, "followup")
    with _errors():
        reg.close(number, by=by, note=note)
    click.echo(f"{number.upper()} 已消单")


@register.command()
@click.option("--form", required=True, help="the form id, e.g. yezhu-baoxiu-dan")
@click.option("--month", required=True, metavar="YYYY-MM")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="the .xlsx to write")
@by_option
@click.pass_context
def export(ctx: click.Context, form: str, month: str, out: Path, by: str) -> None:
    """Write a form's ledger (台帐) for a month as XLSX with Chinese headers.

    \b
    Example:
      handbook register export --form yezhu-baoxiu-dan --month 2026-04 --out 台帐.xlsx --by 老李
    """
    reg = actor(ctx, by, "export")
    with _errors():
        result = reg.export_ledger(form, month, out, by=by)
    click.echo(f"{result.path} ({result.rows} 条)")


@register.command()
@click.option("--before", required=True, type=DATE, help="records issued before this date (YYYY-MM-DD)")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@by_option
@click.pass_context
def purge(ctx: click.Context, before: dt.datetime, yes: bool, by: str) -> None:
    """Remove the personal values of records issued before a date; numbers and counts stay.

    \b
    Example:
      handbook register purge --before 2023-01-01 --by 老周 --yes
    """
    reg = actor(ctx, by, "purge")
    if not yes:
        click.confirm(f"清除 {before:%Y-%m-%d} 之前所有记录的个人信息? 此操作不能撤销", abort=True)
    with _errors():
        result = reg.purge(before=before.date(), by=by)
    click.echo(f"已清除 {result.records} 条记录的个人信息")


@register.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="the backup file to write")
@by_option
@click.pass_context
def backup(ctx: click.Context, out: Path, by: str) -> None:
    """A consistent copy of the register, taken while clerks keep working (the key file is separate).

    \b
    Example:
      handbook register backup --out /mnt/backup/register-$(date +%F).sqlite3 --by 老周
    """
    reg = actor(ctx, by, "backup")
    with _errors():
        result = reg.backup(out, by=by)
    count = f", {result.records} 条记录" if result.records is not None else ""
    click.echo(f"{result.path} ({result.bytes} bytes{count}); 另请备份密钥文件")


@register.command()
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--number", help="only this record")
@by_option
@json_option
@click.pass_context
def audit(ctx: click.Context, limit: int, number: str | None, by: str, as_json: bool) -> None:
    """The audit log, newest first: who did what to which record, and when.

    \b
    Example:
      handbook register audit --number BX-2026-000123 --by 老李
    """
    reg = actor(ctx, by, "audit")
    with _errors():
        entries = reg.audit_log(limit=limit, number=number)
    if as_json:
        _print_json([e.as_dict() for e in entries])
        return
    for e in entries:
        click.echo(f"{e.at.astimezone():%Y-%m-%d %H:%M:%S}  {e.actor or '-'}  {e.action}  {e.number or ''}"
                   f"  {e.detail or ''}".rstrip())


# --- user ---------------------------------------------------------------------------------
@click.group()
def user() -> None:
    """Staff accounts for the register and the web app.

    \b
    Example:
      handbook user add 老周 --role 管理员
    """


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次"))


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="前台 | 主管 | 管理员")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@click.option("--by", "by", envvar="HANDBOOK_USER", metavar="NAME",
              help="a 管理员 account (not needed for the very first account)")
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool, by: str | None) -> None:
    """Make an account. The first account needs no --by; make it a 管理员.

    \b
    Example:
      handbook user add 小王 --role 前台 --by 老周
    """
    reg = _reg(ctx)
    with _errors():
        if reg.list_users():
            if not by:
                _fail("--by: 需要一个管理员账号 (或设置 HANDBOOK_USER)")
            actor(ctx, by, "manage_users")
        password = _read_password(password_stdin)
        u = reg.add_user(name, role, password, by=by)
    click.echo(f"{u.name} ({u.role}) 已创建")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Every account, its role and whether it is disabled.

    \b
    Example:
      handbook user list
    """
    for u in _reg(ctx).list_users():
        click.echo(f"{u.name}  {u.role}{'  已停用' if u.disabled else ''}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@by_option
@click.pass_context
def user_password(ctx: click.Context, name: str, password_stdin: bool, by: str) -> None:
    """Set an account's password (a 管理员's job, or the account's own).

    \b
    Example:
      handbook user password 小王 --by 老周
    """
    reg = _reg(ctx) if by == name else actor(ctx, by, "manage_users")
    with _errors():
        reg.get_user(name)
        reg.set_password(name, _read_password(password_stdin), by=by)
    click.echo(f"{name} 的密码已更新")


@user.command("disable")
@click.argument("name")
@by_option
@click.pass_context
def user_disable(ctx: click.Context, name: str, by: str) -> None:
    """Disable an account (it stays in the records and the audit log).

    \b
    Example:
      handbook user disable 小王 --by 老周
    """
    reg = actor(ctx, by, "manage_users")
    with _errors():
        reg.disable_user(name, by=by)
    click.echo(f"{name} 已停用")
