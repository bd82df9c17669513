"""Form rendering speed, on both PDF paths in the same run: prints figures, asserts nothing.

    .venv/bin/python bench/forms.py [--rows 1000] [--lo 50] [--skip-lo] [--paths plain,fast]

For each PDF path — ``plain`` (WeasyPrint's public API only, the default path) and
``fast`` (builder/forms/pdf_internals.py, library internals, on for the tested library
versions only) — one after the other, each in a fresh process (``HANDBOOK_PDF_PLAIN``
set or not, so the batch's worker processes take the same path):

1. median time for one filled one-page form, warm, DOCX and PDF (wall and CPU);
2. a batch of 防火责任书 (fanghuo-zerenshu) rows to PDF and to DOCX through
   ``run_batch`` (PDF in a process pool, one per core), with the peak RSS of the whole
   process tree (this process and its workers, summed, sampled every 20 ms);
3. once: the route a user would otherwise take: fill the DOCX files, then convert them
   with one ``soffice --headless --convert-to pdf`` call (LibreOffice, Debian's
   libreoffice-writer-nogui); skipped with a note when soffice is not installed.

The figures come out as one table, the plain path's beside the fast path's.
Targets (issues 4 and 10): PDF ≤ 60 ms, DOCX ≤ 10 ms, 1,000 PDFs ≤ 30 s with peak ≤ 800 MB,
≥ 5× faster than the LibreOffice route — on the plain path alone, or close.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.core.formspec import load_specs  # noqa: E402
from builder.core.paths import FORMS_DIR  # noqa: E402
from builder.forms.docx import render_docx  # noqa: E402
from builder.forms.fonts import prepared  # noqa: E402
from builder.forms.output import run_batch  # noqa: E402
from builder.forms.pdf import path as pdf_path  # noqa: E402
from builder.forms.pdf import render_pdf  # noqa: E402
from builder.forms.pdf_internals import PLAIN_ENV, enabled  # noqa: E402
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


def fire_rows(n: int) -> list[tuple[int, Mapping[str, Any]]]:
    return [(i + 2, {"项目名称": "阳光花园", "房号": f"{i // 40 + 1}栋{i % 40 + 101}", "业主姓名": f"业主{i}",
                     "联系电话": f"139{i:08d}", "身份证号码": "320106196503154024",
                     "甲方(物业服务中心)": "阳光花园物业服务中心", "签订日期": "2026-03-01"})
            for i in range(n)]


def measure(spec, rows_n: int, repeat: int) -> dict:
    """This process's figures (its PDF path is fixed by the environment it started with)."""
    from builder.forms.validate import row_to_data

    _, row = fire_rows(1)[0]
    values = validate(spec, row_to_data(spec, row))
    render_pdf(spec, values)
    render_docx(spec, values)
    fig: dict = {"path": pdf_path(), "why": enabled()[1]}
    fig["pdf_ms"], fig["pdf_cpu_ms"] = median_ms(lambda: render_pdf(spec, values), repeat)
    fig["docx_ms"], fig["docx_cpu_ms"] = median_ms(lambda: render_docx(spec, values), repeat * 10)
    fig["pdf_kb"] = len(render_pdf(spec, values)) / 1000
    rows = fire_rows(rows_n)
    tmp = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    try:
        for fmt in ("pdf", "docx"):
            with PeakRSS() as peak:
                t = time.perf_counter()
                res = run_batch(spec, rows, [fmt], tmp / fmt)
                secs = time.perf_counter() - t
            assert not res.failed and len(res.written) == rows_n
            fig[f"{fmt}_batch_s"], fig[f"{fmt}_batch_cpu_s"], fig[f"{fmt}_batch_mb"] = secs, peak.cpu, peak.peak
            fig[f"{fmt}_batch_kb"] = sum(p.stat().st_size for p in res.written) / max(len(res.written), 1) / 1000
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return fig


def libreoffice(spec, rows_n: int) -> dict | str:
    """Seconds (wall and CPU) per PDF by the LibreOffice route, or why it was skipped."""
    from builder.forms.validate import row_to_data

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return "soffice not installed: apt-get install libreoffice-writer-nogui"
    tmp = Path(tempfile.mkdtemp(prefix="bench-forms-lo-"))
    try:
        lo_dir = tmp / "lo"
        lo_dir.mkdir()
        t = time.perf_counter()
        before = os.times()
        for n, r in fire_rows(rows_n):
            v = validate(spec, row_to_data(spec, r))
            (lo_dir / f"{n}.docx").write_bytes(render_docx(spec, v))
        docs = sorted(str(p) for p in lo_dir.glob("*.docx"))
        subprocess.run([soffice, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(lo_dir / "pdf"), *docs],
                       check=True, capture_output=True, timeout=900)
        secs = time.perf_counter() - t
        after = os.times()
        cpu = (after.user - before.user) + (after.system - before.system) + \
            (after.children_user - before.children_user) + (after.children_system - before.children_system)
        made = max(len(list((lo_dir / "pdf").glob("*.pdf"))), 1)
        return {"made": made, "per_s": secs / made, "cpu_per_s": cpu / made}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def table(figs: dict[str, dict], rows_n: int, lo: dict | str) -> list[str]:
    paths = list(figs)
    head = f"{'':44}" + "".join(f"{p:>16}" for p in paths) + "   target"
    out = [head, "-" * len(head)]

    def line(label: str, fmt: str, key, target: str = "") -> None:
        cells = "".join(f"{fmt.format(key(figs[p])):>16}" for p in paths)
        out.append(f"{label:44}{cells}   {target}")

    line("one PDF, warm median, ms (wall)", "{:.1f}", lambda f: f["pdf_ms"], "≤ 60 ms")
    line("  CPU ms", "{:.1f}", lambda f: f["pdf_cpu_ms"])
    line("  kB a file", "{:.0f}", lambda f: f["pdf_kb"])
    line("one DOCX, warm median, ms (wall)", "{:.2f}", lambda f: f["docx_ms"], "≤ 10 ms")
    line(f"{rows_n} PDFs (run_batch, 2 workers), s", "{:.1f}", lambda f: f["pdf_batch_s"],
         f"≤ {30 * rows_n / 1000:g} s" + (" (30 s for 1,000)" if rows_n != 1000 else ""))
    line("  ms a form (wall)", "{:.1f}", lambda f: f["pdf_batch_s"] / rows_n * 1000)
    line("  CPU of the process tree, ms a form", "{:.1f}", lambda f: f["pdf_batch_cpu_s"] / rows_n * 1000)
    line("  peak RSS of the process tree, MB", "{:.0f}", lambda f: f["pdf_batch_mb"], "≤ 800 MB")
    line("  kB a file", "{:.0f}", lambda f: f["pdf_batch_kb"])
    line(f"{rows_n} DOCX (run_batch), s", "{:.1f}", lambda f: f["docx_batch_s"])
    line("  peak RSS of the process tree, MB", "{:.0f}", lambda f: f["docx_batch_mb"])
    if isinstance(lo, dict):
        out.append(f"LibreOffice route: {lo['per_s'] * 1000:.0f} ms a PDF wall, "
                   f"{lo['cpu_per_s'] * 1000:.0f} ms CPU ({lo['made']} documents, one soffice call)")
        line("  ours is faster per PDF, wall", "{:.1f}×", lambda f: lo["per_s"] / (f["pdf_batch_s"] / rows_n), "≥ 5×")
        line("  ours takes less CPU per PDF", "{:.1f}×",
             lambda f: lo["cpu_per_s"] / (f["pdf_batch_cpu_s"] / rows_n))
    else:
        out.append(f"LibreOffice route: skipped ({lo})")
    for p, f in figs.items():
        if f["path"] != p:
            out.append(f"note: the {p} column ran on the {f['path']} path ({f['why']})")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--lo", type=int, default=50, help="documents for the LibreOffice route")
    ap.add_argument("--skip-lo", action="store_true")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--paths", default="plain,fast", help="the PDF paths to measure, in this order")
    ap.add_argument("--one-path", choices=("plain", "fast"), help=argparse.SUPPRESS)  # a child run: JSON out
    args = ap.parse_args()

    specs, problems = load_specs(FORMS_DIR)
    form_id = "fanghuo-zerenshu" if "fanghuo-zerenshu" in specs else "yezhu-baoxiu-dan"
    spec = specs[form_id]
    if args.one_path:
        print(json.dumps(measure(spec, args.rows, args.repeat)))
        return 0

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(figures are wall time unless CPU is said)")
    print(f"fonts: {'prepared Form Sans (builder/forms/fonts.py)' if prepared() else 'NOT prepared: run python -m builder.forms.fonts (PDFs use full Noto CJK, slower)'}")
    print(f"form: {spec.title} ({form_id}); each path measured in its own process, one after the other")
    figs = {}
    for p in [p.strip() for p in args.paths.split(",") if p.strip()]:
        env = {k: v for k, v in os.environ.items() if k != PLAIN_ENV}
        if p == "plain":
            env[PLAIN_ENV] = "1"
        run = subprocess.run([sys.executable, __file__, "--one-path", p, "--rows", str(args.rows),
                              "--repeat", str(args.repeat)], env=env, capture_output=True, text=True)
        if run.returncode:
            print(run.stderr, file=sys.stderr)
            return run.returncode
        figs[p] = json.loads(run.stdout.strip().splitlines()[-1])
    lo = "--skip-lo" if args.skip_lo else libreoffice(spec, args.lo)
    print("\n".join(table(figs, args.rows, lo)))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
