"""What one file alone cannot show: cross-references by id, tags from the fixed list,
duplicate question ids. The project loader runs these after reading every file."""

from __future__ import annotations

from builder.core.errors import Problem
from builder.core.load import Content

KIND_NAMES = {"role": "post (岗位)", "procedure": "procedure", "form": "form"}


def check_refs(content: Content, form_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    known_tags = set(content.tags.tags) if content.tags else set()
    question_ids: dict[str, str] = {}
    for item in content:
        display = content.display(item.id)
        for loc, kind, target in item.refs():
            if kind == "form":
                ok = target in form_ids
            elif kind is None:
                ok = target in content.items
            else:
                ok = target in content.items and content.items[target].kind == kind
            if not ok:
                what = KIND_NAMES.get(kind or "", "item")
                where = "forms/" if kind == "form" else "content/"
                problems.append(Problem(display, content.line(item.id, loc), _key(loc),
                                        f"unknown {what} id '{target}': no such id in {where}"))
            elif target == item.id:
                problems.append(Problem(display, content.line(item.id, loc), _key(loc), "an item cannot refer to itself"))
        if content.tags is not None:
            for i, tag in enumerate(item.tags):
                if tag not in known_tags:
                    problems.append(Problem(display, content.line(item.id, ("tags", i)), f"tags[{i}]",
                                            f"unknown tag '{tag}'; use one of content/tags.yaml or add it there"))
        for i, q in enumerate(item.questions):
            if q.id in question_ids:
                problems.append(Problem(display, content.line(item.id, ("questions", i, "id")), f"questions[{i}].id",
                                        f"duplicate question id '{q.id}' (also in {question_ids[q.id]})"))
            question_ids[q.id] = display
    for i, term in enumerate(content.glossary.terms):
        for j, target in enumerate(term.related):
            if target not in content.items:
                problems.append(Problem("content/glossary.yaml", 1, f"terms[{i}].related[{j}]",
                                        f"unknown item id '{target}'"))
    return problems


def _key(loc: tuple[str | int, ...]) -> str:
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out
