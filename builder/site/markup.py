"""Markup helpers shared by the staff and editors' pages: escaping, Chinese punctuation,
links between generated pages."""

from __future__ import annotations

import html
import re

_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}


def zh_punct(text: str) -> str:
    """ASCII , ; : ( ) ? ! beside Chinese → full width (times like 8:30 and plain ASCII stay)."""
    if not text:
        return text
    text = re.sub(f"([{_CJK}])\\s*([,;:?!])|([,;:?!])(?=\\s*[{_CJK}])",
                  lambda m: (m.group(1) or "") + _PUNCT[m.group(2) or m.group(3)], text)
    text = re.sub(f"\\(([^()]*[{_CJK}][^()]*)\\)", "（\\1）", text)
    text = re.sub(f"(?<=[{_CJK}])\\(([^()]*)\\)", "（\\1）", text)
    return re.sub("[,;:](?=[）」》])|(?<=[（「《])[,;:]", lambda m: _PUNCT[m.group(0)], text)


def esc(text: str | None) -> str:
    """Content text → safe inline Markdown: HTML escaped, Markdown emphasis/link characters neutralised."""
    if not text:
        return ""
    out = html.escape(zh_punct(text), quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", out)


def hesc(text: str | None) -> str:
    """Content text inside raw HTML blocks (no Markdown processing there)."""
    return html.escape(zh_punct(text or ""), quote=True)


def rel(from_src: str, to_src: str, anchor: str | None = None) -> str:
    """A relative link between two Markdown sources, as MkDocs resolves and checks them."""
    a = from_src.split("/")[:-1]
    b = to_src.split("/")
    i = 0
    while i < len(a) and i < len(b) - 1 and a[i] == b[i]:
        i += 1
    path = "../" * (len(a) - i) + "/".join(b[i:])
    return path + (f"#{anchor}" if anchor else "")


def url_of(src: str) -> str:
    """The directory URL (relative to the site root) MkDocs gives a Markdown source."""
    if src == "index.md":
        return ""
    if src.endswith("/index.md"):
        return src[: -len("index.md")]
    return src[: -len(".md")] + "/"


def href(from_src: str, to_src: str, anchor: str | None = None) -> str:
    """A link for raw HTML (which MkDocs does not rewrite): from one page's URL to another's."""
    a = [p for p in url_of(from_src).split("/") if p]
    b = [p for p in url_of(to_src).split("/") if p]
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    path = "../" * (len(a) - i) + "".join(p + "/" for p in b[i:])
    return (path or "./") + (f"#{anchor}" if anchor else "")
