"""Where each item lives on the staff site. The site, search, quizzes and the printed
handbook all link through here, so a page never moves under one of them."""

from __future__ import annotations

from builder.core.model import KIND_FOLDERS


def item_path(kind: str, item_id: str) -> str:
    """The page's path relative to the site root, as MkDocs writes it: ``procedures/x/``."""
    return f"{KIND_FOLDERS[kind]}/{item_id}/"


def item_src(kind: str, item_id: str) -> str:
    """The Markdown source path MkDocs sees for the item's page."""
    return f"{KIND_FOLDERS[kind]}/{item_id}.md"


def item_url(kind: str, item_id: str, anchor: str | None = None) -> str:
    """An absolute URL path on the site, with the anchor of a part if given."""
    return "/" + item_path(kind, item_id) + (f"#{anchor}" if anchor else "")


def role_path_url(role_id: str) -> str:
    """The study path of a post."""
    return f"/study/{role_id}/"


def form_url(form_id: str) -> str:
    """The fillable web form (served by ``handbook serve``)."""
    return f"/forms/{form_id}"


def glossary_anchor(term: str) -> str:
    """A term's anchor on the glossary page: the term, its whitespace as hyphens."""
    import re

    return re.sub(r"\s+", "-", term.strip())


def glossary_url(term: str) -> str:
    """A term on the glossary page (what search results link to)."""
    return f"/glossary/#{glossary_anchor(term)}"
