"""The editors' commands: ``handbook import FILE`` and ``handbook approve ID… --by NAME``.

Thin: each parses its input and calls one library function (:func:`builder.importer.plan.import_file`,
:func:`builder.importer.approve.approve`). Their errors are :class:`~builder.core.errors.HandbookError`
subclasses, which ``builder.cli.main`` turns into one line each and an exit code (2: the file or
ids given are invalid; 1: the content has problems).
"""

from __future__ import annotations

import datetime as dt
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
    document shows what changed. A handbook exported by `handbook export --format docx`
    maps back by item id: only what was edited in Word is proposed.

    \b
    Example:
      handbook import 客服部工作手册.docx --manual M09 --dry-run
      handbook import 客服部工作手册.docx --manual M09 --by 王丽
    """
    from builder.importer.plan import import_file

    plan, written = import_file(file, content_dir, manual=manual, dry_run=dry_run, accept=accept, on=on, by=by)
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
    from builder.importer.approve import approve

    entry = approve(content_dir, list(ids), by=by, note=note, reviewed_by=reviewed_by, prepared_by=prepared_by, on=on)
    click.echo(f"{entry.version} {entry.date}: approved {', '.join(entry.items)} (批准 {entry.approved_by})")
    click.echo(entry.summary)

