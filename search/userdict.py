"""The user dictionary for the site's own search box. mkdocs-material's search plugin cuts
Chinese with jieba and takes ``plugins.search.jieba_dict_user``: a jieba user dictionary,
one ``word freq`` a line. The site plugin calls :func:`write_jieba_userdict` at build time
with ``content.dictionary``, so the browser's search and ours keep the same words whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builder.core.atomic import write_text

#: The frequency the whoosh index gives our words (search.index.DOMAIN_FREQ): enough to keep
#: 装修备案表 whole against 装修 / 备案 / 表.
USER_FREQ = 2000


def userdict_words(dictionary: Any, extra: bool = True) -> list[str]:
    """Every word to keep whole: dictionary words, synonyms, and search/synonyms.txt."""
    from search.analyzer import normalize

    words = list(getattr(dictionary, "words", []) or [])
    for g in getattr(dictionary, "synonyms", []) or []:
        words += list(g)
    for word, means in (getattr(dictionary, "situations", None) or {}).items():
        words += [word, *means]
    if extra:
        from search.index import extra_lexicon

        ew, eg = extra_lexicon()
        words += ew + [w for g in eg for w in g]
    out: dict[str, None] = {}
    for w in words:
        w = normalize(w)
        # jieba's user dictionary splits a line on spaces: a word with a space cannot be one
        if w and " " not in w:
            out.setdefault(w, None)
    return list(out)


def write_jieba_userdict(dictionary: Any, path: Path | str, freq: int = USER_FREQ) -> Path:
    """Write ``dictionary``'s words (a builder.core.model.Dictionary) to ``path`` as a jieba user
    dictionary (``word freq`` per line, UTF-8), atomically. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{w} {freq}\n" for w in userdict_words(dictionary))
    return write_text(path, text)
