"""What the index holds: one document per place a person can land on.

Every item gives one document for itself (its title, summary and all its parts) and one for
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
#: Score multipliers (see Doc.prior): an outline has no answer yet, only its title; a whole
#: item is the page, where a part is the passage; a glossary entry defines, not answers.
PRIOR_OUTLINE = 0.5
PRIOR_WHOLE = 0.8
PRIOR_GLOSSARY = 0.6


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
    #: (an outline, a whole item with several parts, a glossary definition)
    prior: float = 1.0


def _tag_labels(content: Any, item: Any) -> list[str]:
    tags = getattr(content, "tags", None)
    known = getattr(tags, "tags", {}) if tags else {}
    return [known[t].label for t in item.tags if t in known]


def item_docs(content: Any) -> Iterator[Doc]:
    from builder.core.model import KIND_LABELS
    from builder.core.urls import item_url

    for item in content.items.values():
        label = KIND_LABELS.get(item.kind, item.kind)
        roles = list(item.roles)
        if item.kind == "role" and item.id not in roles:
            roles.append(item.id)
        keywords = list(getattr(item, "aliases", []) or []) + _tag_labels(content, item)
        parts = item.parts()
        outline = PRIOR_OUTLINE if item.status == "outline" else 1.0
        if len(parts) == 1:
            # one landing place (a fact's answer, a one-paragraph item): the item is that part
            p = parts[0]
            yield Doc(
                id=item.id, item_id=item.id, kind=item.kind, title=item.title,
                title_path=SEP.join([label, item.title]), url=item_url(item.kind, item.id),
                text=p.text, heading=p.title if p.title != item.title else "",
                keywords=" ".join(keywords + [label]), roles=roles, prior=outline,
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
            prior=outline * (PRIOR_WHOLE if parts else 1.0),
        )
        for p in parts:
            yield Doc(
                id=f"{item.id}#{p.anchor}",
                item_id=item.id,
                kind=item.kind,
                title=p.title,
                title_path=SEP.join([label, item.title, p.title]),
                url=item_url(item.kind, item.id, p.anchor),
                text=p.text,
                heading=item.title,
                keywords="",  # tags and aliases describe the item, not each of its parts
                roles=roles,
                is_part=True,
                prior=outline,
            )


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
            keywords=" ".join(x for x in (code, form_id) if x),
        )


def _slug(term: str) -> str:
    return re.sub(r"\s+", "-", term.strip())


def glossary_docs(content: Any) -> Iterator[Doc]:
    glossary = getattr(content, "glossary", None)
    for term in getattr(glossary, "terms", []) or []:
        yield Doc(
            id=f"glossary#{_slug(term.term)}",
            item_id="glossary",
            kind="glossary",
            title=term.term,
            title_path=SEP.join(["术语", term.term]),
            url=f"/glossary/#{_slug(term.term)}",
            text=term.definition,
            keywords=" ".join(term.synonyms),
            prior=PRIOR_GLOSSARY,
        )


def all_docs(content: Any, specs: Mapping[str, Any] | None = None) -> list[Doc]:
    """Every document: the items' sections, the glossary, and the forms if given."""
    docs = list(item_docs(content)) + list(glossary_docs(content))
    if specs:
        docs += list(form_docs(specs))
    return docs
