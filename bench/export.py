"""Time and peak memory of the handbook export (real content, real forms).

Each export runs in its own child process, so its peak RSS (``ru_maxrss``) and CPU time are
its own and not the sum of earlier runs. Prints wall time, CPU time, peak memory, the
pages of every PDF and the machine's load average (other work on a 2-core machine makes
wall time grow; CPU time moves much less).

    .venv/bin/python bench/export.py                     # full handbook + two booklets
    .venv/bin/python bench/export.py --role kefu-yuan    # one booklet only
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JOBS: list[tuple[str, str | None, str]] = [
    ("full handbook", None, "pdf"),
    ("full handbook", None, "docx"),
    ("booklet kefu-yuan", "kefu-yuan", "pdf,docx"),
    ("booklet qiantai-jiedai", "qiantai-jiedai", "pdf,docx"),
]


def child(role: str | None, formats: str, out: str) -> None:
    from builder.handbook.export import export

    for path in export(formats, out, role=role):
        print(path)


def run(label: str, role: str | None, formats: str, out: Path) -> None:
    args = [sys.executable, __file__, "--child", "--formats", formats, "--out", str(out)]
    if role:
        args += ["--role", role]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stdout, stderr = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"{label}: FAILED\n{stderr.strip()}")
        return
    pages = []
    for line in stdout.splitlines():
        p = Path(line.strip())
        if p.suffix == ".pdf":
            from pypdf import PdfReader

            pages.append(f"{p.name} {len(PdfReader(p).pages)} pages")
        elif p.suffix == ".docx":
            pages.append(f"{p.name} {p.stat().st_size // 1024} KB")
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{label:26s} {formats:9s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  peak RSS {usage.ru_maxrss / 1024:6.0f} MB  "
          + "; ".join(pages))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--role")
    ap.add_argument("--formats", default="pdf,docx")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.child:
        child(a.role, a.formats, a.out)
        return
    jobs = JOBS if not a.role else [(f"booklet {a.role}", a.role, a.formats)]
    print(f"handbook export bench — load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for label, role, formats in jobs:
            run(label, role, formats, Path(tmp))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
