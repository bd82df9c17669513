"""The index of the site's header search box: the whoosh index exported for the browser.

The box (builder/assets/site/search-worker.js) ranks exactly as :mod:`search.query` does, on
the same numbers: every term's scored postings (BM25 as :func:`search.query.bm25_postings`
computes them), the vocabulary the query is cut with (jieba's DAG and route over the words
the indexed text uses), the synonyms, the stop words, each section's page, kind, prior and
figure flag, and the ranking's constants and question intents. Written as a script
(``self.__handbookSearch = {...}``) so that a worker (``importScripts``) and a page opened
from disk (a ``<script>`` tag, where ``fetch`` of a file is refused) both load it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from builder.core.atomic import write_text

#: Bump with any change of the shape below (the worker checks it).
CLIENT_VERSION = 2
GLOBAL = "__handbookSearch"


def _site_url(url: str) -> str:
    """Our URLs are absolute on the site (/procedures/x/#step-2); the box resolves them
    against the site's base, so they go without the leading slash."""
    return url.lstrip("/")


def export(opened: Any) -> dict[str, Any]:
    """Everything the box needs, from an opened index (search.index.Opened)."""
    from search import query as sq
    from search.analyzer import STOP_WORDS

    searcher = opened.searcher
    reader = searcher.reader()
    n = searcher.doc_count_all()
    docs = []
    for d in range(n):
        f = searcher.stored_fields(d)
        docs.append([
            f["id"], opened.page(d), opened.kind(d), f.get("page_title") or f.get("title", ""),
            f.get("title", "") if f.get("part") == "1" else "", _site_url(f.get("url", "")),
            f.get("ntext", ""), round(opened.prior(d), 4), 1 if opened.figure(d) else 0, opened.page_title(d),
            1 if opened.actor(d) else 0,
        ])
    postings: dict[str, dict[str, list[float]]] = {}
    for field in ("body", "grams"):
        out: dict[str, list[float]] = {}
        for raw in reader.lexicon(field):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            flat: list[float] = []
            for d, sc in sq.bm25_postings(opened, field, term):
                flat += [d, round(sc, 4)]
            out[term] = flat
        postings[field] = out
        opened.postings_cache.clear()
    return {
        "version": CLIENT_VERSION,
        "built": opened.meta.get("built"),
        "total": opened.vocab.total,
        "words": {w: f for w, f in opened.vocab.freq.items() if f},
        "synonyms": opened.synonyms,
        "titleNames": opened.title_names,
        "soundOf": opened.sound_of,
        "soundsLike": opened.sounds_like,
        "stop": sorted(STOP_WORDS),
        "docs": docs,
        "postings": postings,
        "params": {
            "maxQueryChars": sq.MAX_QUERY_CHARS, "maxTerms": sq.MAX_TERMS,
            "subWeight": sq.SUB_WEIGHT, "synWeight": sq.SYN_WEIGHT, "absentSynWeight": sq.ABSENT_SYN_WEIGHT, "gramWeight": sq.GRAM_WEIGHT,
            "singleWeight": sq.SINGLE_WEIGHT, "homophoneWeight": sq.HOMOPHONE_WEIGHT,
            "homophones": sq.HOMOPHONES, "homophoneMin": sq.HOMOPHONE_MIN, "homophoneMax": sq.HOMOPHONE_MAX, "tiebreak": sq.TIEBREAK,
            "pageShare": sq.PAGE_SHARE, "pageMore": sq.PAGE_MORE, "foldMax": sq.FOLD_MAX,
            "intents": [[name, pattern, weights] for name, pattern, weights in sq.INTENTS],
            "pageLike": list(sq.PAGE_LIKE),
            "titleBonus": sq.TITLE_BONUS, "kindWords": sorted(sq.KIND_WORDS), "casePrior": sq.CASE_PRIOR, "formPrior": sq.FORM_PRIOR, "situation": sq.SITUATION_RE, "situationLen": sq.SITUATION_LEN,
        },
    }


def write_client_index(opened: Any, path: Path | str) -> Path:
    """Write :func:`export` as a script to ``path``, atomically."""
    text = f"self.{GLOBAL} = " + json.dumps(export(opened), ensure_ascii=False, separators=(",", ":")) + ";\n"
    return write_text(path, text)


def build_client_index(content: Any, specs: Mapping[str, Any] | None, path: Path | str) -> Path:
    """Index ``content`` into a temporary whoosh index and write the box's index from it."""
    from search.index import build_index, open_index

    with tempfile.TemporaryDirectory(prefix="handbook-box-") as tmp:
        build_index(content, Path(tmp) / "index", specs)
        opened = open_index(Path(tmp) / "index")
        try:
            return write_client_index(opened, path)
        finally:
            opened.close()
