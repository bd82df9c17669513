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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from builder.core.atomic import write_bytes
from builder.core.docx_fonts import HEI, SONG, set_fonts
from builder.core.fetch import asset_fetcher
from builder.core.load import Content
from builder.core.model import KIND_LABELS
from builder.core.paths import ASSETS_DIR, TEMPLATES_DIR
from builder.quiz.bank import TYPE_LABELS, Bank, Question, filter_questions, topic_label
from builder.quiz.check import check_paper

FORMATS = ("docx", "pdf", "json")
TYPE_ORDER = ["single", "multiple", "truefalse", "blank", "order"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SECTION_NUMBERS = "一二三四五六七八九十"
CJK_SANS = HEI  # DOCX only: the PDF embeds its own fonts
CJK_SERIF = SONG


class PaperError(ValueError):
    """Bad arguments for a paper: each problem one line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Part:
    """A share of a blueprint: the questions on any of ``topics`` (tags, or a kind), ``percent`` of
    the paper; ``topics`` empty: every other question (“其他”)."""

    label: str
    topics: list[str]
    percent: int


@dataclass
class PaperSpec:
    count: int
    seed: int
    role: str | None = None
    topic: str | None = None
    difficulty: int | None = None
    title: str = "物业客服部岗位知识测试"
    mix: list[Part] = field(default_factory=list)
    levels: dict[int, int] = field(default_factory=dict)  # difficulty -> percent
    date: str = ""  # YYYY-MM-DD, the paper's date (its number): today when empty


def parse_mix(value: str, content: Content) -> tuple[list[Part], list[str]]:
    """'dianhua+jiedai=40,baoxiu+huifang=30,*=30' → the blueprint's parts (labels from the tags:
    电话与接待 40%, 报修与回访 30%, 其他 30%), and the problems with it."""
    parts: list[Part] = []
    problems: list[str] = []
    for bit in (b.strip() for b in value.split(",") if b.strip()):
        name, _, pct = bit.partition("=")
        try:
            percent = int(pct)
        except ValueError:
            problems.append(f"--mix: '{bit}' needs a whole percentage after '=' (e.g. dianhua+jiedai=40)")
            continue
        topics = [] if name.strip() == "*" else [t.strip() for t in name.split("+") if t.strip()]
        label = "其他" if not topics else "与".join(topic_label(content, t) for t in topics)
        parts.append(Part(label=label, topics=topics, percent=percent))
    if parts and sum(p.percent for p in parts) != 100:
        problems.append(f"--mix: the shares add up to {sum(p.percent for p in parts)}%, not 100%")
    return parts, problems


def parse_levels(value: str) -> tuple[dict[int, int], list[str]]:
    """'1=50,2=40,3=10' → {difficulty: percent}."""
    out: dict[int, int] = {}
    problems = []
    for bit in (b.strip() for b in value.split(",") if b.strip()):
        k, _, v = bit.partition("=")
        if k.strip() not in ("1", "2", "3") or not v.strip().isdigit():
            problems.append(f"--levels: '{bit}' is not <difficulty 1-3>=<percent>")
            continue
        out[int(k)] = int(v)
    if out and sum(out.values()) != 100:
        problems.append(f"--levels: the shares add up to {sum(out.values())}%, not 100%")
    return out, problems


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
            "draft": q.draft, "source": q.source.model_dump(exclude={"anchors"}), "cite": q.source.cite(),
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
        """The paper's number: 客服员-2026-12-01 (post, date); the seed is printed beside it."""
        return f"{self.role_title or '综合'}-{self.date}".replace("/", "-")

    @property
    def date(self) -> str:
        import datetime

        return self.spec.date or datetime.date.today().isoformat()

    @property
    def has_draft(self) -> bool:
        return any(pq.question.draft for pq in self.questions)

    @property
    def heading(self) -> str:
        bits = [self.role_title, self.topic_label]
        return self.spec.title + ("（" + " · ".join(b for b in bits if b) + "）" if any(bits) else "")

    def to_json(self) -> dict:
        return {
            "paper": {"number": self.name, "title": self.heading, "role": self.spec.role, "topic": self.spec.topic,
                      "difficulty": self.spec.difficulty, "seed": self.spec.seed, "date": self.date,
                      "count": len(self.questions), "total": self.total,
                      "mix": [{"label": p.label, "topics": p.topics, "percent": p.percent} for p in self.spec.mix],
                      "levels": {str(k): v for k, v in self.spec.levels.items()}},
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
    for part in spec.mix:
        for t in part.topics:
            if t not in topics and (not content.tags or t not in content.tags.tags):
                problems.append(f"--mix: unknown topic '{t}'; a tag or kind, one of: {', '.join(sorted(topics))}")
    if spec.difficulty is not None and spec.difficulty not in (1, 2, 3):
        problems.append(f"--difficulty: {spec.difficulty} is not 1, 2 or 3")
    if spec.count < 1:
        problems.append(f"--count: {spec.count} must be 1 or more")
    if spec.date:
        import datetime

        try:
            datetime.date.fromisoformat(spec.date)
        except ValueError:
            problems.append(f"--date: '{spec.date}' is not a date like 2026-12-01")
    if not problems:
        pool = filter_questions(bank, spec.role, spec.topic, spec.difficulty)
        distinct = len({q.asks for q in pool})
        if distinct < spec.count:
            what = ", ".join(f"{k} {v}" for k, v in (("post", spec.role), ("topic", spec.topic),
                                                      ("difficulty", spec.difficulty)) if v)
            problems.append(f"--count: only {distinct} different questions match{' (' + what + ')' if what else ''}; "
                            f"ask for {distinct} or fewer")
    return problems


def _quotas(total: int, shares: list[int]) -> list[int]:
    """Split ``total`` by percentages, largest remainders first (40/30/30 of 12 → 5/4/3)."""
    raw = [total * p / 100 for p in shares]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _part_of(q: Question, parts: list[Part]) -> int | None:
    for i, p in enumerate(parts):
        if not p.topics or any(t == q.topic or t in q.tags or t == q.source.kind for t in p.topics):
            return i
    return None


def draw(bank: Bank, content: Content, spec: PaperSpec) -> Paper:
    """The paper for ``spec``; :class:`PaperError` if the arguments are bad or too few questions match.

    With a blueprint (``spec.mix``), each part gets its share of the questions; with ``spec.levels``,
    the difficulties are drawn towards their shares. Never two questions that ask the same thing,
    and never one whose stem holds another's answer.
    """
    from builder.quiz.rules import pair_problem

    problems = validate_spec(spec, content, bank)
    if problems:
        raise PaperError(problems)
    pool = sorted(filter_questions(bank, spec.role, spec.topic, spec.difficulty), key=lambda q: q.id)
    rng = random.Random(spec.seed)
    rng.shuffle(pool)
    parts = spec.mix or [Part(label="", topics=[], percent=100)]
    quotas = _quotas(spec.count, [p.percent for p in parts])
    want_levels = dict(zip(sorted(spec.levels), _quotas(spec.count, [spec.levels[k] for k in sorted(spec.levels)]),
                           strict=True)) if spec.levels else {}
    chosen: list[Question] = []
    asked: set[str] = set()
    families: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    levels: Counter[int] = Counter()

    def fits(q: Question) -> bool:
        return q.asks not in asked and not any(pair_problem(q, c) for c in chosen)

    def rank(q: Question) -> tuple:
        short = (levels[q.difficulty] - want_levels.get(q.difficulty, 0)) if want_levels else 0
        return (short, topics[q.topic], families[q.family])

    short_parts = []
    for i, part in enumerate(parts):
        mine = [q for q in pool if _part_of(q, parts) == i]
        for _ in range(quotas[i]):
            left = [q for q in mine if fits(q)]
            if not left:
                short_parts.append(f"{part.label or '试卷'} needs {quotas[i]}, only "
                                   f"{sum(1 for q in chosen if _part_of(q, parts) == i)} fit")
                break
            q = min(left, key=rank)
            chosen.append(q)
            asked.add(q.asks)
            families[q.family] += 1
            topics[q.topic] += 1
            levels[q.difficulty] += 1
    if short_parts:
        raise PaperError([f"--count: {s} (no two questions may ask the same thing or give each other away)"
                          for s in short_parts])
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
    if q.type == "single" and isinstance(q.answer, str):
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
    """The key's 出处: the manual and its section by title, then the item and part; never a URL."""
    return q.source.cite()


#: printed before a question made from material the company has not yet approved
DRAFT_MARK = "〔待审核〕"


def paper_line(paper: Paper) -> str:
    """试卷编号：客服员-2026-12-01（种子 7）· 共20题，满分100分 (and a note when drafts are in)."""
    line = f"试卷编号：{paper.name}（种子 {paper.spec.seed}）· 共{len(paper.questions)}题，满分{paper.total}分"
    if paper.spec.mix:
        line += " · " + "、".join(f"{p.label}{p.percent}%" for p in paper.spec.mix)
    if paper.has_draft:
        line += f" · 标{DRAFT_MARK}的题出自尚未审定的材料"
    return line


# --- JSON -----------------------------------------------------------------
def paper_json(paper: Paper) -> str:
    return json.dumps(paper.to_json(), ensure_ascii=False, indent=2) + "\n"


# --- DOCX -----------------------------------------------------------------
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
    set_fonts(normal.element, SONG)
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
    set_fonts(run.element, font)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return p


def _cell(cell, text: str, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(_CONTROL.sub("", text))
    set_fonts(run.element, SONG)
    run.bold = bold


def paper_docx(paper: Paper) -> bytes:
    import io

    doc = _doc()
    _para(doc, paper.heading, size=16, bold=True, center=True, font=CJK_SERIF, space_after=2)
    _para(doc, paper_line(paper), size=9, center=True,
          space_after=6)
    post = paper.role_title or "__________"
    _para(doc, f"姓名：__________    岗位：{post}    日期：______年____月____日", center=True, space_after=6)
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
        _para(doc, f"{s.label}（每题{each}分，共{s.points}分）", size=12, bold=True, space_after=4)
        for pq in s.questions:
            q = pq.question
            tail = "( )" if q.type in ("single", "multiple", "truefalse") and "（　）" not in q.stem else ""
            _para(doc, f"{pq.number}. {DRAFT_MARK if q.draft else ''}{q.stem} {tail}".rstrip())
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
    _para(doc, paper_line(paper), center=True, space_after=6)
    for s in paper.sections:
        _para(doc, s.label, size=12, bold=True, space_after=4)
        for pq in s.questions:
            q = pq.question
            _para(doc, f"{pq.number}. {DRAFT_MARK if q.draft else ''}{q.stem}", bold=True, space_after=0)
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
                                                source_line=source_line, paper_line=paper_line,
                                                draft_mark=DRAFT_MARK)
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
            write_bytes(path, make(paper))
            written.append(path)
    return written
