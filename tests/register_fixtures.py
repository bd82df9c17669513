"""Fixtures for the register's tests (imported by conftest.py).

``db_url`` runs each test that uses it twice: on a fresh SQLite file and on a fresh database
of the throwaway PostgreSQL cluster (``register_pg.pg_cluster``). ``reg`` opens the register
there with its own key file and a settable clock in China Standard Time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from register_pg import PgCluster, pg_cluster  # noqa: F401  (re-exported as a fixture)

CST = dt.timezone(dt.timedelta(hours=8), "CST")

#: A spec snapshot in the shape FormSpec.model_dump(mode="json") gives (trimmed to what matters).
BAOXIU_SPEC: dict[str, Any] = {
    "id": "yezhu-baoxiu-dan", "title": "业主报修单", "code": "KF-BX-01",
    "fields": [
        {"name": "room", "label": "房号", "type": "text"},
        {"name": "owner_name", "label": "业主姓名", "type": "text"},
        {"name": "phone", "label": "联系电话", "type": "phone"},
        {"name": "id_number", "label": "身份证号码", "type": "id_number"},
        {"name": "date", "label": "报修日期", "type": "date"},
        {"name": "category", "label": "类别", "type": "choice", "choices": ["安全设施", "房屋渗漏水", "其他"]},
        {"name": "fee", "label": "金额", "type": "money"},
        {"name": "content", "label": "报修内容", "type": "textarea"},
        {"name": "family", "label": "家庭成员", "type": "table",
         "columns": [{"name": "name", "label": "姓名", "type": "text"},
                     {"name": "id_number", "label": "身份证号码", "type": "id_number"}]},
        {"name": "staff_sign", "label": "受理人签字", "type": "signature"},
    ],
    "layout": [{"block": "title"}],
}

ID_A = "44030519900105351X"   # checksum-valid, made up
ID_B = "11010519491231002X"


def baoxiu_values(room: str = "5栋1单元802", name: str = "张三丰", phone: str = "13812345678",
                  id_number: str = ID_A, **extra: Any) -> dict[str, Any]:
    from decimal import Decimal

    values: dict[str, Any] = {
        "room": room, "owner_name": name, "phone": phone, "id_number": id_number,
        "date": dt.date(2026, 4, 21), "category": "房屋渗漏水", "fee": Decimal("120.50"),
        "content": "卫生间天花板渗水", "family": [{"name": "李四", "id_number": ID_B}], "staff_sign": None,
    }
    values.update(extra)
    return values


class Clock:
    """A settable aware clock for the register (default 2026-04-21 09:00 CST)."""

    def __init__(self, now: dt.datetime | None = None):
        self.now = now or dt.datetime(2026, 4, 21, 9, 0, tzinfo=CST)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(microseconds=1)  # distinct, rising issue times
        return self.now

    def set(self, *args: int) -> None:
        self.now = dt.datetime(*args, tzinfo=CST)  # type: ignore[misc]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.sqlite3'}"
        return
    pg: PgCluster = request.getfixturevalue("pg_cluster")
    url = pg.create_database()
    try:
        yield url
    finally:
        pg.drop_database(url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "register.key"


@pytest.fixture
def reg(db_url: str, key_file: Path, clock: Clock) -> Iterator[Any]:
    from builder.register import open_register

    r = open_register(db_url, key_file=key_file, clock=clock, tz=CST)
    try:
        yield r
    finally:
        r.close_connections()


def issue_baoxiu(reg: Any, by: str = "前台小王", due: dt.date | None = None, **kw: Any) -> Any:
    return reg.issue("yezhu-baoxiu-dan", "KF-BX-01", "业主报修单", BAOXIU_SPEC, baoxiu_values(**kw),
                     issued_by=by, due=due)
