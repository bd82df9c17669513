"""The heading-number parser: typed numbers round-trip through format and parse, for every scheme."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builder.importer.numbering import SCHEMES, cn_to_int, format_number, int_to_cn, parse_number, strip_numbers

# a title starts with a character no number is made of (numerals, digits, brackets, 第, punctuation)
FIRST = st.sampled_from("客服部岗位职责流程制度规定礼仪规范办公报刊收发钥匙管理电话接听")
REST = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20)
TITLES = st.builds(lambda a, b: (a + b).strip(), FIRST, REST)


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n


@given(st.sampled_from([s for s in SCHEMES if s != "dotted"]), st.integers(min_value=1, max_value=99), TITLES,
       st.sampled_from(["", " ", "\u3000"]))
def test_a_typed_number_parses_back(scheme: str, n: int, title: str, gap: str) -> None:
    if scheme == "circled" and n > 20:
        n = n % 20 + 1
    parsed = parse_number(format_number(scheme, n) + gap + title)
    assert parsed is not None
    assert (parsed.scheme, parsed.value, parsed.title) == (scheme, n, title)


@given(st.lists(st.integers(min_value=1, max_value=30), min_size=2, max_size=4), TITLES)
def test_dotted_numbers_keep_every_level(parts: list[int], title: str) -> None:
    parsed = parse_number(format_number("dotted", tuple(parts)) + " " + title)
    assert parsed is not None
    assert (parsed.scheme, parsed.parts, parsed.title, parsed.key) == ("dotted", tuple(parts), title, f"dotted{len(parts)}")


@given(st.text(max_size=40))
def test_any_text_parses_or_is_left_alone(text: str) -> None:
    parsed = parse_number(text)
    if parsed is not None:
        assert parsed.value >= 1
        assert parsed.label and parsed.label in text
    assert isinstance(strip_numbers(text), str)


def test_numbers_as_manuals_type_them() -> None:
    cases = {
        "第四节 客服部规章制度": ("section", 4, "客服部规章制度"),
        "十四、客服部办公制度": ("cn", 14, "客服部办公制度"),
        "（二）办公秩序": ("cn_paren", 2, "办公秩序"),
        "(3) 收发": ("num_paren", 3, "收发"),
        "3．直接责任：": ("num", 3, "直接责任："),
        "12、回访": ("num", 12, "回访"),
        "1.2 适用范围": ("dotted", 2, "适用范围"),
        "第一条 总则": ("article", 1, "总则"),
        "②核对": ("circled", 2, "核对"),
    }
    for text, want in cases.items():
        n = parse_number(text)
        assert n is not None and (n.scheme, n.value, n.title) == want, text
    for text in ("一般规定", "2019年起执行", "十分钟内到场", "一次性收取", ""):
        assert parse_number(text) is None, text
    assert strip_numbers("第四节 十四、客服部办公制度") == "客服部办公制度"
