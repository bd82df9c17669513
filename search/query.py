"""Queries: plain words in, ranked sections with highlighted snippets out. Never raises for
what a person types: field syntax, wildcards, quotes and brackets are just characters here,
since the query is built from our own tokens, never handed to whoosh's QueryParser.

``search(q, limit=10, kind=None, role=None) -> list[Result]`` uses one warm, process-wide
:class:`Searcher` (the web app keeps it open); it notices a rebuilt index and reopens it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .analyzer import normalize, tokenize
from .index import IndexError_, Opened, default_dir, open_index, resolve
from .snippet import snippet

#: What a query may hold: the rest is cut (a pasted page is not a question).
MAX_QUERY_CHARS = 200
MAX_TERMS = 40
#: Field weights: titles and headings weigh more than body text.
FIELD_BOOSTS = {"title": 3.0, "heading": 1.5, "keywords": 1.5, "text": 1.0}
#: A sub-word of a query word (装修 of 装修备案表) and a synonym (业户 for 住户) weigh less.
SUB_WEIGHT = 0.5
SYN_WEIGHT = 0.8

EMPTY_MESSAGE = "请输入关键词"
KINDS_ZH = {
    "岗位职责": "role", "岗位": "role", "礼仪规范": "etiquette", "礼仪": "etiquette",
    "工作流程": "procedure", "流程": "procedure", "管理制度": "policy", "制度": "policy",
    "法律法规": "legal", "法规": "legal", "应知应会": "fact", "案例": "case",
    "表单": "form", "表格": "form", "术语": "glossary",
}
KINDS = ("role", "etiquette", "procedure", "policy", "legal", "fact", "case", "form", "glossary")


@dataclass
class Result:
    id: str
    title: str
    title_path: str
    url: str
    snippet: str
    text: str
    score: float
    kind: str = ""
    item_id: str = ""
    roles: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    query: str
    results: list[Result]
    message: str = ""  # shown instead of (or above) results: 请输入关键词, 没有找到 …
    terms: list[str] = field(default_factory=list)


class BadFilter(ValueError):
    """An unknown kind or role given as a filter (the CLI turns it into exit 2)."""


def kind_of(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    v = str(value).strip()
    v = KINDS_ZH.get(v, v.lower())
    if v not in KINDS:
        raise BadFilter(f"未知类别 '{value}': 可用 {', '.join(KINDS)}")
    return v


@dataclass
class Plan:
    """The query as weighted terms, and the strings to highlight."""

    weights: dict[str, float]
    marks: list[str]
    message: str = ""


def plan(q: str, opened: Opened) -> Plan:
    raw = q if isinstance(q, str) else str(q or "")
    message = ""
    if len(raw) > MAX_QUERY_CHARS * 4:
        raw = raw[: MAX_QUERY_CHARS * 4]
    text = normalize(raw)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        message = f"查询太长, 只用了前 {MAX_QUERY_CHARS} 个字"
    weights: dict[str, float] = {}

    def add(term: str, w: float) -> None:
        if len(weights) >= MAX_TERMS and term not in weights:
            return
        weights[term] = max(weights.get(term, 0.0), w)

    toks = tokenize(text, opened.vocab, search=True, normalized=True)
    for t in toks:
        add(t.text, SUB_WEIGHT if t.sub else 1.0)
    for t in toks:
        for group in opened.synonyms.get(t.text, []):
            if not group:
                continue
            base = (SUB_WEIGHT if t.sub else 1.0) * SYN_WEIGHT / len(group)
            for s in group:
                add(s, base)
    marks = [w for w in weights if len(w) > 1 or w in {t.text for t in toks if not t.sub}]
    return Plan(weights, marks, message)


class Searcher:
    """A warm searcher over one index directory; thread-safe; reopens a swapped index and
    rebuilds one that fails to open (from ``content_dir`` / ``forms_dir``)."""

    def __init__(self, index_dir: Path | str | None = None, content_dir: Path | str | None = None,
                 forms_dir: Path | str | None = None, rebuild: bool = True):
        self.index_dir = Path(index_dir) if index_dir is not None else default_dir()
        self.content_dir = content_dir
        self.forms_dir = forms_dir
        self.rebuild = rebuild
        self._lock = threading.RLock()
        self._opened: Opened | None = None
        self._target: str | None = None
        self.rebuilt = False

    # --- opening ---------------------------------------------------------------
    def _open(self) -> Opened:
        target = os.path.realpath(self.index_dir)
        if self._opened is not None and target == self._target:
            return self._opened
        try:
            opened = open_index(self.index_dir)
        except IndexError_:
            if not self.rebuild:
                raise
            from .index import build_from_files

            build_from_files(self.content_dir, self.forms_dir, self.index_dir)
            self.rebuilt = True
            opened = open_index(self.index_dir)
        old, self._opened, self._target = self._opened, opened, str(opened.path)
        if old is not None:
            try:
                old.close()
            except Exception:
                pass
        return opened

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened.close()
                self._opened = None

    @property
    def meta(self) -> dict[str, Any]:
        with self._lock:
            return self._open().meta

    # --- searching -------------------------------------------------------------
    def run(self, q: Any, limit: int = 10, kind: str | None = None, role: str | None = None) -> Answer:
        kind = kind_of(kind)
        role = (str(role).strip() or None) if role is not None else None
        try:
            limit = max(1, min(int(limit), 100))
        except (TypeError, ValueError):
            limit = 10
        q = q if isinstance(q, str) else ("" if q is None else str(q))
        with self._lock:
            for attempt in (1, 2):
                opened = self._open()
                try:
                    return self._run(opened, q, limit, kind, role)
                except IndexError_:
                    raise
                except Exception:
                    # a generation removed or damaged under us: open again once
                    if attempt == 2:
                        raise
                    self._opened = None
        raise AssertionError("unreachable")

    def search(self, q: Any, limit: int = 10, kind: str | None = None, role: str | None = None) -> list[Result]:
        return self.run(q, limit, kind, role).results

    def _run(self, opened: Opened, q: str, limit: int, kind: str | None, role: str | None) -> Answer:
        from whoosh import query as wq

        p = plan(q, opened)
        if not p.weights:
            return Answer(q, [], EMPTY_MESSAGE)
        if role is not None and role not in opened.meta.get("roles", []):
            raise BadFilter(f"未知岗位 '{role}'")
        subs = [wq.Term(f, t, boost=w * FIELD_BOOSTS[f]) for t, w in p.weights.items() for f in FIELD_BOOSTS]
        query = wq.Or(subs)
        filters = []
        if kind:
            filters.append(wq.Term("kind", kind))
        if role:
            filters.append(wq.Term("roles", role))
        flt = wq.And(filters) if len(filters) > 1 else (filters[0] if filters else None)
        hits = opened.searcher.search(query, limit=limit, filter=flt)
        results = []
        for h in hits:
            f = h.fields()
            results.append(Result(
                id=f["id"], title=f.get("title", ""), title_path=f.get("title_path", ""), url=f.get("url", ""),
                snippet=snippet(f.get("ntext", ""), p.marks), text=f.get("text", ""), score=round(h.score, 4),
                kind=f.get("kind", ""), item_id=f.get("item_id", ""),
                roles=[r for r in (f.get("roles") or "").split(",") if r],
            ))
        message = p.message or ("" if results else f"没有找到与“{normalize(q)[:40]}”相关的内容")
        return Answer(q, results, message, list(p.weights))


_default: Searcher | None = None
_default_lock = threading.Lock()


def default_searcher() -> Searcher:
    global _default
    with _default_lock:
        if _default is None:
            _default = Searcher()
        return _default


def search(q: Any, limit: int = 10, kind: str | None = None, role: str | None = None) -> list[Result]:
    """Search the default index (build/index): ranked sections, never an exception for ``q``."""
    return default_searcher().search(q, limit, kind, role)


def run(q: Any, limit: int = 10, kind: str | None = None, role: str | None = None) -> Answer:
    return default_searcher().run(q, limit, kind, role)
