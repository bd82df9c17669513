"""The names of form files: ``<表名>-<房号 or key field>-<yyyymmdd>.<ext>``, Chinese and safe on
Windows too (no ``\\/:*?"<>|``, no spaces, no control characters)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from builder.core.formspec import FormSpec, Pack

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


def safe_name(text: str, limit: int = 40) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _UNSAFE.sub("-", s).strip("-.")
    return s[:limit].rstrip("-.") or "x"


def output_name(spec: FormSpec, values: Mapping[str, Any] | None, ext: str) -> str:
    """``<表名>-<房号 or key field>-<yyyymmdd>.<ext>`` (``业主报修单-5栋1单元802-20260421.pdf``);
    a blank form is ``<表名>-空白表.<ext>``. Safe on Windows: no ``\\/:*?"<>|``, no spaces.

    The key is the form's ``key_field``, else ``room``, else the first filled text field;
    the date is the one the web page fills with today (``prefill: now``), else the form's
    ``date`` field, else its first filled date, else today.
    """
    ext = ext.lstrip(".")
    title = safe_name(spec.title)
    if values is None:
        return f"{title}-空白表.{ext}"
    names = [f.name for f in spec.fields]
    key = None
    for name in [spec.key_field, "room"] + [f.name for f in spec.fields if f.type == "text"]:
        if name and name in names and values.get(name) not in (None, ""):
            key = str(values[name])
            break
    day = None
    dates = [f for f in spec.fields if f.type in ("date", "datetime")]
    for name in [f.name for f in dates if f.prefill] + ["date"] + [f.name for f in dates]:
        v = values.get(name) if name in names else None
        if isinstance(v, (dt.date, dt.datetime)):
            day = v.date() if isinstance(v, dt.datetime) else v
            break
    day = day or dt.date.today()
    parts = [title] + ([safe_name(key)] if key else []) + [f"{day:%Y%m%d}"]
    return "-".join(parts) + f".{ext}"


def pack_output_name(pack: Pack, cleaned: Mapping[str, Mapping[str, Any]], ext: str) -> str:
    """``<资料包>-<房号>-<yyyymmdd>.<ext>`` for a pack's merged file: the room and the date
    (the shared ``date``, the day of the business) from the first form that has them."""
    room = next((str(v["room"]) for v in cleaned.values() if v.get("room")), None)
    day = next((v["date"] for v in cleaned.values() if isinstance(v.get("date"), dt.date)), None) or dt.date.today()
    parts = [safe_name(pack.title)] + ([safe_name(room)] if room else []) + [f"{day:%Y%m%d}"]
    return "-".join(parts) + f".{ext.lstrip('.')}"
