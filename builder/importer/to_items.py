"""A section → the fields of one item of its kind, in the manual's own words.

Nothing is written that the section does not say: a role's 直接上级 becomes ``reports_to``
only when it names a post the content knows; a step's actor only when the step begins with
one; a time limit only when the text (or the table's 时限 column) states one, verbatim. Text
that no field of the kind holds is kept in ``unplaced`` for the editors, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from builder.core.load import Content
from builder.importer.classify import Unit
from builder.importer.document import Block
from builder.importer.sections import Section

#: A time limit as manuals state it: 24小时内, 两天内, 三个工作日内, 半小时内, 当日.
TIME_LIMIT = re.compile(r"(?:[0-9０-９]+|[一二两三四五六七八九十百半]+)个?半?"
                        r"(?:工作日|小时|分钟|天|日|周|星期|个月|月|年)(?:之内|以内|内)|当日|当天")
#: Who acts, besides the posts of content/roles (titles and aliases).
ACTORS = ("业主", "住户", "用户", "客户", "租户", "访客", "装修单位", "装修负责人", "维修人员", "工程人员", "工程部",
          "保安部", "保安员", "保安", "保洁员", "清洁工", "服务中心", "物业服务中心", "客服中心", "客服部", "管理处",
          "前台受理人员", "前台人员", "值班人员")
#: a character that would make a longer post name of the actor found (保安 → 保安员): then it is not the actor
NAME_GOES_ON = "员长部组队处室"
ROLE_TITLE = re.compile(r"(?:的)?(?:岗位|工作)?职责$")
DO_DONT = re.compile(r"^【([应忌])】\s*(.+)$", re.S)
LABEL_ONLY = re.compile(r"^(.{1,20})[：:]$")
LABEL_VALUE = re.compile(r"^([^：:，,。]{2,10})[：:]\s*(.+)$", re.S)  # the value may hold line breaks

#: label patterns → field, per kind, tried in order
ROLE_LABELS = [
    ("skip", r"^(?:职务|岗位|职位)名称$"),
    ("reports_to", r"^(?:直接)?上级$|汇报|报告对象"),
    ("subordinates", r"^(?:直接)?下级$|下属"),
    ("summary", r"本职工作|概述|概要|岗位目的|职能|简述"),
    ("authority", r"权限|职权"),
    ("scope", r"范围"),
    ("requirements", r"任职|资格|要求|条件"),
    ("duties_for", r"职责[（(](?:公寓|写字楼)(?:项目)?[）)]$"),
    ("duties", r"职责|责任|工作内容|工作任务|主要工作"),
]
#: 岗位职责（写字楼项目）: duties the manual gives for one kind of property
DUTIES_FOR = re.compile(r"[（(](公寓|写字楼)(?:项目)?[）)]$")
PROCEDURE_LABELS = [
    ("skip", r"流程图"),
    ("materials", r"资料|材料|证件|所需|需提供|须提供"),
    ("trigger", r"适用|情形|触发"),
    ("summary", r"目的|概述|简介"),
    ("steps", r"流程|步骤|程序|操作|办理|处理|作业"),
]
#: a policy's or etiquette's summary, as an exported handbook labels it
SUMMARY_LABEL = ("summary", r"^概述$")
POLICY_LABELS = [SUMMARY_LABEL]
ETIQUETTE_LABELS = [
    SUMMARY_LABEL,
    ("forbidden", r"禁语|忌语|禁用|不[能可得]说"),
    ("phrases", r"用语|常用语|敬语"),
]
STEP_COLUMNS = {
    "action": r"工作内容|内容|流程|步骤|操作|程序|事项|环节|工作要求|具体",
    "time_limit": r"时限|时间|期限",
    "actor": r"责任|负责|执行|经办|实施|岗位|部门",
    "form": r"表单|表格|记录",
}
INDEX_COLUMN = re.compile(r"^(?:序号|编号|步骤|No\.?|序)$", re.IGNORECASE)


@dataclass
class Draft:
    """What one section says, as the fields of an item."""

    unit: Unit
    kind: str
    title: str
    body: dict[str, Any]
    unplaced: list[str] = field(default_factory=list)

    @property
    def section(self) -> Section:
        return self.unit.section

    def digest(self) -> str:
        return body_digest(self.kind, self.body, self.unplaced)


def body_digest(kind: str, body: dict[str, Any], unplaced: list[str]) -> str:
    data = json.dumps([kind, body, unplaced], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


#: the fields an import writes, per kind, in the model's order
BODY_FIELDS: dict[str, list[str]] = {
    "role": ["summary", "reports_to", "subordinates", "duties", "duties_for", "authority", "scope", "requirements"],
    "procedure": ["summary", "trigger", "materials", "steps"],
    "policy": ["summary", "rules", "sections"],
    "etiquette": ["summary", "rules", "phrases", "forbidden"],
}


class Names:
    """Posts by title and alias, and the actors a step may begin with."""

    def __init__(self, content: Content | None):
        self.roles: dict[str, str] = {}
        if content is not None:
            for r in content.of_kind("role"):
                for name in [r.title, *getattr(r, "aliases", [])]:
                    self.roles.setdefault(_squash(name), r.id)
        names = {n for n in self.roles} | set(ACTORS)
        self.actors = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)

    def role(self, name: str) -> str | None:
        return self.roles.get(_squash(ROLE_TITLE.sub("", name)))

    def actor(self, text: str) -> str | None:
        squashed = _squash(text)
        for name in self.actors:
            if squashed.startswith(name) and len(squashed) > len(name) and squashed[len(name)] not in NAME_GOES_ON:
                return text[: _prefix_len(text, name)]
        return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _prefix_len(text: str, squashed_prefix: str) -> int:
    """How many characters of ``text`` (with its spaces) make up ``squashed_prefix``."""
    n = 0
    for i, c in enumerate(text):
        if not c.isspace():
            n += 1
        if n == len(squashed_prefix):
            return i + 1
    return len(text)


def entry(block: Block) -> str:
    """A paragraph or list item's text without the number typed before it."""
    n = block.number
    return n.title if n is not None and n.title else block.text


def table_entries(rows: list[list[str]]) -> list[str]:
    """A table that is not steps or duties: one entry a row, its cells named by the header."""
    if len(rows) < 2:
        return ["；".join(c for c in rows[0] if c)] if rows else []
    header, data = rows[0], rows[1:]
    out = []
    for row in data:
        cells = [(h, c) for h, c in zip(header, row, strict=False) if c and not INDEX_COLUMN.match(h)]
        if len(header) == 2 and len(cells) == 2:
            out.append(f"{cells[0][1]}：{cells[1][1]}")
        elif cells:
            out.append("；".join(f"{h}：{c}" if h else c for h, c in cells))
    return out


@dataclass
class Group:
    label: str | None
    blocks: list[Block] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # "标签：值" on one line: the value


def groups(section: Section, known: list[tuple[str, str]], own_only: bool = False) -> list[Group]:
    """The section's text split by labels: its own ``标签：`` lines, then each subsection (by its path)."""
    out = [Group(None)]
    for b in section.blocks:
        text = entry(b) if b.kind != "table" else ""
        m_only = LABEL_ONLY.match(text) if b.kind in ("para", "item") else None
        # a Word list entry (no typed number) is an entry of its list, even with a colon in it
        m_value = LABEL_VALUE.match(text) if b.kind == "para" or (b.kind == "item" and b.number) else None
        if m_only:
            out.append(Group(m_only.group(1).strip()))
        elif m_value and _field_for(m_value.group(1), known) is not None:
            out.append(Group(m_value.group(1).strip(), values=[m_value.group(2).strip()]))
        else:
            out[-1].blocks.append(b)
    if not own_only:
        for sub in section.walk()[1:]:
            rel = sub.path[len(section.path):]
            label = " · ".join(_strip_label(h) for h in rel)
            out.append(Group(label, list(sub.blocks)))
    return [g for g in out if g.blocks or g.values or g.label]


def _strip_label(heading: str) -> str:
    from builder.importer.numbering import parse_number

    n = parse_number(heading)
    return (n.title if n and n.title else heading).rstrip("：:")


def _field_for(label: str | None, known: list[tuple[str, str]]) -> str | None:
    if label is None:
        return None
    last = label.split(" · ")[-1]
    for name, pattern in known:
        if re.search(pattern, last):
            return name
    return None


def texts(blocks: list[Block]) -> list[str]:
    out = []
    for b in blocks:
        out += table_entries(b.rows) if b.kind == "table" else [entry(b)]
    return [t for t in out if t]


def _column(header: list[str], pattern: str, taken: set[int]) -> int | None:
    for i, h in enumerate(header):
        if i not in taken and re.search(pattern, h) and not INDEX_COLUMN.match(h):
            return i
    return None


def steps_table(rows: list[list[str]]) -> tuple[list[dict[str, str]], list[str]] | None:
    """Steps from a table with a 时限 or 责任人 column: (steps, form notes); None if the table is not one."""
    if len(rows) < 2:
        return None
    header = rows[0]
    taken: set[int] = set()
    cols: dict[str, int] = {}
    for name in ("time_limit", "actor", "form", "action"):
        i = _column(header, STEP_COLUMNS[name], taken)
        if i is not None:
            cols[name] = i
            taken.add(i)
    if "time_limit" not in cols and "actor" not in cols:
        return None
    if "action" not in cols:
        rest = [i for i in range(len(header)) if i not in taken and not INDEX_COLUMN.match(header[i])]
        if not rest:
            return None
        cols["action"] = max(rest, key=lambda i: sum(len(r[i]) for r in rows[1:] if i < len(r)))
    steps, notes = [], []
    for row in rows[1:]:
        cell = {name: row[i].strip() if i < len(row) else "" for name, i in cols.items()}
        if not cell["action"]:
            continue
        step = {"actor": cell.get("actor", ""), "action": cell["action"], "time_limit": cell.get("time_limit", "")}
        steps.append({k: v for k, v in step.items() if v})
        if cell.get("form"):
            notes.append(f"第{len(steps)}步 {header[cols['form']]}：{cell['form']}")
    return steps, notes


def duty_table(rows: list[list[str]]) -> list[str] | None:
    """Duties from a table with a 职责/工作内容 column."""
    if len(rows) < 2:
        return None
    i = _column(rows[0], r"职责|工作内容|内容|责任", set())
    if i is None:
        return None
    return [r[i].strip() for r in rows[1:] if i < len(r) and r[i].strip()]


def step_of(text: str, names: Names) -> dict[str, str]:
    step = {"action": text}
    actor = names.actor(text)
    if actor:
        step = {"actor": actor, **step}
    m = TIME_LIMIT.search(text)
    if m:
        step["time_limit"] = m.group(0)
    return step


# --- one kind each ----------------------------------------------------------
def _role(unit: Unit, names: Names) -> tuple[dict[str, Any], list[str]]:
    body: dict[str, Any] = {}
    unplaced: list[str] = []
    lists: dict[str, list[str]] = {"duties": [], "authority": [], "scope": [], "requirements": []}
    summary: list[str] = []
    for g in groups(unit.section, ROLE_LABELS, unit.own_text_only):
        name = _field_for(g.label, ROLE_LABELS) if g.label else "duties"
        values = g.values + [t for b in g.blocks if b.kind != "table" for t in [entry(b)] if t]
        tables = [b.rows for b in g.blocks if b.kind == "table"]
        if g.label is None:
            paras = [entry(b) for b in g.blocks if b.kind == "para"]
            others = [entry(b) for b in g.blocks if b.kind == "item"]
            if paras and (others or tables):
                summary += paras
                values = others
        for rows in tables:
            duties = duty_table(rows)
            if duties is not None and name in (None, "duties"):
                lists["duties"] += duties
            else:
                values += table_entries(rows)
        if name == "skip":
            continue
        if name in ("reports_to", "subordinates"):
            for v in values:
                ids = [names.role(p) for p in re.split(r"[、，,；;]+", v) if p]  # a post's title may hold a /
                if not (ids and all(ids)):
                    ids = [names.role(p) for p in re.split(r"[、，,/；;\s]+", v) if p]
                if ids and all(ids) and (name == "subordinates" or len(ids) == 1):
                    if name == "reports_to":
                        body["reports_to"] = ids[0]
                    else:
                        body.setdefault("subordinates", []).extend(i for i in ids if i)
                else:
                    unplaced.append(f"{g.label}：{v}")
        elif name == "summary":
            summary += values
        elif name == "duties_for" and g.label is not None and (m := DUTIES_FOR.search(g.label)):
            body.setdefault("duties_for", {}).setdefault(m.group(1), []).extend(values)
        elif name in lists:
            lists[name] += values
        else:
            lists["duties"] += values
            if g.label:
                unplaced.append(f"（职责中的小标题）{g.label}")
    if summary:
        body["summary"] = "\n".join(summary)
    body.update({k: v for k, v in lists.items() if v})
    if "duties_for" in body:
        body["duties_for"] = body.pop("duties_for")  # after duties, in the model's order
    return body, unplaced


def _procedure(unit: Unit, names: Names) -> tuple[dict[str, Any], list[str]]:
    body: dict[str, Any] = {}
    unplaced: list[str] = []
    steps: list[dict[str, str]] = []
    summary: list[str] = []
    trigger: list[str] = []
    materials: list[str] = []
    for g in groups(unit.section, PROCEDURE_LABELS, unit.own_text_only):
        name = _field_for(g.label, PROCEDURE_LABELS) if g.label else "steps"
        if name == "skip":
            continue
        plain: list[str] = list(g.values)
        for b in g.blocks:
            if b.kind == "table":
                found = steps_table(b.rows) if name == "steps" else None
                if found is not None:
                    steps += found[0]
                    unplaced += found[1]
                else:
                    plain += table_entries(b.rows)
            elif name == "steps" and b.kind == "item":
                steps.append(step_of(entry(b), names))
            elif entry(b):
                plain.append(entry(b))
        if name == "steps":
            if g.label is None and (steps or any(b.kind == "item" for b in g.blocks)):
                summary += plain
            elif g.label is None or not any(b.kind in ("item", "table") for b in g.blocks):
                steps += [step_of(t, names) for t in plain]
            else:
                unplaced += [f"{g.label}：{t}" for t in plain]
        elif name == "materials":
            materials += plain
        elif name == "trigger":
            trigger += plain
        elif name == "summary":
            summary += plain
        else:
            unplaced += [f"{g.label}：{t}" for t in plain]
    if summary:
        body["summary"] = "\n".join(summary)
    if trigger:
        body["trigger"] = "\n".join(trigger)
    if materials:
        body["materials"] = materials
    if steps:
        body["steps"] = steps
    return body, unplaced


def _policy(unit: Unit, names: Names) -> tuple[dict[str, Any], list[str]]:
    rules: list[str] = []
    sections: list[dict[str, Any]] = []
    summary: list[str] = []
    for g in groups(unit.section, POLICY_LABELS, unit.own_text_only):
        found = g.values + texts(g.blocks)
        if g.values and _field_for(g.label, POLICY_LABELS) == "summary":
            summary += g.values  # 概述：… is one line; what follows it is rules
            rules += texts(g.blocks)
        elif g.label is None:
            rules += found
        elif found:
            sections.append({"title": g.label, "rules": found})
    for loose in unit.sections:
        for sub in loose.walk():
            found = texts(sub.blocks)
            if found:
                rel = sub.path[len(loose.path) - 1:]
                sections.append({"title": " · ".join(_strip_label(h) for h in rel), "rules": found})
    body: dict[str, Any] = {}
    if summary:
        body["summary"] = "\n".join(summary)
    if rules:
        body["rules"] = rules
    if sections:
        body["sections"] = sections
    return body, []


def _etiquette(unit: Unit, names: Names) -> tuple[dict[str, Any], list[str]]:
    body: dict[str, Any] = {}
    rules: list[Any] = []
    phrases: list[Any] = []
    forbidden: list[Any] = []
    summary: list[str] = []
    for g in groups(unit.section, ETIQUETTE_LABELS, unit.own_text_only):
        name = _field_for(g.label, ETIQUETTE_LABELS)
        if name in ("phrases", "forbidden"):
            found: list[Any] = list(g.values)
            for b in g.blocks:
                found += phrase_table(b.rows) or table_entries(b.rows) if b.kind == "table" else [entry(b)]
            (phrases if name == "phrases" else forbidden).extend(f for f in found if f)
            continue
        if name == "summary":
            summary += g.values  # 概述：… is one line; what follows it is rules
        else:
            rules += g.values
        for b in g.blocks:
            text = entry(b) if b.kind != "table" else ""
            m = DO_DONT.match(text)
            if m and rules:  # 【应】/【忌】 under a rule: what to do and not to do
                rule = rules[-1] if isinstance(rules[-1], dict) else {"text": rules[-1]}
                rule.setdefault("do" if m.group(1) == "应" else "dont", []).append(m.group(2).strip())
                rules[-1] = rule
            elif b.kind == "table":
                rules += table_entries(b.rows)
            elif text:
                rules.append(text)
    if summary:
        body["summary"] = "\n".join(summary)
    if rules:
        body["rules"] = rules
    if phrases:
        body["phrases"] = phrases
    if forbidden:
        body["forbidden"] = forbidden
    return body, []


def phrase_table(rows: list[list[str]]) -> list[dict[str, str]] | None:
    """Phrases from a table with a 用语 column (and a 场合 column: when to say them)."""
    if len(rows) < 2:
        return None
    text = _column(rows[0], r"用语|禁语|说法", set())
    if text is None:
        return None
    when = _column(rows[0], r"场合|情形|时机|适用", {text})
    out = []
    for r in rows[1:]:
        if text < len(r) and r[text].strip():
            phrase = {"text": r[text].strip()}
            if when is not None and when < len(r) and r[when].strip():
                phrase["when"] = r[when].strip()
            out.append(phrase)
    return out


BUILDERS = {"role": _role, "procedure": _procedure, "policy": _policy, "etiquette": _etiquette}


def item_title(unit: Unit, kind: str) -> str:
    title = unit.section.title
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1].strip() or title
    if kind == "role":
        title = ROLE_TITLE.sub("", title) or title
    return title


def to_draft(unit: Unit, kind: str | None = None, names: Names | None = None) -> Draft:
    """The section as an item of ``kind`` (by default the kind its title names)."""
    kind = kind or unit.kind
    if kind not in BUILDERS:
        kind = "policy"
    body, unplaced = BUILDERS[kind](unit, names or Names(None))
    return Draft(unit, kind, item_title(unit, kind), {k: body[k] for k in BODY_FIELDS[kind] if k in body}, unplaced)
