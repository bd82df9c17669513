"""Quiz figures: bank size and the time to build it, draw a paper, render DOCX/PDF, export;
and, with --sample N, a seeded random sample of the default bank for a blind reviewer.

    .venv/bin/python bench/quiz.py
    .venv/bin/python bench/quiz.py --sample 40 --seed 2026 --out /tmp/quiz-sample-40.md
    .venv/bin/python bench/quiz.py --sample 40 --seed 4242 --posts all   # supervisors' questions too

By default the sample is drawn from the questions a front-line post (客服员, 前台, 管家 …) must
know: what a trainer puts in front of staff. A supervisor's duty (经理每月抽查) is asked of
supervisors only and is left out unless ``--posts all``.

The sample file holds only what a reviewer needs: each question as a candidate reads it, its
key, and its source (the manual by title and section, and the source text); a second file
beside it (<out>.ids) maps the numbers to question ids, for the author, not the reviewer.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.core.project import load_valid_project  # noqa: E402
from builder.quiz.bank import bank_for, frontline  # noqa: E402
from builder.quiz.export import export  # noqa: E402
from builder.quiz.paper import PaperSpec, draw, key_pdf, paper_docx, paper_pdf  # noqa: E402
from builder.quiz.question import TYPE_LABELS  # noqa: E402
from builder.quiz.sheet import LETTERS  # noqa: E402


def timed(label: str, fn, repeat: int = 1):
    t = time.perf_counter()
    for _ in range(repeat):
        out = fn()
    print(f"{label:<36} {(time.perf_counter() - t) / repeat * 1000:8.1f} ms")
    return out


def figures() -> None:
    project = timed("load + check content", load_valid_project)
    content = project.content
    bank = timed("build the bank", lambda: bank_for(project), repeat=3)
    print(f"{'questions':<36} {len(bank):8d}")
    paper = timed("draw a 20-question paper",
                  lambda: draw(bank, content, PaperSpec(count=20, seed=1, role="kefu-yuan")), 5)
    timed("paper DOCX", lambda: paper_docx(paper))
    timed("paper PDF (first, cold)", lambda: paper_pdf(paper))
    timed("paper PDF (warm)", lambda: paper_pdf(paper))
    timed("key PDF", lambda: key_pdf(paper))
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("moodle", "gift", "anki"):
            timed(f"export {fmt}", lambda fmt=fmt: export(bank, content, fmt, Path(tmp) / f"bank.{fmt}"))


def sample(n: int, seed: int, out: Path, posts: str = "staff", drafts: bool = False) -> None:
    project = load_valid_project()
    content = project.content
    bank = bank_for(project, include_draft=drafts)
    if drafts:  # the held-out set: questions made from drafts, material the generators were not tuned on
        bank.questions = [q for q in bank.questions if q.draft]
    staff = {r.id for r in content.of_kind("role") if frontline(r)}  # type: ignore[arg-type]
    pool = bank.questions if posts == "all" else [q for q in bank.questions if staff & set(q.posts)]
    picked = random.Random(seed).sample(pool, min(n, len(pool)))
    which = "题库" if posts == "all" else "一线岗位(客服员、前台、管家等)题库"
    lines = [f"# 题目抽样:{len(picked)} 题({which} {len(pool)} 题中按种子 {seed} 随机抽取)", ""]
    ids = []
    for i, q in enumerate(picked, 1):
        item = content.items[q.source.item_id]
        parts = {p.anchor: p for p in item.parts()}
        anchors = q.source.anchors or ([q.source.anchor] if q.source.anchor else list(parts))
        lines.append(f"## {i}. {q.stem}({TYPE_LABELS.get(q.type, q.type)})")
        for k, o in enumerate(q.options):
            lines.append(f"- {LETTERS[k]}. {o}")
        if q.type == "truefalse":
            key = "对" if q.answer else "错"
        elif q.type == "order":
            key = " → ".join(q.answers)
        else:
            key = "、".join(q.answers)
        names = [content.items[r].title if r in content.items else r for r in q.posts]
        lines += ["", f"**答案:** {key}", "", f"**考哪些岗位:** {'、'.join(names) or '(未指定)'}", "",
                  f"**出处:** {q.source.cite()}", "", "**出处原文:**", ""]
        # the manual's words (a fact's part title is its question: not shown, it would read as the source)
        lines += [f"> {parts[a].text}" if item.kind == "fact" else f"> {parts[a].title}:{parts[a].text}"
                  for a in anchors if a in parts]
        lines.append("")
        ids.append(f"{i}\t{q.id}\t{q.family}\t{q.type}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path(str(out) + ".ids").write_text("\n".join(ids) + "\n", encoding="utf-8")
    print(f"{out}: {len(picked)} of {len(pool)} questions ({posts}; bank {len(bank)}); ids in {out}.ids")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, help="draw N questions for a blind review instead of timing")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=Path("/tmp/quiz-sample-40.md"))
    ap.add_argument("--drafts", action="store_true",
                    help="sample only the questions made from drafts (a held-out set: not tuned on)")
    ap.add_argument("--posts", choices=["staff", "all"], default="staff",
                    help="staff: questions a front-line post must know (default); all: the whole bank")
    args = ap.parse_args()
    if args.sample:
        sample(args.sample, args.seed, args.out, args.posts, args.drafts)
    else:
        figures()
