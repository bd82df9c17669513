"""Values and spec snapshots as JSON, so a reprint gets back exactly what was issued.

A form's cleaned values hold dates, times, datetimes and decimals besides strings, numbers,
booleans, lists and dicts. Each of those is stored as a one-key tagged object
(``{"$date": "2026-04-21"}``, ``{"$decimal": "12.50"}`` …) and decoded back to the same type,
so ``decode_values(encode_values(v)) == v``.

The form version is the SHA-256 of the spec snapshot's canonical JSON (sorted keys, no
spaces, UTF-8): the same template gives the same version on every machine, a changed one a
new version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import InvalidInput

_TAGS = ("$date", "$time", "$datetime", "$decimal")


def canonical_json(obj: Any) -> str:
    """Sorted keys, no spaces, non-ASCII kept: the bytes the version hash is taken of."""
    try:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InvalidInput(f"spec: the snapshot is not plain JSON ({e})") from None


def spec_version(spec: Mapping[str, Any]) -> str:
    """The form version: hex SHA-256 of the snapshot's canonical JSON (64 characters)."""
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def encode_value(value: Any, where: str = "values") -> Any:
    """One value as JSON-able data, tagging the types JSON lacks."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(f"{where}: not a finite number")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput(f"{where}: not a finite number")
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidInput(f"{where}: keys must be text")
            out[k] = encode_value(v, f"{where}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [encode_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise InvalidInput(f"{where}: a value of type {type(value).__name__} cannot be stored")


def decode_value(data: Any) -> Any:
    """The inverse of :func:`encode_value`."""
    if isinstance(data, dict):
        if len(data) == 1:
            (tag, raw), = data.items()
            if tag in _TAGS and isinstance(raw, str):
                if tag == "$date":
                    return dt.date.fromisoformat(raw)
                if tag == "$time":
                    return dt.time.fromisoformat(raw)
                if tag == "$datetime":
                    return dt.datetime.fromisoformat(raw)
                return Decimal(raw)
        return {k: decode_value(v) for k, v in data.items()}
    if isinstance(data, list):
        return [decode_value(v) for v in data]
    return data


def encode_values(values: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise InvalidInput("values: expected a mapping of field name to value")
    encoded = encode_value(values)
    assert isinstance(encoded, dict)
    return encoded


def decode_values(data: Mapping[str, Any]) -> dict[str, Any]:
    decoded = decode_value(dict(data))
    assert isinstance(decoded, dict)
    return decoded
