"""Sample answers for any form, made from its schema: for the golden tests, the benchmark
and demos. Every value is short, distinct (``样03号``) and valid, so a test can look for
each one in the rendered text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from builder.core.formspec import FieldSpec, FormSpec

#: a real number of a person born in 1965 in 南京 鼓楼区 (stdnum's region table misses it)
SAMPLE_ID = "320106196503154024"
#: a rare character in a name (CJK Ext-B), which fonts must cover
RARE_NAME = "陈𡃁明"


def _token(i: int, f: FieldSpec) -> str:
    s = f"样{i:02d}号"
    limit = f.max_length or 100
    return s[:limit]


def sample_value(f: FieldSpec, i: int) -> Any:
    t = f.type
    if f.name == "owner_name":
        return RARE_NAME
    if t in ("text", "signature"):
        return _token(i, f)
    if t == "textarea":
        return f"第{i}项说明 {{{{ 7*7 }}}} <script>x</script>"[: f.max_length or 1000]
    if t == "date":
        return f"2026-03-{(i % 27) + 1:02d}"
    if t == "time":
        return f"{8 + i % 10:02d}:{(i * 7) % 60:02d}"
    if t == "datetime":
        return f"2026/3/{(i % 27) + 1} {8 + i % 10}:{(i * 7) % 60:02d}"
    if t == "phone":
        return f"139{i:08d}"
    if t == "id_number":
        return SAMPLE_ID
    if t in ("number", "money"):
        low = f.min if f.min is not None else 0
        high = f.max if f.max is not None else low + 1000
        v = low + ((i * 37) % max(1, int(high - low) or 1))
        return f"{v:.2f}" if t == "money" else str(int(v))
    if t == "choice":
        return f.choices[i % len(f.choices)]
    if t == "multichoice":
        return f.choices[: max(1, min(2, len(f.choices)))]
    if t == "checkbox":
        return True
    if t == "checklist":
        return {item: f.options[k % len(f.options)] for k, item in enumerate(f.items)}
    if t == "table":
        n = max(f.min_rows, min(2, f.max_rows))
        return [{c.name: sample_value(c, 100 + r * 10 + k) for k, c in enumerate(f.columns)} for r in range(n)]
    raise ValueError(t)  # pragma: no cover


def _day(f: FieldSpec, raw: Any) -> dt.date:
    from builder.forms.validate import clean_date, clean_datetime

    return clean_datetime(raw).date() if f.type == "datetime" else clean_date(raw)


def sample_data(spec: FormSpec) -> dict[str, Any]:
    """Answers for every field of ``spec`` (raw, as a clerk would type them) that keep the
    form's rules: a field shown only when another has a value gets that value, a date that
    may not come before another comes a day after it, and computed fields are left out."""
    data = {f.name: sample_value(f, i) for i, f in enumerate(spec.fields, start=1)}
    for r in spec.rules:
        if r.rule in ("computed", "total") and r.field:
            data.pop(r.field, None)
            data.pop(r.words or "", None)
        elif r.rule in ("only_if", "required_if") and r.when is not None and r.when.equals is not None:
            data[r.when.field] = r.when.equals
        elif r.rule == "implies" and r.then is not None and r.when is not None:
            c = r.then
            if c.equals is not None and r.when.field != c.field:
                data[c.field] = c.equals
            elif c.every_item is not None:
                if any(o.when and o.when.field == c.field for o in spec.rules if o is not r and o.rule == "implies"):
                    continue  # the other direction is kept instead (a 不合格 item, a 不合格 verdict)
                data[c.field] = dict.fromkeys(spec.field(c.field).items, c.every_item)
    dated = [r for r in spec.rules if r.rule in ("not_before", "within") and r.field and r.other]
    for _ in range(len(dated)):  # moving one date may break an earlier rule: repeat
        for r in dated:
            late_f, early_f = spec.field(r.field or ""), spec.field(r.other or "")
            if not data.get(late_f.name) or not data.get(early_f.name):
                continue
            if _day(late_f, data[late_f.name]) < _day(early_f, data[early_f.name]):
                day = _day(early_f, data[early_f.name]) + dt.timedelta(days=1)
                data[late_f.name] = day.isoformat() if late_f.type == "date" else f"{day.isoformat()} 17:00"
    return data
