"""Which values are personal, and what of them is sealed, indexed or masked.

Read from the spec snapshot's ``fields`` (each ``{"name", "type", "columns"?}``), so the
register needs no knowledge of any particular form:

- every field (or table column) of type ``id_number`` is **sealed**: taken out of the stored
  values, replaced by ``{"$sealed": "path"}``, encrypted with the record's number as
  associated data, and indexed by keyed HMAC (kind ``id``). As a safety net, any other text
  value that is exactly a valid 18-character 身份证 number is sealed too;
- every field or column of type ``phone`` is indexed by keyed HMAC of its digits (kind
  ``phone``) and of its last four digits (kind ``tail4``), so a clerk may type either;
- the fields named in :data:`NAME_FIELDS` are indexed by keyed HMAC of the name (kind
  ``name``: exact match after removing spaces);
- ``room`` is kept and indexed in clear, normalised (NFKC, no spaces, upper case).

The first name field and the first phone field give the masked owner and phone of lists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidInput
from .masking import mask_name, mask_phone

#: Top-level fields holding a person's name (the shared field library's names).
NAME_FIELDS = ("owner_name", "agent_name", "tenant_name", "company_contact", "emergency_contact",
               "contact_name", "visitor_name")
ROOM_FIELD = "room"
SEALED = "$sealed"

_ID18 = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def looks_like_id18(s: str) -> bool:
    """An 18-character 身份证 number with a valid check digit."""
    s = s.strip().upper()
    if not _ID18.match(s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == s[17]


def _clean(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def norm_room(s: str) -> str:
    return _clean(s).upper()[:60]


def norm_name(s: str) -> str:
    return _clean(s).casefold()


def norm_id(s: str) -> str:
    return _clean(s).upper()


def phone_digits(s: str) -> str:
    d = re.sub(r"\D", "", unicodedata.normalize("NFKC", s))
    if d.startswith("0086") and len(d) > 11:
        d = d[4:]
    elif d.startswith("86") and len(d) == 13:
        d = d[2:]
    return d


def phone_keys(s: str) -> list[tuple[str, str]]:
    """The (kind, normalised) lookup keys a stored phone number is found by."""
    d = phone_digits(s)
    if len(d) < 4:
        return []
    return [("phone", d), ("tail4", d[-4:])]


def phone_query(s: str) -> tuple[str, str]:
    """The one (kind, normalised) key a typed phone is looked up by: the whole number or its last 4."""
    d = phone_digits(s)
    if len(d) == 4:
        return "tail4", d
    if len(d) >= 7:
        return "phone", d
    raise InvalidInput("电话: 请输入完整号码或后四位")


@dataclass
class Split:
    """A record's values, cut into what is stored in clear, what is sealed and what is indexed."""

    clear: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)
    keys: set[tuple[str, str]] = field(default_factory=set)
    room: str | None = None
    name_masked: str | None = None
    phone_masked: str | None = None


def _types(spec: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, str]]]:
    """field name → (type, {column name: type}) from a spec snapshot; tolerant of odd snapshots."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    fields = spec.get("fields") if isinstance(spec, Mapping) else None
    for f in fields if isinstance(fields, list) else []:
        if isinstance(f, Mapping) and isinstance(f.get("name"), str):
            cols = {c["name"]: str(c.get("type", "text")) for c in f.get("columns") or []
                    if isinstance(c, Mapping) and isinstance(c.get("name"), str)}
            out[f["name"]] = (str(f.get("type", "text")), cols)
    return out


def split_values(spec: Mapping[str, Any], values: Mapping[str, Any]) -> Split:
    """Cut encoded ``values`` (see :mod:`.codec`) for storage; ``values`` is not changed."""
    types = _types(spec)
    out = Split(clear={})
    first_phone: str | None = None

    def visit(path: str, ftype: str, v: Any, cols: Mapping[str, str]) -> Any:
        nonlocal first_phone
        if isinstance(v, str):
            if v.strip() and (ftype == "id_number" or looks_like_id18(v)):
                out.secrets[path] = v
                out.keys.add(("id", norm_id(v)))
                return {SEALED: path}
            if v.strip() and ftype == "phone":
                out.keys.update(phone_keys(v))
                first_phone = first_phone or v
            return v
        if isinstance(v, list):  # a table's rows, a multichoice
            return [visit(f"{path}/{i}", ftype, x, cols) for i, x in enumerate(v)]
        if isinstance(v, dict):  # a table row (columns typed), a checklist, a tagged date
            return {k: visit(f"{path}/{k}", cols.get(k, "text"), x, {}) for k, x in v.items()}
        return v

    for name, v in values.items():
        ftype, cols = types.get(name, ("text", {}))
        out.clear[name] = visit(name, ftype, v, cols)

    names = [values[n] for n in NAME_FIELDS if isinstance(values.get(n), str) and values[n].strip()]
    for n in names:
        out.keys.add(("name", norm_name(n)))
    if names:
        out.name_masked = mask_name(names[0])[:40]
    if first_phone:
        out.phone_masked = mask_phone(first_phone)[:40]
    room = values.get(ROOM_FIELD)
    if isinstance(room, str) and room.strip():
        out.room = norm_room(room)
    return out


def _walk(data: Any, fill: Any) -> Any:
    if isinstance(data, dict):
        if len(data) == 1 and isinstance(data.get(SEALED), str):
            return fill(data[SEALED])
        return {k: _walk(v, fill) for k, v in data.items()}
    if isinstance(data, list):
        return [_walk(v, fill) for v in data]
    return data


def merge_secrets(clear: Mapping[str, Any], secrets: Mapping[str, str] | None, missing: str = "") -> dict[str, Any]:
    """Put the sealed values back (``missing`` where a secret is gone, e.g. after a purge)."""
    merged = _walk(dict(clear), lambda path: (secrets or {}).get(path, missing))
    assert isinstance(merged, dict)
    return merged


def sealed_paths(clear: Mapping[str, Any]) -> Iterator[str]:
    found: list[str] = []
    _walk(dict(clear), lambda path: found.append(path))
    yield from found
