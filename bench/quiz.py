"""Quiz figures: bank size and the time to build it, draw a paper, render DOCX/PDF, export.

    .venv/bin/python bench/quiz.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.core.check import load_valid  # noqa: E402
from builder.quiz.bank import build_bank  # noqa: E402
from builder.quiz.export import export  # noqa: E402
from builder.quiz.paper import PaperSpec, draw, key_pdf, paper_docx, paper_pdf  # noqa: E402


def timed(label: str, fn, repeat: int = 1):
    t = time.perf_counter()
    for _ in range(repeat):
        out = fn()
    print(f"{label:<36} {(time.perf_counter() - t) / repeat * 1000:8.1f} ms")
    return out


content = timed("load + check content", load_valid)
bank = timed("build the bank", lambda: build_bank(content), repeat=3)
print(f"{'questions':<36} {len(bank):8d}")
paper = timed("draw a 20-question paper", lambda: draw(bank, content, PaperSpec(count=20, seed=1, role="kefu-yuan")), 5)
timed("paper DOCX", lambda: paper_docx(paper))
timed("paper PDF (first, cold)", lambda: paper_pdf(paper))
timed("paper PDF (warm)", lambda: paper_pdf(paper))
timed("key PDF", lambda: key_pdf(paper))
with tempfile.TemporaryDirectory() as tmp:
    for fmt in ("moodle", "gift", "anki"):
        timed(f"export {fmt}", lambda fmt=fmt: export(bank, content, fmt, Path(tmp) / f"bank.{fmt}"))
