"""The register's thin CLI: each command calls the library; mistakes are one line and exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from register_fixtures import CST, Clock, issue_baoxiu

from builder.cli.register import register, user
from builder.register import open_register


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {"HANDBOOK_DATA_DIR": str(tmp_path / "data"), "HANDBOOK_DATABASE_URL": "",
            "HANDBOOK_REGISTER_KEY_FILE": "", "HANDBOOK_USER": ""}


@pytest.fixture
def cli(cli_env, monkeypatch):
    for k, v in cli_env.items():
        monkeypatch.setenv(k, v)
    group = click.Group("handbook", commands={"register": register, "user": user})
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(group, list(args), input=input, catch_exceptions=False)

    assert run("user", "add", "老周", "--role", "管理员", "--password-stdin", input="a long password\n").exit_code == 0
    for name, role in (("小王", "前台"), ("老李", "主管")):
        r = run("user", "add", name, "--role", role, "--password-stdin", "--by", "老周", input="a long password\n")
        assert r.exit_code == 0, r.output
    return run


@pytest.fixture
def data_reg(cli, cli_env):
    """The same register the CLI uses, for setting up records (clock: today in China)."""
    reg = open_register(clock=Clock(dt.datetime.now(CST)), tz=CST)
    yield reg
    reg.close_connections()


def test_list_show_and_json(cli, data_reg):
    n = issue_baoxiu(data_reg, due=dt.date.today()).number
    r = cli("register", "list", "--room", "5栋")
    assert r.exit_code == 0 and n in r.output and "张**" in r.output and "138****5678" in r.output
    assert "张三丰" not in r.output and "13812345678" not in r.output
    r = cli("register", "list", "--phone", "5678", "--json")
    assert [x["number"] for x in json.loads(r.output)] == [n]
    r = cli("register", "show", n)
    assert r.exit_code == 0 and "440305********351X" in r.output and "issued" in r.output
    assert json.loads(cli("register", "show", n, "--json").output)["summary"]["number"] == n
    r = cli("register", "followups", "--due", "today", "--json")
    assert [x["number"] for x in json.loads(r.output)] == [n]


def test_reprint_data_and_supersede_round_trip(cli, data_reg, tmp_path):
    n = issue_baoxiu(data_reg).number
    r = cli("register", "reprint-data", n, "--by", "小王")
    data = json.loads(r.output)
    assert data["values"]["id_number"] == "44030519900105351X" and data["values"]["date"] == {"$date": "2026-04-21"}
    data["values"]["room"] = "5栋1单元803"
    (tmp_path / "fix.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = cli("register", "supersede", n, "--data", str(tmp_path / "fix.json"), "--reason", "房号写错", "--by", "老李")
    assert r.exit_code == 0, r.output
    new = r.output.strip()
    assert data_reg.reprint_data(new, by="x").values["date"] == dt.date(2026, 4, 21)
    assert data_reg.show(n).superseded_by == new


def test_followup_workflow_and_roles(cli, data_reg, tmp_path):
    n = issue_baoxiu(data_reg, due=dt.date.today()).number
    r = cli("register", "void", n, "--reason", "x", "--by", "小王")
    assert (r.exit_code, r.output.strip()) == (2, "“前台”不能作废记录: 需要“主管”或以上的账号")
    r = cli("register", "close", n, "--by", "小王")
    assert r.exit_code == 2 and "还有未完成的回访" in r.output
    assert cli("register", "visit", n, "--result", "已修好", "--by", "小王").exit_code == 0
    assert cli("register", "followups").output.strip() == "今日没有待回访"
    assert cli("register", "close", n, "--by", "小王").exit_code == 0
    out = tmp_path / "台帐.xlsx"
    month = dt.date.today().strftime("%Y-%m")
    r = cli("register", "export", "--form", "yezhu-baoxiu-dan", "--month", month, "--out", str(out), "--by", "老李")
    assert r.exit_code == 0 and out.exists() and "(1 条)" in r.output
    r = cli("register", "backup", "--out", str(tmp_path / "b.sqlite3"), "--by", "老李")
    assert r.exit_code == 2 and "“主管”不能备份" in r.output
    r = cli("register", "backup", "--out", str(tmp_path / "b.sqlite3"), "--by", "老周")
    assert r.exit_code == 0 and "1 条记录" in r.output
    r = cli("register", "purge", "--before", "2020-01-01", "--by", "老周", "--yes")
    assert r.exit_code == 0 and "已清除 0 条" in r.output
    r = cli("register", "audit", "--by", "老李", "--json")
    assert {"issue", "visit", "close", "export", "backup", "purge"} <= {e["action"] for e in json.loads(r.output)}


@pytest.mark.parametrize(("args", "message"), [
    (("register", "show", "BX-2026-999999"), "BX-2026-999999: 没有这条记录"),
    (("register", "show", "nonsense"), "编号 “nonsense” 格式不对, 应如 BX-2026-000123"),
    (("register", "list", "--phone", "12"), "电话: 请输入完整号码或后四位"),
    (("register", "void", "BX-2026-000001", "--reason", "x", "--by", "无名"), "账号 “无名” 不存在"),
    (("register", "export", "--form", "a", "--month", "April", "--out", "x.xlsx", "--by", "老李"),
     "月份: 应如 2026-04"),
    (("user", "add", "小赵", "--role", "前台", "--password-stdin"), "--by: 需要一个管理员账号 (或设置 HANDBOOK_USER)"),
    (("user", "add", "小赵", "--role", "前台", "--password-stdin", "--by", "老李"), "“主管”不能管理账号"),
])
def test_mistakes_are_one_line_and_exit_2(cli, args, message):
    r = cli(*args, input="short\n")
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [message] or message in r.output.strip().splitlines()[-1]


def test_user_password_rules(cli):
    r = cli("user", "add", "小赵", "--role", "前台", "--password-stdin", "--by", "老周", input="short\n")
    assert (r.exit_code, r.output.strip()) == (2, "密码: 至少 8 个字符")
    assert cli("user", "disable", "小王", "--by", "老周").exit_code == 0
    assert set(cli("user", "list").output.splitlines()) == {"小王  前台  已停用", "老周  管理员", "老李  主管"}
    r = cli("register", "list", "--by", "小王")
    assert r.exit_code == 2  # list takes no --by: click's own usage error, also exit 2


def test_a_broken_configuration_is_one_line(cli, cli_env, monkeypatch):
    monkeypatch.setenv("HANDBOOK_DATABASE_URL", "mysql://x@y/z")
    r = cli("register", "list")
    assert (r.exit_code, r.output.strip()) == (2, "database URL: mysql is not supported (SQLite or PostgreSQL)")


def test_every_command_has_help_with_an_example():
    for group in (register, user):
        assert "Example" in (group.help or "")
        for name, cmd in group.commands.items():
            assert cmd.help, f"{group.name} {name}"
            if (group.name, name) != ("user", "list"):
                assert "Example" in cmd.help, f"{group.name} {name}"
