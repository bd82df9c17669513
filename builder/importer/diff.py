"""What changed between two versions of an item's fields, said twice: for the terminal
(``steps[3].time_limit: 两天内 → 三天内``) and in Chinese for the changelog (``第4步时限``).

Lists are aligned with difflib, so one inserted step shows as one insertion, not as every
later step changed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

FIELD_LABELS = {
    "title": "标题", "summary": "概述", "reports_to": "直接上级", "subordinates": "直接下级", "duties": "职责",
    "authority": "权限", "scope": "管辖范围", "requirements": "任职要求", "trigger": "适用情形", "materials": "资料",
    "steps": "步骤", "actor": "执行人", "action": "内容", "time_limit": "时限", "form": "表单", "rules": "条文",
    "sections": "节", "phrases": "标准用语", "forbidden": "禁语", "text": "内容", "when": "场合", "do": "应",
    "dont": "不应", "unplaced": "未归入字段的原文",
}

Path = tuple[str | int, ...]


@dataclass
class Change:
    path: Path
    old: Any  # None: added
    new: Any  # None: removed

    @property
    def verb(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"

    def __str__(self) -> str:
        where = _path_text(self.path)
        if self.old is None:
            return f"+ {where}: {_short(self.new)}"
        if self.new is None:
            return f"- {where}: {_short(self.old)}"
        return f"~ {where}: {_short(self.old)} → {_short(self.new)}"

    def chinese(self) -> str:
        label = _path_chinese(self.path)
        return {"added": f"新增{label}", "removed": f"删去{label}", "changed": f"修改{label}"}[self.verb]


def _path_text(path: Path) -> str:
    out = ""
    for k in path:
        out += f"[{k + 1}]" if isinstance(k, int) else (f".{k}" if out else k)
    return out


def _path_chinese(path: Path) -> str:
    """steps[2].time_limit → 第3步时限; duties[0] → 职责第1条; sections[1].rules[0] → 第2节条文第1条."""
    parts: list[str] = []
    parent = ""
    for k in path:
        if isinstance(k, int) and parent in ("steps", "sections"):
            parts[-1] = f"第{k + 1}{'步' if parent == 'steps' else '节'}"
        elif isinstance(k, int):
            parts.append(f"第{k + 1}条")
        else:
            parts.append(FIELD_LABELS.get(k, k))
            parent = k
    return "".join(parts)


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changes(old: Any, new: Any, path: Path = ()) -> list[Change]:
    """Every difference between two plain values (dicts, lists, strings)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(Change(path + (key,), old[key], None))
            elif key not in old:
                out.append(Change(path + (key,), None, new[key]))
            else:
                out += changes(old[key], new[key], path + (key,))
        return out
    if isinstance(old, list) and isinstance(new, list):
        a = [json.dumps(x, ensure_ascii=False, sort_keys=True) for x in old]
        b = [json.dumps(x, ensure_ascii=False, sort_keys=True) for x in new]
        out = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    out += changes(old[i], new[j], path + (j,))
                continue
            out += [Change(path + (i,), old[i], None) for i in range(i1, i2)]
            out += [Change(path + (j,), None, new[j]) for j in range(j1, j2)]
        return out
    return [Change(path, old, new)]
