"""Corrections (void, supersede) keep history; follow-ups: due today, overdue, 回访, 消单."""

from __future__ import annotations

import datetime as dt

import pytest
from register_fixtures import baoxiu_values, issue_baoxiu
from sqlalchemy import func, select

from builder.register import Conflict, InvalidInput, NotFound
from builder.register.schema import records


def test_void_keeps_the_record_and_its_history(reg, clock):
    n = issue_baoxiu(reg).number
    clock.set(2026, 4, 21, 15, 30)
    reg.void(n, reason="重复开单", by="主管老李")
    d = reg.show(n)
    assert d.summary.status == "voided" and d.summary.status_label == "已作废"
    assert [(e.action, e.by, e.reason) for e in d.history] == [
        ("issued", "前台小王", None), ("voided", "主管老李", "重复开单")]
    assert d.history[1].at == dt.datetime(2026, 4, 21, 7, 30, 0, 1, tzinfo=dt.UTC)
    assert reg.reprint_data(n, by="x").status == "voided"  # still reprintable, marked by its status
    with pytest.raises(InvalidInput, match="作废原因: 必填"):
        reg.void(issue_baoxiu(reg).number, reason=" ", by="主管老李")


def test_supersede_issues_a_corrected_copy(reg):
    old = issue_baoxiu(reg, due=dt.date(2026, 4, 24))
    new = reg.supersede(old.number, baoxiu_values(room="5栋1单元803"), reason="房号写错", by="主管老李")
    assert new.number == "BX-2026-000002" and new.version == old.version  # the old template by default
    o, n = reg.show(old.number), reg.show(new.number)
    assert o.summary.status == "superseded" and o.superseded_by == new.number
    assert n.summary.status == "issued" and n.supersedes == old.number
    assert [(e.action, e.other_number, e.reason) for e in o.history] == [
        ("issued", None, None), ("superseded", new.number, "房号写错")]
    assert [(e.action, e.other_number) for e in n.history] == [("supersedes", old.number)]
    assert n.values["room"] == "5栋1单元803" and o.values["room"] == "5栋1单元802"
    assert [d.due_on for d in n.dues] == [dt.date(2026, 4, 24)]  # open due dates carried over
    with pytest.raises(Conflict, match="已更正, 不能再更正"):
        reg.supersede(old.number, baoxiu_values(), reason="again", by="主管老李")
    with pytest.raises(Conflict, match="已更正, 不能再作废"):
        reg.void(old.number, reason="x", by="主管老李")
    with reg.engine.connect() as conn:  # nothing is ever deleted
        assert conn.execute(select(func.count()).select_from(records)).scalar_one() == 2


def test_followups_due_today_overdue_visit_and_close(reg, clock):
    a = issue_baoxiu(reg, due=dt.date(2026, 4, 23), room="1栋101")   # 安全设施: two days
    b = issue_baoxiu(reg, due=dt.date(2026, 4, 24), room="1栋102")   # 渗漏水: three days
    c = issue_baoxiu(reg, due=dt.date(2026, 4, 28), room="1栋103")   # 其他: a week
    d = issue_baoxiu(reg, room="1栋104")                              # no follow-up
    clock.set(2026, 4, 24, 8, 0)
    today = reg.followups("today")
    assert [(f.number, f.days_overdue, f.room, f.owner, f.phone) for f in today] == [
        (b.number, 0, "1栋102", "张**", "138****5678")]
    assert [(f.number, f.days_overdue) for f in reg.followups("overdue")] == [(a.number, 1)]
    assert [f.number for f in reg.followups("open")] == [a.number, b.number, c.number]
    assert [f.number for f in reg.followups("today", today=dt.date(2026, 4, 28))] == [c.number]

    with pytest.raises(Conflict, match=f"{b.number}: 还有未完成的回访 \\(截止 2026-04-24\\)"):
        reg.close(b.number, by="前台小王")
    reg.visit(b.number, result="已修好, 业主满意", by="客服小陈")
    assert reg.followups("today") == []
    reg.close(b.number, by="前台小王")
    detail = reg.show(b.number)
    assert detail.summary.status == "closed" and detail.summary.next_due is None
    assert [(x.done_on, x.result, x.done_by) for x in detail.dues] == [
        (dt.date(2026, 4, 24), "已修好, 业主满意", "客服小陈")]
    assert [e.action for e in detail.history] == ["issued", "visited", "closed"]

    reg.void(a.number, reason="业主撤回", by="主管老李")  # a voided record leaves the lists
    assert reg.followups("overdue") == []
    with pytest.raises(NotFound, match="没有待回访的事项"):
        reg.visit(d.number, result="x", by="y")
    reg.close(d.number, by="前台小王")  # nothing to visit: 消单 at once
    with pytest.raises(Conflict, match="已消单, 不能消单"):
        reg.close(d.number, by="前台小王")
    with pytest.raises(InvalidInput, match="回访日期: 不能早于开单日期"):
        reg.visit(c.number, result="x", by="y", on=dt.date(2026, 4, 1))
    with pytest.raises(InvalidInput, match="--due"):
        reg.followups("tomorrow")


def test_several_due_dates(reg, clock):
    n = issue_baoxiu(reg, due=None).number
    n = reg.issue("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {}, {"room": "2栋1"}, issued_by="x",
                  due={"中期检查": dt.date(2026, 5, 1), "验收": dt.date(2026, 7, 1)}).number
    clock.set(2026, 5, 1, 9, 0)
    assert [(f.label, f.number) for f in reg.followups("today")] == [("中期检查", n)]
    reg.visit(n, result="符合要求", by="工程部", label="中期检查")
    assert [f.label for f in reg.followups("open")] == ["验收"]
