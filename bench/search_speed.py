"""Search speed: index build time, warm query latency (p50/p99 over the development set's
queries, each run several times), and the cold start of ``handbook search`` (median of
several fresh subprocesses, the real entry point, the real build/index).

    .venv/bin/python bench/search_speed.py [--runs 7] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# this checkout's builder and search first (run as a script, the venv's editable install of
# another checkout would come first)
sys.path.insert(0, str(ROOT))

from builder.core.formspec import load_specs  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    i = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[i]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7, help="cold CLI runs")
    ap.add_argument("--repeat", type=int, default=20, help="times each dev query is run warm")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from search_quality import DEV, HOLDOUT, OLD_HOLDOUT, load_dev

    from builder.core.load import load_content
    from builder.core.paths import CONTENT_DIR, FORMS_DIR
    from search.index import build_from_files, build_index
    from search.query import Searcher

    # every development query (the three sets; the blind held-out set is not read here)
    queries = list(dict.fromkeys(d["q"] for path in (DEV, OLD_HOLDOUT, HOLDOUT) if path.is_file() for d in load_dev(path)))
    t = time.perf_counter()
    content, _ = load_content(CONTENT_DIR)
    load_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory(prefix="search-speed-") as tmp:
        builds = []
        for _ in range(3):
            t = time.perf_counter()
            meta = build_index(content, Path(tmp) / "index", load_specs(FORMS_DIR)[0])
            builds.append(time.perf_counter() - t)
        s = Searcher(Path(tmp) / "index", rebuild=False)
        s.search("业主")  # open the index
        first = []
        for q in queries:  # each query once, in a fresh searcher: its terms not yet seen
            t = time.perf_counter()
            s.search(q, limit=10)
            first.append((time.perf_counter() - t) * 1000)
        lat = []
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for q in queries:
                t = time.perf_counter()
                s.search(q, limit=10)
                ms = (time.perf_counter() - t) * 1000
                lat.append(ms)
                best[q] = min(best.get(q, ms), ms)
        s.close()
    print(f"content: {len(content.items)} items, {meta['documents']} sections; loading content {load_s:.2f} s")
    print(f"index build (from loaded content, median of 3): {statistics.median(builds):.2f} s  (runs: {', '.join(f'{b:.2f}' for b in builds)})")
    print(f"warm query latency, first time each query is asked ({len(queries)} dev queries, open searcher): "
          f"p50 {pct(first, 50):.2f} ms, p99 {pct(first, 99):.2f} ms, max {max(first):.2f} ms")
    print(f"warm query latency, repeated ({len(queries)} dev queries × {args.repeat}): "
          f"p50 {pct(lat, 50):.2f} ms, p99 {pct(lat, 99):.2f} ms, max {max(lat):.2f} ms")
    # on a shared machine the tail is other processes' time slices: each query's best of the
    # repeats is its own cost (load average printed for the reader to judge)
    print(f"warm query latency, each query's best of {args.repeat}: p50 {pct(list(best.values()), 50):.2f} ms, "
          f"p99 {pct(list(best.values()), 99):.2f} ms, max {max(best.values()):.2f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    # cold start: the installed `handbook` entry point against the real build/index
    meta = build_from_files(out_dir=None)
    exe = ROOT / ".venv" / "bin" / "handbook"
    # the installed entry point where this checkout has its own venv; else what it runs
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "import sys; from builder.cli.main import main; sys.exit(main())"]
    times = []
    for i in range(args.runs):
        q = queries[i % len(queries)]
        t = time.perf_counter()
        p = subprocess.run([*cmd, "search", q, "--limit", "5"], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            print(f"handbook search failed: {p.stderr.strip()}")
            return 1
    print(f"cold `handbook search` (median of {args.runs}): {statistics.median(times):.2f} s  "
          f"(min {min(times):.2f}, max {max(times):.2f}); index {meta['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
