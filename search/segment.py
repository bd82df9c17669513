"""jieba, set up once for the project: its cache in .cache/, our domain words added.

The search issue builds the full analyzer on top of this (normalisation, synonyms)."""

from __future__ import annotations

import logging
from functools import lru_cache

from builder.core.paths import CACHE_DIR

JIEBA_CACHE = CACHE_DIR / "jieba.cache"


@lru_cache(maxsize=1)
def segmenter():
    """A jieba Tokenizer with its cache in .cache/ (our domain words are added by the
    vocabulary built from the project's dictionary: ``search.index.full_vocabulary``)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    JIEBA_CACHE.parent.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.cache_file = str(JIEBA_CACHE)
    tk.tmp_dir = str(JIEBA_CACHE.parent)
    tk.initialize()
    return tk
