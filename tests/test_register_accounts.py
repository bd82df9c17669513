"""Accounts: Argon2id hashes, login, roles and what each role may do."""

from __future__ import annotations

import pytest

from builder.register import PERMISSIONS, ROLES, Conflict, InvalidInput, NotFound, PermissionDenied, permits, require


def test_add_and_authenticate(reg):
    u = reg.add_user("小王", "前台", "correct horse battery", by="管理员老周")
    assert (u.name, u.role, u.disabled) == ("小王", "前台", False)
    with reg.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert reg.authenticate("小王", "correct horse battery") == u
    assert reg.authenticate(" 小王 ", "correct horse battery") == u
    assert reg.authenticate("小王", "correct horse batter") is None
    assert reg.authenticate("nobody", "correct horse battery") is None
    reg.set_password("小王", "another long one", by="管理员老周")
    assert reg.authenticate("小王", "correct horse battery") is None
    assert reg.authenticate("小王", "another long one") is not None
    reg.disable_user("小王", by="管理员老周")
    assert reg.authenticate("小王", "another long one") is None
    reg.enable_user("小王", by="管理员老周")
    reg.set_role("小王", "主管", by="管理员老周")
    assert reg.get_user("小王").role == "主管"
    assert [x.name for x in reg.list_users()] == ["小王"]
    assert [e.action for e in reg.audit_log(actor="管理员老周")][::-1] == [
        "user.add", "user.password", "user.disable", "user.enable", "user.role"]


def test_account_mistakes(reg):
    reg.add_user("老李", "主管", "long enough!")
    with pytest.raises(Conflict, match="账号 “老李” 已存在"):
        reg.add_user("老李", "前台", "long enough!")
    with pytest.raises(InvalidInput, match="角色 “经理” 不存在: 应为 前台 / 主管 / 管理员"):
        reg.add_user("老张", "经理", "long enough!")
    with pytest.raises(InvalidInput, match="密码: 至少 8 个字符"):
        reg.add_user("老张", "前台", "short")
    with pytest.raises(InvalidInput, match="账号名"):
        reg.add_user("老 张", "前台", "long enough!")
    with pytest.raises(NotFound, match="账号 “老张” 不存在"):
        reg.set_password("老张", "long enough!")


@pytest.mark.parametrize(("role", "allowed"), [
    ("前台", {"view", "issue", "reprint", "followup"}),
    ("主管", {"view", "issue", "reprint", "followup", "void", "supersede", "export", "audit", "approve"}),
    ("管理员", set(PERMISSIONS)),
])
def test_permissions(role, allowed):
    assert {a for a in PERMISSIONS if permits(role, a)} == allowed
    for action in set(PERMISSIONS) - allowed:
        with pytest.raises(PermissionDenied, match=f"“{role}”不能"):
            require(role, action)


def test_permission_messages():
    with pytest.raises(PermissionDenied, match="^“前台”不能作废记录: 需要“主管”或以上的账号$"):
        require("前台", "void")
    with pytest.raises(PermissionDenied, match="管理员"):
        require("主管", "manage_users")
    assert not permits("访客", "view") and ROLES == ("前台", "主管", "管理员")
    with pytest.raises(InvalidInput):
        permits("前台", "fly")
