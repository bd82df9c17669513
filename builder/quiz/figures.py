"""Chinese numerals and figures (三声, 72小时内, 两天内): parsing them, and their plausible
neighbours on the ladder of values people use for each unit (distractors)."""

from __future__ import annotations

import re

from pydantic import BaseModel

# --- Chinese numerals and figures ------------------------------------------
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+|半)"
#: units, longest first, so that 个工作日 wins over 日.
UNITS = ["个工作日", "工作日", "个小时", "个星期", "个月", "小时", "分钟", "星期", "天", "日", "周", "年", "月",
         "次", "声", "秒", "米", "%", "人", "元", "份", "遍", "项", "名", "户", "套", "层", "倍", "个", "张", "公里", "平方米"]
_FIGURE = re.compile(rf"(?P<num>{_NUM})(?P<unit>{'|'.join(map(re.escape, UNITS))})")

#: the ladders of values people actually use for each unit; distractors are neighbours on them.
LADDERS: dict[str, list[float]] = {
    "声": [1, 2, 3, 4, 5, 6],
    "秒": [5, 10, 15, 20, 30, 60],
    "分钟": [1, 3, 5, 10, 15, 20, 30, 45, 60],
    "小时": [0.5, 1, 2, 4, 6, 8, 12, 24, 48, 72, 96],
    "个小时": [0.5, 1, 2, 4, 6, 8, 12, 24, 48, 72],
    "天": [1, 2, 3, 5, 7, 10, 15, 30],
    "日": [1, 2, 3, 5, 7, 10, 15, 30],
    "工作日": [1, 2, 3, 5, 7, 10, 15],
    "个工作日": [1, 2, 3, 5, 7, 10, 15],
    "周": [1, 2, 3, 4],
    "星期": [1, 2, 3, 4],
    "个星期": [1, 2, 3, 4],
    "个月": [0.5, 1, 2, 3, 6, 12],
    "月": [1, 2, 3, 6, 12],
    "年": [0.5, 1, 2, 3, 5, 10],
    "次": [1, 2, 3, 4, 5, 6, 8, 10, 12],
    "张": [1, 2, 3, 4, 5, 6],
    "%": [5, 10, 20, 30, 50, 60, 70, 80, 85, 90, 95, 98, 100],
}
DEFAULT_LADDER: list[float] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 50, 100, 200, 500, 1000]


def parse_cn_number(text: str) -> float | None:
    """'三' → 3, '十二' → 12, '二十四' → 24, '两' → 2, '半' → 0.5, '72' → 72; None if not a number."""
    if not text:
        return None
    if text == "半":
        return 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) if "." in text else int(text)
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None:  # 二零二 style: read digit by digit
                digit = digit * 10 + _CN_DIGIT[ch]
            else:
                digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit == 10000:
                total = (total + section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def to_cn_number(n: float, measure: bool = True) -> str:
    """3 → '三', 2 → '两' (before a measure word) or '二', 12 → '十二', 24 → '二十四', 0.5 → '半'."""
    if n == 0.5:
        return "半"
    n = int(n)
    digits = "零一二三四五六七八九"
    if n == 2 and measure:
        return "两"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + to_cn_number(rest, False) if rest < 10 else
                                    (to_cn_number(rest, False) if rest >= 20 else "一" + to_cn_number(rest, False)))
        return ("两" if n // 100 == 2 and measure else digits[n // 100]) + "百" + tail
    return str(n)


def _fmt_number(n: float, chinese: bool) -> str:
    if chinese:
        return to_cn_number(n)
    return str(int(n)) if float(n).is_integer() else str(n)


class Figure(BaseModel):
    """A figure as written (三声, 72小时内), split at the number that carries it."""

    text: str
    start: int
    end: int
    number: float
    unit: str
    chinese: bool
    unit_end: int = 0

    def with_number(self, n: float) -> str:
        return self.text[: self.start] + _fmt_number(n, self.chinese) + self.text[self.end:]

    def restyled(self) -> str:
        """The same value in the other numeral style: 三声 ↔ 3声 (what a blank also accepts)."""
        if self.number == 0.5 or (not self.chinese and (self.unit == "%" or self.number >= 1000)):
            return self.text
        return self.text[: self.start] + _fmt_number(self.number, not self.chinese) + self.text[self.end:]


def parse_figure(text: str) -> Figure | None:
    """The last number-with-unit of a figure; None where the figure holds no such number."""
    found = None
    for m in _FIGURE.finditer(text):
        n = parse_cn_number(m.group("num"))
        if n is None or n <= 0:
            continue
        found = Figure(text=text, start=m.start("num"), end=m.end("num"), number=n, unit=m.group("unit"),
                       chinese=not m.group("num")[0].isdigit(), unit_end=m.end("unit"))
    runs = list(re.finditer(_NUM, text))
    if found is None and len(runs) == 1 and ":" not in text:
        # a count word (四清晰, 五不, 十大规范); never a weekday (周一), an ordinal (第三) or a clock time
        m = runs[0]
        if parse_cn_number(m.group()) and text[max(0, m.start() - 1):m.start()] not in ("周", "第", "期", "拜", "初"):
            n = parse_cn_number(m.group()) or 0
            found = Figure(text=text, start=m.start(), end=m.end(), number=n, unit="",
                           chinese=not m.group()[0].isdigit(), unit_end=m.end())
    return found


#: short durations written in words share one ladder, in days: 两天 → 一天 / 三天 / 一星期.
DAY_UNITS = {"天": 1, "日": 1, "星期": 7, "个星期": 7, "周": 7}
DURATION_RUNGS: list[tuple[float, str]] = [(1, "一天"), (2, "两天"), (3, "三天"), (7, "一星期"), (15, "半个月"),
                                           (30, "一个月")]


def _duration_neighbours(fig: Figure, count: int) -> list[str] | None:
    days = fig.number * DAY_UNITS[fig.unit]
    rungs = list(DURATION_RUNGS)
    if fig.unit == "日":
        rungs = [(d, t.replace("天", "日")) for d, t in rungs]
    if days not in [d for d, _ in rungs]:
        if days > rungs[-1][0]:
            return None
        rungs = sorted(rungs + [(days, "")])
    i = [d for d, _ in rungs].index(days)
    out: list[str] = []
    for step in range(1, len(rungs)):
        for j in (i - step, i + step):
            if 0 <= j < len(rungs) and len(out) < count:
                out.append(fig.text[: fig.start] + rungs[j][1] + fig.text[fig.unit_end:])
    return out


def neighbours(fig: Figure, count: int = 3) -> list[str]:
    """Distractors for a figure: the nearest other values on its unit's ladder, unit kept
    (short durations in words share a ladder in days: 两天 → 一天 / 三天 / 一星期)."""
    if fig.chinese and fig.unit in DAY_UNITS and fig.number == int(fig.number):
        found = _duration_neighbours(fig, count)
        if found is not None:
            return found
    ladder = sorted(set(LADDERS.get(fig.unit, DEFAULT_LADDER)) | {fig.number})
    if not fig.chinese:
        ladder = [v for v in ladder if v != 0.5 or fig.number == 0.5]
    i = ladder.index(fig.number)
    order: list[float] = []
    for step in range(1, len(ladder)):
        for j in (i - step, i + step):
            if 0 <= j < len(ladder):
                order.append(ladder[j])
    out: list[str] = []
    for v in order:
        text = fig.with_number(v)
        if text != fig.text and text not in out:
            out.append(text)
        if len(out) == count:
            break
    return out

