"""What the index holds: one document per place a person can land on.

Every item staff see (not an outline; no gap text) gives one document for itself (its title, summary and all its parts) and one for
each of its ``parts()`` (a duty, a step, a rule, a fact's answer …), each with the URL of its
anchor on the site and a title path such as ``工作流程 › 装修备案办理流程 › 第3步``. Forms
give one document each (title, code, field labels; the URL of the web form) and glossary
terms one each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SEP = " › "
#: Score multipliers (see Doc.prior): a whole item is the page, where a part is the passage;
#: a glossary entry defines, not answers.
PRIOR_WHOLE = 0.8
PRIOR_GLOSSARY = 0.6


#: Text that stands for a gap (the manuals give only a heading): never a result for staff.
GAP_RE = re.compile(r"待编写")
#: Where a case answers, its handling is the answer more than the telling of it.
PART_PRIOR = {"situation": 1.0, "handling": 1.2}
#: A draft (written here, not yet approved) ranks below approved text of the same weight.
PRIOR_DRAFT = 0.85


def is_gap(text: str) -> bool:
    return bool(GAP_RE.search(text or ""))


@dataclass
class Doc:
    id: str  # item id, "<item-id>#<anchor>", "form:<id>" or "glossary#<term>"
    item_id: str
    kind: str  # an item kind, "form" or "glossary"
    title: str  # the section's own title (shown first)
    title_path: str  # 工作流程 › 装修备案办理流程 › 第3步
    url: str
    text: str  # the section's own text
    heading: str = ""  # the titles above the section (the item's title for a part)
    keywords: str = ""  # other names: aliases, tags, form code, synonyms of a term
    roles: list[str] = field(default_factory=list)
    is_part: bool = False
    #: multiplies the score: below 1 for places that are not an answer in themselves
    #: (a whole item with several parts, a glossary definition, a draft)
    prior: float = 1.0
    #: the page a person lands on (one result a page): its key and its real title
    page: str = ""
    page_title: str = ""
    #: states a figure or a time limit (a fact's figure, a step's 时限): 几/多久/多少 favour it
    figure: bool = False
    #: names who does it (a step's 办理人): 谁/派谁/找谁 favour it as they favour a post's page
    actor: bool = False

    def __post_init__(self) -> None:
        self.page = self.page or self.item_id
        self.page_title = self.page_title or self.title


def _tag_labels(content: Any, item: Any) -> list[str]:
    tags = getattr(content, "tags", None)
    known = getattr(tags, "tags", {}) if tags else {}
    return [known[t].label for t in item.tags if t in known]


def item_docs(content: Any) -> Iterator[Doc]:
    from builder.core.model import KIND_LABELS, staff_visible
    from builder.core.urls import item_url

    for item in content.items.values():
        if not staff_visible(item):
            continue  # a gap: the editors' view lists it, search does not
        label = KIND_LABELS.get(item.kind, item.kind)
        roles = list(item.roles)
        if item.kind == "role" and item.id not in roles:
            roles.append(item.id)
        keywords = list(getattr(item, "aliases", []) or []) + _tag_labels(content, item)
        parts = [p for p in item.parts() if not is_gap(p.text)]
        if not parts:
            continue
        prior = PRIOR_DRAFT if item.status == "draft" else 1.0
        keywords += structured_words(content, item)
        figure = getattr(item, "figure", None)
        if len(parts) == 1:
            # one landing place (a fact's answer, a one-paragraph item): the item is that part
            p = parts[0]
            yield Doc(
                id=item.id, item_id=item.id, kind=item.kind, title=item.title,
                title_path=SEP.join([label, item.title]), url=item_url(item.kind, item.id),
                text=p.text, heading=p.title if p.title != item.title else "",
                keywords=" ".join(keywords + [label]), roles=roles, prior=prior,
                figure=bool(figure) or item.kind == "fact",
            )
            continue
        whole = [p.text for p in parts]
        # Fields of a procedure that are not parts but a person reads on the page.
        for extra in ("trigger",):
            value = getattr(item, extra, None)
            if value and value not in whole:
                whole.insert(0, value)
        yield Doc(
            id=item.id,
            item_id=item.id,
            kind=item.kind,
            title=item.title,
            title_path=SEP.join([label, item.title]),
            url=item_url(item.kind, item.id),
            text="\n".join(whole),
            heading="",
            # the page as a whole is also found by its kind (报修流程 → 工作流程 › 报修处理)
            keywords=" ".join(keywords + [label]),
            roles=roles,
            prior=prior * PRIOR_WHOLE,
            figure=bool(figure),
        )
        reporting = reporting_text(content, item)
        if reporting:
            # the post's place in the hierarchy, stated at the top of its page
            yield Doc(
                id=f"{item.id}#reporting", item_id=item.id, kind=item.kind, title="直接上级与直接下属",
                title_path=SEP.join([label, item.title, "直接上级与直接下属"]), url=item_url(item.kind, item.id),
                text=reporting, heading=item.title, keywords="上级 下属", roles=roles,
                is_part=True, prior=prior, page_title=item.title,
            )
        steps = getattr(item, "steps", None) or []
        for p in parts:
            extra = step_words(steps, p.anchor) if item.kind == "procedure" else ""
            yield Doc(
                id=f"{item.id}#{p.anchor}",
                item_id=item.id,
                kind=item.kind,
                title=p.title,
                title_path=SEP.join([label, item.title, p.title]),
                url=item_url(item.kind, item.id, p.anchor),
                text=p.text,
                heading=item.title,
                keywords=extra,  # tags and aliases describe the item, not each of its parts
                roles=roles,
                is_part=True,
                prior=prior * PART_PRIOR.get(p.anchor, 1.0),
                page_title=item.title,
                figure="时限" in extra,
                actor="办理人" in extra,
            )


def _title_of(content: Any, item_id: str) -> str:
    other = content.items.get(item_id)
    return other.title if other is not None else ""


def reporting_text(content: Any, item: Any) -> str:
    """A role's 直接上级 and 直接下属, in words: 客服员的直接上级是客服主管。"""
    if item.kind != "role":
        return ""
    bits = []
    boss = _title_of(content, item.reports_to) if item.reports_to else ""
    if boss:
        bits.append(f"{item.title}的直接上级是{boss}。")
    subs = [t for t in (_title_of(content, s) for s in item.subordinates) if t]
    if subs:
        bits.append(f"{item.title}的直接下属是" + "、".join(subs) + "。")
    return "".join(bits)


def structured_words(content: Any, item: Any) -> list[str]:
    """Fields a person asks about by their label: a role's 直接上级/直接下属 (with the posts'
    names), a fact's figure. They describe the page as a whole."""
    out: list[str] = []
    if item.kind == "role":
        boss = _title_of(content, item.reports_to) if item.reports_to else ""
        if boss:
            out.append(f"直接上级 上级 领导:{boss}")
        subs = [t for t in (_title_of(content, s) for s in item.subordinates) if t]
        if subs:
            out.append("直接下属 下属 管理:" + "、".join(subs))
    figure = getattr(item, "figure", None)
    if figure:
        out.append(f"要点 {figure}")
    return out


def step_words(steps: list[Any], anchor: str) -> str:
    """A step's actor and time limit with their labels (办理人, 时限)."""
    m = re.fullmatch(r"step-(\d+)", anchor)
    if not m or int(m.group(1)) > len(steps):
        return ""
    s = steps[int(m.group(1)) - 1]
    bits = []
    if s.actor:
        bits.append(f"办理人 负责 {s.actor}")
    if s.time_limit:
        bits.append(f"时限 期限 {s.time_limit}")
    return " ".join(bits)


def _dump(spec: Any) -> dict[str, Any]:
    if hasattr(spec, "model_dump"):
        return spec.model_dump()
    return spec if isinstance(spec, dict) else {}


def _labels(fields: Iterable[Any]) -> Iterator[str]:
    for f in fields or []:
        if isinstance(f, dict):
            if f.get("label"):
                yield str(f["label"])
            yield from _labels(f.get("columns") or [])
            for it in f.get("items") or []:
                yield str(it)


def form_docs(specs: Mapping[str, Any]) -> Iterator[Doc]:
    from builder.core.urls import form_url

    for form_id, spec in sorted(specs.items()):
        data = _dump(spec)
        title = str(data.get("title") or form_id)
        code = str(data.get("code") or "")
        labels = list(dict.fromkeys(_labels(data.get("fields") or [])))
        # pledge and notes text, its {field} blanks drawn as blanks
        texts = [re.sub(r"\{[a-z][a-z0-9_]*\}", "____", str(b.get("text")))
                 for b in data.get("layout") or [] if isinstance(b, dict) and b.get("text")]
        desc = data.get("description")
        body = "\n".join(([str(desc)] if desc else []) + ["填写项目:" + "、".join(labels)] + texts)
        yield Doc(
            id=f"form:{form_id}",
            item_id=form_id,
            kind="form",
            title=title,
            title_path=SEP.join(["表单", title]),
            url=form_url(form_id),
            text=body,
            keywords=" ".join(x for x in ("表单编号 " + code if code else "", form_id) if x),
            page=f"form:{form_id}",
        )


def glossary_docs(content: Any) -> Iterator[Doc]:
    from builder.core.urls import glossary_anchor, glossary_url

    glossary = getattr(content, "glossary", None)
    for term in getattr(glossary, "terms", []) or []:
        yield Doc(
            id=f"glossary#{glossary_anchor(term.term)}",
            item_id="glossary",
            kind="glossary",
            title=term.term,
            title_path=SEP.join(["术语", term.term]),
            url=glossary_url(term.term),
            text=term.definition,
            keywords=" ".join(term.synonyms),
            # a section of the glossary page: the box links to the term, not the page's top
            is_part=True,
            prior=PRIOR_GLOSSARY,
            page="glossary",
            page_title="术语表",
        )


def all_docs(content: Any, specs: Mapping[str, Any] | None = None) -> list[Doc]:
    """Every document: the items' sections, the glossary, and the forms if given."""
    docs = list(item_docs(content)) + list(glossary_docs(content))
    if specs:
        docs += list(form_docs(specs))
    return docs
