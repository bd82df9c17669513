"""Form rendering speed: prints figures, asserts nothing.

    .venv/bin/python bench/forms.py [--rows 1000] [--lo 50] [--skip-lo]

1. median time for one filled one-page form, warm, DOCX and PDF (wall and CPU);
2. a batch of 防火责任书 (fanghuo-zerenshu) rows to PDF and to DOCX through
   ``run_batch`` (PDF in a process pool, one per core), with the peak RSS of the whole
   process tree (this process and its workers, summed, sampled every 20 ms);
3. the route a user would otherwise take: fill the DOCX files, then convert them with one
   ``soffice --headless --convert-to pdf`` call (LibreOffice, Debian's
   libreoffice-writer-nogui); skipped with a note when soffice is not installed.

Targets (issue 4): PDF ≤ 60 ms, DOCX ≤ 10 ms, 1,000 PDFs ≤ 30 s with peak ≤ 800 MB,
≥ 5× faster than the LibreOffice route.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.core.formspec import load_specs  # noqa: E402
from builder.core.paths import FORMS_DIR  # noqa: E402
from builder.forms.docx import render_docx  # noqa: E402
from builder.forms.fonts import prepared  # noqa: E402
from builder.forms.output import run_batch  # noqa: E402
from builder.forms.pdf import render_pdf  # noqa: E402
from builder.forms.validate import validate  # noqa: E402


def tree_sample() -> tuple[float, dict[int, float]]:
    """RSS of this process and all its descendants (MB), and each one's CPU seconds so far
    (from /proc; the forkserver's workers are grandchildren, so os.times() misses them)."""
    me = os.getpid()
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(parts[1]), int(parts[21])
            cpu[int(d)] = (int(parts[11]) + int(parts[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo, mine = 0, [me], {}
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        mine[p] = cpu.get(p, 0.0)
        todo += children.get(p, [])
    return total / 2**20, mine


def tree_rss_mb() -> float:
    return tree_sample()[0]


class PeakRSS:
    """Peak RSS of the process tree, and the CPU seconds the tree spent inside the block."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._cpu: dict[int, float] = {}
        self._start: dict[int, float] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        rss, cpu = tree_sample()
        self.peak = max(self.peak, rss)
        for pid, c in cpu.items():
            self._cpu[pid] = max(self._cpu.get(pid, 0.0), c)

    @property
    def cpu(self) -> float:
        return sum(c - self._start.get(pid, 0.0) for pid, c in self._cpu.items())

    def __enter__(self) -> PeakRSS:
        self.peak, self._start = tree_sample()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self._sample()


def median_ms(fn, n: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def fire_rows(n: int) -> list[tuple[int, dict[str, str]]]:
    return [(i + 2, {"项目名称": "阳光花园", "房号": f"{i // 40 + 1}栋{i % 40 + 101}", "业主姓名": f"业主{i}",
                     "联系电话": f"139{i:08d}", "身份证号码": "320106196503154024",
                     "甲方(物业服务中心)": "阳光花园物业服务中心", "签订日期": "2026-03-01"})
            for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--lo", type=int, default=50, help="documents for the LibreOffice route")
    ap.add_argument("--skip-lo", action="store_true")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    specs, problems = load_specs(FORMS_DIR)
    form_id = "fanghuo-zerenshu" if "fanghuo-zerenshu" in specs else "yezhu-baoxiu-dan"
    spec = specs[form_id]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(figures are wall time; CPU time in brackets)")
    print(f"fonts: {'prepared Form Sans (builder/form_fonts.py)' if prepared() else 'NOT prepared: run python -m builder.forms.fonts (PDFs use full Noto CJK, slower)'}")
    _, row = fire_rows(1)[0]
    from builder.forms.validate import row_to_data

    values = validate(spec, row_to_data(spec, row))

    render_pdf(spec, values)
    render_docx(spec, values)
    pdf_wall, pdf_cpu = median_ms(lambda: render_pdf(spec, values), args.repeat)
    docx_wall, docx_cpu = median_ms(lambda: render_docx(spec, values), args.repeat * 10)
    print(f"one filled {spec.title} ({form_id}), warm, median of {args.repeat}:")
    print(f"  PDF  {pdf_wall:7.1f} ms  [{pdf_cpu:.1f} ms CPU]   target ≤ 60 ms   "
          f"({len(render_pdf(spec, values)) / 1000:.0f} kB a file)")
    print(f"  DOCX {docx_wall:7.2f} ms  [{docx_cpu:.2f} ms CPU]   target ≤ 10 ms")

    rows = fire_rows(args.rows)
    tmp = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    try:
        results = {}
        for fmt in ("pdf", "docx"):
            out = tmp / fmt
            with PeakRSS() as peak:
                t = time.perf_counter()
                res = run_batch(spec, rows, [fmt], out)
                secs = time.perf_counter() - t
            assert not res.failed and len(res.written) == args.rows
            results[fmt] = secs
            size = sum(p.stat().st_size for p in res.written) / max(len(res.written), 1)
            cores = min(2, os.cpu_count() or 1)
            print(f"batch of {args.rows} {spec.title} to {fmt.upper():4}: {secs:6.1f} s "
                  f"({secs / args.rows * 1000:.1f} ms a form), peak RSS of the process tree {peak.peak:.0f} MB"
                  + ("   target ≤ 30 s, ≤ 800 MB" if fmt == "pdf" else "") + f"; {size / 1000:.0f} kB a file")
            print(f"    CPU of the process tree {peak.cpu:.1f} s ({peak.cpu / args.rows * 1000:.1f} ms a form); "
                  f"on {cores} idle cores that is ≥ {peak.cpu / cores:.1f} s")
            results[fmt + "-cpu"] = peak.cpu

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if args.skip_lo or not soffice:
            print("LibreOffice route: skipped (" + ("--skip-lo" if args.skip_lo else
                  "soffice not installed: apt-get install libreoffice-writer-nogui") + ")")
            return 0
        lo_dir = tmp / "lo"
        lo_dir.mkdir()
        profile = tmp / "lo-profile"
        t = time.perf_counter()
        before = os.times()
        for n, r in rows[: args.lo]:
            v = validate(spec, row_to_data(spec, r))
            (lo_dir / f"{n}.docx").write_bytes(render_docx(spec, v))
        docs = sorted(str(p) for p in lo_dir.glob("*.docx"))
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(lo_dir / "pdf"), *docs], check=True, capture_output=True, timeout=900)
        lo_secs = time.perf_counter() - t
        after = os.times()
        lo_cpu = (after.user - before.user) + (after.system - before.system) + \
            (after.children_user - before.children_user) + (after.children_system - before.children_system)
        made = len(list((lo_dir / "pdf").glob("*.pdf")))
        per_lo = lo_secs / max(made, 1)
        per_ours = results["pdf"] / args.rows
        print(f"LibreOffice route: fill {args.lo} DOCX + one soffice --convert-to pdf call: {lo_secs:.1f} s "
              f"for {made} PDFs ({per_lo * 1000:.0f} ms a form; CPU {lo_cpu:.1f} s, {lo_cpu / max(made, 1) * 1000:.0f} ms a form)")
        print(f"  ours is {per_lo / per_ours:.1f}× faster per PDF in wall time (target ≥ 5×); "
              f"CPU per PDF {lo_cpu / max(made, 1) / (results['pdf-cpu'] / args.rows):.1f}× less than LibreOffice's")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
