"""Queries: plain words in, ranked sections with highlighted snippets out. Never raises for
what a person types: field syntax, wildcards, quotes and brackets are just characters here,
since the query is built from our own tokens, never handed to whoosh's QueryParser.

``search(q, limit=10, kind=None, role=None) -> list[Result]`` uses one warm, process-wide
:class:`Searcher` (the web app keeps it open); it notices a rebuilt index and reopens it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from search.analyzer import concepts, normalize
from search.index import BM25_B, BM25_K1, IndexError_, Opened, default_dir, open_index
from search.snippet import snippet

#: What a query may hold: the rest is cut (a pasted page is not a question).
MAX_QUERY_CHARS = 200
MAX_TERMS = 40
#: The word field (titles weigh three times body text inside it: search.whoosh_analysis).
FIELD_BOOSTS = {"body": 1.0}
#: A sub-word of a query word (装修 of 装修备案表) and a synonym (业户 for 住户) weigh less;
#: a bigram of the word, searched in the bigram field, is the fallback for a cut that differs.
SUB_WEIGHT = 0.5
SYN_WEIGHT = 0.8
GRAM_WEIGHT = 0.5
SINGLE_WEIGHT = 0.5
#: A word the index does not hold is also searched as up to HOMOPHONES words that sound alike.
HOMOPHONE_WEIGHT = 0.7
HOMOPHONES = 3
HOMOPHONE_MIN, HOMOPHONE_MAX = 2, 4
#: Terms whose scored posting lists an opened index keeps (a few MB at most).
POSTINGS_CACHE = 20000
#: Alternatives of one concept: the best counts, the others add this share.
TIEBREAK = 0.2
#: A page's score: its best section, plus this share of the next ones (up to PAGE_MORE).
PAGE_SHARE = 0.1
PAGE_MORE = 3
#: Sections of one page folded under its result.
FOLD_MAX = 5
#: Coordination: the score is multiplied by (concepts matched / concepts asked) ** COORD.
COORD = 0.0  # measured on the dev set: any coordination lowered MRR (0.814 → 0.801 at 0.5)


EMPTY_MESSAGE = "请输入关键词"
KINDS_ZH = {
    "岗位职责": "role", "岗位": "role", "礼仪规范": "etiquette", "礼仪": "etiquette",
    "工作流程": "procedure", "流程": "procedure", "管理制度": "policy", "制度": "policy",
    "法律法规": "legal", "法规": "legal", "应知应会": "fact", "案例": "case",
    "表单": "form", "表格": "form", "术语": "glossary",
}
KINDS = ("role", "etiquette", "procedure", "policy", "legal", "fact", "case", "form", "glossary")


@dataclass
class Section:
    """A section of a result's page that also matches (folded under the result)."""

    id: str
    title: str
    url: str
    snippet: str
    score: float


@dataclass
class Result:
    """One page: its real title, the best-matching section as the anchor and its snippet."""

    id: str  # the best section's id (the item id where the page itself matched best)
    title: str  # the page's title (报修处理), never a part's (第3步, 启示)
    title_path: str
    url: str  # the best section's anchor on the page
    snippet: str
    text: str
    score: float
    kind: str = ""
    item_id: str = ""
    roles: list[str] = field(default_factory=list)
    section: str = ""  # the best section's own title ("" where it is the page itself)
    page: str = ""  # the page's key: an item id, form:<id>, glossary
    sections: list[Section] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    query: str
    results: list[Result]
    message: str = ""  # shown instead of (or above) results: 请输入关键词, 没有找到 …
    terms: list[str] = field(default_factory=list)
    total: int = 0  # pages found in all (results is one slice of them)
    offset: int = 0


#: Question intent: a pattern of the query (before stop words are dropped) and what it
#: favours — a kind, or "figure" (a section stating a figure or a time limit). Exported as
#: is to the site's search box (search.client_index), so both rank alike.
INTENTS: list[tuple[str, str, dict[str, float]]] = [
    ("procedure", r"怎么|如何|怎样|流程|步骤|程序|手续|要带|带什么|带啥|需要什么|准备什么|哪些资料|什么资料|办理", {"procedure": 1.4}),
    ("role", r"谁|上级|下属|哪个岗位|什么岗位|负责人", {"role": 1.6, "actor": 1.6}),
    ("figure", r"几|多久|多少|多长|时限|期限|什么时候|哪天", {"figure": 1.4, "fact": 1.2}),
    ("form", r"表|单|填|编号|[a-z]{2}-[a-z]{2,}", {"form": 1.0}),
]
#: A form is a tool, not an answer, unless the query asks for one (表, 单, 填, a code).
FORM_PRIOR = 0.7
#: A page whose title holds every word asked (入伙 → 入伙程序) is what the query names (a
#: glossary entry only defines the word).
TITLE_BONUS = 1.5
#: A word the handbook never uses (装潢) is asked by its synonyms (装修) at this weight, and a
#: title that holds one of them names it.
ABSENT_SYN_WEIGHT = 1.0
#: Words that name a kind of page, not a page (报修流程 names 报修处理): left out of the title bonus.
KIND_WORDS = frozenset(["流程", "程序", "步骤", "手续", "制度", "规定", "规范", "表", "表格", "标准"])
#: A case is an answer where the query tells a situation; otherwise it weighs this much.
CASE_PRIOR = 0.6
SITUATION_RE = r"被|遇到|碰到|如果|要是|发现|案例|结果|不肯|不愿|拒绝|非要|硬要|闹|吵|骂|打人|摔|堵|漏水|坏了"
SITUATION_LEN = 12


def intent_weights(text: str) -> dict[str, float]:
    """Multipliers by kind (and "figure") that the query's wording asks for."""
    import re

    out: dict[str, float] = {}
    text = text.lower()
    for _, pattern, weights in INTENTS:
        if re.search(pattern, text):
            for k, w in weights.items():
                out[k] = max(out.get(k, 1.0), w)
    if "form" not in out:
        out["form"] = FORM_PRIOR
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    if not (re.search(SITUATION_RE, text) or han >= SITUATION_LEN):
        out["case"] = out.get("case", 1.0) * CASE_PRIOR
    return out


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
    """The query as concepts, each a group of weighted alternatives, and the strings to mark."""

    groups: list[list[tuple[str, str, float]]]  # [(field, term, weight)] per concept
    marks: list[str]
    terms: list[str]
    message: str = ""
    #: per concept, the names a page's title may give it: the word and its synonyms of the
    #: dictionary (search.index: title_names)
    #: ("" for a concept that is not a word: it never asks for the title bonus)
    names: list[list[str]] = field(default_factory=list)


def plan(q: str, opened: Opened) -> Plan:
    """Concepts of the query (search.analyzer.concepts), each searched as the best of: the
    word in every field (titles weigh most), its synonyms, its sub-words, its bigrams."""
    raw = q if isinstance(q, str) else str(q or "")
    message = ""
    if len(raw) > MAX_QUERY_CHARS * 4:
        raw = raw[: MAX_QUERY_CHARS * 4]
    text = normalize(raw)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        message = f"查询太长, 只用了前 {MAX_QUERY_CHARS} 个字"
    groups: list[list[tuple[str, str, float]]] = []
    names: list[list[str]] = []
    marks: list[str] = []
    nterms = 0
    for c in concepts(text, opened.vocab, normalized=True):
        if nterms >= MAX_TERMS:
            break
        alts: list[tuple[str, str, float]] = []
        # a lone character says less than a word (事, 表, 拆): it weighs less
        cw = SINGLE_WEIGHT if len(c.text) == 1 else 1.0
        if c.known:
            alts += [(f, c.text, cw * b) for f, b in FIELD_BOOSTS.items()]
            marks.append(c.text)
            absent = not _in_index(opened, c.text)
            # a title names the word itself; a word the handbook lacks, by its synonyms
            names.append([c.text, *opened.title_names.get(c.text, [])] if absent else [c.text])
            sw = ABSENT_SYN_WEIGHT if absent else SYN_WEIGHT
            for group in opened.synonyms.get(c.text, []):
                for t in group:
                    alts += [(f, t, sw * b / len(group)) for f, b in FIELD_BOOSTS.items()]
                    marks.append(t)
            for sub in c.subwords:
                alts += [(f, sub, SUB_WEIGHT * b) for f, b in FIELD_BOOSTS.items()]
                marks.append(sub)
        else:
            marks += c.bigrams
            names.append([])
        if HOMOPHONE_MIN <= len(c.text) <= HOMOPHONE_MAX and not _in_index(opened, c.text):
            # a word the index does not hold: the index's words that sound alike (投述 → 投诉)
            for w in sounds_like(opened, c.text)[:HOMOPHONES]:
                alts.append(("body", w, cw * HOMOPHONE_WEIGHT))
                marks.append(w)
        # the bigram fallback: for unknown runs, and for words longer than one bigram (a
        # two-character word is its own bigram, already searched as a word)
        if not c.known or len(c.text) > 2:
            for g in c.bigrams:
                alts.append(("grams", g, cw * (GRAM_WEIGHT if c.known else 1.0)))
        nterms += len(alts)
        groups.append(alts)
    marks = [m for m in dict.fromkeys(marks) if m]
    return Plan(groups, marks, [c for g in groups for _, c, _ in g[:1]], message, names)


def _in_index(opened: Opened, term: str) -> bool:
    try:
        return opened.searcher.reader().doc_frequency("body", term) > 0
    except Exception:
        return False


def sounds_like(opened: Opened, word: str) -> list[str]:
    """The index's words that sound like ``word`` (search.homophones), itself excepted."""
    parts = [opened.sound_of.get(ch) for ch in word]
    if any(p is None for p in parts):
        return []
    return [w for w in opened.sounds_like.get(" ".join(p for p in parts if p), []) if w != word]


def bm25_postings(opened: Opened, field: str, term: str) -> list[tuple[int, float]]:
    """(docnum, BM25 score) for every section holding ``term``: whoosh's BM25F formula and
    statistics (idf, average and per-document field lengths, as whoosh stores them), read
    from whoosh's posting list. An opened generation never changes, so the list is kept
    (up to POSTINGS_CACHE terms) for the next query that asks for the same term."""
    key = (field, term)
    cached = opened.postings_cache.get(key)
    if cached is not None:
        return cached
    out = _bm25_postings(opened, field, term)
    if len(opened.postings_cache) >= POSTINGS_CACHE:
        opened.postings_cache.clear()
    opened.postings_cache[key] = out
    return out


def _bm25_postings(opened: Opened, field: str, term: str) -> list[tuple[int, float]]:
    import math

    searcher = opened.searcher
    reader = searcher.reader()
    try:
        m = reader.postings(field, term)
    except Exception:  # whoosh raises TermNotFound
        return []
    n = reader.doc_frequency(field, term)
    idf = math.log(searcher.doc_count_all() / (n + 1)) + 1
    lengths = opened.field_lengths(field)
    avgfl = opened.avg_length(field)
    k1, b = BM25_K1, BM25_B
    norm = k1 * (1 - b)
    kb = k1 * b / avgfl
    top = idf * (k1 + 1)
    out = []
    is_active, ident, weight, advance = m.is_active, m.id, m.weight, m.next
    while is_active():
        d = ident()
        tf = weight()
        out.append((d, top * tf / (tf + norm + kb * lengths[d])))
        advance()
    return out


def score_plan(p: Plan, searcher, allowed: set[int] | None = None) -> dict[int, float]:
    """Score every matching section: per concept the best alternative plus TIEBREAK of the
    others (a word, its synonyms, its sub-words, its bigrams as one option), summed over the
    concepts. Each term is BM25 over whoosh's posting list. (whoosh's own DisjunctionMax
    matcher mixes up scores between documents, so the combining is done here.)"""
    total: dict[int, float] = {}
    matched: dict[int, int] = {}
    for alts in p.groups:
        options: dict[str, dict[int, float]] = {}
        for f, t, w in alts:
            key = "\0grams" if f == "grams" else t
            acc = options.setdefault(key, {})
            for d, sc in bm25_postings(searcher, f, t):
                if allowed is None or d in allowed:
                    acc[d] = acc.get(d, 0.0) + w * sc
        best: dict[int, float] = {}
        rest: dict[int, float] = {}
        for acc in options.values():
            for d, sc in acc.items():
                b = best.get(d, 0.0)
                if sc > b:
                    rest[d] = rest.get(d, 0.0) + b
                    best[d] = sc
                else:
                    rest[d] = rest.get(d, 0.0) + sc
        for d, b in best.items():
            total[d] = total.get(d, 0.0) + b + TIEBREAK * rest.get(d, 0.0)
            matched[d] = matched.get(d, 0) + 1
    n = len(p.groups)
    if n > 1 and COORD:
        # a section that has more of what was asked ranks above one that has more of one thing
        for d in total:
            total[d] *= (matched[d] / n) ** COORD
    return total


#: Sections that stand for the page as a whole (its summary at the top): the anchor goes to a
#: more specific section of the page where one matches.
PAGE_LIKE = ("summary",)


def _page_like(doc_id: str, page: str) -> bool:
    return doc_id == page or doc_id.partition("#")[2] in PAGE_LIKE


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
            from search.index import build_from_files

            build_from_files(self.content_dir, self.forms_dir, self.index_dir)
            self.rebuilt = True
            opened = open_index(self.index_dir)
        old, self._opened, self._target = self._opened, opened, str(opened.path)
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()
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
    def run(self, q: Any, limit: int = 10, kind: str | None = None, role: str | None = None,
            offset: int = 0) -> Answer:
        kind = kind_of(kind)
        try:
            offset = max(0, min(int(offset), 1000))
        except (TypeError, ValueError):
            offset = 0
        role = (str(role).strip() or None) if role is not None else None
        try:
            limit = max(1, min(int(limit), 200))
        except (TypeError, ValueError):
            limit = 10
        q = q if isinstance(q, str) else ("" if q is None else str(q))
        with self._lock:
            for attempt in (1, 2):
                opened = self._open()
                try:
                    return self._run(opened, q, limit, kind, role, offset)
                except (IndexError_, BadFilter):
                    raise
                except Exception:
                    # a generation removed or damaged under us: open again once
                    if attempt == 2:
                        raise
                    stale, self._opened = self._opened, None
                    try:
                        if stale is not None:
                            stale.close()
                    except Exception:
                        pass
        raise AssertionError("unreachable")

    @staticmethod
    def _pages(opened: Opened, ranked: list[tuple[float, int]]) -> list[tuple[float, list[tuple[float, int]]]]:
        """Sections grouped by page, best page first: a page scores its best section plus
        PAGE_SHARE of the next PAGE_MORE; its best-scoring section (a part, where any part
        matches) comes first, as the anchor."""
        groups: dict[str, list[tuple[float, int]]] = {}
        for sc, d in ranked:
            groups.setdefault(opened.page(d), []).append((sc, d))
        ids = opened.column("ids")
        pages = []
        for page, members in groups.items():
            extra = sum(sc for sc, _ in members[1 : 1 + PAGE_MORE])
            score = members[0][0] + PAGE_SHARE * extra
            # the anchor: the best-matching section of the page, not the page as a whole
            # (which matches by adding up its sections) where a section matches at all
            part = next((i for i, (_, d) in enumerate(members) if not _page_like(ids[d], page)), 0)
            if part:
                members = [members[part]] + members[:part] + members[part + 1 :]
            pages.append((score, members))
        pages.sort(key=lambda x: (-x[0], x[1][0][1]))
        return pages

    def search(self, q: Any, limit: int = 10, kind: str | None = None, role: str | None = None,
               offset: int = 0) -> list[Result]:
        return self.run(q, limit, kind, role, offset).results

    def _run(self, opened: Opened, q: str, limit: int, kind: str | None, role: str | None,
             offset: int = 0) -> Answer:
        from whoosh import query as wq

        p = plan(q, opened)
        if not p.groups:
            return Answer(q, [], EMPTY_MESSAGE)
        if role is not None and role not in opened.meta.get("roles", []):
            raise BadFilter(f"未知岗位 '{role}'")
        allowed = None
        if kind or role:
            filters = ([wq.Term("kind", kind)] if kind else []) + ([wq.Term("roles", role)] if role else [])
            flt = wq.And(filters) if len(filters) > 1 else filters[0]
            allowed = set(opened.searcher.docs_for_query(flt))
        searcher = opened.searcher
        scores = score_plan(p, opened, allowed)
        weights = intent_weights(normalize(q))
        # the title bonus: the page's title names every concept asked (by the word or a synonym)
        asked = [n for n in p.names if n and n[0] not in KIND_WORDS]
        kinds, figures, titles = opened.column("section_kinds"), opened.column("figures"), opened.column("page_titles")
        actors = opened.column("actors")
        figure_w, actor_w = weights.get("figure", 1.0), weights.get("actor", 1.0)
        ranked = []
        for d, sc in scores.items():
            k = kinds[d]
            w = weights.get(k, 1.0)
            if figures[d]:
                w *= figure_w
            if actors[d]:
                w *= actor_w
            if asked and k != "glossary" and all(any(c in titles[d] for c in n) for n in asked):
                w *= TITLE_BONUS
            ranked.append((sc * opened.prior(d) * w, d))
        ranked.sort(key=lambda x: (-x[0], x[1]))
        pages = self._pages(opened, ranked)
        results = []
        for score, members in pages[offset : offset + limit]:
            f = searcher.stored_fields(members[0][1])
            folded = []
            for sc, d in members[1 : 1 + FOLD_MAX]:
                g = searcher.stored_fields(d)
                folded.append(Section(id=g["id"], title=g.get("title", ""), url=g.get("url", ""),
                                      snippet=snippet(g.get("ntext", ""), p.marks, 60), score=round(sc, 4)))
            is_page = f.get("part") != "1"
            page_title = f.get("page_title") or f.get("title", "")
            results.append(Result(
                id=f["id"], title=page_title, title_path=f.get("title_path", ""), url=f.get("url", ""),
                snippet=snippet(f.get("ntext", ""), p.marks), text=f.get("text", ""), score=round(score, 4),
                kind=f.get("kind", ""), item_id=f.get("item_id", ""),
                roles=[r for r in (f.get("roles") or "").split(",") if r],
                section="" if is_page else f.get("title", ""), page=opened.page(members[0][1]), sections=folded,
            ))
        message = p.message or ("" if pages else f"没有找到与“{normalize(q)[:40]}”相关的内容")
        return Answer(q, results, message, p.terms, total=len(pages), offset=offset)


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


def run(q: Any, limit: int = 10, kind: str | None = None, role: str | None = None, offset: int = 0) -> Answer:
    return default_searcher().run(q, limit, kind, role, offset)
