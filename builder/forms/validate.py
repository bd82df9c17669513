"""Form data: validate what a clerk typed (web form, YAML/JSON file, a spreadsheet row)
against a :class:`~builder.core.formspec.FormSpec`, and turn it into clean values the two
renderers draw.

One entry point for every source: :func:`validate` takes a mapping keyed by field names
*or* Chinese labels and returns the cleaned values, or raises :class:`FormInputError`
carrying every problem at once, each naming the field by its Chinese label
("房号: 必填", "维修材料 第2行 数量: 不是数字").

Cleaned values, by field type:

========================  =====================================================
text, textarea, signature ``str`` (stripped; single-line text folds line breaks)
date / time / datetime    ``datetime.date`` / ``datetime.time`` / ``datetime.datetime``
phone                     ``str``: ``13812345678`` or ``0755-12345678``
id_number                 ``str``: 18 characters, a final ``X`` upper-case
number, money             ``decimal.Decimal`` (money: exactly 2 decimals)
choice                    ``str`` (one of ``choices``)
multichoice               ``list[str]`` (in the order of ``choices``)
checkbox                  ``bool``
checklist                 ``dict[item, option]``
table                     ``list[dict[column name, value]]`` (blank rows dropped)
========================  =====================================================

Rules decided here (and why):

* **Phone**: a mobile number ``1[3-9]`` + 9 digits, or a landline ``0`` + 2–3 digit area
  code + 7–8 digits (``0755-12345678``, ``01012345678``): owners give mobiles, but the desk
  also records company and shop lines. A field with ``mobile_only: true`` takes mobiles only.
  Input is NFKC-normalised (full-width ``１３８…`` is accepted); spaces and hyphens are
  ignored; digits of other scripts (Arabic-Indic, Devanagari …) are refused.
* **身份证**: 18 characters, checksum (ISO 7064 MOD 11-2) and a real birth date no later
  than today, both from python-stdnum's ``cn.ric``. Its birth-place check is *not* used
  (its region table starts most county codes in 1983 and so refuses real owners born
  earlier); an unknown region code is only a warning. 15-digit first-generation numbers
  are refused with a clear message: those cards stopped being valid on 2013-01-01, and a
  15-digit number has no check digit to catch a typo.
* **Dates** are real calendar dates (2026-02-30 is refused, never rolled over), written
  ``2026-03-01``, ``2026/3/1``, ``2026.3.1``, ``20260301`` or ``2026年3月1日``.
* **Numbers and money** are ``≥ 0`` unless the field sets ``min``; money has at most two
  decimals and may carry ``元``/``¥``/thousands separators.
* **Text** length is counted in characters after NFKC; characters a DOCX cannot hold
  (control characters such as ``\\x0b`` pasted from Excel, lone surrogates, U+FFFE/U+FFFF)
  are refused. ``{{ … }}`` and ``<script>`` are ordinary text: renderers print them
  literally (Jinja2 autoescape; user text is never template source).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from builder.core.formspec import DEFAULT_DIGITS, MAX_KEYS, MAX_SCALAR_CHARS, FieldSpec, FormSpec

__all__ = [
    "FieldError", "FormInputError", "validate", "check", "values_from_form", "display",
    "row_to_data", "batch_columns", "default_max_length", "clean_phone", "clean_id_number",
    "clean_date", "clean_time", "clean_datetime", "cell_text", "max_digits",
]


# --- errors ----------------------------------------------------------------
class FieldError:
    """One thing wrong with one field (or one cell of a table field)."""

    __slots__ = ("field", "label", "message", "row", "column", "column_label")

    def __init__(self, field: str, label: str, message: str, row: int | None = None,
                 column: str | None = None, column_label: str | None = None):
        self.field = field
        self.label = label
        self.message = message
        self.row = row            # 1-based row of a table field
        self.column = column      # column name of a table field
        self.column_label = column_label

    @property
    def where(self) -> str:
        """The field as a person reads it: ``维修材料 第2行 数量``."""
        out = self.label
        if self.row is not None:
            out += f" 第{self.row}行"
        if self.column is not None:
            out += f" {self.column_label or self.column}"
        return out

    @property
    def key(self) -> str:
        """The HTML input name of the field or cell (``materials-1-qty``, 0-based row)."""
        if self.row is not None and self.column is not None:
            return f"{self.field}-{self.row - 1}-{self.column}"
        return self.field

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and str(self) == str(other) and self.field == other.field

    def __hash__(self) -> int:
        return hash((self.field, str(self)))


class FormInputError(Exception):
    """The data given for a form is invalid; ``.errors`` holds every problem."""

    def __init__(self, errors: list[FieldError], form_id: str | None = None):
        self.errors = list(errors)
        self.form_id = form_id
        super().__init__("; ".join(str(e) for e in self.errors))

    def by_field(self) -> dict[str, list[FieldError]]:
        out: dict[str, list[FieldError]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e)
        return out


class _Bad(ValueError):
    """A value is wrong; the message is shown after the field's label."""


# --- text -----------------------------------------------------------------
#: Characters XML 1.0 (and so DOCX) cannot hold, plus C1 controls (never meant as text).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def default_max_length(f: FieldSpec) -> int:
    """A field's length limit: its own, else a bound that keeps the printed form sane."""
    if f.max_length:
        return f.max_length
    return {"textarea": 1000, "signature": 30}.get(f.type, 100)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _char_name(c: str) -> str:
    code = f"U+{ord(c):04X}"
    if 0xD800 <= ord(c) <= 0xDFFF:
        return f"{code} (不成对的代理字符)"
    if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F:
        return f"{code} (控制字符)"
    return code


def _text(f: FieldSpec, raw: Any, multiline: bool) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise _Bad("应为文字")
    s = str(raw)
    limit = default_max_length(f)
    if len(s) > 4 * limit + 100:  # far over: refused before any scan (NFKC never shrinks 4:1)
        raise _Bad(f"最多 {limit} 个字, 现在有 {len(s)} 个")
    bad = _NOT_XML.search(s)
    if bad:
        raise _Bad(f"含有无法写入文档的字符 {_char_name(bad.group())}, 请删除后重新输入")
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        s = "\n".join(line.rstrip() for line in s.strip().split("\n"))
        s = re.sub(r"\n{3,}", "\n\n", s)
    else:
        s = re.sub(r"\s*\n\s*", " ", s).strip()
    n = len(_nfkc(s))
    if n > limit:
        raise _Bad(f"最多 {limit} 个字, 现在有 {n} 个")
    return s


# --- phone ----------------------------------------------------------------
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_LANDLINE = re.compile(r"(0[0-9]{2,3})-?([0-9]{7,8})", re.ASCII)


def clean_phone(raw: str, mobile_only: bool = False) -> str:
    """``13812345678`` or ``0755-12345678``; raises ValueError with a Chinese message."""
    s = _nfkc(str(raw)).strip()
    s = re.sub(r"[\s()]", "", s)
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    s = s.lstrip("-")
    digits_only = s.replace("-", "")
    if _MOBILE.fullmatch(digits_only):
        return digits_only
    if not mobile_only:
        m = _LANDLINE.fullmatch(s) if "-" in s else None
        if m is None and _DIGITS.fullmatch(digits_only) and digits_only.startswith("0") and len(digits_only) > 1:
            # no hyphen: 010 and 02x are three-digit area codes, every other one has four
            width = 3 if digits_only[1] in "12" else 4
            m = _LANDLINE.fullmatch(digits_only[:width] + "-" + digits_only[width:])
        if m:
            area, local = m.groups()
            if (area[1] in "12") == (len(area) == 3):
                return f"{area}-{local}"
    if any(c.isdigit() and not c.isascii() for c in s):
        raise ValueError("只能用阿拉伯数字 0-9")
    if mobile_only:
        raise ValueError("应为 11 位手机号码, 如 13812345678")
    raise ValueError("应为 11 位手机号码 (如 13812345678) 或带区号的固定电话 (如 0755-12345678)")


# --- 身份证 ----------------------------------------------------------------
def clean_id_number(raw: str, today: dt.date | None = None) -> tuple[str, str | None]:
    """The 18-character number and an optional warning; raises ValueError (Chinese)."""
    from stdnum.cn import ric

    s = _nfkc(str(raw)).strip().replace(" ", "").replace("-", "").upper()
    if any(c.isdigit() and not c.isascii() for c in s):
        raise ValueError("只能用阿拉伯数字 0-9 和末位 X")
    if re.fullmatch(r"[0-9]{15}", s):
        raise ValueError("这是 15 位旧身份证号码 (2013 年起停用), 请填写 18 位号码")
    if len(s) != 18:
        raise ValueError(f"应为 18 位, 现在是 {len(s)} 位")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        raise ValueError("前 17 位应为数字, 末位为数字或 X")
    if s[-1] != ric.calc_check_digit(s):
        raise ValueError("校验位不对, 请核对号码")
    try:
        born = ric.get_birth_date(s)
    except Exception:
        raise ValueError(f"出生日期 {s[6:10]}-{s[10:12]}-{s[12:14]} 不存在") from None
    today = today or dt.date.today()
    if born > today or born.year < 1900:
        raise ValueError(f"出生日期 {born.isoformat()} 不合理")
    warning = None
    try:
        ric.get_birth_place(s)
    except Exception:
        warning = f"地区代码 {s[:6]} 未能在行政区划表中核对 (该表多从 1983 年起), 请核对号码"
    return s, warning


# --- dates and times --------------------------------------------------------
_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]", re.ASCII),
    re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII),
]
_TIME = re.compile(r"(\d{1,2})(?::|时|点)(\d{1,2})?(?:(?::|分)(\d{1,2})?)?秒?", re.ASCII)
_DATE_HELP = "日期应写作 2026-03-01、2026/3/1 或 2026年3月1日"


def clean_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    s = _nfkc(str(raw)).strip()
    for pat in _DATE_PATTERNS:
        m = pat.fullmatch(s)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"{y}年{mo}月{d}日 不存在") from None
    raise ValueError(_DATE_HELP)


def clean_time(raw: Any) -> dt.time:
    if isinstance(raw, dt.datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, dt.time):
        return raw.replace(microsecond=0)
    s = _nfkc(str(raw)).strip()
    m = _TIME.fullmatch(s)
    if not m or (m.group(2) is None and ":" in s):
        raise ValueError("时间应写作 09:30 或 9时30分")
    h, mi, se = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if h > 23 or mi > 59 or se > 59:
        raise ValueError(f"{s} 不是一天中的时间")
    return dt.time(h, mi, se)


def clean_datetime(raw: Any) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        return raw.replace(microsecond=0, tzinfo=None)
    if isinstance(raw, dt.date):
        raise ValueError("还要填写时间, 如 2026-03-01 09:30")
    s = _nfkc(str(raw)).strip()
    m = re.fullmatch(r"(.+?日|[0-9./-]+)(?:\s*T\s*|\s+|(?<=日))(.+)", s)
    if not m:
        raise ValueError("应写作 2026-03-01 09:30")
    return dt.datetime.combine(clean_date(m.group(1)), clean_time(m.group(2)))


# --- numbers ----------------------------------------------------------------
def max_digits(f: FieldSpec) -> int:
    """Digits a number or money field takes before the point: its own, else the default."""
    return f.max_digits or DEFAULT_DIGITS.get(f.type, DEFAULT_DIGITS["number"])


def _too_many_digits(f: FieldSpec, n: int) -> _Bad:
    return _Bad(f"最多 {max_digits(f)} 位整数, 现在有 {n} 位")


def _decimal(f: FieldSpec, raw: Any) -> Decimal:
    """Digits are counted and bounded on the text, before any ``Decimal`` arithmetic
    (``quantize`` raises ``InvalidOperation`` past 28 digits, and printing a
    100,000-digit number takes minutes)."""
    if isinstance(raw, bool):
        raise _Bad("不是数字")
    if isinstance(raw, float):
        raw = repr(raw)
    s = str(raw)
    if len(s) > 64:  # no number a form takes is this long: count, refuse, never parse
        digits = sum(c.isdigit() for c in s)
        raise _too_many_digits(f, digits) if digits > max_digits(f) else _Bad(
            "不是数字" if f.type == "number" else "应为金额, 如 120.50")
    s = _nfkc(s).strip()
    if f.type == "money":
        s = re.sub(r"^[¥￥]|元$", "", s).strip()
    s = s.replace(",", "")
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", s, re.ASCII):
        raise _Bad("不是数字" if f.type == "number" else "应为金额, 如 120.50")
    whole = s.lstrip("+-").split(".")[0].lstrip("0")
    if len(whole) > max_digits(f):
        raise _too_many_digits(f, len(whole))
    places = len(s.split(".")[1]) if "." in s else 0
    if places > 2 and f.type == "money":
        raise _Bad("金额最多两位小数")
    if places > 4:
        raise _Bad("最多四位小数")
    try:
        d = Decimal(s)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise _Bad("不是数字") from None
    low = Decimal(str(f.min)) if f.min is not None else Decimal(0)
    if d < low:
        raise _Bad(f"不能小于 {_plain_number(low)}")
    if f.max is not None and d > Decimal(str(f.max)):
        raise _Bad(f"不能大于 {_plain_number(Decimal(str(f.max)))}")
    if f.type == "money":
        return d.quantize(Decimal("0.01"))  # at most MAX_DIGITS + 2 digits: in the context's 28
    return d


def _plain_number(d: Decimal) -> str:
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


# --- choices and ticks --------------------------------------------------------
_TRUE = {"1", "true", "yes", "y", "on", "是", "有", "√", "✓", "✔", "☑", "x", "已", "同意"}
_FALSE = {"0", "false", "no", "n", "off", "否", "无", "☐", "□", "不同意", ""}
_SPLIT = re.compile(r"[,，、;；/|\n]+")


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    s = _nfkc(str(raw)).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise _Bad("应为 是 或 否")


def _choice(f: FieldSpec, raw: Any) -> str:
    s = _nfkc(str(raw)).strip()
    for c in f.choices:
        if s == c or s == _nfkc(c):
            return c
    raise _Bad(f"应为以下之一: {'、'.join(f.choices)}")


def _multichoice(f: FieldSpec, raw: Any) -> list[str]:
    parts = raw if isinstance(raw, (list, tuple)) else _SPLIT.split(str(raw))
    picked = {_choice(f, p) for p in parts if str(p).strip()}
    return [c for c in f.choices if c in picked]


def _checklist(f: FieldSpec, raw: Any) -> tuple[dict[str, str], list[str]]:
    """Answers by item, and messages for bad ones (``item: message``)."""
    if isinstance(raw, (list, tuple)):
        if len(raw) > len(f.items):
            raise _Bad(f"只有 {len(f.items)} 项")
        raw = dict(zip(f.items, raw))
    if not isinstance(raw, Mapping):
        raise _Bad("应为每一项的结果 (项目: 合格/不合格)")
    if len(raw) > 2 * len(f.items) + 10:
        raise _Bad(f"只有 {len(f.items)} 项, 给了 {len(raw)} 项")
    out: dict[str, str] = {}
    bad: list[str] = []
    items = {_nfkc(i): i for i in f.items}
    for k, v in raw.items():
        key = str(k).strip()
        item = items.get(_nfkc(key))
        if item is None and key.isdigit() and int(key) < len(f.items):
            item = f.items[int(key)]
        if item is None:
            bad.append(f"没有“{key}”这一项")
            continue
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        s = _nfkc(str(v)).strip()
        opt = next((o for o in f.options if s in (o, _nfkc(o))), None)
        if opt is None and isinstance(v, bool) and len(f.options) >= 2:
            opt = f.options[0] if v else f.options[1]
        if opt is None:
            bad.append(f"“{item}”应为 {'/'.join(f.options)}")
            continue
        out[item] = opt
    if f.required and not bad:
        missing = [i for i in f.items if i not in out]
        if missing:
            bad.append(f"还有 {len(missing)} 项未填: {'、'.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    return {i: out[i] for i in f.items if i in out}, bad


# --- one value -------------------------------------------------------------
def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (
        isinstance(raw, (list, tuple, dict)) and not raw)


def _scalar(f: FieldSpec, raw: Any, warnings: list[str]) -> Any:
    t = f.type
    if (t not in ("text", "textarea", "signature", "number", "money") and isinstance(raw, str)
            and len(raw) > MAX_SCALAR_CHARS):
        raise _Bad(f"太长 ({len(raw)} 个字符), 这一项最多 {MAX_SCALAR_CHARS} 个")
    if isinstance(raw, (list, tuple, Mapping)) and len(raw) > max(len(f.choices), len(f.items)) * 2 + 10:
        raise _Bad(f"给了 {len(raw)} 个值, 太多了")
    try:
        if t in ("text", "signature"):
            return _text(f, raw, multiline=False)
        if t == "textarea":
            return _text(f, raw, multiline=True)
        if t == "phone":
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)  # a spreadsheet cell stored as a number
            return clean_phone(raw, getattr(f, "mobile_only", False))
        if t == "id_number":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                raise _Bad("在表格里被存成了数字 (Excel 只保留 15 位, 末几位已丢失); 请把这一列设为“文本”后重新输入")
            value, warn = clean_id_number(raw)
            if warn:
                warnings.append(warn)
            return value
        if t == "date":
            return clean_date(raw)
        if t == "time":
            return clean_time(raw)
        if t == "datetime":
            return clean_datetime(raw)
        if t in ("number", "money"):
            return _decimal(f, raw)
        if t == "choice":
            return _choice(f, raw)
        if t == "multichoice":
            return _multichoice(f, raw)
        if t == "checkbox":
            return _bool(raw)
    except _Bad:
        raise
    except ValueError as e:
        raise _Bad(str(e)) from None
    raise _Bad(f"未知的字段类型 {t}")  # pragma: no cover - FieldType is closed


def _lookup(spec_fields: list[FieldSpec], data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Re-key ``data`` by field name (keys may be names or labels); unknown keys listed."""
    by_name = {f.name: f for f in spec_fields}
    by_label = {_nfkc(f.label): f for f in spec_fields}
    alias_count: dict[str, int] = {}
    for f in spec_fields:
        for a in getattr(f, "aliases", []):
            alias_count[_nfkc(a)] = alias_count.get(_nfkc(a), 0) + 1
    for f in spec_fields:  # an alias counts only when one field of the form has it
        for a in getattr(f, "aliases", []):
            if alias_count[_nfkc(a)] == 1:
                by_label.setdefault(_nfkc(a), f)
    out: dict[str, Any] = {}
    unknown: list[str] = []
    for k, v in data.items():
        key = str(k).strip()
        found = by_name.get(key) or by_label.get(_nfkc(key))
        if found is None:
            unknown.append(key)
        elif found.name in out and not _blank(out[found.name]) and not _blank(v) and out[found.name] != v:
            out[found.name] = _Conflict(out[found.name], v)
        elif found.name not in out or _blank(out[found.name]):
            out[found.name] = v
    return out, unknown


class _Conflict:
    def __init__(self, a: Any, b: Any):
        self.a, self.b = a, b


def _table(f: FieldSpec, raw: Any, errors: list[FieldError]) -> list[dict[str, Any]]:
    if isinstance(raw, Mapping):  # {"0": {...}, "1": {...}} from some posts
        raw = [raw[k] for k in sorted(raw, key=lambda k: int(k) if str(k).isdigit() else 0)]
    if not isinstance(raw, (list, tuple)):
        errors.append(FieldError(f.name, f.label, "应为若干行, 每行写出各列"))
        return []
    rows: list[dict[str, Any]] = []
    numbered = []
    if len(raw) > 2 * f.max_rows + 20:  # blank rows are dropped, but not without end
        errors.append(FieldError(f.name, f.label, f"最多 {f.max_rows} 行, 现在有 {len(raw)} 行"))
        return []
    max_cells = 2 * len(f.columns) + 10  # each column by name or label, and a few unknown
    for i, row in enumerate(raw, start=1):
        if row is None:
            continue
        if not isinstance(row, Mapping):
            errors.append(FieldError(f.name, f.label, "这一行应写出各列 (列名: 值)", row=i))
            continue
        if len(row) > max_cells:
            errors.append(FieldError(f.name, f.label, f"这一行有 {len(row)} 格, 最多 {max_cells} 格", row=i))
            continue
        keyed, unknown = _lookup(f.columns, row)
        for u in unknown:
            errors.append(FieldError(f.name, f.label, f"没有“{u}”这一列", row=i))
        if all(_blank(v) or v is False for v in keyed.values()):
            continue  # a blank row: dropped
        numbered.append((i, keyed))
    if len(numbered) > f.max_rows:
        errors.append(FieldError(f.name, f.label, f"最多 {f.max_rows} 行, 现在有 {len(numbered)} 行"))
    if f.required and not numbered:
        errors.append(FieldError(f.name, f.label, "必填, 至少填一行"))
    elif len(numbered) < f.min_rows:
        errors.append(FieldError(f.name, f.label, f"至少填 {f.min_rows} 行"))
    for n, keyed in numbered:  # n: the row's place in the input, blank rows counted
        clean_row: dict[str, Any] = {}
        for c in f.columns:
            v = keyed.get(c.name)
            if isinstance(v, _Conflict):
                errors.append(FieldError(f.name, f.label, "以字段名和中文名各填了一次, 且两者不同", n, c.name, c.label))
                continue
            if _blank(v):
                if c.required:
                    errors.append(FieldError(f.name, f.label, "必填", n, c.name, c.label))
                clean_row[c.name] = False if c.type == "checkbox" else None
                continue
            try:
                clean_row[c.name] = _scalar(c, v, [])
            except _Bad as e:
                errors.append(FieldError(f.name, f.label, str(e), n, c.name, c.label))
        rows.append(clean_row)
    return rows


def check(spec: FormSpec, data: Mapping[str, Any] | None, *, unknown: str = "error",
          ) -> tuple[dict[str, Any], list[FieldError], list[FieldError]]:
    """Clean ``data`` for ``spec``: ``(values, errors, warnings)``; never raises for bad data.

    ``unknown="ignore"`` skips keys that are not fields of the form (a pack's answers
    are shared by several forms); ``"error"`` reports each.
    """
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise FormInputError([FieldError("(form)", spec.title, "数据应为 字段: 值 的形式")], spec.id)
    if len(data) > MAX_KEYS:
        return {}, [FieldError("(form)", spec.title, f"有 {len(data)} 个字段, 最多 {MAX_KEYS} 个")], []
    keyed, unknown_keys = _lookup(spec.fields, data)
    if unknown == "error":
        for u in unknown_keys[:20]:
            errors.append(FieldError(u[:40], u[:40], f"“{spec.title}”没有这个字段"))
        if len(unknown_keys) > 20:
            errors.append(FieldError("(form)", spec.title, f"还有 {len(unknown_keys) - 20} 个不认识的字段"))
    values: dict[str, Any] = {}
    for f in spec.fields:
        raw = keyed.get(f.name)
        if isinstance(raw, _Conflict):
            errors.append(FieldError(f.name, f.label, f"以字段名和中文名各填了一次, 且两者不同 ({raw.a!s} / {raw.b!s})"))
            continue
        if raw is None and f.default is not None:
            raw = f.default
        if f.type == "table":
            values[f.name] = [] if _blank(raw) and not f.required else _table(f, raw or [], errors)
            continue
        if f.type == "checklist":
            if _blank(raw):
                if f.required:
                    errors.append(FieldError(f.name, f.label, "必填, 每一项都要填"))
                values[f.name] = {}
                continue
            try:
                answers, bad = _checklist(f, raw)
            except _Bad as e:
                errors.append(FieldError(f.name, f.label, str(e)))
                continue
            errors += [FieldError(f.name, f.label, m) for m in bad]
            values[f.name] = answers
            continue
        if f.type == "checkbox" and (raw is None or raw == ""):
            if f.required:
                errors.append(FieldError(f.name, f.label, "必须勾选"))
            values[f.name] = False
            continue
        if _blank(raw):
            if f.required:
                errors.append(FieldError(f.name, f.label, "必填"))
            values[f.name] = [] if f.type == "multichoice" else None
            continue
        w: list[str] = []
        try:
            values[f.name] = _scalar(f, raw, w)
        except _Bad as e:
            errors.append(FieldError(f.name, f.label, str(e)))
            continue
        warnings += [FieldError(f.name, f.label, m) for m in w]
        if f.type == "checkbox" and f.required and values[f.name] is False:
            errors.append(FieldError(f.name, f.label, "必须勾选"))
        if f.type == "multichoice" and f.required and not values[f.name]:
            errors.append(FieldError(f.name, f.label, "必填"))
    if spec.rules:
        from builder.forms.rules import apply

        for name, message in apply(spec, values, {e.field for e in errors}):
            f = spec.field(name)
            errors.append(FieldError(f.name, f.label, message))
    return values, errors, warnings


def validate(spec: FormSpec, data: Mapping[str, Any] | None, *, unknown: str = "error",
             warnings: list[FieldError] | None = None) -> dict[str, Any]:
    """The cleaned values of ``data``, or :class:`FormInputError` with every error.

    Warnings (an unknown region code in a 身份证 number …) are appended to ``warnings``
    when a list is given.
    """
    values, errors, warns = check(spec, data, unknown=unknown)
    if warnings is not None:
        warnings.extend(warns)
    if errors:
        raise FormInputError(errors, spec.id)
    return values


# --- web form posts ------------------------------------------------------------
def _getlist(md: Any, key: str) -> list[Any]:
    if hasattr(md, "getlist"):
        return list(md.getlist(key))
    v = md.get(key)
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def values_from_form(spec: FormSpec, multidict: Any) -> dict[str, Any]:
    """An HTML form post (a werkzeug ``MultiDict`` or a plain dict) → the data :func:`validate` takes.

    Input names: ``<field>`` for plain fields; a checkbox sends any value when ticked;
    ``<field>`` repeated for a multichoice; ``<field>-<i>`` (0-based item index) for each
    checklist item, its value the option; ``<field>-<row>-<column>`` (0-based row) for table
    cells. Keys not of the form are ignored. Values come back as typed, so a form that
    fails keeps them.
    """
    data: dict[str, Any] = {}
    keys = list(multidict.keys())
    for f in spec.fields:
        if f.type == "multichoice":
            data[f.name] = [v for v in _getlist(multidict, f.name) if str(v).strip()]
        elif f.type == "checkbox":
            vals = _getlist(multidict, f.name)
            data[f.name] = bool(vals) and str(vals[-1]).strip().lower() not in ("", "0", "off", "false", "否")
        elif f.type == "checklist":
            answers = {}
            for i, item in enumerate(f.items):
                v = multidict.get(f"{f.name}-{i}")
                if v is not None and str(v).strip():
                    answers[item] = v
            data[f.name] = answers
        elif f.type == "table":
            pat = re.compile(re.escape(f.name) + r"-(\d+)-([a-z][a-z0-9_]*)$")
            rows: dict[int, dict[str, Any]] = {}
            columns = {c.name: c for c in f.columns}
            for k in keys:
                m = pat.match(k)
                if m and m.group(2) in columns:
                    c = columns[m.group(2)]
                    if c.type == "checkbox":
                        v = bool(_getlist(multidict, k))
                    elif c.type == "multichoice":
                        v = [x for x in _getlist(multidict, k) if str(x).strip()]
                    else:
                        v = multidict.get(k)
                    rows.setdefault(int(m.group(1)), {})[m.group(2)] = v
            data[f.name] = [rows[i] for i in sorted(rows)]
        else:
            v = multidict.get(f.name)
            if v is not None:
                data[f.name] = v
    return data


# --- spreadsheet rows -----------------------------------------------------------
def batch_columns(spec: FormSpec, table_rows: int = 3) -> list[str]:
    """The column headers a batch spreadsheet for ``spec`` may use, in form order.

    Plain fields: the Chinese label. Checklist items: ``<label>.<item>``. Table cells:
    ``<label><n>.<column label>`` (``维修材料1.材料名称``), n from 1.
    """
    out: list[str] = []
    for f in spec.fields:
        if f.type == "checklist":
            out += [f"{f.label}.{i}" for i in f.items]
        elif f.type == "table":
            for n in range(1, table_rows + 1):
                out += [f"{f.label}{n}.{c.label}" for c in f.columns]
        else:
            out.append(f.label)
    return out


def row_to_data(spec: FormSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """One spreadsheet row (header → cell) → the data :func:`validate` takes.

    Headers are field names or labels; ``<label>.<item>`` for checklist items and
    ``<label><n>.<column>`` (or ``<name><n>.<column>``) for table cells; anything else is
    passed through, so :func:`validate` names unknown columns.
    """
    data: dict[str, Any] = {}
    tables = {k: f for f in spec.fields if f.type == "table" for k in (f.name, _nfkc(f.label))}
    checklists = {k: f for f in spec.fields if f.type == "checklist" for k in (f.name, _nfkc(f.label))}
    table_rows: dict[str, dict[int, dict[str, Any]]] = {}
    for header, cell in row.items():
        if header is None:
            continue
        h = _nfkc(str(header)).strip()
        if isinstance(cell, str) and not cell.strip():
            cell = None
        m = re.fullmatch(r"(.+?)(\d+)[.．](.+)", h)
        if m and m.group(1) in tables:
            f = tables[m.group(1)]
            table_rows.setdefault(f.name, {}).setdefault(int(m.group(2)), {})[m.group(3)] = cell
            continue
        m = re.fullmatch(r"(.+?)[.．](.+)", h)
        if m and m.group(1) in checklists:
            f = checklists[m.group(1)]
            data.setdefault(f.name, {})[m.group(2)] = cell
            continue
        data[h] = cell
    for name, rows in table_rows.items():
        data[name] = [rows[i] for i in sorted(rows)]
    return data


# --- display ------------------------------------------------------------------
def fmt_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def display(f: FieldSpec, value: Any) -> str:
    """A cleaned value as printed on the form ("" for a blank)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    t = f.type
    if isinstance(value, dt.datetime):
        return f"{fmt_date(value)} {value:%H:%M}"
    if isinstance(value, dt.date):
        return fmt_date(value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}" if not value.second else f"{value:%H:%M:%S}"
    if isinstance(value, bool):
        return "☑" if value else "☐"
    if isinstance(value, Decimal):
        return format(value, "f") if t == "money" else _plain_number(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def choice_marks(f: FieldSpec, value: Any) -> list[tuple[bool, str]]:
    """For choice / multichoice fields: ``(ticked, choice)`` for every choice, as printed
    ``☑水电 ☐门窗 …`` on a paper form."""
    picked = set(value) if isinstance(value, list) else {value}
    return [(c in picked, c) for c in f.choices]


#: choice fields with at most this many choices print all of them with ☐/☑.
MAX_PRINTED_CHOICES = 8


def prints_choices(f: FieldSpec) -> bool:
    return f.type in ("choice", "multichoice") and 0 < len(f.choices) <= MAX_PRINTED_CHOICES


def cell_text(f: FieldSpec, value: Any) -> str:
    """What a grid or table cell shows: ``☑水电 ☐门窗`` for short choices, else :func:`display`."""
    if prints_choices(f):
        return "  ".join(("☑" if on else "☐") + c for on, c in choice_marks(f, value))
    return display(f, value)
