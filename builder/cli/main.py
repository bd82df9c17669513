"""The ``handbook`` command. Thin: each command parses its input, calls one library
function and turns a domain error into a message with an exit code (1: the content has
problems, 2: the input given is invalid). Subcommand groups are imported only when run,
so ``handbook search`` starts fast."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from builder.core.errors import ContentError, HandbookError
from builder.core.paths import CONTENT_DIR, FORMS_DIR

#: command name -> "module:attribute" of a click command, imported when the command runs.
LAZY_COMMANDS = {
    "check": "builder.cli.main:check_cmd",
    "build": "builder.cli.site:build_cmd",
    "serve": "builder.cli.site:serve_cmd",
    "form": "builder.cli.form:form",
    "search": "builder.cli.search:search_cmd",
    "index": "builder.cli.search:index_cmd",
    "quiz": "builder.cli.quiz:quiz",
    "export": "builder.cli.export:export_cmd",
    "import": "builder.cli.importer:import_cmd",
    "approve": "builder.cli.importer:approve_cmd",
    "register": "builder.cli.register:register",
    "user": "builder.cli.register:user",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context) -> object:
        """The one place a user's mistake becomes lines on stderr and an exit code."""
        try:
            return super().invoke(ctx)
        except HandbookError as e:
            for line in e.lines():
                click.echo(line, err=True)
            if isinstance(e, ContentError):
                click.echo(f"{len(e.problems)} problem(s) in the content: fix them (handbook check) and run again", err=True)
            ctx.exit(e.exit_code)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """物业客服部工作手册: the staff knowledge base.

    \b
    handbook check                 validate content/ and forms/
    handbook build && handbook serve   build the site and serve it on 127.0.0.1:8000
    handbook search 电话响几声要接
    handbook form fill baoxiu-dan --data slip.yaml --format pdf --out out/ --by 小王
    handbook register list --room 5栋802
    handbook user add 小王 --role 前台 --by 老周
    handbook quiz paper --role kefu-yuan --count 20 --seed 1 --format pdf --out papers/
    handbook export --format pdf --out build/handbook/
    handbook import 客服部工作手册.docx --manual M09 --dry-run
    handbook approve wenyuan --by 李经理
    """


content_option = click.option(
    "--content", "content_dir", type=click.Path(path_type=Path), default=CONTENT_DIR, show_default=True,
    help="the content folder to read")
forms_option = click.option(
    "--forms", "forms_dir", type=click.Path(path_type=Path), default=FORMS_DIR, show_default=True,
    help="the forms folder to read")


@click.command("check")
@content_option
@forms_option
def check_cmd(content_dir: Path, forms_dir: Path) -> None:
    """Validate every item and form; print each problem as path:line: key: message.

    Exit 1 if there is any problem, 0 if none.

    \b
    Example:
      handbook check --content content/
    """
    from builder.core.check import check

    content, problems = check(content_dir, forms_dir)
    for p in problems:
        click.echo(str(p))
    if problems:
        files = len({p.path for p in problems})
        click.echo(f"{len(problems)} problem(s) in {files} file(s)", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(content.items)} items", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point; ``main([...])`` lets tests drive the CLI in-process."""
    try:
        cli.main(args=argv, prog_name="handbook", standalone_mode=True)
    except SystemExit as e:
        return int(e.code or 0) if not isinstance(e.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
