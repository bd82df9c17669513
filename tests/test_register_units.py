"""The register's pure parts: number prefixes, value encoding, masking (with hypothesis)."""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.register import InvalidInput, form_prefix, mask_id, mask_name, mask_phone, parse_number
from builder.register.codec import decode_values, encode_values, spec_version
from builder.register.personal import looks_like_id18, phone_digits, split_values


@pytest.mark.parametrize(("code", "form_id", "prefix"), [
    ("KF-BX-01", "", "BX"), ("KF-ZX-01", "", "ZX"), ("KF-FK-01", "", "FK"), ("QR-DXC-10", "", "DXC10"),
    ("QR-DXC-01-A", "", "DXC01A"), ("QR-DXC-08-A", "", "DXC08A"), ("QR-DXC-13", "", "DXC13"),
    ("BX-01", "", "BX"), ("BX", "", "BX"), ("ｋｆ－ｂｘ－０２", "", "BX02"),
    (None, "yezhu-baoxiu-dan", "YBD"), ("", "fangke-dengji", "FD"), ("报修", "", "F"),
])
def test_form_prefix(code, form_id, prefix):
    assert form_prefix(code, form_id) == prefix


def test_real_form_codes_give_distinct_prefixes():
    codes = ["QR-DXC-10", "QR-DXC-08", "KF-FK-01", "QR-DXC-03", "QR-DXC-02", "QR-DXC-08-A", "QR-DXC-06",
             "KF-JJ-01", "QR-DXC-01-A", "QR-DXC-01-B", "QR-DXC-07", "QR-DXC-11", "QR-DXC-09", "KF-FX-01",
             "QR-DXC-12-A", "QR-DXC-04-A", "QR-DXC-04-B", "KF-BX-01", "QR-DXC-05", "QR-DXC-13", "KF-ZX-01"]
    assert len({form_prefix(c) for c in codes}) == len(codes)


def test_parse_number():
    assert parse_number(" bx-2026-000123 ") == ("BX", 2026, 123)
    for bad in ("BX-26-000123", "BX2026000123", "报修-2026-000001", ""):
        with pytest.raises(InvalidInput, match="应如 BX-2026-000123"):
            parse_number(bad)


def test_values_round_trip_with_their_types():
    values = {"d": dt.date(2026, 4, 21), "t": dt.time(9, 30), "dt": dt.datetime(2026, 4, 21, 9, 30),
              "m": Decimal("120.50"), "b": True, "n": None, "l": ["a", "b"], "c": {"门窗": "合格"},
              "rows": [{"name": "李四", "qty": Decimal("2")}], "i": 3, "f": 1.5}
    assert decode_values(encode_values(values)) == values
    with pytest.raises(InvalidInput, match="values.x: not a finite number"):
        encode_values({"x": Decimal("NaN")})


def test_spec_version_ignores_key_order():
    assert spec_version({"a": 1, "b": [1, {"c": "中"}]}) == spec_version({"b": [1, {"c": "中"}], "a": 1})
    assert spec_version({"a": 1}) != spec_version({"a": 2})


def test_split_values_seals_ids_even_in_a_text_field():
    spec = {"fields": [{"name": "note", "type": "text"}, {"name": "tel", "type": "phone"}]}
    split = split_values(spec, {"note": "44030519900105351X", "tel": "0755-8888 1234", "other": "x"})
    assert split.clear["note"] == {"$sealed": "note"} and split.secrets == {"note": "44030519900105351X"}
    assert ("phone", "075588881234") in split.keys and ("tail4", "1234") in split.keys
    assert split.phone_masked == "075*-**** 1234"


def test_id_checksum_and_phone_digits():
    assert looks_like_id18("44030519900105351x") and not looks_like_id18("440305199001013510")
    assert phone_digits("+86 138-1234-5678") == "13812345678" == phone_digits("0086 13812345678")


# --- masking, with hypothesis ------------------------------------------------------
def test_masking_examples():
    assert mask_id("44030519900105351X") == "440305********351X"
    assert mask_id("440305900101351") == "440305******351"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "+86 138 **** 5678"
    assert mask_phone("0755-88881234") == "075*-****1234"
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***"
    assert mask_name("阿依古丽·买买提") == "阿***·***" and mask_name("张") == "*"
    assert mask_id(None) == mask_phone("") == mask_name("") == ""


ids = st.text(alphabet="0123456789X", min_size=18, max_size=18)
anything = st.text(max_size=40)


@given(ids)
def test_mask_id_shows_region_and_tail_only(s):
    m = mask_id(s)
    assert len(m) == 18 and m[:6] == s[:6] and m[-4:] == s[-4:] and m[6:14] == "*" * 8


@given(anything)
def test_mask_id_never_shows_more_than_ten_characters(s):
    m = mask_id(s)
    assert len(m) == len(s.strip())
    assert sum(c != "*" for c in m) <= 10
    assert all(c == "*" or c == o for c, o in zip(m, s.strip(), strict=True))


@given(st.text(alphabet=string.digits, min_size=11, max_size=11))
def test_mask_phone_mobile(s):
    assert mask_phone(s) == s[:3] + "****" + s[-4:]


@given(st.text(alphabet=string.digits + " +-()", max_size=20))
def test_mask_phone_hides_at_least_the_middle(s):
    m = mask_phone(s)
    digits = [c for c in s.strip() if c.isdigit()]
    shown = [c for c in m if c.isdigit()]
    assert len(m) == len(s.strip())
    assert len(shown) <= 11 and len(digits) - len(shown) >= min(len(digits), 4)


@given(anything)
def test_mask_phone_never_shows_letters(s):
    assert all(c in " +-()*" or c.isdigit() for c in mask_phone(s))


@given(anything)
def test_mask_name_shows_at_most_the_first_character(s):
    m = mask_name(s)
    t = s.strip()
    assert len(m) == len(t)
    if len(t) > 1:
        assert m[0] == t[0] and all(c in "*·•・" for c in m[1:])
    assert mask_name(m) == m or m[:1] != "*"  # masking twice changes nothing more than the first char
