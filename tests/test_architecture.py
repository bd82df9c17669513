"""The tree shows the architecture: imports point down only, with no circles (lazy imports
inside functions included); ``search`` imports only ``builder.core``; only ``builder.core``
reads YAML; README's layout table names every subpackage."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("builder", "search")

#: a package may import from the ones listed (besides itself)
ALLOWED = {
    "builder.core": set(),
    "search": {"builder.core"},
    "builder.forms": {"builder.core"},
    "builder.register": {"builder.core"},
    "builder.quiz": {"builder.core"},
    "builder.importer": {"builder.core"},
    "builder.handbook": {"builder.core", "builder.forms", "builder.importer"},
    "builder.site": {"builder.core", "builder.quiz", "search", "builder.importer"},
    "builder.web": {"builder.core", "builder.forms", "search", "builder.register", "builder.importer", "builder.quiz"},
    "builder.cli": {"builder.core", "builder.forms", "builder.quiz", "builder.handbook", "builder.site", "builder.web",
                    "search", "builder.register", "builder.importer"},
}


#: modules that read a clerk's answers file (YAML/JSON given on the command line), not the project
CLERKS_FILES = {"builder.forms.output", "builder.forms.inputs"}
#: modules that edit content/ YAML for editors (round-trip keeps comments), reading nothing else
EDITORS_WRITERS = {"search.dictionary_edit"}


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every project module ``name`` imports, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {n: imports_of(n, p, set(mods)) for n, p in mods.items()}


def group_of(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] == "search" else ".".join(parts[:2])


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    g = graph()
    # a package's __init__ re-exporting its own modules is not a circle between stages
    g = {m: {t for t in ts if not (m.startswith(t + ".") and (ROOT / t.replace(".", "/") / "__init__.py").exists())}
         for m, ts in g.items()}
    assert cycles(g) == []


def test_imports_point_down():
    bad = []
    for mod, targets in graph().items():
        mine = group_of(mod)
        if mine not in ALLOWED and mod != "builder":
            bad.append(f"{mod}: package {mine} is not in the layout (tests/test_architecture.py ALLOWED)")
            continue
        for t in targets:
            theirs = group_of(t)
            if theirs != mine and t != "builder" and theirs not in ALLOWED.get(mine, set()):
                bad.append(f"{mod} imports {t}")
    assert bad == []


def test_only_the_core_reads_yaml():
    readers = []
    for name, path in modules().items():
        if name.startswith(("builder.core", "builder.importer")) or name in CLERKS_FILES | EDITORS_WRITERS:
            continue  # the core reads the project's YAML; editors' tools write content/ (round-trip)
        text = path.read_text(encoding="utf-8")
        if "read_yaml(" in text or "ruamel" in text or "yaml.safe_load" in text:
            readers.append(name)
    assert readers == []


def test_readme_layout_names_every_subpackage():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    subpackages = sorted(p.parent.name for p in (ROOT / "builder").glob("*/__init__.py"))
    missing = [s for s in subpackages if f"`builder/{s}/`" not in readme]
    assert missing == []
