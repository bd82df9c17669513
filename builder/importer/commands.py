"""The editors' commands, to be mounted on the main CLI: ``handbook import`` and ``handbook approve``.

Thin: each parses its input, calls one library function and turns its errors into one line
each with an exit code (2: the input given is invalid; 1: the content has problems).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from builder.core.paths import CONTENT_DIR

content_option = click.option(
    "--content", "content_dir", type=click.Path(path_type=Path), default=CONTENT_DIR, show_default=True,
    help="the content folder to import into")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: write it as YYYY-MM-DD") from None


date_option = click.option("--date", "on", callback=_date, metavar="YYYY-MM-DD",
                           help="the date to record (default: today)")


def _fail(lines: list[str], code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--manual", metavar="CODE", help="the manual the file is (M01–M18); guessed from its title if left out")
@content_option
@click.option("--dry-run", is_flag=True, help="print what would be created, filled or changed; write nothing")
@click.option("--accept", is_flag=True, help="also apply the proposed matches (similar titles, edited drafts)")
@click.option("--by", metavar="NAME", envvar="HANDBOOK_EDITOR",
              help="who imports: 编制 in the revision record (default: $HANDBOOK_EDITOR; else approve asks for it)")
@date_option
def import_cmd(file: Path, manual: str | None, content_dir: Path, dry_run: bool, accept: bool, by: str | None,
               on: dt.date | None) -> None:
    """Import a Word (.docx) or Markdown (.md) manual as draft items.

    Each section becomes a role, procedure, policy or etiquette item by its title. A section
    whose title matches an outline gap fills it (keeping its id, links and tags); a looser
    match is only proposed until you --accept it. Importing a newer version of the same
    document shows what changed.

    \b
    Example:
      handbook import 客服部工作手册.docx --manual M09 --dry-run
      handbook import 客服部工作手册.docx --manual M09 --by 王丽
    """
    from builder.core.errors import ContentError
    from builder.importer.document import ImportInputError
    from builder.importer.plan import import_file

    try:
        plan, written = import_file(file, content_dir, manual=manual, dry_run=dry_run, accept=accept,
                                    on=on, by=by)
    except ImportInputError as e:
        _fail([str(e)], 2)
    except ContentError as e:
        _fail([str(p) for p in e.problems] + ["the content has problems: fix them (handbook check), then import"], 1)
    for line in plan.report(accept=accept):
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing written")
    else:
        proposals = plan.of("propose")
        click.echo(f"wrote {len(written)} file(s)"
                   + (f"; {len(proposals)} proposal(s) left: import again with --accept to apply them"
                      if proposals and not accept else ""))


@click.command("approve")
@click.argument("ids", nargs=-1, required=True, metavar="ID…")
@click.option("--by", required=True, metavar="NAME", help="who approves (批准)")
@click.option("--note", metavar="TEXT", help="a note for the revision entry (说明)")
@click.option("--reviewed-by", metavar="NAME", help="who reviewed (审核)")
@click.option("--prepared-by", metavar="NAME", help="who wrote the text (编制), when the import did not record it")
@content_option
@date_option
def approve_cmd(ids: tuple[str, ...], by: str, note: str | None, reviewed_by: str | None, prepared_by: str | None,
                content_dir: Path, on: dt.date | None) -> None:
    """Approve drafts: each becomes approved text, with a revision entry in content/changelog.yaml.

    \b
    Example:
      handbook approve baokan-shoufa wenyuan --by 李经理 --reviewed-by 张主管 --note 据2027版手册
    """
    from builder.core.errors import ContentError
    from builder.importer.approve import ApprovalError, approve

    try:
        entry = approve(content_dir, list(ids), by=by, note=note, reviewed_by=reviewed_by, prepared_by=prepared_by,
                        on=on)
    except ApprovalError as e:
        _fail(e.problems, 2)
    except ContentError as e:
        _fail([str(p) for p in e.problems] + ["the content has problems: fix them (handbook check) first"], 1)
    click.echo(f"{entry.version} {entry.date}: approved {', '.join(entry.items)} (批准 {entry.approved_by})")
    click.echo(entry.summary)


@click.group("editors", context_settings={"help_option_names": ["-h", "--help"]})
def commands() -> None:
    """The editors' commands: import manuals, approve drafts."""


commands.add_command(import_cmd)
commands.add_command(approve_cmd)
