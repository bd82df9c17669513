"""A batch of 防火责任书 (fanghuo-zerenshu) rows to PDF through the CLI, as a clerk runs it:
wall time and peak memory. Prints figures, asserts nothing.

    .venv/bin/python bench/batch.py [--rows 10000] [--tree DIR] [--workers 2]

``--tree`` runs another checkout's code (e.g. ``git archive`` of an older commit unpacked in
/tmp) for a "before" figure. Memory is sampled every 100 ms over every process of the batch
(the CLI, the fork server, the workers — found by a marker in their environment): the peak
RSS of the CLI process alone, and the peak sum of PSS (shared pages counted once) of all.

Target (issue 17): 10,000 rows with peak memory ≤ 500 MB (before: 1.32 GB, 162 s).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_rows(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["房号", "业主姓名", "联系电话", "身份证号码", "签订日期"])
        for i in range(n):
            w.writerow([f"{i // 100 + 1}栋{i % 100 + 101}", f"业主{i}", f"139{i:08d}", "320106196503154024", "2026-03-01"])


def _kb(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def marked(mark: str) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if mark.encode() in (d / "environ").read_bytes():
                    out.append(int(d.name))
            except OSError:
                continue
    return out


def run(tree: Path, rows: Path, out: Path, workers: int) -> dict[str, float]:
    mark = uuid.uuid4().hex
    env = {**os.environ, "BENCH_MARK": mark, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "builder.cli.main", "form", "batch", "fanghuo-zerenshu", "--rows",
                             str(rows), "--format", "pdf", "--out", str(out), "--workers", str(workers), "--preview"],
                            cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = {"main_rss": 0, "tree_pss": 0, "tree_rss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = marked(mark)
            pss = sum(_kb(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids)
            rss = sum(_kb(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids)
            peak["tree_pss"] = max(peak["tree_pss"], pss)
            peak["tree_rss"] = max(peak["tree_rss"], rss)
            peak["main_rss"] = max(peak["main_rss"], _kb(Path(f"/proc/{proc.pid}/status"), "VmRSS:"))
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    t.join()
    files = len(list(out.glob("*.pdf")))
    tail = err.strip().splitlines()[-1] if err.strip() else ""
    return {"wall": wall, "files": files, "exit": proc.returncode, "tail": tail, **{k: v / 1024 for k, v in peak.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code runs the batch")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        rows = tmp / "rows.csv"
        write_rows(rows, args.rows)
        r = run(args.tree.resolve(), rows, tmp / "out", args.workers)
        print(f"{args.rows} rows → {r['files']} PDFs with {args.workers} workers ({args.tree}):")
        print(f"  wall {r['wall']:.1f} s ({r['wall'] / max(1, args.rows) * 1000:.1f} ms a row), exit {r['exit']}")
        print(f"  peak: CLI process RSS {r['main_rss']:.0f} MB; all processes PSS {r['tree_pss']:.0f} MB "
              f"(RSS summed {r['tree_rss']:.0f} MB)")
        if r["tail"]:
            print(f"  last line: {r['tail']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
