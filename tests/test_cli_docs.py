"""Tests guard the docs: every command has --help with an example, and the README
names every top-level command."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from builder.cli.main import LAZY_COMMANDS, cli


def all_commands() -> list[tuple[str, click.Command]]:
    out = []
    ctx = click.Context(cli)
    for name in LAZY_COMMANDS:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, name
        out.append((name, cmd))
        if isinstance(cmd, click.Group):
            sub_ctx = click.Context(cmd, parent=ctx)
            for sub in cmd.list_commands(sub_ctx):
                out.append((f"{name} {sub}", cmd.get_command(sub_ctx, sub)))
    return out


@pytest.mark.parametrize("name,cmd", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example(name, cmd):
    result = CliRunner().invoke(cli, name.split() + ["--help"])
    assert result.exit_code == 0, result.output
    if not isinstance(cmd, click.Group):
        assert "handbook " + name.split()[0] in result.output and "Example" in result.output, result.output


def test_readme_names_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in LAZY_COMMANDS:
        assert f"handbook {name}" in readme, name
    assert "make serve" in readme and "make test" in readme
