"""The web app under load, on a real waitress server on 127.0.0.1. Prints figures, asserts
nothing.

    .venv/bin/python bench/web_load.py [--tree DIR --old] [--pdfs 50] [--searches 200] [--clients 200]

1. mixed load: 50 PDF submissions (20 clerks at once) and 200 searches (10 readers at once)
   started while the PDFs render: search latency p50/p99/max, and the PDFs' own;
2. 200 keep-alive clients, each holding its connection and asking for a page 5 times
   (``--pause 3 --rounds 3``: idle 3 s between, as browsers hold connections): the slowest
   request, and how many took over 5 s or failed (15 s client timeout);
3. a 100,000-digit meter reading: the time to refuse it, in-process (``check``) and
   through the server (skipped with ``--old``: the old server renders it for > 11 minutes).

``--tree DIR --old`` serves another checkout's code with its own ``serve`` settings
(waitress threads=8, its defaults otherwise) for a "before" figure.

Targets (issue 17): search p99 ≤ 100 ms while PDFs render; no request over 5 s with 200
keep-alive clients; the 100,000-digit number refused in ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUNNER = r"""
import sys
from pathlib import Path
import waitress
from builder.web.app import create_app
site, index, port, old = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "old"
app = create_app(site_dir=Path(site), register=None)
app.config["SEARCH_INDEX_DIR"] = index
if old:
    kw = {"threads": 8}
else:
    from builder.cli.site import SERVER
    kw = SERVER
waitress.serve(app, host="127.0.0.1", port=port, ident="bench", **kw)
"""

SLIP = {
    "room": "3栋2单元1501", "owner_name": "欧阳明", "phone": "13812345678", "report_time": "2026-03-01T09:30",
    "category": "水电", "description": "厨房水龙头漏水", "materials-0-item": "水龙头", "materials-0-qty": "1",
    "materials-0-price": "45.50", "date": "2026-03-01",
}
QUERIES = ["电话响几声", "投诉处理", "装修申请", "钥匙管理", "入伙手续", "报修", "回访", "业主", "防火", "礼仪"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            conn: http.client.HTTPConnection | None = None, timeout: float = 120) -> tuple[int, float, int]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, time.perf_counter() - start, len(data)
    finally:
        if own:
            conn.close()


def post_slip(port: int) -> tuple[int, float, int]:
    body = urllib.parse.urlencode({**SLIP, "_format": "pdf"}).encode()
    return request(port, "POST", "/forms/yezhu-baoxiu-dan", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"})


def search(port: int, q: str) -> tuple[int, float, int]:
    return request(port, "GET", "/api/search?q=" + urllib.parse.quote(q))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def mixed(port: int, pdfs: int, searches: int) -> None:
    post_slip(port)  # warm: fonts, the render worker
    search(port, "报修")
    pdf_times: list[float] = []
    statuses: list[int] = []
    running = threading.Event()
    running.set()

    def one_pdf(_: int) -> None:
        status, t, _n = post_slip(port)
        pdf_times.append(t)
        statuses.append(status)

    search_times: list[tuple[float, bool]] = []

    def one_search(i: int) -> None:
        during = running.is_set()
        status, t, _n = search(port, QUERIES[i % len(QUERIES)])
        search_times.append((t, during and running.is_set()))
        statuses.append(status)

    start = time.perf_counter()
    with ThreadPoolExecutor(20) as pdf_pool, ThreadPoolExecutor(10) as search_pool:
        pdf_futs = [pdf_pool.submit(one_pdf, i) for i in range(pdfs)]
        time.sleep(0.5)
        search_futs = [search_pool.submit(one_search, i) for i in range(searches)]
        for f in pdf_futs:
            f.result()
        running.clear()
        for f in search_futs:
            f.result()
    wall = time.perf_counter() - start
    during = [t for t, d in search_times if d]
    codes = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(f"mixed load: {pdfs} PDFs (20 at once) + {searches} searches (10 at once), {wall:.1f} s; statuses {codes}")
    print(f"  search while PDFs render ({len(during)} of {len(search_times)}): p50 {pct(during, 50) * 1000:.0f} ms, "
          f"p99 {pct(during, 99) * 1000:.0f} ms, max {max(during, default=float('nan')) * 1000:.0f} ms")
    every = [t for t, _ in search_times]
    print(f"  search overall: p50 {pct(every, 50) * 1000:.0f} ms, p99 {pct(every, 99) * 1000:.0f} ms")
    print(f"  PDF: p50 {pct(pdf_times, 50):.2f} s, max {max(pdf_times):.2f} s")


def keep_alive(port: int, clients: int, rounds: int = 5, pause: float = 0.2) -> None:
    times: list[float] = []
    failed: list[str] = []
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            barrier.wait(30)
            for r in range(rounds):
                try:
                    path = "/" if r % 2 == 0 else "/search?q=" + urllib.parse.quote(QUERIES[i % len(QUERIES)])
                    status, t, _n = request(port, "GET", path, conn=conn)
                    times.append(t)
                    if status != 200:
                        failed.append(str(status))
                except (OSError, http.client.HTTPException) as e:
                    failed.append(type(e).__name__)
                    times.append(15.0)
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                time.sleep(pause)  # the connection stays open, idle, as a browser keeps it
        finally:
            conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    slow = sum(1 for t in times if t > 5)
    print(f"keep-alive: {clients} clients × {rounds} requests, {pause:g} s idle between, in {wall:.1f} s: "
          f"max {max(times):.2f} s, "
          f"p99 {pct(times, 99) * 1000:.0f} ms, over 5 s: {slow}, failed: {len(failed)} {sorted(set(failed))}")


DIGITS = r"""
import statistics, sys, time
from builder.core.formspec import load_specs
from builder.forms.validate import check
specs, _ = load_specs("forms")
spec = specs["fangwu-yanshou"]
value = "9" * 100_000
runs = []
for _ in range(20):
    start = time.perf_counter()
    _, errors, _ = check(spec, {"水表底数": value}, unknown="ignore")
    runs.append(time.perf_counter() - start)
msg = next((str(e) for e in errors if e.label == "水表底数"), "accepted (no error): it goes on to the renderer")
print(f"100,000-digit number, in-process check(): median {statistics.median(runs) * 1000:.1f} ms, "
      f"max {max(runs) * 1000:.1f} ms → {msg}")
"""


def digits(tree: Path, port: int | None) -> None:
    subprocess.run([sys.executable, "-c", DIGITS], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, check=False)
    if port is not None:
        body = urllib.parse.urlencode({"water_meter": "9" * 100_000}).encode()
        t = []
        status = 0
        for _ in range(5):
            status, took, _n = request(port, "POST", "/forms/fangwu-yanshou", body, {
                "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"})
            t.append(took)
        print(f"  through the server: HTTP {status}, median {statistics.median(t) * 1000:.0f} ms")
    else:
        print("  through the server: not tried (the old server renders it for over 11 CPU-minutes, issue 17)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, default=ROOT)
    ap.add_argument("--old", action="store_true", help="the tree's serve settings are the old ones (threads=8)")
    ap.add_argument("--pdfs", type=int, default=50)
    ap.add_argument("--searches", type=int, default=200)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5, help="keep-alive: requests per client")
    ap.add_argument("--pause", type=float, default=0.2, help="keep-alive: seconds a connection idles between requests")
    ap.add_argument("--skip", default="", help="comma-separated: mixed, keepalive, digits")
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    proc = None
    try:
        site = tmp / "site"
        site.mkdir()
        (site / "index.html").write_text("<!doctype html><title>客服部工作手册</title><h1>客服部工作手册</h1>" * 20,
                                         encoding="utf-8")
        index = tmp / "index"
        subprocess.run([sys.executable, "-c", "import sys; from search.index import build_from_files; "
                        "build_from_files(None, None, sys.argv[1])", str(index)], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
        port = free_port()
        tree = args.tree.resolve()
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(site), str(index), str(port),
                                 "old" if args.old else "new"], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                request(port, "GET", "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        print(f"server: {tree} ({'old serve settings' if args.old else 'builder.cli.site.SERVER'}) on 127.0.0.1:{port}")
        if "mixed" not in skip:
            mixed(port, args.pdfs, args.searches)
        if "keepalive" not in skip:
            keep_alive(port, args.clients, args.rounds, args.pause)
        if "digits" not in skip:
            digits(tree, None if args.old else port)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
