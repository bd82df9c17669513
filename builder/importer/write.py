"""Write items and the changelog: ruamel round trip (comments and key order survive), all or nothing.

``stage`` renders every file first; ``commit`` writes each to a temp file beside it and only
then renames them into place, so a failure leaves every file as it was.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

#: Where a key goes in an item file, when the file does not have it yet.
FIELD_ORDER = [
    "title", "status", "tags", "roles", "aliases", "source",
    "summary", "reports_to", "subordinates", "trigger", "owner", "materials", "steps",
    "duties", "authority", "scope", "requirements", "rules", "sections", "phrases", "forbidden",
    "procedures", "forms", "related", "mends", "approved_by", "approved_on", "imported", "notes",
]


def yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096  # never fold a Chinese line
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.allow_unicode = True
    return y


def load_map(path: Path) -> CommentedMap:
    data = yaml().load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, CommentedMap) else CommentedMap()


def to_yaml_value(value: Any) -> Any:
    """Plain data → ruamel data: several lines as a literal block, mappings and lists kept in order."""
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = to_yaml_value(v)
        return m
    if isinstance(value, list):
        return CommentedSeq(to_yaml_value(v) for v in value)
    return value


def set_key(data: CommentedMap, key: str, value: Any) -> None:
    """Set a key in place, or insert it where ``FIELD_ORDER`` puts it."""
    value = to_yaml_value(value)
    if key in data:
        data[key] = value
        return
    rank = FIELD_ORDER.index(key) if key in FIELD_ORDER else len(FIELD_ORDER)
    pos = 0
    for i, existing in enumerate(data):
        if (FIELD_ORDER.index(existing) if existing in FIELD_ORDER else len(FIELD_ORDER)) <= rank:
            pos = i + 1
    data.insert(pos, key, value)


def dump(data: Any) -> str:
    out = io.StringIO()
    yaml().dump(data, out)
    return out.getvalue()


def commit(files: dict[Path, str]) -> list[Path]:
    """Write every file atomically: all temp files first, then the renames."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((Path(tmp_name), path))
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(tmp_name, 0o644)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
    return [p for _, p in staged]
