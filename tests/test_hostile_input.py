"""Hostile values for every input limit: each is refused with the field-named message the
other validators give, before anything is drawn, and never with a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from builder.cli.main import cli
from builder.core.formspec import MAX_DIGITS, MAX_KEYS, MAX_SCALAR_CHARS, FieldSpec, load_specs
from builder.forms.validate import FormInputError, check, validate

SPECS, _ = load_specs(ROOT / "forms")
FEE = SPECS["zhenggai-feiyong"]        # 整改费用单: money fields, a table with money columns
CHECK = SPECS["fangwu-yanshou"]        # 房屋验收: meter readings (number)
SLIP = SPECS["yezhu-baoxiu-dan"]       # 业主报修单: a table of materials

FEE_OK = {"房号": "3栋2单元1501", "费用承担单位": "某装修公司", "整改原因": "墙面开裂",
          "费用明细": [{"项目/材料": "腻子", "金额(元)": "120"}], "合计金额(元)": "120", "日期": "2026-03-01"}


def messages(spec, data, about: str | None = None) -> list[str]:
    """Every error, or only those about one field (others are 必填 for a partial answer)."""
    _, errors, _ = check(spec, data, unknown="ignore")
    return [str(e) for e in errors if about is None or e.label == about]


def test_the_fee_form_is_fine_as_given():
    assert messages(FEE, FEE_OK) == []


# --- numbers and money ------------------------------------------------------------------------
def test_a_100000_digit_number_is_refused_by_its_digits():
    assert "水表底数: 最多 12 位整数, 现在有 100000 位" in messages(CHECK, {"水表底数": "9" * 100_000})


@pytest.mark.parametrize("value,count", [("1" * 28, 28), ("9" * 40 + ".99", 40), ("¥" + "1" * 30 + "元", 30),
                                         ("1" * 11, 11), ("1" * 200, 200)])
def test_a_long_money_value_is_a_field_error_not_invalid_operation(value, count):
    assert messages(FEE, {**FEE_OK, "合计金额(元)": value}) == [f"合计金额(元): 最多 10 位整数, 现在有 {count} 位"]


def test_a_long_money_cell_names_its_row_and_column():
    rows = [{"项目/材料": "腻子", "金额(元)": "120"}, {"项目/材料": "人工", "金额(元)": "9" * 28}]
    assert messages(FEE, {**FEE_OK, "费用明细": rows}) == ["费用明细 第2行 金额(元): 最多 10 位整数, 现在有 28 位"]


def test_leading_zeros_and_ten_digits_are_fine():
    rows = [{"项目/材料": "腻子", "金额(元)": "0000000001234567890.50"}]
    values = validate(FEE, {**FEE_OK, "费用明细": rows}, unknown="ignore")
    assert str(values["lines"][0]["amount"]) == "1234567890.50"
    assert str(values["total"]) == "1234567890.50"  # the total is the rows' sum (forms/zhenggai-feiyong)


def test_a_long_fraction_is_refused_as_places():
    assert messages(FEE, {**FEE_OK, "合计金额(元)": "1." + "0" * 50}) == ["合计金额(元): 金额最多两位小数"]
    assert messages(CHECK, {"水表底数": "1." + "5" * 60}, "水表底数") == ["水表底数: 最多四位小数"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789.,-+元¥ ", max_size=120))
def test_any_money_text_is_a_value_or_a_field_error(text):
    values, errors, _ = check(FEE, {**FEE_OK, "合计金额(元)": text}, unknown="ignore")
    assert errors or values["total"] is not None or not text.strip()
    assert all(str(e).startswith("合计金额(元): ") for e in errors)


def test_the_cli_refuses_a_28_digit_money_in_one_line(tmp_path):
    data = tmp_path / "fee.yaml"
    data.write_text("房号: 3栋2单元1501\n费用承担单位: 某公司\n整改原因: 墙面开裂\n"
                    "费用明细:\n  - 项目/材料: 腻子\n    金额(元): 120\n"
                    f"合计金额(元): {'1' * 28}\n日期: 2026-03-01\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["form", "fill", "zhenggai-feiyong", "--data", str(data), "--format", "pdf",
                                 "--out", str(tmp_path / "out"), "--preview"], catch_exceptions=False)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [f"{data}: 合计金额(元): 最多 10 位整数, 现在有 28 位"]
    assert not (tmp_path / "out").exists()


# --- tables, cells, text, keys ----------------------------------------------------------------
def test_ten_thousand_table_rows_are_refused_unread():
    rows = [{"材料名称": "水管", "数量": "1"}] * 10_000
    assert messages(SLIP, {"维修材料": rows}, "维修材料") == ["维修材料: 最多 10 行, 现在有 10000 行"]


def test_a_table_row_with_five_hundred_cells():
    row = {f"col{i}": "x" for i in range(500)}
    limit = 2 * len(SLIP.field("materials").columns) + 10
    assert f"维修材料 第1行: 这一行有 500 格, 最多 {limit} 格" in messages(SLIP, {"维修材料": [row]})


def test_a_megabyte_of_text_is_refused_by_its_length():
    assert "报修内容: 最多 500 个字, 现在有 1000000 个" in messages(SLIP, {"报修内容": "漏" * 1_000_000})


def test_an_over_long_phone_or_date_is_refused_unread():
    assert f"联系电话: 太长 (10000 个字符), 这一项最多 {MAX_SCALAR_CHARS} 个" in messages(SLIP, {"联系电话": "1" * 10_000})
    assert f"完成日期: 太长 (5000 个字符), 这一项最多 {MAX_SCALAR_CHARS} 个" in messages(SLIP, {"完成日期": "2" * 5000})


def test_too_many_keys_is_one_error():
    data = {f"k{i}": "x" for i in range(MAX_KEYS + 1)}
    assert messages(SLIP, data) == [f"业主报修单: 有 {MAX_KEYS + 1} 个字段, 最多 {MAX_KEYS} 个"]


def test_many_unknown_keys_are_listed_up_to_twenty():
    _, errors, _ = check(SLIP, {f"k{i}": "x" for i in range(300)})
    unknown = [str(e) for e in errors if "没有这个字段" in str(e) or "不认识" in str(e)]
    assert len(unknown) == 21 and unknown[-1] == "业主报修单: 还有 280 个不认识的字段"


# --- the schema states the limits ------------------------------------------------------------
@pytest.mark.parametrize("key,value", [("max_digits", MAX_DIGITS + 1), ("max_rows", 10_000), ("max_length", 1_000_000)])
def test_the_schema_bounds_a_forms_own_limits(key, value):
    base = {"name": "x", "label": "某项", "type": "number" if key == "max_digits" else "text"}
    if key == "max_rows":
        base.update(type="table", columns=[{"name": "a", "label": "甲"}])
    with pytest.raises(ValidationError) as ei:
        FieldSpec.model_validate({**base, key: value})
    assert key in str(ei.value)


def test_a_form_may_set_its_own_digits():
    f = FieldSpec(name="n", label="读数", type="number", max_digits=4)
    from builder.core.formspec import FormSpec

    spec = FormSpec(id="t", title="测试", status="draft", fields=[f], layout=[{"block": "title"}])
    with pytest.raises(FormInputError) as ei:
        validate(spec, {"读数": "12345"})
    assert str(ei.value) == "读数: 最多 4 位整数, 现在有 5 位"


def test_the_web_form_shows_a_28_digit_money_error_beside_the_cell():
    from flask import Flask

    from builder.web.forms import bp

    app = Flask("hostile-test")
    app.config.update(TESTING=True, FORMS_DIR=ROOT / "forms", CONTENT_DIR=ROOT / "content")
    app.register_blueprint(bp)
    post = {"room": "3栋2单元1501", "owner_name": "陈明", "phone": "13812345678", "report_time": "2026-03-01T09:30",
            "category": "水电", "description": "漏水", "materials-0-item": "水管", "materials-0-qty": "1",
            "materials-0-price": "1" * 28, "date": "2026-03-01"}
    r = app.test_client().post("/forms/yezhu-baoxiu-dan", data=post)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "最多 10 位整数, 现在有 28 位" in page and "1" * 28 in page  # shown, and what was typed kept


def test_a_batch_refuses_the_28_digit_row_and_writes_the_others(tmp_path):
    rows = tmp_path / "fees.csv"
    head = "房号,费用承担单位,整改原因,费用明细1.项目/材料,费用明细1.金额(元),合计金额(元),日期\n"
    body = "".join(f"{i}栋101,某公司,墙面开裂,腻子,120,{'1' * 28 if i == 2 else '120'},2026-03-01\n" for i in (1, 2, 3))
    rows.write_text(head + body, encoding="utf-8")
    r = CliRunner().invoke(cli, ["form", "batch", "zhenggai-feiyong", "--rows", str(rows), "--format", "docx",
                                 "--out", str(tmp_path / "out"), "--preview"], catch_exceptions=False)
    assert r.exit_code == 2
    assert f"{rows} 第3行: 合计金额(元): 最多 10 位整数, 现在有 28 位" in r.stderr.splitlines()
    assert r.stderr.splitlines()[-1] == "共 3 行：已生成 2 份，1 行有误"
    assert sorted(p.name for p in (tmp_path / "out").glob("*.docx")) == [
        "整改费用单-1栋101-20260301.docx", "整改费用单-3栋101-20260301.docx"]


def test_form_show_states_the_limits():
    import json

    r = CliRunner().invoke(cli, ["form", "show", "zhenggai-feiyong", "--json"], catch_exceptions=False)
    fields = {f["name"]: f for f in json.loads(r.stdout)["fields"]}
    assert fields["total"]["max_digits"] == 10 and fields["reason"]["max_length"] == 300
    assert fields["lines"]["max_rows"] == 20
    assert {c["name"]: c.get("max_digits") for c in fields["lines"]["columns"]}["qty"] == 12
