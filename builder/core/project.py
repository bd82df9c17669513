"""The one loaded project: content/, the form specs, their shared fields and packs, read
and checked once.

Every caller — check, the site, the web app, the CLI, the printed handbook, the quiz bank,
the search index — takes a :class:`Project` from :func:`load_project` (or
:func:`load_valid_project`, which raises :class:`~builder.core.errors.ContentError` naming
every problem). No other module reads the project's YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.core.errors import ContentError, Problem
from builder.core.formspec import FormSpec, Pack, load_forms
from builder.core.load import Content, load_content
from builder.core.paths import CONTENT_DIR, FORMS_DIR
from builder.core.refs import check_refs


@dataclass
class Project:
    """Content and forms, validated, with every problem found while reading them."""

    content: Content
    specs: dict[str, FormSpec] = field(default_factory=dict)
    packs: dict[str, Pack] = field(default_factory=dict)
    library: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    content_dir: Path = CONTENT_DIR
    forms_dir: Path | None = FORMS_DIR

    @property
    def field_labels(self) -> dict[str, str]:
        """Shared field name → its label (for pack pages and batch headers)."""
        return {n: str(raw.get("label", n)) for n, raw in self.library.items()}

    def complete_packs(self) -> dict[str, Pack]:
        """The packs all of whose forms exist."""
        return {k: p for k, p in self.packs.items() if all(f in self.specs for f in p.forms)}


def load_project(content_dir: Path | str = CONTENT_DIR, forms_dir: Path | str | None = FORMS_DIR) -> Project:
    """Read content/ and forms/ once; never raises for a mistake in them (see ``.problems``)."""
    content_dir = Path(content_dir)
    content, problems = load_content(content_dir)
    project = Project(content=content, content_dir=content_dir, forms_dir=Path(forms_dir) if forms_dir else None)
    if forms_dir is not None and Path(forms_dir).is_dir():
        forms, form_problems = load_forms(Path(forms_dir))
        project.specs, project.packs, project.library = forms.specs, forms.packs, forms.library
        problems += form_problems
    problems += check_refs(content, set(project.specs))
    project.problems = sorted(set(problems))
    return project


def load_valid_project(content_dir: Path | str = CONTENT_DIR, forms_dir: Path | str | None = FORMS_DIR) -> Project:
    """The project, or :class:`ContentError` naming every problem."""
    project = load_project(content_dir, forms_dir)
    if project.problems:
        raise ContentError(project.problems)
    return project
