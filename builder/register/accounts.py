"""Staff accounts, passwords and who may do what.

Three roles, each allowed everything of the role before it:

========  ==============================================================
前台       view and search records, issue, reprint, record 回访 and 消单
主管       … and void, supersede (correct), export ledgers, read the audit log, approve drafts
管理员     … and manage accounts, back up, purge personal data
========  ==============================================================

:func:`permits` answers, :func:`require` raises :class:`PermissionDenied` with a message
naming the role and the action. The register's methods record *who* acted (``by``) but do not
check roles themselves: the web app checks the logged-in user's role with :func:`require`
before calling, and the CLI checks the ``--by`` account's.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile);
a hash made with older parameters is upgraded at the next successful login.
"""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from .audit import write_audit
from .context import RegisterBase
from .database import reading, writing
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .results import User
from .schema import users

ROLES = ("前台", "主管", "管理员")

#: action → (the least role allowed, what the action is called in a refusal).
PERMISSIONS: dict[str, tuple[str, str]] = {
    "view": ("前台", "查看记录"),
    "issue": ("前台", "开单"),
    "reprint": ("前台", "重印"),
    "followup": ("前台", "登记回访和消单"),
    "void": ("主管", "作废记录"),
    "supersede": ("主管", "更正记录"),
    "export": ("主管", "导出台帐"),
    "audit": ("主管", "查看操作日志"),
    "approve": ("主管", "批准草稿"),
    "backup": ("管理员", "备份"),
    "purge": ("管理员", "清除个人信息"),
    "manage_users": ("管理员", "管理账号"),
}

MIN_PASSWORD = 8
MAX_PASSWORD = 256
_NAME = re.compile(r"^[^\s\x00-\x1f\x7f]{1,30}$")
_hasher = PasswordHasher()
_dummy_hash: list[str] = []  # made on the first unknown login, so importing stays fast


def _dummy() -> str:
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("handbook-register: no such user"))
    return _dummy_hash[0]


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"角色 “{role[:20]}” 不存在: 应为 {' / '.join(ROLES)}")
    return role


def permits(role: str, action: str) -> bool:
    """May ``role`` do ``action`` (a key of :data:`PERMISSIONS`)?"""
    if action not in PERMISSIONS:
        raise InvalidInput(f"unknown action '{action}'")
    return role in ROLES and ROLES.index(role) >= ROLES.index(PERMISSIONS[action][0])


def require(role: str, action: str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` may do ``action``."""
    if not permits(role, action):
        least, what = PERMISSIONS[action]
        raise PermissionDenied(f"“{role}”不能{what}: 需要“{least}”或以上的账号")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise InvalidInput("账号名: 1–30 个字符, 不含空格")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"密码: 至少 {MIN_PASSWORD} 个字符")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _user(row: Any) -> User:
    return User(name=row.name, role=row.role, created_at=row.created_at, disabled=row.disabled_at is not None)


class Accounts(RegisterBase):
    """Staff accounts (mixed into :class:`~builder.register.store.Register`)."""

    def add_user(self, name: str, role: str, password: str, *, by: str | None = None) -> User:
        """Make an account; :class:`Conflict` when the name is taken."""
        name, role = check_name(name), _check_role(role)
        digest = hash_password(password)
        now = self._now()
        try:
            with writing(self.engine) as conn:
                conn.execute(insert(users).values(name=name, role=role, password_hash=digest,
                                                  created_at=now, password_changed_at=now))
                write_audit(conn, now, by, "user.add", detail=f"{name} {role}")
        except IntegrityError:
            raise Conflict(f"账号 “{name}” 已存在") from None
        return User(name=name, role=role, created_at=now)

    def get_user(self, name: str) -> User:
        with reading(self.engine) as conn:
            row = conn.execute(select(users.c.name, users.c.role, users.c.created_at, users.c.disabled_at)
                               .where(users.c.name == (name or "").strip())).first()
        if row is None:
            raise NotFound(f"账号 “{(name or '')[:30]}” 不存在")
        return _user(row)

    def list_users(self) -> list[User]:
        with reading(self.engine) as conn:
            rows = conn.execute(select(users.c.name, users.c.role, users.c.created_at, users.c.disabled_at)
                                .order_by(users.c.name)).all()
        return [_user(r) for r in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        """The account if the password is right and the account is active, else None (same time either way)."""
        with reading(self.engine) as conn:
            row = conn.execute(select(users).where(users.c.name == (name or "").strip())).first()
        ok = verify_password(row.password_hash if row else _dummy(), password or "")
        now = self._now()
        with writing(self.engine) as conn:
            if row is None or not ok or row.disabled_at is not None:
                write_audit(conn, now, row.name if row else None, "login.refused")
                return None
            if _hasher.check_needs_rehash(row.password_hash):
                conn.execute(update(users).where(users.c.id == row.id)
                             .values(password_hash=_hasher.hash(password)))
            write_audit(conn, now, row.name, "login")
        return _user(row)

    def set_password(self, name: str, password: str, *, by: str | None = None) -> None:
        digest = hash_password(password)
        self._change_user(name, by, "user.password", password_hash=digest, password_changed_at=self._now())

    def set_role(self, name: str, role: str, *, by: str | None = None) -> None:
        self._change_user(name, by, "user.role", f"{_check_role(role)}", role=role)

    def disable_user(self, name: str, *, by: str | None = None) -> None:
        self._change_user(name, by, "user.disable", disabled_at=self._now())

    def enable_user(self, name: str, *, by: str | None = None) -> None:
        self._change_user(name, by, "user.enable", disabled_at=None)

    def _change_user(self, name: str, by: str | None, action: str, detail: str | None = None,
                     **values: object) -> None:
        name = (name or "").strip()
        with writing(self.engine) as conn:
            done = conn.execute(update(users).where(users.c.name == name).values(**values)).rowcount
            if not done:
                raise NotFound(f"账号 “{name[:30]}” 不存在")
            write_audit(conn, self._now(), by, action, detail=f"{name} {detail}" if detail else name)
