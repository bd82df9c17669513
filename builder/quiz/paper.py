"""Papers: a candidate's paper and a separate answer key, drawn from the bank by seed.

``draw(bank, content, spec)`` picks ``count`` questions for a post / topic / difficulty,
balancing topics round-robin, never two that ask the same thing, and shuffles each
question's options — all from ``random.Random(seed)``, so one seed gives one paper.
``write_paper(paper, formats, out_dir)`` writes DOCX (python-docx), PDF (WeasyPrint) and
JSON, each atomically.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from builder.core.fetch import asset_fetcher
from builder.core.load import Content
from builder.core.model import KIND_LABELS
from builder.core.paths import ASSETS_DIR, TEMPLATES_DIR
from builder.quiz.bank import TYPE_LABELS, Bank, Question, filter_questions, topic_label
from builder.quiz.check import check_paper, write_atomic

FORMATS = ("docx", "pdf", "json")
TYPE_ORDER = ["single", "multiple", "truefalse", "blank", "order"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SECTION_NUMBERS = "一二三四五六七八九十"
CJK_SANS = "Noto Sans CJK SC"
CJK_SERIF = "Noto Serif CJK SC"


class PaperError(ValueError):
    """Bad arguments for a paper: each problem one line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class PaperSpec:
    count: int
    seed: int
    role: str | None = None
    topic: str | None = None
    difficulty: int | None = None
    title: str = "物业客服部岗位知识测试"


class PaperQuestion(BaseModel):
    number: int
    question: Question
    options: list[str]
    answer_letters: str
    points: int

    def to_json(self) -> dict:
        q = self.question
        answer = q.answer
        return {
            "number": self.number, "id": q.id, "type": q.type, "stem": q.stem, "options": self.options,
            "answer": answer, "answer_letters": self.answer_letters, "accept": q.accept,
            "explanation": q.explanation, "difficulty": q.difficulty, "topic": q.topic, "points": self.points,
            "source": q.source.model_dump(exclude={"anchors"}),
        }


@dataclass
class Section:
    type: str
    label: str
    questions: list[PaperQuestion]

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)


@dataclass
class Paper:
    spec: PaperSpec
    role_title: str | None
    topic_label: str | None
    sections: list[Section] = field(default_factory=list)

    @property
    def questions(self) -> list[PaperQuestion]:
        return [q for s in self.sections for q in s.questions]

    @property
    def total(self) -> int:
        return sum(s.points for s in self.sections)

    @property
    def name(self) -> str:
        bits = ["quiz", self.spec.role or "all"]
        if self.spec.topic:
            bits.append(self.spec.topic)
        if self.spec.difficulty:
            bits.append(f"d{self.spec.difficulty}")
        bits.append(f"s{self.spec.seed}")
        return "-".join(bits)

    @property
    def heading(self) -> str:
        bits = [self.role_title, self.topic_label]
        return self.spec.title + ("(" + " · ".join(b for b in bits if b) + ")" if any(bits) else "")

    def to_json(self) -> dict:
        return {
            "paper": {"title": self.heading, "role": self.spec.role, "topic": self.spec.topic,
                      "difficulty": self.spec.difficulty, "seed": self.spec.seed, "count": len(self.questions),
                      "total": self.total},
            "questions": [q.to_json() for q in self.questions],
        }


def validate_spec(spec: PaperSpec, content: Content, bank: Bank) -> list[str]:
    problems = []
    roles = {r.id for r in content.of_kind("role")}
    if spec.role and spec.role not in roles:
        problems.append(f"--role: unknown post '{spec.role}'; one of: {', '.join(sorted(roles))}")
    topics = {q.topic for q in bank.questions} | {t for q in bank.questions for t in q.tags} | set(KIND_LABELS)
    if spec.topic and spec.topic not in topics:
        problems.append(f"--topic: unknown topic '{spec.topic}'; a tag or kind, one of: {', '.join(sorted(topics))}")
    if spec.difficulty is not None and spec.difficulty not in (1, 2, 3):
        problems.append(f"--difficulty: {spec.difficulty} is not 1, 2 or 3")
    if spec.count < 1:
        problems.append(f"--count: {spec.count} must be 1 or more")
    if not problems:
        pool = filter_questions(bank, spec.role, spec.topic, spec.difficulty)
        distinct = len({q.asks for q in pool})
        if distinct < spec.count:
            what = ", ".join(f"{k} {v}" for k, v in (("post", spec.role), ("topic", spec.topic),
                                                      ("difficulty", spec.difficulty)) if v)
            problems.append(f"--count: only {distinct} different questions match{' (' + what + ')' if what else ''}; "
                            f"ask for {distinct} or fewer")
    return problems


def draw(bank: Bank, content: Content, spec: PaperSpec) -> Paper:
    """The paper for ``spec``; :class:`PaperError` if the arguments are bad or too few questions match."""
    problems = validate_spec(spec, content, bank)
    if problems:
        raise PaperError(problems)
    pool = filter_questions(bank, spec.role, spec.topic, spec.difficulty)
    rng = random.Random(spec.seed)
    by_topic: dict[str, list[Question]] = defaultdict(list)
    for q in sorted(pool, key=lambda q: q.id):
        by_topic[q.topic].append(q)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    for t in topics:
        rng.shuffle(by_topic[t])
    chosen: list[Question] = []
    asked: set[str] = set()
    families: Counter[str] = Counter()
    while len(chosen) < spec.count:
        for t in topics:
            if len(chosen) == spec.count:
                break
            left = [q for q in by_topic[t] if q.asks not in asked]
            if not left:
                continue
            # within a topic, the kind of question the paper has least of so far (a mix, not ten of one kind)
            q = min(left, key=lambda q: families[q.family])
            by_topic[t].remove(q)
            asked.add(q.asks)
            families[q.family] += 1
            chosen.append(q)
    assert not check_paper(chosen)
    points = 100 // spec.count if 100 % spec.count == 0 else 1
    role_title = content.items[spec.role].title if spec.role else None
    paper = Paper(spec=spec, role_title=role_title,
                  topic_label=topic_label(content, spec.topic) if spec.topic else None)
    number = 0
    for i, t in enumerate(x for x in TYPE_ORDER if any(q.type == x for q in chosen)):
        items = []
        for q in (q for q in chosen if q.type == t):
            number += 1
            options = list(q.options) if q.type != "truefalse" else []
            if q.type in ("single", "multiple", "order"):
                random.Random(f"{spec.seed}:{q.id}").shuffle(options)
            items.append(PaperQuestion(number=number, question=q, options=options,
                                       answer_letters=_letters(q, options), points=points))
        paper.sections.append(Section(type=t, label=f"{SECTION_NUMBERS[i]}、{TYPE_LABELS[t]}", questions=items))
    return paper


def _letters(q: Question, options: list[str]) -> str:
    if q.type == "single":
        return LETTERS[options.index(q.answer)]
    if q.type == "multiple":
        return "".join(LETTERS[i] for i, o in enumerate(options) if o in q.answers)
    if q.type == "order":
        return "".join(LETTERS[options.index(a)] for a in q.answers)
    if q.type == "truefalse":
        return "√" if q.answer else "×"
    return str(q.answer)


def answer_text(pq: PaperQuestion) -> str:
    """The key as a trainer reads it: 'B(两天内)', '√', 'CAB'."""
    q = pq.question
    if q.type == "single":
        return f"{pq.answer_letters}({q.answer})"
    if q.type == "blank":
        return str(q.answer) + (f"(亦可:{'、'.join(q.accept)})" if q.accept else "")
    return pq.answer_letters


def source_line(q: Question) -> str:
    s = q.source
    where = s.title + (f" · {s.part_title}" if s.part_title else "")
    return f"{where}({s.badge})  {s.url}" if s.badge else f"{where}  {s.url}"


# --- JSON -----------------------------------------------------------------
def paper_json(paper: Paper) -> str:
    return json.dumps(paper.to_json(), ensure_ascii=False, indent=2) + "\n"


# --- DOCX -----------------------------------------------------------------
def _docx_font(style_or_run, name: str = CJK_SANS) -> None:
    from docx.oxml.ns import qn

    style_or_run.font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _doc():
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    for sec in doc.sections:
        sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
        sec.left_margin = sec.right_margin = Cm(2.0)
        sec.top_margin = sec.bottom_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    _docx_font(normal)
    normal.font.size = Pt(10.5)
    return doc


def _para(doc, text: str, size: float | None = None, bold: bool = False, center: bool = False,
          font: str = CJK_SANS, space_after: float = 2):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    text = _CONTROL.sub("", text)
    p.paragraph_format.space_after = Pt(space_after)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    _docx_font(run, font)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return p


def _cell(cell, text: str, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(_CONTROL.sub("", text))
    _docx_font(run)
    run.bold = bold


def paper_docx(paper: Paper) -> bytes:
    import io

    doc = _doc()
    _para(doc, paper.heading, size=16, bold=True, center=True, font=CJK_SERIF, space_after=2)
    _para(doc, f"试卷编号:{paper.name} · 共{len(paper.questions)}题,满分{paper.total}分", size=9, center=True,
          space_after=6)
    post = paper.role_title or "__________"
    _para(doc, f"姓名:__________    岗位:{post}    日期:______年____月____日", center=True, space_after=6)
    table = doc.add_table(rows=3, cols=len(paper.sections) + 2)
    table.style = "Table Grid"
    _cell(table.cell(0, 0), "题型", True)
    _cell(table.cell(1, 0), "满分", True)
    _cell(table.cell(2, 0), "得分", True)
    for i, s in enumerate(paper.sections, 1):
        _cell(table.cell(0, i), s.label.split("、")[0], True)
        _cell(table.cell(1, i), str(s.points))
    _cell(table.cell(0, len(paper.sections) + 1), "总分", True)
    _cell(table.cell(1, len(paper.sections) + 1), str(paper.total))
    _para(doc, "", space_after=4)
    for s in paper.sections:
        each = s.questions[0].points
        _para(doc, f"{s.label}(每题{each}分,共{s.points}分)", size=12, bold=True, space_after=4)
        for pq in s.questions:
            q = pq.question
            tail = "( )" if q.type in ("single", "multiple", "truefalse") else ""
            _para(doc, f"{pq.number}. {q.stem} {tail}".rstrip())
            for i, o in enumerate(pq.options):
                _para(doc, f"    {LETTERS[i]}. {o}", space_after=0)
            if q.type == "order":
                _para(doc, "    正确顺序:____________", space_after=2)
            _para(doc, "", space_after=0)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def key_docx(paper: Paper) -> bytes:
    import io

    doc = _doc()
    _para(doc, paper.heading + " 答案与解析", size=15, bold=True, center=True, font=CJK_SERIF, space_after=8)
    _para(doc, f"试卷编号:{paper.name} · 共{len(paper.questions)}题,满分{paper.total}分", center=True, space_after=6)
    for s in paper.sections:
        _para(doc, s.label, size=12, bold=True, space_after=4)
        for pq in s.questions:
            q = pq.question
            _para(doc, f"{pq.number}. {q.stem}", bold=True, space_after=0)
            _para(doc, f"    答案:{answer_text(pq)}", space_after=0)
            if q.explanation:
                _para(doc, f"    解析:{q.explanation}", space_after=0)
            _para(doc, f"    出处:{source_line(q)}", size=9, space_after=6)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- PDF --------------------------------------------------------------------
def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES_DIR / "quiz"), autoescape=select_autoescape(["html"]))


def _pdf(template: str, paper: Paper) -> bytes:
    from weasyprint import CSS, HTML

    html = _env().get_template(template).render(paper=paper, letters=LETTERS, answer_text=answer_text,
                                                source_line=source_line)
    fetcher = asset_fetcher()  # the project's own assets only (builder.core.fetch)
    css = CSS(filename=str(ASSETS_DIR / "quiz" / "paper.css"), url_fetcher=fetcher)
    return HTML(string=html, base_url=str(ASSETS_DIR / "quiz") + "/", url_fetcher=fetcher).write_pdf(stylesheets=[css])


def paper_pdf(paper: Paper) -> bytes:
    return _pdf("paper.html", paper)


def key_pdf(paper: Paper) -> bytes:
    return _pdf("key.html", paper)


def parse_formats(value: str) -> tuple[list[str], list[str]]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    problems = [f"--format: unknown format '{f}'; use docx, pdf or json (comma-separated)" for f in bad]
    if not formats:
        problems.append("--format: give at least one of docx, pdf, json")
    return list(dict.fromkeys(formats)), problems


def write_paper(paper: Paper, formats: list[str], out_dir: Path) -> list[Path]:
    """Write the paper and its key in each format; every file atomically. Returns the paths."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    makers = {
        "docx": [("paper.docx", paper_docx), ("key.docx", key_docx)],
        "pdf": [("paper.pdf", paper_pdf), ("key.pdf", key_pdf)],
        "json": [("json", lambda p: paper_json(p).encode("utf-8"))],
    }
    for fmt in formats:
        for suffix, make in makers[fmt]:
            path = out_dir / (f"{paper.name}.{suffix}" if suffix == "json" else f"{paper.name}-{suffix}")
            write_atomic(path, make(paper))
            written.append(path)
    return written
