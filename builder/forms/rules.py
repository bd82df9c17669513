"""The manual's rules over several fields of a form (``rules:`` in ``form.yaml``), applied to
values the field validators have already cleaned.

:func:`apply` sets the computed fields and returns ``(field name, message)`` for every rule
broken; :func:`builder.forms.validate.check` calls it, so the web form, the CLI, batches
and packs all apply the same rules. A rule whose fields are blank or already wrong is
skipped (the field's own error says what to fix first).

Dates: a period of *n* calendar months from a start day ends on the same day *n* months
later, or on the last day of that month when it is shorter (2026-11-30 + 3 months =
2027-02-28; 2027-11-30 + 3 months = 2028-02-29).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from builder.core.formspec import Condition, FormSpec, Rule

__all__ = ["apply", "add_months", "holds", "computed_fields", "conditional_fields", "describe", "rmb_upper"]

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def rmb_upper(amount: Decimal) -> str:
    """An amount in Chinese capitals as written on receipts: 1200.50 → 壹仟贰佰元伍角,
    1005 → 壹仟零伍元整, 0.05 → 伍分."""
    cents = int((amount * 100).quantize(Decimal(1)))
    if cents < 0:
        raise ValueError("a negative amount")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        gap = False  # a whole group of zeros since the last digit written (1亿零1元)
        for g in range(len(groups) - 1, -1, -1):
            n = groups[g]
            if n == 0:
                gap = bool(out)
                continue
            part = "零" if out and (gap or n < 1000) else ""
            inner = False  # a zero inside the group since its last digit (1005: 壹仟零伍)
            for k in range(3, -1, -1):
                d = n // 10 ** k % 10
                if d == 0:
                    inner = inner or part.strip("零") != ""
                    continue
                if inner:
                    part += "零"
                    inner = False
                part += _DIGITS[d] + _SMALL[k]
            out += part + _BIG[g]
            gap = False
        out += "元"
    if jiao:
        out += ("零" if out and not out.endswith("元") else "") + _DIGITS[jiao] + "角"
    elif fen and out:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    if not jiao and not fen:
        out = (out or "零元") + "整"
    return out



def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the end of a shorter month."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return None


def _blank(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {} or v is False


def holds(spec: FormSpec, c: Condition, values: Mapping[str, Any]) -> bool:
    """Whether condition ``c`` holds for the cleaned ``values``."""
    v = values.get(c.field)
    if c.filled is not None:
        return (not _blank(v)) == c.filled
    if c.equals is not None:
        return bool(v == c.equals)
    if c.one_of:
        return v in c.one_of
    if c.any_item is not None:
        if isinstance(v, dict):
            return c.any_item in v.values()
        return isinstance(v, list) and c.any_item in v
    if c.every_item is not None:
        items = spec.field(c.field).items
        return isinstance(v, dict) and all(v.get(i) == c.every_item for i in items)
    return False  # pragma: no cover - a Condition has exactly one test


def computed_fields(spec: FormSpec) -> dict[str, Rule]:
    """Field name → the rule that computes it (the web page shows these read-only)."""
    out = {r.field: r for r in spec.rules if r.rule in ("computed", "total") and r.field}
    out.update({r.words: r for r in spec.rules if r.rule == "total" and r.words})
    return out


def conditional_fields(spec: FormSpec) -> dict[str, Condition]:
    """Field name → the condition under which it is shown (``only_if``)."""
    return {r.field: r.when for r in spec.rules if r.rule == "only_if" and r.field and r.when}


def apply(spec: FormSpec, values: dict[str, Any], bad: set[str]) -> list[tuple[str, str]]:
    """Set computed fields in ``values`` and return ``(field, message)`` for each broken rule.
    ``bad``: fields that already have an error (rules on them are skipped)."""
    out: list[tuple[str, str]] = []
    for r in spec.rules:
        if r.rule == "total" and r.field and r.base and r.column:
            rows = values.get(r.base) or []
            amounts = [row.get(r.column) for row in rows if isinstance(row, dict)]
            total = sum((a for a in amounts if isinstance(a, Decimal)), Decimal("0.00")) if rows else None
            values[r.field] = total.quantize(Decimal("0.01")) if total is not None else None
            if r.words:
                values[r.words] = rmb_upper(total) if total is not None else None
            continue
        if r.rule != "computed" or not r.field or not r.base or not r.by:
            continue
        base, key = _day(values.get(r.base)), values.get(r.by)
        days = r.days.get(key) if isinstance(r.days, dict) and isinstance(key, str) else None
        values[r.field] = base + dt.timedelta(days=days) if base is not None and days is not None else None
    for r in spec.rules:
        if r.rule in ("computed", "total") or any(n in bad for n in r.names()):
            continue
        message = r.message or ""
        if r.rule in ("not_before", "within") and r.field and r.other:
            late, early = _day(values.get(r.field)), _day(values.get(r.other))
            if late is None or early is None:
                continue
            a, b = values.get(r.field), values.get(r.other)
            if r.rule == "not_before" and isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
                limit_ok = a >= b  # two moments: to the minute
            elif r.rule == "not_before":
                limit_ok = late >= early
            elif r.months is not None:
                limit_ok = late <= add_months(early, r.months)
            else:
                limit_ok = late <= early + dt.timedelta(days=r.days if isinstance(r.days, int) else 0)
            if not limit_ok:
                out.append((r.field, message))
            continue
        elif r.rule == "required_if" and r.field and r.when:
            broken = holds(spec, r.when, values) and _blank(values.get(r.field))
        elif r.rule == "only_if" and r.field and r.when:
            broken = not holds(spec, r.when, values) and not _blank(values.get(r.field))
        elif r.rule == "implies" and r.when and r.then:
            broken = holds(spec, r.when, values) and not holds(spec, r.then, values)
        else:  # pragma: no cover - the model makes every rule one of the above
            continue
        if broken:
            out.append((r.then.field if r.rule == "implies" and r.then else r.field or "", message))
    return out


def _cond(spec: FormSpec, c: Condition) -> str:
    label = spec.field(c.field).label
    if c.filled is not None:
        return f"{label}{'已填' if c.filled else '未填'}"
    if isinstance(c.equals, bool):
        return f"{label}{'已勾选' if c.equals else '未勾选'}"
    if c.equals is not None:
        return f"{label} = {c.equals}"
    if c.one_of:
        return f"{label} ∈ {'/'.join(c.one_of)}"
    if c.any_item is not None:
        return f"{label}有一项为{c.any_item}"
    return f"{label}每一项为{c.every_item}"


def describe(spec: FormSpec, r: Rule) -> str:
    """One line for a person: what the rule checks, its message and its source."""
    f = spec.field(r.field).label if r.field else ""
    o = spec.field(r.other).label if r.other else ""
    if r.rule == "not_before":
        what = f"{f} ≥ {o}"
    elif r.rule == "within":
        what = f"{f} ≤ {o} + {r.months}个月" if r.months else f"{f} ≤ {o} + {r.days}天"
    elif r.rule == "required_if" and r.when:
        what = f"{_cond(spec, r.when)} → 必填 {f}"
    elif r.rule == "only_if" and r.when:
        what = f"只有 {_cond(spec, r.when)} 才填 {f}"
    elif r.rule == "implies" and r.when and r.then:
        what = f"{_cond(spec, r.when)} → {_cond(spec, r.then)}"
    elif r.rule == "total" and r.base and r.column:
        table = spec.field(r.base)
        col = next((c.label for c in table.columns if c.name == r.column), r.column)
        what = f"{f} = {table.label}各行{col}之和" + (f", {spec.field(r.words).label}为其大写" if r.words else "")
    elif r.rule == "computed" and isinstance(r.days, dict) and r.base and r.by:
        days = "/".join(f"{k}{v}天" for k, v in r.days.items())
        what = f"{f} = {spec.field(r.base).label} + ({spec.field(r.by).label}: {days})"
    else:  # pragma: no cover - every kind is named above
        what = r.rule
    src = f"{r.source.manual} {r.source.section}" + (f" (第{r.source.lines}行)" if r.source.lines else "")
    return f"{what}" + (f": {r.message}" if r.message else "") + f"  [{src}]"
