"""Issuing, finding, showing and reprinting, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from register_fixtures import BAOXIU_SPEC, ID_A, ID_B, baoxiu_values, issue_baoxiu
from sqlalchemy import func, select

from builder.register import Conflict, InvalidInput, NotFound, RegisterError
from builder.register.schema import counters, form_versions, records


def test_issue_numbers_per_prefix_and_year(reg, clock):
    a = issue_baoxiu(reg)
    b = issue_baoxiu(reg)
    other = reg.issue("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {"fields": []}, {"room": "1栋101"},
                      issued_by="前台小王")
    assert (a.number, b.number, other.number) == ("BX-2026-000001", "BX-2026-000002", "ZX-2026-000001")
    clock.set(2027, 1, 1, 0, 5)  # just after midnight in China: the new year's first number
    assert issue_baoxiu(reg).number == "BX-2027-000001"
    clock.set(2026, 12, 31, 23, 59)
    assert issue_baoxiu(reg).number == "BX-2026-000003"


def test_issue_many_is_one_transaction(reg):
    from builder.register import IssueRequest

    reqs = [IssueRequest("yezhu-baoxiu-dan", "KF-BX-01", "业主报修单", BAOXIU_SPEC, baoxiu_values()),
            IssueRequest("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {"fields": []}, {"room": "1栋101"})]
    got = reg.issue_many(reqs, issued_by="前台小王")
    assert [i.number for i in got] == ["BX-2026-000001", "ZX-2026-000001"]
    bad = [reqs[0], IssueRequest("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {"fields": []}, {"x": object()})]
    with pytest.raises(InvalidInput, match="values.x: a value of type object cannot be stored"):
        reg.issue_many(bad, issued_by="前台小王")
    assert issue_baoxiu(reg).number == "BX-2026-000002"  # nothing of the failed batch was taken


def test_show_and_reprint_give_back_what_was_issued(reg):
    values = baoxiu_values()
    issued = reg.issue("yezhu-baoxiu-dan", "KF-BX-01", "业主报修单", BAOXIU_SPEC, values,
                       issued_by="前台小王", due=dt.date(2026, 4, 24))
    r = reg.reprint_data(issued.number, by="前台小王")
    assert r.values == values  # dates, decimals, tables, None: the same types and values
    assert isinstance(r.values["fee"], Decimal) and isinstance(r.values["date"], dt.date)
    assert r.spec == BAOXIU_SPEC and r.version == issued.version and r.status == "issued"
    d = reg.show(issued.number.lower())
    assert d.values["id_number"] == "440305********351X"
    assert d.values["family"][0]["id_number"] == "110105********002X"
    assert d.values["owner_name"] == "张三丰"  # the detail view is for staff; lists are masked
    assert d.summary.owner == "张**" and d.summary.phone == "138****5678"
    assert [x.label for x in d.dues] == ["回访"] and d.summary.next_due == dt.date(2026, 4, 24)
    assert [e.action for e in d.history] == ["issued"]


def test_reprint_after_the_template_changed(reg, db_url):
    first = issue_baoxiu(reg)
    changed = copy.deepcopy(BAOXIU_SPEC)
    changed["fields"][5]["choices"].append("公共设施")
    changed["title"] = "业主报修单(新版)"
    second = reg.issue("yezhu-baoxiu-dan", "KF-BX-01", "业主报修单", changed, baoxiu_values(), issued_by="x")
    third = issue_baoxiu(reg)
    assert first.version == third.version != second.version
    assert reg.reprint_data(first.number, by="x").spec == BAOXIU_SPEC
    assert reg.reprint_data(second.number, by="x").spec == changed
    with reg.engine.connect() as conn:  # one snapshot per version, not per record
        assert conn.execute(select(func.count()).select_from(form_versions)).scalar_one() == 2


def test_search(reg, clock):
    a = issue_baoxiu(reg, room="5栋 1单元802")
    clock.set(2026, 4, 22, 10, 0)
    b = issue_baoxiu(reg, room="5栋2单元101", name="李 四", phone="139-0000-1111", id_number=ID_B)
    clock.set(2026, 5, 2, 10, 0)
    c = reg.issue("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {"fields": []}, {"room": "6栋101"}, issued_by="x")

    def nums(**kw):
        return [s.number for s in reg.search(**kw)]

    assert nums() == [c.number, b.number, a.number]  # newest first
    assert nums(number=a.number.lower()) == [a.number]
    assert nums(room="5栋1单元802") == [a.number]
    assert nums(room="5栋") == [b.number, a.number]  # a prefix finds the building
    assert nums(room="５栋２单元") == [b.number]  # full-width digits are the same room
    assert nums(name="李四") == [b.number] and nums(name="张三丰") == [a.number] and nums(name="张") == []
    assert nums(phone="13900001111") == [b.number] and nums(phone="1111") == [b.number]
    assert nums(phone="+86 138 1234 5678") == [a.number]
    assert nums(id_number=ID_B.lower()) == [b.number, a.number]  # a: in its family table
    assert nums(id_number=ID_A) == [a.number]
    assert nums(id_number=ID_B, room="5栋1") == [a.number]
    assert nums(form="zhuangxiu-beian") == [c.number]
    assert nums(date_from=dt.date(2026, 4, 22), date_to=dt.date(2026, 4, 30)) == [b.number]
    assert nums(status="voided") == []
    assert nums(number="BX-2026-999999") == []
    for bad, msg in [({"phone": "12"}, "完整号码或后四位"), ({"number": "报修1号"}, "格式不对"),
                     ({"status": "gone"}, "状态"), ({"limit": 0}, "limit"),
                     ({"date_from": dt.date(2026, 5, 1), "date_to": dt.date(2026, 4, 1)}, "日期范围")]:
        with pytest.raises(InvalidInput, match=msg):
            reg.search(**bad)


def test_errors_are_one_line_and_name_the_record(reg):
    with pytest.raises(NotFound, match=r"^BX-2026-000009: 没有这条记录$"):
        reg.show("BX-2026-000009")
    with pytest.raises(InvalidInput, match="issued_by: 必填"):
        issue_baoxiu(reg, by="  ")
    with pytest.raises(InvalidInput, match="form_id"):
        reg.issue("Bad Id", None, "t", {}, {}, issued_by="x")
    with pytest.raises(InvalidInput, match="due"):
        reg.issue("a", None, "t", {}, {}, issued_by="x", due="tomorrow")
    n = issue_baoxiu(reg).number
    reg.void(n, reason="填错房号", by="主管老李")
    with pytest.raises(Conflict, match="已作废, 不能再作废"):
        reg.void(n, reason="again", by="主管老李")
    assert all(isinstance(e, RegisterError) for e in (NotFound("x"), Conflict("x"), InvalidInput("x")))


def test_a_form_without_code_uses_its_id(reg):
    assert reg.issue("fangke-dengji", None, "访客登记表", {}, {}, issued_by="x").number == "FD-2026-000001"
    assert reg.issue("any", "KF-BX-01", "t", {}, {}, issued_by="x", prefix="TEST").number == "TEST-2026-000001"


def test_counter_and_records_agree(reg):
    for _ in range(5):
        issue_baoxiu(reg)
    with reg.engine.connect() as conn:
        assert conn.execute(select(counters.c.last)).scalar_one() == 5
        assert sorted(conn.execute(select(records.c.seq)).scalars()) == [1, 2, 3, 4, 5]


def test_open_twice_and_wrong_key(db_url, key_file, tmp_path, clock):
    from builder.register import ConfigError, open_register

    r1 = open_register(db_url, key_file=key_file, clock=clock)
    issue_baoxiu(r1)
    r1.close_connections()
    r2 = open_register(db_url, key_file=key_file, clock=clock)  # already at head: no migration
    assert r2.search(id_number=ID_A)
    r2.close_connections()
    with pytest.raises(ConfigError, match="not the key the register was written with"):
        open_register(db_url, key_file=tmp_path / "other.key")
    key_file.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        open_register(db_url, key_file=key_file)
