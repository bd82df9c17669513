"""Load content/ into the typed model, keeping every value's file and line.

``load_content(root)`` never raises for a content mistake: it returns the items that
are valid and a list of :class:`Problem`, each naming ``path:line: key: message``, so
that one run reports every bad file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from builder.core.errors import Problem
from builder.core.logo import LogoError, read_logo
from builder.core.model import (
    KIND_FOLDERS,
    MODELS,
    AnyItem,
    Changelog,
    Dictionary,
    Glossary,
    Profile,
    Tags,
)

#: The single files of content/ that are not items, and their models.
SINGLE_FILES: dict[str, type[BaseModel]] = {
    "tags.yaml": Tags,
    "glossary.yaml": Glossary,
    "dictionary.yaml": Dictionary,
    "profile.yaml": Profile,
    "changelog.yaml": Changelog,
}

#: content/'s folder for pictures (the profile's logo), and the files it may hold
ASSETS = "assets"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML file with line information; a syntax error becomes a Problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(display, 1, "(file)", f"not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8")]
    try:
        return _yaml().load(text), []
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [Problem(display, line, "(yaml)", f"YAML syntax error: {what}")]
    except ValueError as e:  # a value ruamel cannot construct, such as the date 2027-13-01
        return None, [Problem(display, 1, "(yaml)", f"a value YAML cannot read: {e} (dates are YYYY-MM-DD)")]
    except YAMLError as e:  # pragma: no cover - ruamel marks nearly everything
        return None, [Problem(display, 1, "(yaml)", f"YAML error: {e}")]


def line_of(data: Any, loc: tuple[str | int, ...]) -> int:
    """The 1-based line of the value at ``loc`` in ruamel data, as near as it can be found."""
    line = 0
    node = data
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0]
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lc.item(key)[0]
            node = node[key]
        else:
            break
    return line + 1


def loc_text(loc: tuple[str | int, ...]) -> str:
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out or "(item)"


def validation_problems(display: str, data: Any, err: ValidationError,
                        at: tuple[str | int, ...] = ()) -> list[Problem]:
    """pydantic's errors as Problems with lines; ``at`` is where the validated value sits in
    ``data`` (a field of forms/fields.yaml is validated alone, but its line is in the file)."""
    problems = []
    for e in err.errors(include_url=False):
        # drop pydantic's tagged-union / function-name bits that are not keys of the file
        loc = at + tuple(k for k in e["loc"] if not (isinstance(k, str) and ("[" in k or k.startswith("function-"))))
        msg = e["msg"]
        if e["type"] == "missing":
            msg = "required field is missing"
        elif e["type"] == "extra_forbidden":
            msg = "unknown field (check its spelling against the model in builder/core/model.py)"
        elif msg.startswith("Value error, "):
            msg = msg.removeprefix("Value error, ")
        line = line_of(data, loc if e["type"] != "missing" else loc[:-1])
        problems.append(Problem(display, line, loc_text(loc), msg))
    return problems


def to_plain(data: Any) -> Any:
    """ruamel's commented containers → plain dicts and lists (dates kept as strings)."""
    if isinstance(data, dict):
        return {str(k): to_plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_plain(v) for v in data]
    return data


@dataclass
class Content:
    """The whole validated knowledge base."""

    root: Path
    items: dict[str, AnyItem] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    tags: Tags | None = None
    glossary: Glossary = field(default_factory=Glossary)
    dictionary: Dictionary = field(default_factory=Dictionary)
    profile: Profile | None = None
    changelog: Changelog = field(default_factory=Changelog)

    def of_kind(self, kind: str) -> list[AnyItem]:
        return [i for i in self.items.values() if i.kind == kind]

    @cached_property
    def roles(self) -> list[AnyItem]:
        return self.of_kind("role")

    def for_role(self, role_id: str) -> list[AnyItem]:
        """Items a post must know, in study order (etiquette, procedures, policies, facts …)."""
        order = ["role", "etiquette", "procedure", "policy", "fact", "legal", "case"]
        hits = [i for i in self.items.values() if role_id in i.roles or i.id == role_id]
        return sorted(hits, key=lambda i: (order.index(i.kind), i.id))

    def line(self, item_id: str, loc: tuple[str | int, ...]) -> int:
        return line_of(self.raw.get(item_id), loc)

    def display(self, item_id: str) -> str:
        return display_path(self.files[item_id], self.root)

    def __iter__(self) -> Iterator[AnyItem]:
        return iter(self.items.values())


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent if root.name else root))
    except ValueError:
        return str(path)


def load_dictionary(root: Path | str) -> tuple[Dictionary, list[Problem]]:
    """content/dictionary.yaml alone (what the editors' searches page shows), with its problems
    (an empty Dictionary where it cannot be read)."""
    root = Path(root)
    path = root / "dictionary.yaml"
    display = display_path(path, root)
    if not path.is_file():
        return Dictionary(), [Problem(display, 1, "(file)", "missing: content needs dictionary.yaml")]
    data, problems = read_yaml(path, display)
    if problems:
        return Dictionary(), problems
    try:
        return Dictionary.model_validate(to_plain(data) or {}), []
    except ValidationError as e:
        return Dictionary(), validation_problems(display, data, e)


def load_content(root: Path | str) -> tuple[Content, list[Problem]]:
    """Load and validate every file under ``root``; never raises for content mistakes."""
    root = Path(root)
    content = Content(root=root)
    problems: list[Problem] = []
    if not root.is_dir():
        return content, [Problem(str(root), 1, "(folder)", "content folder not found")]

    for name, model in SINGLE_FILES.items():
        path = root / name
        display = display_path(path, root)
        if not path.exists():
            if name in ("tags.yaml", "dictionary.yaml"):
                problems.append(Problem(display, 1, "(file)", f"missing: content needs {name}"))
            continue
        data, errs = read_yaml(path, display)
        problems += errs
        if errs:
            continue
        try:
            setattr(content, name.removesuffix(".yaml"), model.model_validate(to_plain(data) or {}))
        except ValidationError as e:
            problems += validation_problems(display, data, e)
            continue
        if model is Profile and content.profile is not None and content.profile.logo:
            try:
                read_logo(root, content.profile.logo)
            except LogoError as e:
                problems.append(Problem(display, line_of(data, ("logo",)), "logo", str(e)))

    folders = {v: k for k, v in KIND_FOLDERS.items()}
    for path in sorted(root.rglob("*")):
        if path.is_dir() or path.parent == root:
            if path.is_file() and path.suffix in (".yaml", ".yml") and path.name not in SINGLE_FILES:
                problems.append(Problem(display_path(path, root), 1, "(file)",
                                        f"unknown file at the top of content/; items go in {', '.join(folders)}"))
            continue
        display = display_path(path, root)
        rel = path.relative_to(root)
        if path.suffix not in (".yaml", ".yml"):
            if rel.parts[0] == ASSETS and path.suffix.lower() in IMAGE_SUFFIXES:
                continue  # the profile's logo and other pictures (checked where they are named)
            if rel.parts[0] == ASSETS and not path.name.startswith("."):
                problems.append(Problem(display, 1, "(file)", "assets/ holds pictures: a .png or .jpg file"))
                continue
            if path.suffix not in (".md",) and not path.name.startswith("."):
                problems.append(Problem(display, 1, "(file)", "not a .yaml file; content items are YAML"))
            continue
        kind = folders.get(rel.parts[0])
        if kind is None or len(rel.parts) != 2:
            problems.append(Problem(display, 1, "(file)",
                                    f"items go directly in one of {', '.join(sorted(folders))}/"))
            continue
        data, errs = read_yaml(path, display)
        problems += errs
        if errs:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(display, 1, "(item)", "an item is a mapping of keys (id, title, …)"))
            continue
        item_id = path.stem
        plain = to_plain(data)
        plain.setdefault("id", item_id)
        plain.setdefault("kind", kind)
        if plain["id"] != item_id:
            problems.append(Problem(display, line_of(data, ("id",)), "id",
                                    f"id '{plain['id']}' differs from the file name '{item_id}'; they must be the same"))
            continue
        if plain["kind"] != kind:
            problems.append(Problem(display, line_of(data, ("kind",)), "kind",
                                    f"kind '{plain['kind']}' does not belong in {rel.parts[0]}/ (that folder holds '{kind}')"))
            continue
        try:
            item = MODELS[kind].model_validate(plain)
        except ValidationError as e:
            problems += validation_problems(display, data, e)
            continue
        if item.id in content.items:
            other = display_path(content.files[item.id], root)
            problems.append(Problem(display, line_of(data, ("id",)), "id", f"duplicate id '{item.id}' (also {other})"))
            continue
        content.items[item.id] = item
        content.files[item.id] = path
        content.raw[item.id] = data
    return content, problems
