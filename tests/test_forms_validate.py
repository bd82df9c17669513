"""The validators every entry point shares: examples and properties (hypothesis)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from builder.core.formspec import FieldSpec, FormSpec, load_specs
from builder.forms.docx import docx_text, render_docx
from builder.forms.validate import (
    FieldError,
    FormInputError,
    check,
    clean_date,
    clean_datetime,
    clean_id_number,
    clean_phone,
    clean_time,
    row_to_data,
    validate,
    values_from_form,
)

SPECS, _ = load_specs(ROOT / "forms")
SLIP = SPECS["yezhu-baoxiu-dan"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def good_slip(**over):
    data = {"房号": "3栋2单元1501", "业主姓名": "陈明", "联系电话": "13812345678",
            "报修时间": "2026-03-01 09:30", "报修类别": "其他", "报修内容": "厨房漏水",
            "完成日期": "2026-03-02"}
    data.update(over)
    return data


# --- examples ----------------------------------------------------------------------
def test_error_text_names_the_field_by_label_first():
    e = FieldError("room", "房号", "必填")
    assert str(e) == "房号: 必填"
    t = FieldError("materials", "维修材料", "不是数字", row=2, column="qty", column_label="数量")
    assert str(t) == "维修材料 第2行 数量: 不是数字"
    assert t.key == "materials-1-qty"


def test_every_error_is_reported_at_once():
    with pytest.raises(FormInputError) as ei:
        validate(SLIP, {"联系电话": "123", "报修类别": "水", "完成日期": "2026-02-30", "无此字段": 1,
                        "materials": [{"item": "管", "qty": "x"}]})
    msgs = [str(e) for e in ei.value.errors]
    assert "房号: 必填" in msgs and "业主姓名: 必填" in msgs
    assert any(m.startswith("联系电话: ") for m in msgs)
    assert any(m.startswith("报修类别: 应为以下之一") for m in msgs)
    assert "完成日期: 2026年2月30日 不存在" in msgs
    assert any(m.startswith("维修材料 第1行 数量: ") for m in msgs)
    assert any("无此字段" in m for m in msgs)


def test_keys_may_be_names_or_labels_and_values_are_cleaned():
    v = validate(SLIP, good_slip(联系电话="０７５５-１２３４５６７８", materials=[{"材料名称": "水管", "qty": "2", "金额(元)": "¥1,200.5"}]))
    assert v["phone"] == "0755-12345678"
    assert v["report_time"] == dt.datetime(2026, 3, 1, 9, 30)
    assert v["materials"] == [{"item": "水管", "qty": Decimal("2"), "price": Decimal("1200.50")}]
    assert v["done_date"] == dt.date(2026, 3, 2)


def test_same_field_twice_with_different_values_is_refused():
    with pytest.raises(FormInputError) as ei:
        validate(SLIP, good_slip(room="9栋"))
    assert str(ei.value.errors[0]).startswith("房号: ")


def test_blank_table_rows_are_dropped_and_rows_numbered_as_typed():
    with pytest.raises(FormInputError) as ei:
        validate(SLIP, good_slip(维修材料=[{"item": "a"}, {"item": "", "qty": ""}, {"item": "b", "qty": "-1"}]))
    assert [str(e) for e in ei.value.errors] == ["维修材料 第3行 数量: 不能小于 0"]
    v = validate(SLIP, good_slip(维修材料=[{"item": "a"}, {"item": " "}]))
    assert v["materials"] == [{"item": "a", "qty": None, "price": None}]


def test_table_row_limit():
    f = SLIP.field("materials")
    rows = [{"item": f"m{i}"} for i in range(f.max_rows + 1)]
    with pytest.raises(FormInputError) as ei:
        validate(SLIP, good_slip(维修材料=rows))
    assert f"维修材料: 最多 {f.max_rows} 行" in str(ei.value)


def test_money_has_two_decimals_and_is_not_negative():
    for bad, msg in (("1.234", "金额最多两位小数"), ("-1", "不能小于 0"), ("abc", "应为金额")):
        with pytest.raises(FormInputError) as ei:
            validate(SLIP, good_slip(维修材料=[{"item": "a", "price": bad}]))
        assert msg in str(ei.value)


def test_control_characters_are_refused_naming_the_field():
    for bad in ("张\x0b三", "张\x00", "a\ud800", "x\ufffe", "x\uffff"):
        with pytest.raises(FormInputError) as ei:
            validate(SLIP, good_slip(业主姓名=bad))
        (e,) = ei.value.errors
        assert str(e).startswith("业主姓名: 含有无法写入文档的字符 U+")


def test_template_syntax_is_text():
    v = validate(SLIP, good_slip(报修内容="{{ 7*7 }} {% if 1 %}x{% endif %} <script>alert(1)</script>"))
    text = docx_text(render_docx(SLIP, v))
    assert "{{ 7*7 }} {% if 1 %}x{% endif %} <script>alert(1)</script>" in text


def test_length_is_counted_after_nfkc():
    f = FieldSpec(name="n", label="名称", max_length=3)
    spec = FormSpec(id="t", title="T", status="draft", fields=[f], layout=[{"block": "title"}])
    assert validate(spec, {"n": "ＡＢＣ"})["n"] == "ＡＢＣ"
    with pytest.raises(FormInputError, match="名称: 最多 3 个字, 现在有 4 个"):
        validate(spec, {"n": "abcd"})


def test_id_numbers():
    assert clean_id_number("320106196503154024") == (
        "320106196503154024", "地区代码 320106 未能在行政区划表中核对 (该表多从 1983 年起), 请核对号码")
    assert clean_id_number(" 11010519491231002x ")[0] == "11010519491231002X"
    with pytest.raises(ValueError, match="15 位旧身份证"):
        clean_id_number("110105491231002")
    with pytest.raises(ValueError, match="校验位"):
        clean_id_number("320106196503154025")
    with pytest.raises(ValueError, match="应为 18 位"):
        clean_id_number("3201061965031540")


def test_unknown_region_is_only_a_warning():
    spec = SPECS["fanghuo-zerenshu"]
    data = {"房号": "1-101", "业主姓名": "王五", "联系电话": "13800000000", "id_number": "320106196503154024",
            "date": "2026-03-01"}
    warnings: list[FieldError] = []
    v = validate(spec, data, warnings=warnings)
    assert v["id_number"] == "320106196503154024"
    assert warnings and str(warnings[0]).startswith("身份证号码: 地区代码")


def test_dates_times():
    for s in ("2026-03-01", "2026/3/1", "2026年3月1日", "2026.3.1", "20260301", "２０２６-０３-０１"):
        assert clean_date(s) == dt.date(2026, 3, 1)
    for s in ("2026-02-30", "2026-13-01", "2025-02-29", "3/1/2026", "明天"):
        with pytest.raises(ValueError):
            clean_date(s)
    assert clean_date("2024-02-29") == dt.date(2024, 2, 29)
    assert clean_time("9:05") == dt.time(9, 5)
    assert clean_time("14时30分") == dt.time(14, 30)
    for s in ("24:00", "9:60", "9:"):
        with pytest.raises(ValueError):
            clean_time(s)
    assert clean_datetime("2026年3月1日 9时30分") == dt.datetime(2026, 3, 1, 9, 30)
    with pytest.raises(ValueError):
        clean_datetime("2026-03-01")


def test_phones():
    assert clean_phone("+86 138 1234 5678") == "13812345678"
    assert clean_phone("010-12345678") == "010-12345678"
    assert clean_phone("075512345678") == "0755-12345678"
    for bad in ("12812345678", "1381234567", "٠١٣٨١٢٣٤٥٦٧", "13812345678a", "0755-123456"):
        with pytest.raises(ValueError):
            clean_phone(bad)
    with pytest.raises(ValueError, match="只能用阿拉伯数字"):
        clean_phone("١٣٨١٢٣٤٥٦٧٨")
    with pytest.raises(ValueError):
        clean_phone("0755-12345678", mobile_only=True)


def test_values_from_form_posts():
    from werkzeug.datastructures import MultiDict

    md = MultiDict([("room", "1-101"), ("materials-0-item", "水管"), ("materials-0-qty", "2"),
                    ("materials-2-item", "阀门"), ("csrf", "x"), ("owner_name", "王五")])
    data = values_from_form(SLIP, md)
    assert data["materials"] == [{"item": "水管", "qty": "2"}, {"item": "阀门"}]
    assert "csrf" not in data and data["room"] == "1-101"
    ck = next((s, f) for s in SPECS.values() for f in s.fields if f.type == "checklist")
    spec, f = ck
    md = MultiDict([(f"{f.name}-0", f.options[0]), (f"{f.name}-1", f.options[-1])])
    assert values_from_form(spec, md)[f.name] == {f.items[0]: f.options[0], f.items[1]: f.options[-1]}


def test_spreadsheet_row_convention():
    row = {"房号": "1-101", "维修材料1.材料名称": "水管", "维修材料1.数量": "2", "维修材料2.材料名称": "阀门"}
    data = row_to_data(SLIP, row)
    assert len(data["materials"]) == 2
    values, errors, _ = check(SLIP, data)
    assert not [e for e in errors if e.field == "materials"]
    assert values["materials"][0]["item"] == "水管" and values["materials"][1]["item"] == "阀门"


# --- properties ----------------------------------------------------------------
mobiles = st.builds(lambda a, b: f"1{a}{b}", st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))


@FAST
@given(mobiles, st.sampled_from(["", " ", "-"]), st.booleans())
def test_mobile_numbers_in_any_width_are_accepted(m, sep, wide):
    typed = f"{m[:3]}{sep}{m[3:7]}{sep}{m[7:]}"
    if wide:
        typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in typed)
    assert clean_phone(typed) == m


@FAST
@given(mobiles, st.sampled_from([0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50]))
def test_other_scripts_digits_are_refused(m, zero):
    typed = "".join(chr(zero + int(c)) for c in m)
    assume(unicodedata.normalize("NFKC", typed) != m)
    with pytest.raises(ValueError):
        clean_phone(typed)


@FAST
@given(st.text(st.characters(codec="utf-8"), max_size=20))
@example("0")  # a lone 0 once raised IndexError (a traceback, not a message)
@example("０")
def test_anything_accepted_as_a_phone_is_a_real_number(s):
    try:
        out = clean_phone(s)
    except ValueError:
        return
    import re

    assert re.fullmatch(r"1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}", out)


births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
regions = st.sampled_from(["110105", "320106", "440305", "510104", "330106", "999999", "120101"])


def make_id(region: str, born: dt.date, seq: int) -> str:
    first = f"{region}{born:%Y%m%d}{seq:03d}"
    return first + check_char(first)


@FAST
@given(regions, births, st.integers(0, 999))
def test_valid_ids_pass_whatever_the_region_table_says(region, born, seq):
    n = make_id(region, born, seq)
    value, _warning = clean_id_number(n)
    assert value == n
    assert clean_id_number(n.lower())[0] == n


@FAST
@given(regions, births, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_a_changed_digit_is_refused(region, born, seq, pos, delta):
    n = make_id(region, born, seq)
    bad = n[:pos] + str((int(n[pos]) + delta) % 10) + n[pos + 1:]
    with pytest.raises(ValueError):
        clean_id_number(bad)


@FAST
@given(regions, births, st.integers(0, 999), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_refused(region, born, seq, c):
    n = make_id(region, born, seq)
    assume(c != n[-1])
    with pytest.raises(ValueError, match="校验位"):
        clean_id_number(n[:-1] + c)


IMPOSSIBLE = st.sampled_from([(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 1), (0, 10), (5, 0), (5, 32)])


@FAST
@given(regions, st.integers(1900, 2025), IMPOSSIBLE, st.integers(0, 999))
def test_impossible_birth_dates_are_refused_even_with_a_right_checksum(region, y, md, seq):
    m, d = md
    first = f"{region}{y:04d}{m:02d}{d:02d}{seq:03d}"
    with pytest.raises(ValueError, match="出生日期"):
        clean_id_number(first + check_char(first))


@FAST
@given(regions, st.sampled_from([y for y in range(1901, 2025) if y % 4]), st.integers(0, 999))
def test_february_29_of_a_common_year_is_refused(region, y, seq):
    first = f"{region}{y:04d}0229{seq:03d}"
    with pytest.raises(ValueError, match="出生日期"):
        clean_id_number(first + check_char(first))


@FAST
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}{m:02d}{d:02d}"]))
def test_dates_round_trip(day, pattern):
    assert clean_date(pattern.format(y=day.year, m=day.month, d=day.day)) == day


@FAST
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 40))
def test_impossible_dates_are_refused_never_rolled_over(y, m, d):
    try:
        real = dt.date(y, m, d)
    except ValueError:
        with pytest.raises(ValueError, match="不存在|日期应写作"):
            clean_date(f"{y}-{m:02d}-{d:02d}")
        return
    assert clean_date(f"{y}-{m:02d}-{d:02d}") == real


TEXT_SPEC = FormSpec(id="t", title="T", status="draft",
                     fields=[FieldSpec(name="n", label="备注", type="textarea", max_length=50)],
                     layout=[{"block": "title"}, {"block": "grid", "fields": ["n"], "columns": 1}])


@FAST
@given(st.text(max_size=60))
def test_text_is_either_refused_by_label_or_written_into_a_docx(s):
    import docx

    try:
        v = validate(TEXT_SPEC, {"n": s})
    except FormInputError as e:
        assert all(str(x).startswith("备注: ") for x in e.errors)
        return
    data = render_docx(TEXT_SPEC, v)
    docx.Document(io.BytesIO(data))  # parses: every character is XML-compatible
    if v["n"]:
        assert v["n"].split("\n")[0].strip() in docx_text(data)


def test_a_relabelled_library_field_still_takes_its_shared_label():
    spec = SPECS["fanghuo-zerenshu"]
    f = spec.field("date")
    assert f.label != "日期" and "日期" in f.aliases
    v = validate(spec, {"房号": "1-101", "业主姓名": "王五", "联系电话": "13800000000", "日期": "2026-03-01"})
    assert v["date"] == dt.date(2026, 3, 1)
