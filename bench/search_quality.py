"""Search quality on the development set (tests/data/search_dev.yaml): recall@5 and MRR,
overall and by topic, for three systems on the same queries and the same content:

- ours: the whoosh index of search/ (built fresh into a temp folder);
- bigram: a plain baseline, character-bigram BM25 (k1 1.2, b 0.75) over the same sections;
- site, replayed: mkdocs-material's built-in search, run in Python the way its browser worker
  runs it (search/_/index.ts of material 9.8: Han runs of the query cut into the index's own
  words by its `segment`, every term a trailing wildcard, lunr BM25 with b = 0, title boost
  1000, the `1 + boost²` re-weighting, results grouped by page) over search_index.json;
- site in Chromium: the same site served locally, each query typed into its search box in
  headless Chromium, the result list read as shown (the real thing; the replay is a check).

A result is one page (its best section as the anchor; the bigram baseline is grouped the same
way). A query scores a hit at k if one of the first k results answers it; MRR is the mean of
1/rank of the first that does (0 past rank 10). Section level: the result's anchor is a listed
answer, or its page as a whole is listed; page level: its page holds a listed answer.

    .venv/bin/python bench/search_quality.py                   # builds the site into /tmp
    .venv/bin/python bench/search_quality.py --site-index site/search/search_index.json
    .venv/bin/python bench/search_quality.py --no-site --misses   # ours and the baseline only
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = ROOT / "tests" / "data" / "search_dev.yaml"
HOLDOUT = ROOT / "tests" / "data" / "search_holdout.yaml"
K = 5
DEPTH = 10


def load_dev(path: Path = DEV) -> list[dict]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [{"q": str(d["q"]), "ids": [str(i) for i in d["ids"]], "topic": str(d.get("topic", "其他"))} for d in data]


def page_of(doc_id: str) -> str:
    return doc_id.split("#", 1)[0]


# --- ours ------------------------------------------------------------------------
class Ours:
    name = "ours (whoosh+jieba)"

    def __init__(self, content, forms_dir: Path, tmp: Path):
        from search.index import build_index
        from search.query import Searcher

        t = time.perf_counter()
        self.meta = build_index(content, tmp / "index", forms_dir)
        self.build_seconds = time.perf_counter() - t
        self.searcher = Searcher(tmp / "index", rebuild=False)

    def search(self, q: str) -> list[str]:
        return [r.id for r in self.searcher.search(q, limit=DEPTH)]


# --- baseline: character bigrams ------------------------------------------------------
class Bigram:
    name = "bigram BM25"

    def __init__(self, docs):
        from search.analyzer import normalize

        self.norm = normalize
        self.ids = [d.id for d in docs]
        self.tfs = []
        df: Counter = Counter()
        for d in docs:
            toks = self.tokens(" ".join([d.title, d.heading, d.text]))
            tf = Counter(toks)
            self.tfs.append((tf, len(toks)))
            df.update(tf.keys())
        self.n = len(docs)
        self.avg = sum(n for _, n in self.tfs) / max(1, self.n)
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def tokens(self, text: str) -> list[str]:
        s = self.norm(text).lower()
        out = []
        for m in re.finditer(r"[\u3400-\u9fff]+|[0-9a-z]+", s):
            w = m.group()
            if w[0].isascii() or len(w) == 1:
                out.append(w)
            else:
                out += [w[i : i + 2] for i in range(len(w) - 1)]
        return out

    def search(self, q: str) -> list[str]:
        qt = set(self.tokens(q))
        scores = []
        for i, (tf, n) in enumerate(self.tfs):
            s = 0.0
            for t in qt:
                f = tf.get(t)
                if f:
                    s += self.idf[t] * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * n / self.avg))
            if s > 0:
                scores.append((s, i))
        scores.sort(reverse=True)
        # one result a page, as ours: the page's best section
        best: dict[str, str] = {}
        for _, i in scores:
            best.setdefault(page_of(self.ids[i]), self.ids[i])
        return list(best.values())[:DEPTH]


# --- the site's own search (lunr in the browser, replayed) ------------------------------
class Site:
    name = "site, replayed in Python"

    def __init__(self, index_path: Path, anchors: dict[str, set[str]]):
        data = json.loads(index_path.read_text(encoding="utf-8"))
        cfg = data["config"]
        self.sep = re.compile(cfg.get("separator") or r"[\s\-]+")
        fields = cfg.get("fields") or {"title": {"boost": 1e3}, "text": {"boost": 1}, "tags": {"boost": 1e6}}
        self.boosts = {f: float(spec.get("boost", 1)) for f, spec in fields.items()}
        self.anchors = anchors
        self.docs = []
        postings: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(Counter))
        lengths: dict[str, list[int]] = defaultdict(list)
        for i, d in enumerate(data["docs"]):
            loc = d["location"]
            self.docs.append({"location": loc, "parent": "#" in loc, "page": loc.split("#", 1)[0]})
            for f in self.boosts:
                value = d.get(f)
                if value is None:
                    lengths[f].append(0)
                    continue
                if isinstance(value, list):
                    value = " ".join(value)
                toks = self.tokenize(value)
                lengths[f].append(len(toks))
                for t in toks:
                    postings[t][i][f] += 1
        self.postings = postings
        self.terms_sorted = sorted(postings)
        n = len(self.docs)
        self.idf = {t: math.log(1 + abs((n - len(p) + 0.5) / (len(p) + 0.5))) for t, p in postings.items()}
        # lunr field vectors: idf * (k1 + 1) * tf / (k1 + tf) (b = 0), times the field boost, rounded
        self.vec: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
        for t, p in postings.items():
            for i, per in p.items():
                for f, tf in per.items():
                    w = self.idf[t] * 2.2 * tf / (1.2 + tf) * self.boosts[f]
                    self.vec[(i, f)][t] = round(w * 1000) / 1000

    def tokenize(self, text: str) -> list[str]:
        text = re.sub(r"<[^>]+>", " ", text)
        return [t.lower() for t in self.sep.split(text) if t]

    def segment(self, query: str) -> list[str]:
        """material's query/segment/index.ts, over the inverted index's terms."""
        index = self.postings
        n = len(query)
        wordcuts = [0] * n
        for i in range(n):
            for j in range(i + 1, n):
                if query[i:j] in index:
                    wordcuts[i] = j - i
        segments: dict[str, None] = {}
        stack = [0]
        while stack:
            p = stack.pop()
            for q in range(1, wordcuts[p]):
                if p + q < n and wordcuts[p + q] > wordcuts[p] - q:
                    segments.setdefault(query[p : p + q])
                    stack.append(p + q)
            q = p + wordcuts[p]
            if q < n and wordcuts[q] and q < n - 1:
                stack.append(q)
            segments.setdefault(query[p:q])
        if "" in segments:
            return [query]
        return list(segments)

    def expand(self, prefix: str) -> list[str]:
        import bisect

        i = bisect.bisect_left(self.terms_sorted, prefix)
        out = []
        while i < len(self.terms_sorted) and self.terms_sorted[i].startswith(prefix):
            out.append(self.terms_sorted[i])
            i += 1
        return out

    def search(self, q: str) -> list[str]:
        q = re.sub(r"[\u3400-\u9fff]+", lambda m: "* ".join(self.segment(m.group())), q.strip())
        # transform: drop quotes and lone operators, every term a trailing wildcard
        q = re.sub(r'"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)', "", q)
        clauses = [t.rstrip("*").lower() for t in q.split() if t.rstrip("*")]
        clauses = [c for c in dict.fromkeys(clauses) if not re.fullmatch(r"[*+\-:^~]+", c)]
        if not clauses:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, set[str]] = defaultdict(set)
        for f in self.boosts:
            qvec: dict[str, float] = {}
            owner: dict[str, str] = {}
            for c in clauses:
                for t in self.expand(c):
                    qvec[t] = qvec.get(t, 0) + 1.0
                    owner[t] = c
            mag = math.sqrt(sum(v * v for v in qvec.values())) or 1.0
            for t, qw in qvec.items():
                for i in self.postings[t]:
                    w = self.vec[(i, f)].get(t)
                    if w:
                        scores[i] += qw * w / mag
                        matched[i].add(owner[t])
        items = []
        for i, s in scores.items():
            boost = (0 if self.docs[i]["parent"] else 1) + len(matched[i]) / len(clauses)
            items.append((s * (1 + boost**2), i))
        items.sort(reverse=True)
        groups: dict[str, list[int]] = {}
        for _, i in items:
            groups.setdefault(self.docs[i]["page"], []).append(i)
        out: list[str] = []
        for page, members in groups.items():
            for i in members:
                out.append(self.to_id(self.docs[i]["location"]))
            if not any(self.docs[i]["location"] == page for i in members):
                out.append(self.to_id(page))
        return list(dict.fromkeys(out))[:DEPTH]

    def to_id(self, location: str) -> str:
        """A site location (procedures/x/#step-2) as our ids: item or item#part anchor."""
        path, _, anchor = location.partition("#")
        bits = [b for b in path.split("/") if b]
        item = bits[-1] if bits else ""
        if bits == ["forms"] and anchor:
            return f"form:{anchor}"  # the site lists forms on one page, an anchor each
        if anchor and anchor in self.anchors.get(item, set()):
            return f"{item}#{anchor}"
        return item


class SiteBrowser:
    """The site's own search box, typed into in headless Chromium (Debian's /usr/bin/chromium):
    the real worker, the real lunr, the results list as shown. Every query is run once, here."""

    name = "site in Chromium (real)"

    def __init__(self, site_dir: Path, queries: list[str], replay: Site):
        import http.server
        import threading

        from playwright.sync_api import sync_playwright

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=str(site_dir), **k)

            def log_message(self, *a):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_address[1]}/"
        self.results: dict[str, list[str]] = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync"])
                page = browser.new_page()
                page.goto(base)
                box = "input.md-search__input"
                page.focus(box)
                page.wait_for_function(
                    "() => { const m = document.querySelector('.md-search-result__meta');"
                    " return m && !m.textContent.includes('初始化'); }", timeout=180000)
                for q in queries:
                    page.fill(box, "")
                    page.type(box, q)
                    # Chinese is inserted as text, without key events; the box searches on keyup
                    page.keyboard.press("End")
                    page.wait_for_timeout(1200)
                    hrefs = page.eval_on_selector_all(
                        "ol.md-search-result__list > li a.md-search-result__link",
                        "els => els.map(e => e.getAttribute('href'))")
                    ids = []
                    for h in hrefs:
                        loc = h.replace(base, "")
                        path, _, anchor = loc.partition("#")
                        path = path.split("?", 1)[0].lstrip("./")
                        ids.append(replay.to_id(path + ("#" + anchor if anchor else "")))
                    self.results[q] = list(dict.fromkeys(ids))[:DEPTH]
                browser.close()
        finally:
            srv.shutdown()

    def search(self, q: str) -> list[str]:
        return self.results.get(q, [])


def build_site(tmp: Path) -> Path | None:
    out = tmp / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    p = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "-q", "-d", str(out)], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=600)
    idx = out / "search" / "search_index.json"
    if p.returncode != 0 or not idx.exists():
        print(f"site: mkdocs build failed ({p.returncode}): {(p.stderr or p.stdout).strip().splitlines()[-1:]}")
        return None
    return idx


# --- scoring ---------------------------------------------------------------------------
def score(system, dev: list[dict], page_level: bool) -> dict:
    per = []
    for d in dev:
        got = system.search(d["q"])
        gold = set(d["ids"])
        if page_level:
            got = list(dict.fromkeys(page_of(g) for g in got))
            gold = {page_of(g) for g in gold}
        # a result is one page: it answers where its anchor is a listed answer, or the page as a
        # whole is listed (section level); where its page holds a listed answer (page level)
        rank = next((i + 1 for i, g in enumerate(got[:DEPTH]) if g in gold or (not page_level and page_of(g) in gold)), None)
        per.append({"q": d["q"], "topic": d["topic"], "rank": rank, "got": got[:K], "gold": sorted(gold)})
    return {"per": per}


def summary(per: list[dict]) -> tuple[float, float]:
    if not per:
        return 0.0, 0.0
    hit = sum(1 for p in per if p["rank"] and p["rank"] <= K) / len(per)
    mrr = sum(1 / p["rank"] for p in per if p["rank"]) / len(per)
    return hit, mrr


def report(title: str, queries: list[dict], systems: list, misses_too: bool) -> None:
    results = {s.name: (score(s, queries, False)["per"], score(s, queries, True)["per"]) for s in systems}
    print(f"\n== {title}: {len(queries)} queries, {len({d['topic'] for d in queries})} topics")
    print(f"{'system':30} {'recall@5':>9} {'MRR':>6} {'page recall@5':>14} {'page MRR':>9}")
    for name, (sec, page) in results.items():
        r, m = summary(sec)
        pr, pm = summary(page)
        print(f"{name:30} {r:9.3f} {m:6.3f} {pr:14.3f} {pm:9.3f}")

    topics = sorted({d["topic"] for d in queries})
    print("\nby topic (section level) — recall@5 / MRR")
    print(f"{'topic':10} {'n':>3} " + " ".join(f"{name[:22]:>22}" for name in results))
    for t in topics:
        cells = []
        for name, (sec, _) in results.items():
            r, m = summary([p for p in sec if p["topic"] == t])
            cells.append(f"{r:10.2f} / {m:9.2f}")
        print(f"{t:10} {sum(1 for d in queries if d['topic'] == t):3d} " + " ".join(f"{c:>22}" for c in cells))

    ours = results[systems[0].name][0]
    misses = [p for p in ours if not p["rank"] or p["rank"] > K]
    late = [p for p in ours if p["rank"] and 1 < p["rank"] <= K]
    print(f"\nours: {len(misses)} miss(es) at 5, {len(late)} found at rank 2–5")
    for p in misses:
        print(f"  MISS {p['q']}  want {p['gold']}  got {p['got']}")
    if misses_too:
        for p in late:
            print(f"  rank {p['rank']} {p['q']}  want {p['gold']}  got {p['got'][:p['rank']]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site-index", type=Path, help="a built site's search/search_index.json (default: build the site)")
    ap.add_argument("--no-site", action="store_true", help="skip the site's search")
    ap.add_argument("--no-browser", action="store_true", help="replay the site's search in Python only, not in Chromium")
    ap.add_argument("--misses", action="store_true", help="also list the queries answered at rank 2-5")
    ap.add_argument("--dev", type=Path, default=DEV, help="the development set")
    ap.add_argument("--holdout", type=Path, default=HOLDOUT, help="the held-out set (reported apart)")
    args = ap.parse_args()

    from builder.core.load import load_content
    from builder.core.paths import CONTENT_DIR, FORMS_DIR
    from search.documents import all_docs

    sets = [("development set", load_dev(args.dev))]
    if args.holdout and args.holdout.exists() and args.holdout != args.dev:
        sets.append(("held-out set (not used for tuning)", load_dev(args.holdout)))
    content, problems = load_content(CONTENT_DIR)
    docs, _ = all_docs(content, FORMS_DIR)
    known = {d.id for d in docs}
    print(f"content: {len(content.items)} items ({len(problems)} problem(s) skipped), {len(docs)} sections")
    for title, qs in sets:
        unknown = sorted({i for d in qs for i in d["ids"] if i not in known})
        if unknown:
            print(f"WARNING: {title}: {len(unknown)} answer id(s) not in the content: {', '.join(unknown)}")

    anchors: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        if "#" in d.id:
            item, a = d.id.split("#", 1)
            anchors[item].add(a)

    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        tmp = Path(tmp)
        systems = [Ours(content, FORMS_DIR, tmp), Bigram(docs)]
        if not args.no_site:
            idx = args.site_index or build_site(tmp)
            if idx and idx.exists():
                replay = Site(idx, anchors)
                systems.append(replay)
                if not args.no_browser and Path("/usr/bin/chromium").exists():
                    every = list(dict.fromkeys(d["q"] for _, qs in sets for d in qs))
                    systems.append(SiteBrowser(idx.parent.parent, every, replay))
            else:
                print("site: no search_index.json, the site's search is not compared")
        for title, qs in sets:
            report(title, qs, systems, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
