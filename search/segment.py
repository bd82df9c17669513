"""jieba, set up once for the project: its cache in .cache/, our domain words added.

The search issue builds the full analyzer on top of this (normalisation, synonyms)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from builder.core.paths import CACHE_DIR, CONTENT_DIR

JIEBA_CACHE = CACHE_DIR / "jieba.cache"


@lru_cache(maxsize=1)
def segmenter():
    """A jieba Tokenizer with its cache in .cache/ and content/dictionary.yaml loaded."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    JIEBA_CACHE.parent.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.cache_file = str(JIEBA_CACHE)
    tk.tmp_dir = str(JIEBA_CACHE.parent)
    tk.initialize()
    for word in domain_words(CONTENT_DIR):
        tk.add_word(word, freq=2000)
    return tk


def domain_words(content_dir: Path) -> list[str]:
    from builder.core.load import read_yaml, to_plain
    from builder.core.model import Dictionary

    data, errors = read_yaml(content_dir / "dictionary.yaml", "content/dictionary.yaml")
    if errors or data is None:
        return []
    return Dictionary.model_validate(to_plain(data)).all_words()
