"""Hand-typed heading and list numbers: 第一章, 第二节, 一、, （一）, 1., 1.1, （1）, ①, 第一条.

``parse_number(text)`` splits a paragraph into its number and the rest; ``format_number``
writes a number back in a scheme's usual form (the tests use the pair as a round trip).
Chinese numerals are read and written from 1 to 9999.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = "零一二三四五六七八九"
_CN_VALUES = {c: i for i, c in enumerate(DIGITS)} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_CHARS = "".join(_CN_VALUES) + "".join(_CN_UNITS)
CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474))  # ① … ⑳

#: Schemes from the top of a document down, as Chinese manuals nest them by habit.
SCHEMES = ("chapter", "section", "cn", "cn_paren", "num", "dotted", "num_paren", "circled", "article")

_WS = " \t\u3000\xa0"
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN = f"[{CN_CHARS}]+"
_NUM = r"[0-9０-９]+"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"第\s*({_CN}|{_NUM})\s*章")),
    ("section", re.compile(rf"第\s*({_CN}|{_NUM})\s*节")),
    ("article", re.compile(rf"第\s*({_CN}|{_NUM})\s*条")),
    ("dotted", re.compile(rf"({_NUM}(?:[.．]{_NUM})+)(?:[.．、](?![0-9０-９])|(?![0-9０-９.．]))")),
    ("cn", re.compile(rf"({_CN})\s*[、.．]")),
    ("cn_paren", re.compile(rf"[（(]\s*({_CN})\s*[）)]")),
    ("num_paren", re.compile(rf"[（(]\s*({_NUM})\s*[）)]|({_NUM})\s*[）)]")),
    ("num", re.compile(rf"({_NUM})\s*(?:[、．]|\.(?![0-9０-９]))")),
    ("circled", re.compile(f"([{CIRCLED}])")),
]


@dataclass(frozen=True)
class Number:
    """A number typed at the start of a paragraph."""

    scheme: str
    value: int  # for 1.2.3: 3
    label: str  # the number as typed, e.g. "（一）"
    title: str  # the rest of the paragraph, stripped
    parts: tuple[int, ...] = ()  # for 1.2.3: (1, 2, 3)

    @property
    def key(self) -> str:
        """What makes two numbers siblings: the scheme (and for 1.2.3 its depth)."""
        return f"dotted{len(self.parts)}" if self.scheme == "dotted" else self.scheme


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 三千 → 3000; digit-by-digit 二〇 → 20. None if not a numeral."""
    if not text or any(c not in _CN_VALUES and c not in _CN_UNITS for c in text):
        return None
    if not any(c in _CN_UNITS for c in text):
        value = 0
        for c in text:
            value = value * 10 + _CN_VALUES[c]
        return value or None
    total, digit, last_unit = 0, None, 10_000
    for c in text:
        if c in _CN_VALUES:
            if digit is not None and _CN_VALUES[c] != 0:
                return None  # two digits in a row: 二三十
            digit = _CN_VALUES[c] if _CN_VALUES[c] != 0 else None
        else:
            unit = _CN_UNITS[c]
            if unit >= last_unit:
                return None  # 十百, 百百
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    total += digit or 0
    return total or None


def int_to_cn(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十."""
    if not 1 <= n <= 9999:
        raise ValueError(f"{n} is out of range 1–9999")
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero and out:
                out += "零"
            out += ("" if unit == 10 and not out and d == 1 else DIGITS[d]) + name
            zero = False
        elif out:
            zero = True
    return out


def _int(text: str) -> int | None:
    text = text.translate(FULLWIDTH_DIGITS)
    if text.isascii() and text.isdigit():
        return int(text)
    return cn_to_int(text)


def parse_number(text: str) -> Number | None:
    """The number a paragraph starts with, or None. Whitespace around the number is dropped."""
    stripped = text.lstrip(_WS)
    for scheme, pattern in _PATTERNS:
        m = pattern.match(stripped)
        if not m:
            continue
        raw = next(g for g in m.groups() if g is not None)
        rest = stripped[m.end():].strip(_WS)
        if scheme == "dotted":
            parts = tuple(int(p) for p in re.split("[.．]", raw.translate(FULLWIDTH_DIGITS)))
            return Number(scheme, parts[-1], m.group(0).strip(_WS), rest, parts)
        value = CIRCLED.index(raw) + 1 if scheme == "circled" else _int(raw)
        if not value:
            continue
        if scheme == "cn" and rest[:1] in "、.．":
            continue
        return Number(scheme, value, m.group(0).strip(_WS), rest)
    return None


def format_number(scheme: str, value: int | tuple[int, ...]) -> str:
    """The usual typed form of a number in a scheme: cn 3 → 三、, num_paren 2 → （2）, dotted (1, 2) → 1.2."""
    if scheme == "dotted":
        parts = value if isinstance(value, tuple) else (value,)
        return ".".join(str(p) for p in parts)
    assert isinstance(value, int)
    return {
        "chapter": lambda n: f"第{int_to_cn(n)}章",
        "section": lambda n: f"第{int_to_cn(n)}节",
        "article": lambda n: f"第{int_to_cn(n)}条",
        "cn": lambda n: f"{int_to_cn(n)}、",
        "cn_paren": lambda n: f"（{int_to_cn(n)}）",
        "num": lambda n: f"{n}.",
        "num_paren": lambda n: f"（{n}）",
        "circled": lambda n: CIRCLED[n - 1],
    }[scheme](value)


def strip_numbers(text: str) -> str:
    """The text without the numbers it starts with (第四节 十四、客服部办公制度 → 客服部办公制度)."""
    while True:
        n = parse_number(text)
        if n is None or not n.title:
            return text.strip(_WS)
        text = n.title
