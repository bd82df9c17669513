"""Build the whoosh index from the typed model, atomically, and open it safely.

Layout, next to the target (default ``build/index``)::

    build/index            -> .index-<generation>   (a symlink, swapped with os.replace)
    build/.index-<gen>/    one complete index: whoosh files + vocab.marshal + meta.json
    build/.index.lock      one writer at a time (flock)

A build writes a fresh ``.index-tmp-*`` directory, checks that it opens and answers, renames
it to a generation and swaps the symlink in one ``os.replace``. A crash before the swap leaves
the last good index in place (the temp directory is removed, or swept by the next build). The
previous generation is kept for readers still holding it; older ones are pruned.
"""

from __future__ import annotations

import errno
import json
import marshal
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from search.analyzer import _HAN_RE, Vocabulary, normalize, synonym_map, tokenize

#: Bump when the schema, the analyzer or the stored files change: an older index is rebuilt.
INDEX_VERSION = 9
VOCAB_FILE = "vocab.marshal"
META_FILE = "meta.json"
#: Extra domain words and staff-speak synonym groups kept by search (besides content/dictionary.yaml).
EXTRA_FILE = Path(__file__).resolve().parent / "synonyms.txt"


class IndexError_(Exception):
    """The index cannot be built or opened; the message says why and what to do."""


class IndexBusy(IndexError_):
    """Another process is writing the index."""


def default_dir() -> Path:
    from builder.core.paths import BUILD_DIR

    return BUILD_DIR / "index"


# --- vocabulary and synonyms -------------------------------------------------------
def extra_lexicon(path: Path = EXTRA_FILE) -> tuple[list[str], list[list[str]]]:
    """search/synonyms.txt: one synonym group a line (words separated by spaces or commas);
    a line of one word is a domain word. ``#`` starts a comment."""
    words: list[str] = []
    groups: list[list[str]] = []
    if not path.exists():
        return words, groups
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        ws = [w for w in line.replace(",", " ").replace("，", " ").split() if w]
        if len(ws) == 1:
            words.append(ws[0])
        else:
            groups.append(ws)
    return words, groups


def lexicon(dictionary: Any, glossary: Any = None) -> tuple[list[str], list[list[str]]]:
    """Domain words and synonym groups: content/dictionary.yaml, the glossary's terms with
    their synonyms, then search/synonyms.txt."""
    words = list(getattr(dictionary, "words", []) or [])
    groups = [list(g) for g in (getattr(dictionary, "synonyms", []) or [])]
    for term in getattr(glossary, "terms", []) or []:
        words.append(term.term)
        if term.synonyms:
            groups.append([term.term, *term.synonyms])
    ew, eg = extra_lexicon()
    situ = situations(dictionary)
    words += [w for word, means in situ.items() for w in [word, *means]]
    return words + ew, groups + eg


def situations(dictionary: Any) -> dict[str, list[str]]:
    """content/dictionary.yaml's situations: an everyday word → the manuals' words it points
    to, normalised and lowercased. One way: the query's word also searches them (as a synonym
    would), a query with the manuals' word does not search the everyday one."""
    out: dict[str, list[str]] = {}
    for word, means in (getattr(dictionary, "situations", None) or {}).items():
        w = normalize(word).lower()
        if w:
            out.setdefault(w, [])
            out[w] += [m for m in (normalize(x).lower() for x in means) if m and m != w and m not in out[w]]
    return out


DOMAIN_FREQ = 2000
#: BM25 for the sections: they are short and their lengths vary less than web pages'.
BM25_B = 0.75
BM25_K1 = 1.2


def full_vocabulary(words: list[str], groups: list[list[str]]) -> Vocabulary:
    """jieba's whole dictionary (from its cache in .cache/) plus our words."""
    from search.segment import segmenter

    tk = segmenter()
    vocab = Vocabulary(dict(tk.FREQ), tk.total)
    for w in list(words) + [w for g in groups for w in g]:
        w = normalize(w).lower()
        if _HAN_RE.fullmatch(w) and len(w) > 1:
            vocab.add(w, max(vocab.freq.get(w, 0), DOMAIN_FREQ))
    return vocab


def sub_vocabulary(full: Vocabulary, texts: list[str], keep: list[str]) -> Vocabulary:
    """The part of ``full`` that the texts use (every word their DAG can take), with prefixes,
    and the total of ``full`` so that words are cut exactly as with the full table."""
    freq: dict[str, int] = {}
    seen_runs: set[str] = set()

    def take(w: str) -> None:
        f = full.freq.get(w)
        if f:
            freq[w] = f
            for i in range(1, len(w)):
                freq.setdefault(w[:i], 0)

    for text in texts:
        for m in _HAN_RE.finditer(normalize(text).lower()):
            run = m.group()
            if run in seen_runs:
                continue
            seen_runs.add(run)
            for w in full.words_in(run):
                take(w)
    for w in keep:
        w = normalize(w).lower()
        for m in _HAN_RE.finditer(w):
            for x in full.words_in(m.group()):
                take(x)
    return Vocabulary(freq, full.total)


# --- schema ------------------------------------------------------------------------
TEXT_FIELDS = ("body",)


def schema(vocab: Vocabulary | None = None):
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    from search.whoosh_analysis import GramTokenizer, handbook_analyzer

    ana = handbook_analyzer(vocab)
    return Schema(
        id=ID(stored=True, unique=True),
        item_id=ID(stored=True),
        kind=ID(stored=True),
        roles=KEYWORD(stored=True, commas=True),
        part=ID(stored=True),
        # title, heading, keywords and text in one field, each part with its weight
        body=TEXT(analyzer=ana, phrase=False),
        grams=TEXT(analyzer=GramTokenizer(), phrase=False),
        title=STORED,
        page_title=STORED,
        heading=STORED,
        text=STORED,
        prior=STORED,
        title_path=STORED,
        url=STORED,
        ntext=STORED,
    )


# --- building ----------------------------------------------------------------------
@contextmanager
def writer_lock(parent: Path, timeout: float = 120.0) -> Iterator[None]:
    """One writer at a time: an exclusive flock on ``<parent>/.index.lock``."""
    import fcntl

    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent / ".index.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"another process is building the index in {parent} (lock {parent / '.index.lock'})") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write_docs(tmp: Path, docs: list, vocab_full: Vocabulary) -> None:
    from whoosh.index import create_in

    from search.whoosh_analysis import sections

    ix = create_in(str(tmp), schema(vocab_full))
    w = ix.writer(limitmb=256)
    try:
        for d in docs:
            w.add_document(
                id=d.id,
                item_id=d.item_id,
                kind=d.kind,
                roles=",".join(d.roles),
                part="1" if d.is_part else "0",
                body=sections(d.title, d.heading, d.keywords, d.text),
                grams=sections(d.title, d.heading, d.keywords, d.text),
                title=d.title,
                page_title=d.page_title,
                heading=d.heading,
                text=d.text,
                prior=d.prior,
                title_path=d.title_path,
                url=d.url,
                ntext=normalize(d.text),
            )
        w.commit()
    except BaseException:
        w.cancel()
        raise
    finally:
        ix.close()


def build_index(content: Any, out_dir: Path | str | None = None, specs: Mapping[str, Any] | None = None,
                *, lock_timeout: float = 120.0) -> dict[str, Any]:
    """Index ``content`` (a builder.core.load.Content) and the form ``specs`` into ``out_dir``, atomically.

    Returns the build's meta data (documents, timings). Raises IndexBusy if another writer
    holds the lock past ``lock_timeout``; any other failure leaves the previous index."""
    from search.documents import all_docs

    out = Path(out_dir) if out_dir is not None else default_dir()
    out = out.absolute()
    parent = out.parent
    t0 = time.perf_counter()
    docs = all_docs(content, specs)
    words, groups = lexicon(content.dictionary, getattr(content, "glossary", None))
    full = full_vocabulary(words, groups)
    with writer_lock(parent, lock_timeout):
        _sweep(parent, out)
        tmp = Path(tempfile.mkdtemp(prefix=".index-tmp-", dir=parent))
        try:
            os.chmod(tmp, 0o755)  # mkdtemp makes it private; the web app may run as another user
            _write_docs(tmp, docs, full)
            homophones = _homophones(tmp)
            texts = [t for d in docs for t in (d.title, d.heading, d.keywords, d.text)]
            keep = words + [w for g in groups for w in g]
            sub = sub_vocabulary(full, texts, keep)
            syn = synonym_map(groups)
            # the names a page's title may give a query's word (the title bonus): the same thing
            # in other words (dictionary.yaml's and synonyms.txt's groups, the situations), not
            # the glossary's looser associations (客户 for 业主, 客户诉求 for 投诉)
            title_names = synonym_map(list(getattr(content.dictionary, "synonyms", []) or []) + extra_lexicon()[1])
            for word, means in situations(content.dictionary).items():
                syn[word] = list(dict.fromkeys(syn.get(word, []) + means))
                title_names[word] = list(dict.fromkeys(title_names.get(word, []) + means))
            # a synonym that is several words is searched as those words
            syn_terms = {w: [[t.text for t in tokenize(o, sub, search=False)] for o in others]
                         for w, others in syn.items()}
            (tmp / VOCAB_FILE).write_bytes(marshal.dumps((sub.freq, sub.total)))
            meta = {
                "version": INDEX_VERSION,
                "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "documents": len(docs),
                "kinds": sorted({d.kind for d in docs}),
                "roles": sorted({r for d in docs for r in d.roles}),
                "synonyms": syn_terms,
                "title_names": title_names,
                "priors": [d.prior for d in docs],
                # per section, in the order added (= docnum): its page, kind, whether it states a figure
                "pages": [d.page for d in docs],
                "section_kinds": [d.kind for d in docs],
                "figures": [1 if d.figure else 0 for d in docs],
                "actors": [1 if d.actor else 0 for d in docs],
                "page_titles": [normalize(d.page_title).lower() for d in docs],
                "ids": [d.id for d in docs],
                "homophones": homophones,
            }
            (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            _verify(tmp, len(docs))
            gen = parent / f".index-{time.time_ns():020d}-{os.getpid()}"
            os.rename(tmp, gen)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _swap(out, gen)
        _prune(parent, out)
    meta["seconds"] = round(time.perf_counter() - t0, 3)
    meta["path"] = str(out)
    return meta


def _homophones(path: Path) -> dict[str, Any]:
    """Fuzzy pinyin of the common characters and the index's words by sound (search.homophones)."""
    from whoosh.index import open_dir

    from search.homophones import char_keys, words_by_key

    ix = open_dir(str(path))
    try:
        with ix.reader() as r:
            words = [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in r.lexicon("body")]
    finally:
        ix.close()
    keys = char_keys()
    return {"chars": keys, "words": words_by_key((w for w in words if _HAN_RE.fullmatch(w)), keys)}


def _verify(path: Path, expected: int) -> None:
    from whoosh.index import open_dir

    ix = open_dir(str(path))
    try:
        n = ix.doc_count()
    finally:
        ix.close()
    if n != expected:
        raise IndexError_(f"the new index holds {n} documents, expected {expected}")


def _swap(out: Path, gen: Path) -> None:
    link = out.parent / f".index-link-{os.getpid()}-{time.monotonic_ns()}"
    os.symlink(gen.name, link)
    if out.exists() and not out.is_symlink():
        # an index from before the symlink layout: move it aside, it is pruned below
        os.rename(out, out.parent / f".index-old-{time.monotonic_ns()}")
    os.replace(link, out)


_GEN_RE = re.compile(r"^\.index-\d{20}-")


def _generations(parent: Path) -> list[Path]:
    """Complete generations, oldest first (their names start with a nanosecond clock)."""
    return sorted(p for p in parent.glob(".index-*") if _GEN_RE.match(p.name) and p.is_dir() and not p.is_symlink())


def _sweep(parent: Path, out: Path) -> None:
    """Under the lock: temp directories and links left by a crashed build are garbage."""
    for p in parent.glob(".index-tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in parent.glob(".index-link-*"):
        if p.is_symlink():
            p.unlink(missing_ok=True)


def _prune(parent: Path, out: Path, keep: int = 2) -> None:
    """Keep the current generation and the one before it (a reader may still hold it)."""
    current = Path(os.path.realpath(out))
    gens = [g for g in _generations(parent) if g != current]
    for g in gens[: max(0, len(gens) - (keep - 1))]:
        shutil.rmtree(g, ignore_errors=True)
    for p in parent.glob(".index-old-*"):
        if p.is_dir() and not p.is_symlink() and p != current:
            shutil.rmtree(p, ignore_errors=True)


# --- opening -----------------------------------------------------------------------
class Opened:
    """An opened generation of the index: whoosh index, vocabulary, meta."""

    def __init__(self, path: Path):
        from whoosh.index import open_dir

        self.path = path
        meta_path = path / META_FILE
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise IndexError_(f"index at {path} has no readable {META_FILE}: {e}") from e
        if self.meta.get("version") != INDEX_VERSION:
            raise IndexError_(f"index at {path} is version {self.meta.get('version')}, this code reads {INDEX_VERSION}")
        try:
            freq, total = marshal.loads((path / VOCAB_FILE).read_bytes())
        except (OSError, ValueError, EOFError, TypeError) as e:
            raise IndexError_(f"index at {path} has no readable {VOCAB_FILE}: {e}") from e
        self.vocab = Vocabulary(freq, total)
        self.synonyms: dict[str, list[list[str]]] = self.meta.get("synonyms", {})
        self.title_names: dict[str, list[str]] = self.meta.get("title_names", {})
        homophones = self.meta.get("homophones") or {}
        self.sound_of: dict[str, str] = homophones.get("chars", {})
        self.sounds_like: dict[str, list[str]] = homophones.get("words", {})
        try:
            self.ix = open_dir(str(path))
            for name in TEXT_FIELDS:
                self.ix.schema[name].analyzer.bind(self.vocab)
            from whoosh.scoring import BM25F

            self.searcher = self.ix.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1))
        except Exception as e:  # whoosh raises many kinds for a damaged index
            raise IndexError_(f"index at {path} cannot be opened: {type(e).__name__}: {e}") from e
        if self.searcher.doc_count() != self.meta.get("documents"):
            raise IndexError_(f"index at {path} holds {self.searcher.doc_count()} documents, its meta says {self.meta.get('documents')}")

        self._priors: list[float] | None = None
        self._ids: dict[str, int] | None = None
        self._lengths: dict[str, list[int]] = {}
        self._columns: dict[str, list] = {}
        self.postings_cache: dict[tuple[str, str], list[tuple[int, float]]] = {}

    def prior(self, docnum: int) -> float:
        """The section's score multiplier (search.documents.Doc.prior), read once for all."""
        if self._priors is None:
            n = self.searcher.doc_count_all()
            stored = self.meta.get("priors")
            if isinstance(stored, list) and len(stored) == n:  # one segment: docnum = order added
                self._priors = [float(x) for x in stored]
            else:
                self._priors = [float(self.searcher.stored_fields(i).get("prior") or 1.0) for i in range(n)]
        return self._priors[docnum] if docnum < len(self._priors) else 1.0

    def column(self, key: str) -> list:
        """A per-section list of the meta (pages, section_kinds, figures, page_titles), checked once."""
        return self._column(key)

    def _column(self, key: str) -> list:
        col = self._columns.get(key)
        if col is None:
            col = self.meta.get(key)
            if not isinstance(col, list) or len(col) != self.searcher.doc_count_all():
                raise IndexError_(f"index at {self.path} has no '{key}' for every section: run `handbook index`")
            self._columns[key] = col
        return col

    def page(self, docnum: int) -> str:
        """The page a section is on (an item id, form:<id>, glossary)."""
        return str(self._column("pages")[docnum])

    def kind(self, docnum: int) -> str:
        return str(self._column("section_kinds")[docnum])

    def page_title(self, docnum: int) -> str:
        """The page's title, normalised and lowercased (for the title bonus)."""
        return str(self._column("page_titles")[docnum])

    def figure(self, docnum: int) -> bool:
        return bool(self._column("figures")[docnum])

    def actor(self, docnum: int) -> bool:
        """Whether the section names who does it (a step's 办理人)."""
        return bool(self._column("actors")[docnum])

    def field_lengths(self, field: str) -> list[int]:
        """Every section's length in ``field`` (as whoosh stores it), read once."""
        cached = self._lengths.get(field)
        if cached is None:
            r = self.searcher.reader()
            cached = [r.doc_field_length(i, field, 0) for i in range(self.searcher.doc_count_all())]
            self._lengths[field] = cached
        return cached

    def avg_length(self, field: str) -> float:
        return self.searcher.avg_field_length(field) or 1.0

    def docnum(self, doc_id: str) -> int | None:
        """The document number of a section id (an item's own page: its item id)."""
        if self._ids is None:
            self._ids = {}
            stored = self.meta.get("ids")
            if isinstance(stored, list) and len(stored) == self.searcher.doc_count_all():
                self._ids = {x: i for i, x in enumerate(stored)}
            else:
                self._ids = {self.searcher.stored_fields(i)["id"]: i for i in range(self.searcher.doc_count_all())}
        return self._ids.get(doc_id)

    def close(self) -> None:
        try:
            self.searcher.close()
        finally:
            self.ix.close()


def resolve(out: Path) -> Path:
    return Path(os.path.realpath(out))


def open_index(out_dir: Path | str | None = None) -> Opened:
    out = Path(out_dir) if out_dir is not None else default_dir()
    if not out.exists():
        raise IndexError_(f"no index at {out}: run `handbook index`")
    return Opened(resolve(out))


def build_from_files(content_dir: Path | str | None = None, forms_dir: Path | str | None = None,
                     out_dir: Path | str | None = None) -> dict[str, Any]:
    """Load content/ (and forms/) and build the index: what ``handbook index`` runs."""
    from builder.core.paths import CONTENT_DIR, FORMS_DIR
    from builder.core.project import load_project

    content_dir = Path(content_dir) if content_dir else CONTENT_DIR
    project = load_project(content_dir, Path(forms_dir) if forms_dir else FORMS_DIR)
    problems = project.problems
    if not project.content.items:
        raise IndexError_(f"no valid items in {content_dir}" + (f" ({len(problems)} problem(s): run `handbook check`)" if problems else ""))
    meta = build_index(project.content, out_dir, project.specs)
    meta["content_problems"] = len(problems)
    return meta
