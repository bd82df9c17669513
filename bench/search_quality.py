"""Search quality: recall@5 and MRR, overall and by topic, on the development sets
(tests/data/search_dev.yaml and the first held-out set, which has been looked at since) and,
reported apart, the held-out set written and frozen before any measurement
(tests/data/search_holdout_2026.yaml), for all systems in one run, on the same content:

- ours: the whoosh index of search/ (built fresh into a temp folder) — what /api/search and
  `handbook search` both call (search.query.Searcher);
- bigram: a plain baseline, character-bigram BM25 (k1 1.2, b 0.75) over the same sections,
  grouped one result a page as ours;
- header box in Chromium: the built site on a static server, each query typed into the
  header's search box in headless Chromium, the result list read as shown (our worker over
  search-index.js; under `handbook serve` it asks /api/search and so answers as ours).

A result is one page (its best section as the anchor). A query scores a hit at k if one of the
first k results answers it; MRR is the mean of 1/rank of the first that does (0 past rank 10).
Section level: the result's anchor is a listed answer, or its page as a whole is listed; page
level: its page holds a listed answer.

    python bench/search_quality.py                       # builds the site into /tmp
    python bench/search_quality.py --site site/          # a site already built
    python bench/search_quality.py --no-browser --misses --holdout ''   # while tuning
    python bench/search_quality.py --holdout-misses      # once, after tuning: what still misses
    python bench/search_quality.py --each --dev tests/data/search_dev.yaml tests/data/search_holdout.yaml \
        tests/data/search_holdout_2026.yaml --holdout ''  # every development file, apart and together
"""

from __future__ import annotations

import argparse
import contextlib
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
# this checkout's builder and search (and so its content/), before any installed copy: run as a
# script, the venv's editable install of another checkout would come first
sys.path.insert(0, str(ROOT))

from builder.core.formspec import load_specs  # noqa: E402

DEV = ROOT / "tests" / "data" / "search_dev.yaml"
#: the first held-out set: looked at while tuning since, so counted as development now
OLD_HOLDOUT = ROOT / "tests" / "data" / "search_holdout.yaml"
#: written and frozen before any measurement (issue 12); never tuned on
HOLDOUT = ROOT / "tests" / "data" / "search_holdout_2026.yaml"
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
        self.meta = build_index(content, tmp / "index", load_specs(forms_dir)[0])
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


# --- the site's header box, typed into in Chromium ------------------------------------------
def href_to_id(href: str, base: str, anchors: dict[str, set[str]]) -> str:
    """A result link of the box (…/procedures/x/?h=#step-2) as our ids: item or item#anchor."""
    from urllib.parse import unquote

    loc = unquote(href.replace(base, ""))
    path, _, anchor = loc.partition("#")
    path = path.split("?", 1)[0]
    bits = [b for b in path.split("/") if b and b not in (".", "..")]
    if len(bits) >= 2 and bits[-2] == "forms":
        return f"form:{bits[-1]}"
    if bits and bits[-1] == "glossary" and anchor:
        return f"glossary#{anchor}"
    item = bits[-1] if bits else ""
    if anchor and anchor in anchors.get(item, set()):
        return f"{item}#{anchor}"
    return item


class SiteBrowser:
    """The site's header search box, typed into in headless Chromium (Debian's /usr/bin/chromium)
    with the built site on a static server: our worker ranking over search-index.js, the
    result list read as shown (each item: the page, then its best section). Every query is
    typed once, here."""

    name = "header box in Chromium"

    def __init__(self, site_dir: Path, queries: list[str], anchors: dict[str, set[str]]):
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
        self.empty: list[str] = []
        items = "ol.md-search-result__list > li.md-search-result__item"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync"])
                page = browser.new_page()
                page.goto(base)
                box = "input.md-search__input"
                for q in queries:
                    page.fill(box, "")
                    page.focus(box)
                    page.keyboard.type(q)
                    page.keyboard.press("End")  # the box searches on keyup
                    with contextlib.suppress(Exception):  # no answer in time: read what is shown
                        page.wait_for_function(
                            "([sel, q]) => { const m = document.querySelector('.md-search-result__meta');"
                            " return document.querySelector('input.md-search__input').value === q && m &&"
                            " (document.querySelector(sel) || /没有/.test(m.textContent)); }", arg=[items, q], timeout=10000)
                    page.wait_for_timeout(150)  # the last keystroke's answer, not an earlier one
                    hrefs = page.eval_on_selector_all(items, """els => els.slice(0, 10).map(e => {
                        const a = [...e.querySelectorAll(':scope > a')];
                        return (a[1] || a[0]).href; })""")
                    ids = [href_to_id(h, base, anchors) for h in hrefs]
                    if not ids:
                        self.empty.append(q)
                    self.results[q] = ids
                browser.close()
        finally:
            srv.shutdown()

    def search(self, q: str) -> list[str]:
        return self.results.get(q, [])


def build_site(tmp: Path) -> Path | None:
    out = tmp / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=600)
    if p.returncode != 0 or not (out / "assets" / "handbook" / "search-index.js").exists():
        print(f"site: mkdocs build failed ({p.returncode}): {(p.stderr or p.stdout).strip().splitlines()[-1:]}")
        return None
    return out


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


def report(title: str, queries: list[dict], systems: list, misses_too: bool, list_misses: bool = True,
           held_out: bool = False) -> None:
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
        for sec, _ in results.values():
            r, m = summary([p for p in sec if p["topic"] == t])
            cells.append(f"{r:10.2f} / {m:9.2f}")
        print(f"{t:10} {sum(1 for d in queries if d['topic'] == t):3d} " + " ".join(f"{c:>22}" for c in cells))

    ours = results[systems[0].name][0]
    misses = [p for p in ours if not p["rank"] or p["rank"] > K]
    late = [p for p in ours if p["rank"] and 1 < p["rank"] <= K]
    print(f"\nours: {len(misses)} miss(es) at 5, {len(late)} found at rank 2–5")
    if not list_misses:
        if held_out:
            print("  (held-out misses not listed: run with --holdout-misses once tuning is over)")
        return
    for p in misses:
        print(f"  MISS {p['q']}  want {p['gold']}  got {p['got']}")
    if misses_too:
        for p in late:
            print(f"  rank {p['rank']} {p['q']}  want {p['gold']}  got {p['got'][:p['rank']]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, help="a built site folder (default: build the site into a temp folder)")
    ap.add_argument("--no-browser", action="store_true", help="skip the header box in Chromium")
    ap.add_argument("--misses", action="store_true", help="also list the queries answered at rank 2-5")
    ap.add_argument("--dev", type=Path, nargs="*", default=[DEV, OLD_HOLDOUT], help="the development sets")
    ap.add_argument("--holdout", type=Path, default=HOLDOUT, help="the held-out set (reported apart; '' for none)")
    ap.add_argument("--holdout-misses", action="store_true", help="list the held-out set's misses (not while tuning)")
    ap.add_argument("--each", action="store_true", help="also report each development file on its own")
    args = ap.parse_args()

    from builder.core.load import load_content
    from builder.core.paths import CONTENT_DIR, FORMS_DIR
    from search.documents import all_docs

    dev: list[dict] = []
    for path in args.dev:
        dev += load_dev(path)
    sets = [(f"development ({' + '.join(p.name for p in args.dev)})", dev)]
    if args.each and len(args.dev) > 1:
        sets += [(f"development {p.name}", load_dev(p)) for p in args.dev]
    if args.holdout and args.holdout.is_file():
        sets.append((f"held-out {args.holdout.name} (not used for tuning)", load_dev(args.holdout)))
    content, problems = load_content(CONTENT_DIR)
    docs = all_docs(content, load_specs(FORMS_DIR)[0])
    known = {d.id for d in docs}
    print(f"content: {len(content.items)} items ({len(problems)} problem(s) skipped), {len(docs)} sections")
    for title, qs in sets:
        unknown = sorted({i for d in qs for i in d["ids"] if i not in known})
        if unknown:
            print(f"note: {title}: {len(unknown)} answer id(s) are not searchable sections (an outline, a gap, "
                  f"or not in the content): {', '.join(unknown)}")

    anchors: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        if "#" in d.id:
            item, a = d.id.split("#", 1)
            anchors[item].add(a)

    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        tmp = Path(tmp)
        systems = [Ours(content, FORMS_DIR, tmp), Bigram(docs)]
        box = None
        if not args.no_browser and Path("/usr/bin/chromium").exists():
            site = args.site or build_site(tmp)
            if site is not None:
                every = list(dict.fromkeys(d["q"] for _, qs in sets for d in qs))
                box = SiteBrowser(site, every, anchors)
                systems.append(box)
        for n, (title, qs) in enumerate(sets):
            held_out = title.startswith("held-out")
            report(title, qs, systems, args.misses and n == 0,
                   list_misses=n == 0 or (held_out and args.holdout_misses), held_out=held_out)
            if box is not None:
                empty = [d["q"] for d in qs if d["q"] in box.empty]
                print(f"header box: {len(qs) - len(empty)}/{len(qs)} queries answered with at least one result"
                      + (f"; none for: {', '.join(empty)}" if empty else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
