"""Check the whole knowledge base in one run: every problem, with its place.

``check(content_dir, forms_dir)`` loads content/ and forms/ as one project (every file,
then the cross-references of :mod:`builder.core.refs`) and returns the content and every
problem, sorted by file and line.
"""

from __future__ import annotations

from pathlib import Path

from builder.core.errors import Problem
from builder.core.load import Content
from builder.core.paths import CONTENT_DIR, FORMS_DIR
from builder.core.project import load_project, load_valid_project


def check(content_dir: Path | str = CONTENT_DIR, forms_dir: Path | str | None = FORMS_DIR) -> tuple[Content, list[Problem]]:
    """Load and check content (and forms); return the content and every problem found."""
    project = load_project(content_dir, forms_dir)
    return project.content, project.problems


def load_valid(content_dir: Path | str = CONTENT_DIR, forms_dir: Path | str | None = FORMS_DIR) -> Content:
    """The content, or :class:`ContentError` naming every problem."""
    return load_valid_project(content_dir, forms_dir).content
