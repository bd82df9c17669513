"""Import one manual: read it, find its items, match them to the content, and say what would change.

``plan_import`` reads and decides, writing nothing: each section becomes an :class:`Action`
(create, fill an outline gap, update an earlier import, or only propose a match). ``apply_plan``
writes the actions (with ``accept=True`` the proposals too), all files atomically at once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from builder.core.errors import ContentError
from builder.core.load import Content, load_content, to_plain
from builder.core.model import KIND_FOLDERS, MANUALS, MODELS, AnyItem, Procedure
from builder.importer.classify import Unit, find_units
from builder.importer.diff import Change, changes
from builder.importer.document import Document, ImportInputError
from builder.importer.match import find_match, heading_key, new_id, normalize
from builder.importer.read_docx import read_docx
from builder.importer.read_markdown import read_markdown
from builder.importer.sections import build_sections
from builder.importer.to_items import BODY_FIELDS, BUILDERS, Draft, Names, body_digest, to_draft
from builder.importer.write import commit, dump, load_map, set_key

Verb = Literal["create", "fill", "revise", "update", "propose", "unchanged", "removed", "skip"]
#: the import record's word for what a verb does to an item
RECORD_ACTIONS = {"create": "created", "fill": "filled", "revise": "revised", "update": "updated"}
#: how similar a renamed heading must be to be taken for the same section
RENAMED = 0.8
MAX_BYTES = 50 * 1024 * 1024
#: changes listed under one item in the report; the rest are counted
MAX_CHANGES_SHOWN = 12


def read_document(path: Path | str) -> Document:
    """A .docx or .md file as a :class:`Document`; :class:`ImportInputError` naming the file otherwise."""
    path = Path(path)
    if not path.exists():
        raise ImportInputError(path, "no such file")
    if path.is_dir():
        raise ImportInputError(path, "a folder, not a file: give a .docx or .md manual")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as e:
        raise ImportInputError(path, f"cannot be read ({e.strerror})") from None
    if size == 0:
        raise ImportInputError(path, "the file is empty")
    if size > MAX_BYTES:
        raise ImportInputError(path, f"too large for a manual ({size // 1024 // 1024} MB; the limit is 50 MB)")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".md", ".markdown", ".txt"):
        return read_markdown(path)
    raise ImportInputError(path, f"unknown file type '{suffix or '(none)'}': import a Word .docx or a Markdown .md")


#: the note a steps table leaves for a step's form column (builder.importer.to_items.steps_table)
FORM_NOTE = re.compile(r"^第(\d+)步 ")


def guess_manual(title: str) -> str | None:
    """The manual code whose title is the document's (punctuation and spaces aside)."""
    wanted = normalize(unicodedata.normalize("NFKC", title))
    hits = [code for code, name in MANUALS.items() if normalize(name) == wanted]
    return hits[0] if len(hits) == 1 else None


def canonical(kind: str, body: dict[str, Any], gap: AnyItem | None = None) -> dict[str, Any]:
    """The fields as the model reads them (shorthands expanded, defaults left out), for comparing.
    With ``gap``: read as that gap (its status and source), for links a draft could not hold alone."""
    status = {"status": "outline", "source": [r.model_dump(exclude_none=True) for r in gap.source]} if gap \
        else {"status": "draft"}
    item = MODELS[kind].model_validate({"id": "x", "title": "x", "kind": kind, **status, **body})
    return item.model_dump(include=set(BODY_FIELDS[kind]), exclude_defaults=True, mode="json")


def canonical_of(item: AnyItem) -> dict[str, Any]:
    return item.model_dump(include=set(BODY_FIELDS.get(item.kind, [])), exclude_defaults=True, mode="json")


@dataclass
class Action:
    verb: Verb
    kind: str
    title: str
    item_id: str | None = None
    unit: Unit | None = None
    draft: Draft | None = None
    how: str = ""
    proposed: Verb | None = None  # for a proposal: what --accept does (fill, revise, update)
    changes: list[Change] = field(default_factory=list)
    reason: str = ""

    @property
    def writes(self) -> bool:
        return self.verb in RECORD_ACTIONS

    @property
    def heading(self) -> str:
        return " · ".join(self.unit.section.path) if self.unit and self.unit.section.path else ""


@dataclass
class Plan:
    document: Document
    manual: str
    content: Content
    actions: list[Action]
    on: dt.date
    by: str | None = None
    notes: list[str] = field(default_factory=list)

    def of(self, *verbs: str) -> list[Action]:
        return [a for a in self.actions if a.verb in verbs]

    def path_of(self, action: Action) -> Path:
        assert action.item_id is not None
        if action.item_id in self.content.files:
            return self.content.files[action.item_id]
        return self.content.root / KIND_FOLDERS[action.kind] / f"{action.item_id}.yaml"

    def rel(self, action: Action) -> str:
        path = self.path_of(action)
        try:
            return str(path.relative_to(self.content.root))
        except ValueError:
            return str(path)

    def report(self, accept: bool = False) -> list[str]:
        """What the import does (or would do), one line an item, changes indented under it."""
        doc = self.document
        out = [f"《{doc.title}》 ({doc.name}) as {self.manual} {MANUALS[self.manual]}: "
               f"{sum(1 for a in self.actions if a.verb != 'removed')} section(s)"]
        for a in self.actions:
            if a.verb == "unchanged":
                continue
            src = f" ← {a.heading}" if a.heading else ""
            if a.verb == "propose":
                todo = "--accept " + ("fills" if a.proposed == "fill" else "replaces" if a.proposed == "revise"
                                      else "overwrites")
                out.append(f"  propose   {self.rel(a)}  {a.title} ≈ {a.unit.section.heading if a.unit else ''} "
                           f"({a.how}): {todo} it{' [accepted]' if accept else ''}")
            elif a.verb == "skip":
                out.append(f"  skip      {a.title}{src}: {a.reason}")
            elif a.verb == "removed":
                out.append(f"  removed   {self.rel(a)}  {a.title}: no longer in the document "
                           "(kept; delete the file if it should go)")
            else:
                how = f" ({a.how})" if a.how else ""
                out.append(f"  {a.verb:<9} {self.rel(a)}  {a.title}{src}{how}")
            for c in a.changes[:MAX_CHANGES_SHOWN]:
                out.append(f"      {c}")
            if len(a.changes) > MAX_CHANGES_SHOWN:
                out.append(f"      … and {len(a.changes) - MAX_CHANGES_SHOWN} more change(s)")
            if a.draft and a.draft.unplaced and (a.writes or a.verb == "propose"):
                out.append(f"      kept for the editors (no field holds it): {len(a.draft.unplaced)} line(s)")
        same = self.of("unchanged")
        if same:
            exported = sum(1 for a in same if a.unit is not None and a.unit.section.anchor is not None)
            if exported:
                out.append(f"  unchanged {exported} item(s): the exported handbook says what the content says")
            if len(same) > exported:
                out.append(f"  unchanged {len(same) - exported} item(s) since the last import")
        out += [f"  note: {n}" for n in self.notes]
        return out


def plan_import(source: Path | str | Document, content_dir: Path | str, manual: str | None = None,
                on: dt.date | None = None, by: str | None = None) -> Plan:
    """Read a manual and decide what it fills, creates, updates and proposes; writes nothing.

    Raises :class:`ImportInputError` for a file (or ``--manual``) that cannot be used, and
    :class:`builder.load.ContentError` when the content folder has problems.
    """
    doc = source if isinstance(source, Document) else read_document(source)
    content, problems = load_content(content_dir)
    if problems:
        raise ContentError(problems)
    if manual is None:
        manual = guess_manual(doc.title)
        if manual is None:
            raise ImportInputError(doc.path, f"cannot tell which manual 《{doc.title}》 is: give --manual M01–M18 "
                                             "(see manuals/INDEX.md)")
    elif manual not in MANUALS:
        raise ImportInputError("--manual", f"unknown manual '{manual}': use one of M01–M18 (see manuals/INDEX.md)")
    root = build_sections(doc)
    known = {normalize(n): i.kind for i in content if i.status == "outline"
             for n in [i.title, *getattr(i, "aliases", [])]}
    known |= {normalize(i.imported.heading_path[-1]): i.kind for i in content
              if i.imported is not None and _same_document(i, manual, doc.title)}
    units = find_units(root, known=lambda title: known.get(normalize(title)),
                       anchored=lambda item_id: content.items[item_id].kind if item_id in content.items else None)
    if not units:
        raise ImportInputError(doc.path, "found no section with text to import")
    plan = Plan(doc, manual, content, [], on or dt.date.today(), by)
    if root.children and root.blocks:
        plan.notes.append(f"{len(root.blocks)} block(s) before the first heading are not imported "
                          f"(from paragraph {root.blocks[0].index})")
    _decide(plan, units)
    return plan


def _same_document(item: AnyItem, manual: str, title: str) -> bool:
    rec = item.imported
    return rec is not None and rec.manual == manual and normalize(rec.document) == normalize(title)


def _decide(plan: Plan, units: list[Unit]) -> None:
    content, doc = plan.content, plan.document
    names = Names(content)
    previous = {heading_key(i.imported.heading_path): i for i in content
                if i.imported is not None and _same_document(i, plan.manual, doc.title)}
    previous_ids = {i.id for i in previous.values()}
    keys: list[tuple[str, ...]] = []
    for unit in units:
        key = heading_key(unit.section.path or [doc.title])
        n = sum(1 for k in keys if k[: len(key)] == key and len(k) in (len(key), len(key) + 1))
        keys.append(key + ((f"#{n + 1}",) if n else ()))
    drafts = [to_draft(u, names=names) for u in units]
    actions: list[Action | None] = [None] * len(units)
    claimed: set[str] = set()

    # 0. a handbook exported by `handbook export`: each section names its item (bookmark item-<id>)
    for i, unit in enumerate(units):
        item_id = unit.section.anchor
        if item_id is not None and item_id in content.items and item_id not in claimed:
            actions[i] = _exported(content.items[item_id], unit, names)
            claimed.add(item_id)

    # 1. sections imported before from this document: by heading path, then by a renamed heading
    for i, (key, draft) in enumerate(zip(keys, drafts, strict=True)):
        item = previous.get(key)
        if item is not None and item.id not in claimed:
            actions[i] = _reimport(item, draft, names, "")
            claimed.add(item.id)
    left = [i for i in previous.values() if i.id not in claimed]
    for i, draft in enumerate(drafts):
        if actions[i] is None and left:
            m = find_match(draft.title, left)
            if m is not None and m.score >= RENAMED:
                actions[i] = _reimport(m.item, draft, names, f"renamed heading, {m.how}")
                claimed.add(m.item.id)
                left.remove(m.item)

    # 2. the rest: by title against the gaps and the written items
    taken = set(content.items)
    for i, (key, draft, unit) in enumerate(zip(keys, drafts, units, strict=True)):
        if actions[i] is not None:
            continue
        if not draft.body:
            actions[i] = Action("skip", draft.kind, draft.title, unit=unit, draft=draft,
                                reason="a heading with no text a field can hold")
            continue
        outlines = [x for x in content if x.status == "outline" and x.id not in claimed]
        written = [x for x in content if x.status != "outline" and x.id not in claimed and x.id not in previous_ids]
        m = find_match(draft.title, outlines) or find_match(draft.title, written)
        if m is not None and not m.exact:
            exact_written = find_match(draft.title, written)
            if exact_written is not None and exact_written.exact:
                m = exact_written
        if m is None:
            item_id = new_id(plan.manual, doc.title, key, taken)
            taken.add(item_id)
            actions[i] = Action("create", draft.kind, draft.title, item_id, unit, draft)
            continue
        target = m.item
        fitted = draft
        how = m.how
        if target.kind != draft.kind and target.kind in BUILDERS:
            fitted = to_draft(unit, target.kind, names)
            how += f"; as a {target.kind}, the kind the item has" if unit.by_title else ""
        verb: Verb = "fill" if target.status == "outline" else "revise"
        claimed.add(target.id)
        if target.kind not in BUILDERS:
            actions[i] = Action("skip", draft.kind, draft.title, target.id, unit, draft, how,
                                reason=f"matches {target.id}, a {target.kind}, which the importer cannot write")
        elif m.exact and verb == "fill" and (target.kind == draft.kind or not unit.by_title):
            actions[i] = Action("fill", target.kind, target.title, target.id, unit, fitted, how)
        else:
            if verb == "revise":
                how += f"; it is written already (status {target.status})"
            actions[i] = Action("propose", target.kind, target.title, target.id, unit, fitted, how, proposed=verb,
                                changes=changes(canonical_of(target), canonical(target.kind, fitted.body))
                                if verb == "revise" else [])
    plan.actions = [a for a in actions if a is not None]
    for item in left:
        plan.actions.append(Action("removed", item.kind, item.title, item.id))


def _exported(item: AnyItem, unit: Unit, names: Names) -> Action:
    """A section of an exported handbook, mapped back to its item by id: unchanged, or a proposal."""
    how = f"bookmark item-{item.id}"
    if item.kind not in BUILDERS:
        return Action("skip", item.kind, item.title, item.id, unit, None, how,
                      reason=f"a {item.kind}, which the importer does not write: kept as it is")
    draft = to_draft(unit, item.kind, names)
    if not draft.body:
        return Action("skip", item.kind, item.title, item.id, unit, draft, how,
                      reason="no text in the document (a gap, or its text removed): kept as it is")
    if isinstance(item, Procedure):
        _keep_step_details(item, draft)
    current = canonical_of(item)
    try:
        new = canonical(item.kind, draft.body)
    except ValidationError:  # no text a draft needs, only links (a gap's 直接上级): compare as a gap
        if item.status != "outline":
            raise
        new = canonical(item.kind, draft.body, gap=item)
    if current == new and not draft.unplaced:
        return Action("unchanged", item.kind, item.title, item.id, unit, draft, how)
    return Action("propose", item.kind, item.title, item.id, unit, draft, how + "; edited in the document",
                  proposed="fill" if item.status == "outline" else "revise",
                  changes=changes({**current, "unplaced": []}, {**new, "unplaced": draft.unplaced}))


def _keep_step_details(item: Procedure, draft: Draft) -> None:
    """What a printed step shows but an import cannot read back stays as the item has it, for the
    same step (same place, same action): its cases (branches, printed as notes under the action)
    and the source of the step. A step whose row still shows a form (第N步 表单：…) keeps the form
    the item links there: the document names the form by its title, the item by its id."""
    steps = draft.body.get("steps", [])
    for n, (old, new) in enumerate(zip(item.steps, steps, strict=False)):
        if new.get("action") == old.action:
            if old.branches:
                steps[n]["branches"] = [b.model_dump(exclude_defaults=True) for b in old.branches]
            if old.source is not None:
                steps[n]["source"] = old.source.model_dump(exclude_none=True)
    for note in list(draft.unplaced):
        m = FORM_NOTE.match(note)
        if not m:
            continue
        n = int(m.group(1))
        if n <= len(steps) and n <= len(item.steps) and item.steps[n - 1].form \
                and steps[n - 1].get("action") == item.steps[n - 1].action:
            steps[n - 1]["form"] = item.steps[n - 1].form
            draft.unplaced.remove(note)


def _reimport(item: AnyItem, draft: Draft, names: Names, how: str) -> Action:
    """A section imported before: unchanged, updated, or (edited here since) only proposed."""
    assert item.imported is not None and draft.unit is not None
    if item.kind != draft.kind and item.kind in BUILDERS:
        draft = to_draft(draft.unit, item.kind, names)
    if not draft.body:
        return Action("skip", item.kind, item.title, item.id, draft.unit, draft, how,
                      reason="the section has no text now; the item is kept as it is")
    new = canonical(item.kind, draft.body)
    rec = item.imported
    if body_digest(item.kind, new, draft.unplaced) == rec.digest:
        return Action("unchanged", item.kind, item.title, item.id, draft.unit, draft, how)
    current = canonical_of(item)
    diff = changes({**current, "unplaced": rec.unplaced}, {**new, "unplaced": draft.unplaced})
    if body_digest(item.kind, current, rec.unplaced) != rec.digest:
        return Action("propose", item.kind, item.title, item.id, draft.unit, draft,
                      (how + "; " if how else "") + "edited here since the last import", proposed="update",
                      changes=diff)
    return Action("update", item.kind, item.title, item.id, draft.unit, draft, how, changes=diff)


# --- writing -------------------------------------------------------------------
def _item_data(plan: Plan, action: Action, verb: Verb) -> Any:
    draft = action.draft
    assert draft is not None and draft.unit is not None and action.item_id is not None
    section = draft.unit.section
    path = section.path or [plan.document.title]
    kind = action.kind
    ref = {"manual": plan.manual, "section": " · ".join(path)}
    record: dict[str, Any] = {
        "manual": plan.manual, "document": plan.document.title, "file": plan.document.name,
        "heading_path": path, "paragraph": max(section.index, 1),
        "digest": body_digest(kind, canonical(kind, draft.body), draft.unplaced),
        "action": RECORD_ACTIONS[verb], "on": plan.on, "by": plan.by, "match": action.how or None,
        "changes": [c.chinese() for c in action.changes if c.path[:1] != ("unplaced",)],
        "unplaced": draft.unplaced,
    }
    record = {k: v for k, v in record.items() if v not in (None, [], "")}
    if verb == "create":
        data = load_map_or_new(None)
        set_key(data, "title", draft.title)
    else:
        data = load_map_or_new(plan.path_of(action))
    set_key(data, "status", "draft")
    for key in ("approved_by", "approved_on"):
        if key in data:
            del data[key]
    sources = data.get("source") or []
    if not any(s.get("manual") == ref["manual"] and s.get("section") == ref["section"] for s in sources):
        set_key(data, "source", [*to_plain(sources), ref])
    for key in BODY_FIELDS[kind]:
        if key in draft.body:
            if to_plain(data.get(key)) != draft.body[key]:
                set_key(data, key, draft.body[key])
        elif key in data:
            del data[key]
    set_key(data, "imported", record)
    return data


def load_map_or_new(path: Path | None) -> Any:
    from ruamel.yaml.comments import CommentedMap

    return load_map(path) if path is not None else CommentedMap()


def apply_plan(plan: Plan, accept: bool = False) -> list[Path]:
    """Write what the plan does (and, with ``accept``, its proposals); returns the files written.

    Every item is validated against its model before anything is written; then all files are
    written at once (temp files, then renames).
    """
    files: dict[Path, str] = {}
    problems: list[str] = []
    for a in plan.actions:
        verb: Verb | None = a.verb if a.writes else a.proposed if (a.verb == "propose" and accept) else None
        if verb is None:
            continue
        data = _item_data(plan, a, verb)
        plain = to_plain(data)
        try:
            MODELS[a.kind].model_validate({"id": a.item_id, "kind": a.kind, **plain})
        except ValidationError as e:
            problems += [f"{plan.rel(a)}: {'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()]
            continue
        files[plan.path_of(a)] = dump(data)
    if problems:
        raise ImportInputError(plan.document.path, "the import would write invalid items: " + "; ".join(problems))
    return commit(files)


def import_file(path: Path | str, content_dir: Path | str, manual: str | None = None, dry_run: bool = False,
                accept: bool = False, on: dt.date | None = None, by: str | None = None) -> tuple[Plan, list[Path]]:
    """Plan and (unless ``dry_run``) apply an import: what the CLI's ``import`` does."""
    plan = plan_import(path, content_dir, manual, on=on, by=by)
    written = [] if dry_run else apply_plan(plan, accept=accept)
    return plan, written
