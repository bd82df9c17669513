"""The manual's rules in forms/*/form.yaml, through the one validator every entry point uses."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.formspec import load_specs
from builder.forms.rules import add_months
from builder.forms.validate import FormInputError, check, validate

ROOT = Path(__file__).resolve().parent.parent
SPECS, PROBLEMS = load_specs(ROOT / "forms")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DECORATION = {
    "房间号码": "5栋1单元802", "业主姓名": "陈明", "填表时间": "2026-03-01", "申办人": "陈明",
    "身份证号": "320106196503154024", "联系电话": "13812345678", "装修单位": "示例装饰公司",
    "装修负责人": "王工", "装修负责人身份证号": "320106196503154024", "装修负责人电话": "13900000000",
    "主要装修项目": "厨卫翻新",
}


def decoration(start: str, end: str, **more: object) -> dict[str, object]:
    return dict(DECORATION, 装修开始日期=start, 装修结束日期=end, **more)


def messages(spec_id: str, data: dict[str, object]) -> list[str]:
    _, errors, _ = check(SPECS[spec_id], data)
    return [str(e) for e in errors]


def test_the_real_forms_and_their_rules_load():
    assert PROBLEMS == []
    assert SPECS["zhuangxiu-beian"].rules and SPECS["yezhu-baoxiu-dan"].rules and SPECS["fangwu-yanshou"].rules
    for spec in SPECS.values():
        for r in spec.rules:
            assert r.source.manual.startswith("M"), (spec.id, r)


# --- 装修备案表: at most three months (M18) -------------------------------------------------
PERIOD = "装修结束日期: 装修备案期限最长不得超过三个月,如装修时间超过三个月,应在三个月期满后再重新到物业服务中心延期备案"


@pytest.mark.parametrize("start, end, ok", [
    ("2026-03-01", "2026-06-01", True),    # exactly three months
    ("2026-03-01", "2026-06-02", False),   # three months and a day
    ("2026-03-01", "2026-03-01", True),    # one day
    ("2026-11-30", "2027-02-28", True),    # a month-end start ends on the shorter month's last day
    ("2026-11-30", "2027-03-01", False),
    ("2027-11-30", "2028-02-29", True),    # a leap year
    ("2027-11-30", "2028-03-01", False),
    ("2026-08-31", "2026-11-30", True),
    ("2026-08-31", "2026-12-01", False),
    ("2026-12-15", "2027-03-15", True),    # across the new year
    ("2026-12-15", "2027-03-16", False),
    ("2026-03-01", "2026-12-01", False),   # the nine months the issue saw accepted
])
def test_decoration_period_is_at_most_three_calendar_months(start, end, ok):
    got = messages("zhuangxiu-beian", decoration(start, end))
    assert (PERIOD not in got) == ok, got


def test_decoration_cannot_end_before_it_starts():
    got = messages("zhuangxiu-beian", decoration("2026-03-10", "2026-03-09"))
    assert got == ["装修结束日期: 装修结束日期不能早于装修开始日期"]


def test_waterproofing_needs_the_owner_pledge():
    got = messages("zhuangxiu-beian", decoration("2026-03-01", "2026-04-01", 装修需要破坏原防水结构="是"))
    assert got == ["业主承诺签字: 装修需要破坏原防水结构, 需业主签署“业主承诺”"]
    assert messages("zhuangxiu-beian", decoration("2026-03-01", "2026-04-01", 装修需要破坏原防水结构="是",
                                                   业主承诺签字="陈明")) == []
    assert messages("zhuangxiu-beian", decoration("2026-03-01", "2026-04-01")) == []


@FAST
@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(0, 200))
def test_the_period_rule_is_the_calendar_month_rule(start, days):
    end = start + dt.timedelta(days=days)
    got = messages("zhuangxiu-beian", decoration(start.isoformat(), end.isoformat()))
    assert (PERIOD in got) == (end > add_months(start, 3))


@FAST
@given(st.dates(dt.date(1900, 1, 1), dt.date(2990, 12, 31)), st.integers(1, 120))
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months):
    got = add_months(day, months)
    assert (got.year - day.year) * 12 + got.month - day.month == months
    last = calendar.monthrange(got.year, got.month)[1]
    assert got.day == min(day.day, last)


# --- 房屋验收表: the verdict agrees with the items (M17 入伙程序 7) ------------------------------
CHECK_ITEMS = SPECS["fangwu-yanshou"].field("checks").items
HANDOVER = {"房号": "3栋2单元1501", "业主姓名": "陈明", "联系电话": "13812345678", "交房日期": "2026-03-01",
            "验收日期": "2026-03-02"}


def handover(**more: object) -> dict[str, object]:
    return dict(HANDOVER, **more)


def test_pass_needs_every_item_passed():
    """The issue's case: every item unticked, yet ☑合格,同意收房."""
    got = messages("fangwu-yanshou", handover(验收结论="合格,同意收房"))
    assert got == ["验收项目: 结论为“合格,同意收房”时, 每一项验收项目都应为合格(业主验房合格办理收房)"]
    every = dict.fromkeys(CHECK_ITEMS, "合格")
    assert messages("fangwu-yanshou", handover(验收结论="合格,同意收房", checks=every)) == []


def test_a_failed_item_means_fail_with_a_deadline():
    some = dict.fromkeys(CHECK_ITEMS, "合格") | {"地面": "不合格"}
    got = messages("fangwu-yanshou", handover(验收结论="合格,同意收房", checks=some))
    assert "验收结论: 有验收项目不合格, 结论应为“不合格,限期整改”(验收不合格限期整改)" in got
    got = messages("fangwu-yanshou", handover(验收结论="不合格,限期整改", checks=some))
    assert got == ["整改期限: 验收不合格限期整改, 请填写整改期限"]
    v = validate(SPECS["fangwu-yanshou"], handover(验收结论="不合格,限期整改", checks=some, 整改期限="2026-03-20"))
    assert v["rectify_deadline"] == dt.date(2026, 3, 20)
    got = messages("fangwu-yanshou", handover(验收结论="不合格,限期整改", checks=some, 整改期限="2026-03-01"))
    assert got == ["整改期限: 整改期限不能早于验收日期"]


def test_no_deadline_on_a_pass():
    every = dict.fromkeys(CHECK_ITEMS, "合格")
    got = messages("fangwu-yanshou", handover(验收结论="合格,同意收房", checks=every, 整改期限="2026-03-20"))
    assert got == ["整改期限: 验收合格时不填整改期限"]


@pytest.mark.parametrize("inspected, ok", [("2026-02-28", False), ("2026-03-01", True), ("2026-03-02", True)])
def test_inspection_is_on_or_after_handover(inspected, ok):
    every = dict.fromkeys(CHECK_ITEMS, "合格")
    got = messages("fangwu-yanshou", handover(验收结论="合格,同意收房", checks=every, 验收日期=inspected))
    assert (got == []) == ok, got
    if not ok:
        assert got == ["验收日期: 验收日期不能早于交房日期(业主办妥入伙手续后,由接待人员陪同验房)"]


def test_the_move_in_pack_no_longer_copies_the_notice_date_into_the_inspection():
    spec = SPECS["fangwu-yanshou"]
    assert "date" not in {f.name for f in spec.fields}
    assert spec.field("inspect_date").label == "验收日期"


# --- 业主报修单: classes, the computed 回访 date, the fee (M16, M17) ------------------------------
SLIP = {"房号": "5栋1单元802", "业主姓名": "陈明", "联系电话": "13812345678", "报修时间": "2026-04-21 09:30",
        "报修内容": "卫生间吊顶滴水"}


def slip(**more: object) -> dict[str, object]:
    return dict(SLIP, **more)


def test_categories_are_the_manuals_follow_up_classes():
    f = SPECS["yezhu-baoxiu-dan"].field("category")
    assert f.choices == ["安全设施", "房屋渗漏水", "其他"]
    assert "报修类别: 应为以下之一: 安全设施、房屋渗漏水、其他" in messages("yezhu-baoxiu-dan", slip(报修类别="水电"))
    v = validate(SPECS["yezhu-baoxiu-dan"], slip(报修类别="其他", 具体项目="门窗"))
    assert v["sub_type"] == "门窗"


@pytest.mark.parametrize("category, done, due", [
    ("安全设施", "2026-04-22", "2026-04-24"),     # 两天内
    ("房屋渗漏水", "2026-04-22", "2026-04-25"),   # 三天内
    ("其他", "2026-04-22", "2026-04-29"),         # 一星期内
    ("安全设施", "2026-04-29", "2026-05-01"),     # across a month end
    ("房屋渗漏水", "2026-02-27", "2026-03-02"),   # February, not a leap year
    ("房屋渗漏水", "2028-02-27", "2028-03-01"),   # February of a leap year
    ("其他", "2026-12-28", "2027-01-04"),         # across the new year
    ("安全设施", "2026-12-31", "2027-01-02"),
])
def test_follow_up_due_date_is_computed_from_completion(category, done, due):
    data = slip(报修类别=category, 完成日期=done, 报修时间=f"{done} 08:00")
    v = validate(SPECS["yezhu-baoxiu-dan"], data)
    assert v["revisit_due"] == dt.date.fromisoformat(due)


def test_follow_up_due_date_is_never_typed():
    v = validate(SPECS["yezhu-baoxiu-dan"], slip(报修类别="其他", 完成日期="2026-04-22", 回访截止日期="2030-01-01"))
    assert v["revisit_due"] == dt.date(2026, 4, 29)
    v = validate(SPECS["yezhu-baoxiu-dan"], slip(报修类别="其他"))
    assert v["revisit_due"] is None, "no completion date, no due date"


@FAST
@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.sampled_from(["安全设施", "房屋渗漏水", "其他"]))
def test_follow_up_due_date_property(done, category):
    data = slip(报修类别=category, 完成日期=done.isoformat(), 报修时间=f"{done.isoformat()} 08:00")
    v = validate(SPECS["yezhu-baoxiu-dan"], data)
    assert v["revisit_due"] - done == dt.timedelta(days={"安全设施": 2, "房屋渗漏水": 3, "其他": 7}[category])


def test_fee_only_when_paid():
    got = messages("yezhu-baoxiu-dan", slip(报修类别="其他", 收费="无偿", **{"收费金额(元)": "50"}))
    assert got == ["收费金额(元): 只有有偿维修才填收费金额"]
    got = messages("yezhu-baoxiu-dan", slip(报修类别="其他", 收费="有偿"))
    assert got == ["收费金额(元): 有偿维修请填写收费金额"]
    v = validate(SPECS["yezhu-baoxiu-dan"], slip(报修类别="其他", 收费="有偿", **{"收费金额(元)": "50"}))
    assert v["fee"] == Decimal("50.00")


def test_the_slip_follows_the_order_of_the_work():
    got = messages("yezhu-baoxiu-dan", slip(报修类别="其他", 派工时间="2026-04-21 08:00", 完成日期="2026-04-20",
                                             回访日期="2026-04-20", 消单日期="2026-04-20"))
    assert set(got) == {"派工时间: 派工时间不能早于报修时间", "完成日期: 完成日期不能早于报修时间"}
    got = messages("yezhu-baoxiu-dan", slip(报修类别="其他", 完成日期="2026-04-22", 回访日期="2026-04-21",
                                             消单日期="2026-04-21"))
    assert set(got) == {"回访日期: 回访日期不能早于完成日期(完成维修后回访维修状况和服务质量)",
                        "消单日期: 消单日期不能早于完成日期"}


def test_a_rule_on_a_wrong_field_waits_for_the_field_error():
    """A bad date is reported once, as a bad date, not again as a broken rule."""
    got = messages("zhuangxiu-beian", decoration("2026-03-01", "2026-02-30"))
    assert got == ["装修结束日期: 2026年2月30日 不存在"]


def test_batches_and_packs_apply_the_rules_too(tmp_path):
    from builder.core.formspec import load_packs
    from builder.forms.output import PackInputError, run_batch, write_pack

    rows = [(2, decoration("2026-03-01", "2026-06-01")), (3, decoration("2026-03-01", "2026-06-02"))]
    result = run_batch(SPECS["zhuangxiu-beian"], rows, "docx", tmp_path / "b", workers=1)
    assert [n for n, _ in result.failed] == [3] and len(result.written) == 1
    assert [str(e) for e in result.failed[0][1]] == [PERIOD]
    packs, _ = load_packs(ROOT / "forms", set(SPECS))
    with pytest.raises(PackInputError) as e:
        write_pack(packs["zhuangxiu"], SPECS, decoration("2026-03-01", "2026-09-01", 签订日期="2026-03-01"),
                   "docx", tmp_path / "p")
    assert f"装修备案表: {PERIOD}" in e.value.lines()


def test_a_rule_naming_an_unknown_field_or_choice_is_a_form_problem(tmp_path):
    form = tmp_path / "f" / "x" / "form.yaml"
    form.parent.mkdir(parents=True)
    form.write_text("""title: X
status: draft
fields:
  - {name: a, label: A, type: date}
  - {name: c, label: C, type: choice, choices: [甲, 乙]}
rules:
  - {rule: within, field: a, other: b, months: 3, message: m, source: {manual: M18, section: s}}
  - {rule: only_if, field: a, when: {field: c, equals: 丙}, message: m, source: {manual: M18, section: s}}
  - {rule: computed, field: a, base: a, by: c, days: {甲: 1}, source: {manual: M17, section: s}}
layout:
  - block: title
""", encoding="utf-8")
    specs, problems = load_specs(tmp_path / "f")
    text = "\n".join(str(p) for p in problems)
    assert "rules[0] (within) uses undeclared fields: b" in text
    assert "rules[1]: 'c' has no choice 丙" in text
    assert "days must give every choice of 'c'" in text
    assert all(p.line > 1 for p in problems), "each problem names its line"
    text = form.read_text(encoding="utf-8").replace(
        "layout:", "  - {rule: required_if, field: a, message: m, source: {manual: M18, section: s}}\nlayout:")
    form.write_text(text, encoding="utf-8")
    _, problems = load_specs(tmp_path / "f")
    assert any("a 'required_if' rule needs when" in str(p) and p.line == 10 for p in problems), problems
    with pytest.raises(FormInputError):
        validate(SPECS["zhuangxiu-beian"], decoration("2026-03-01", "2027-03-01"))


@pytest.mark.parametrize("category, finished, due", [
    ("安全设施", "2026-02-27", "2026-03-01"), ("房屋渗漏水", "2026-12-30", "2027-01-02"), ("其他", "2028-02-23", "2028-03-01")])
def test_house_repair_form_computes_its_follow_up_date_too(category, finished, due):
    data = {"房号": "3栋101", "业主姓名": "陈明", "联系电话": "13812345678", "登记日期": finished, "问题来源": "业主报修",
            "回访类别": category, "完成日期": finished, "维修项目": [{"部位": "卫生间", "问题描述": "漏水"}]}
    assert validate(SPECS["fangwu-weixiu"], data)["revisit_due"] == dt.date.fromisoformat(due)
    got = messages("fangwu-weixiu", dict(data, 回访日期="2020-01-01"))
    assert got == ["回访日期: 回访日期不能早于完成日期(维修完成后回访)"]


# --- 整改费用单: the total is the rows' sum, written out in capitals ----------------------------
@pytest.mark.parametrize("amount, words", [
    ("0", "零元整"), ("0.05", "伍分"), ("0.50", "伍角"), ("10", "壹拾元整"), ("101", "壹佰零壹元整"),
    ("1005", "壹仟零伍元整"), ("1200.50", "壹仟贰佰元伍角"), ("3.07", "叁元零柒分"), ("10005", "壹万零伍元整"),
    ("100000.01", "壹拾万元零壹分"), ("101010", "壹拾万壹仟零壹拾元整"), ("11001000", "壹仟壹佰万壹仟元整"),
    ("100000001", "壹亿零壹元整"), ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
])
def test_amounts_in_chinese_capitals(amount, words):
    from builder.forms.rules import rmb_upper

    assert rmb_upper(Decimal(amount)) == words


def _parse_capitals(s: str) -> Decimal:
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = {"拾": 10, "佰": 100, "仟": 1000}
    s = s.removesuffix("整")
    yuan, _, small = s.partition("元") if "元" in s else ("", "", s)
    total = section = num = 0
    for ch in yuan:
        if ch in digits:
            num = digits.index(ch)
        elif ch in units:
            section += num * units[ch]
            num = 0
        elif ch == "万":
            total += (section + num) * 10000
            section = num = 0
        elif ch == "亿":
            total = (total + section + num) * 10 ** 8
            section = num = 0
    cents = (total + section + num) * 100
    for i, ch in enumerate(small):
        if ch == "角":
            cents += digits.index(small[i - 1]) * 10
        elif ch == "分":
            cents += digits.index(small[i - 1])
    return Decimal(cents) / 100


@FAST
@given(st.integers(0, 10 ** 14 - 1))
def test_capitals_read_back_to_the_amount(cents):
    from builder.forms.rules import rmb_upper

    amount = Decimal(cents) / 100
    words = rmb_upper(amount)
    assert _parse_capitals(words) == amount, words
    assert "零零" not in words and not words.startswith("零") or words == "零元整"


def test_the_cost_sheet_totals_its_rows():
    data = {"房号": "3栋101", "费用承担单位": "示例装饰", "整改原因": "墙面开裂", "日期": "2026-03-01",
            "费用明细": [{"项目/材料": "腻子", "金额(元)": "120.50"}, {"项目/材料": "人工", "金额(元)": "300"}],
            "合计金额(元)": "999"}
    v = validate(SPECS["zhenggai-feiyong"], data)
    assert v["total"] == Decimal("420.50") and v["total_upper"] == "肆佰贰拾元伍角"
