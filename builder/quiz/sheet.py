"""The review sheet: every generated and authored question with its source, for a trainer.

``rows(bank)`` lists every question — in the bank, held for a trainer's 采用, or refused by a
rule (with the reason) — with its source as a trainer reads it (manual title and section, the
item and its part; never a URL). ``write_xlsx`` writes it as a workbook a trainer fills in
(决定: 采用 / 修改 / 弃用; 修改 with the new wording); ``read_xlsx`` reads the decisions back,
naming the row and column of every mistake, and ``merge`` folds them into the stored ones.
The same rows feed the editors' page (:mod:`builder.quiz.editors`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from builder.core.errors import HandbookError
from builder.quiz.question import TYPE_LABELS, Bank, Question
from builder.quiz.review import DECISIONS, Decision
from builder.quiz.rules import DRAFT_QUESTION

LETTERS = "ABCDEFGHIJ"
#: the sheet's columns: (header, width); the first nine are written by us, the last five by the trainer
COLUMNS = [("编号", 34), ("状态", 10), ("题型", 8), ("题干", 50), ("选项", 40), ("答案", 24), ("出处", 40),
           ("原因", 30), ("难度", 5), ("决定", 8), ("修改后题干", 40), ("修改后选项", 30), ("修改后答案", 16),
           ("备注", 20)]
HEAD = [c for c, _ in COLUMNS]
MAX_ROWS = 20000


@dataclass
class Row:
    question: Question
    state: str  # 在题库 / 待采用 / 已拒绝
    reasons: list[str]
    decision: Decision | None = None


def rows(bank: Bank, decisions: dict[str, Decision] | None = None) -> list[Row]:
    """Every question of the bank, then the held and the refused, each once, by id."""
    decisions = decisions or {}
    out = []
    for q in bank.questions:
        if q.origin == "authored" and q.draft and q.source.badge != "草稿" and q.id not in decisions:
            # a question written here beside approved text: its approval is the trainer's 采用
            out.append(Row(q, "待采用", [DRAFT_QUESTION], None))
        else:
            out.append(Row(q, "在题库", [], decisions.get(q.id)))
    for r in bank.refused:
        out.append(Row(r.question, "待采用" if r.held else "已拒绝", r.reasons, decisions.get(r.question.id)))
    return sorted(out, key=lambda r: (r.question.source.item_id, r.question.id))


def options_text(q: Question) -> str:
    return "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(q.options))


def answer_text(q: Question) -> str:
    if q.type == "truefalse":
        return "对" if q.answer else "错"
    if q.type in ("single", "multiple", "order") and q.options:
        letters = "".join(LETTERS[q.options.index(a)] for a in q.answers if a in q.options)
        return letters if q.type != "single" else f"{letters} {q.answer}"
    return str(q.answer)


def write_xlsx(bank: Bank, decisions: dict[str, Decision], path: Path | None = None) -> bytes:
    """The review sheet as XLSX bytes (and written atomically to ``path`` if given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "审题"
    ws.append(HEAD)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for r in rows(bank, decisions):
        q, d = r.question, r.decision
        draft = "〔待审核〕" if q.draft else ""
        ws.append([q.id, r.state, TYPE_LABELS[q.type], draft + q.stem, options_text(q), answer_text(q),
                   q.source.cite(), "；".join(r.reasons), q.difficulty,
                   d.decision if d else "", (d.stem or "") if d else "",
                   "\n".join(d.options or []) if d else "", _answer_cell(d.answer) if d else "",
                   d.note if d else ""])
    for i, (_, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    dv = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True)
    dv.add(f"J2:J{max(2, ws.max_row)}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if path is not None:
        from builder.core.atomic import write_bytes

        write_bytes(Path(path), data)
    return data


def _answer_cell(answer: str | list[str] | bool | None) -> str:
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return "对" if answer else "错"
    if isinstance(answer, list):
        return "\n".join(answer)
    return answer


def read_xlsx(path: Path, known: dict[str, Question]) -> dict[str, Decision]:
    """The decisions a trainer made in the sheet; :class:`HandbookError` naming each bad cell."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = Path(path).name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise HandbookError(f"{name}: not a readable XLSX workbook ({e.__class__.__name__})") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    head = [str(c or "").strip() for c in next(it, ())]
    missing = [h for h in ("编号", "决定", "修改后题干", "修改后选项", "修改后答案", "备注") if h not in head]
    if missing:
        raise HandbookError(f"{name}: row 1: the columns {', '.join(missing)} are missing; "
                            "start from `handbook quiz review --out`")
    col = {h: head.index(h) for h in head if h}
    out: dict[str, Decision] = {}
    problems: list[str] = []
    for n, values in enumerate(it, 2):
        if n > MAX_ROWS:
            problems.append(f"{name}: more than {MAX_ROWS} rows")
            break

        def cell(h: str, values=values) -> str:
            i = col[h]
            v = values[i] if i < len(values) else None
            return "" if v is None else str(v).strip()

        qid, verdict = cell("编号"), cell("决定")
        if not qid and not verdict:
            continue
        where = f"{name}: row {n}"
        if qid not in known:
            problems.append(f"{where}: 编号: '{qid}' is no question of the bank (regenerate the sheet)")
            continue
        if not verdict:
            continue
        if verdict not in DECISIONS:
            problems.append(f"{where}: 决定: '{verdict}' is not one of {' / '.join(DECISIONS)}")
            continue
        q = known[qid]
        stem, opts, ans, note = cell("修改后题干"), cell("修改后选项"), cell("修改后答案"), cell("备注")
        if verdict != "修改":
            out[qid] = Decision.model_validate({"decision": verdict, "note": note, "text_hash": q.source.text_hash})
            continue
        if not (stem or opts or ans):
            problems.append(f"{where}: 修改: give the new wording in 修改后题干, 修改后选项 or 修改后答案")
            continue
        options = [_strip_letter(o) for o in opts.splitlines() if o.strip()] or None
        try:
            answer = _parse_answer(q, ans, options or q.options) if ans else None
        except ValueError as e:
            problems.append(f"{where}: 修改后答案: {e}")
            continue
        if options and q.type in ("single", "multiple") and answer is None:
            kept = [a for a in q.answers if a in options]
            if not kept:
                problems.append(f"{where}: 修改后答案: the new options no longer hold the answer; give it")
                continue
        out[qid] = Decision(decision="修改", stem=stem or None, options=options, answer=answer, note=note,
                            text_hash=q.source.text_hash)
    if problems:
        raise HandbookError(problems)
    return out


def _strip_letter(text: str) -> str:
    text = text.strip()
    if len(text) > 2 and text[0] in LETTERS and text[1] in ".、．":
        return text[2:].strip()
    return text


def _parse_answer(q: Question, text: str, options: list[str]) -> str | list[str] | bool:
    """A trainer's answer: 对/错; a letter (B) or the option's text; letters for multiple/order."""
    if q.type == "truefalse":
        if text in ("对", "√", "正确"):
            return True
        if text in ("错", "×", "错误"):
            return False
        raise ValueError(f"'{text}' is not 对 or 错")
    if q.type == "blank":
        return text
    letters = text.replace(" ", "").replace(",", "").replace("，", "").upper()
    if letters and all(ch in LETTERS[: len(options)] for ch in letters):
        picked = [options[LETTERS.index(ch)] for ch in letters]
        if q.type == "single":
            if len(picked) != 1:
                raise ValueError(f"a single choice has one answer, not '{text}'")
            return picked[0]
        return picked
    if q.type == "single" and text in options:
        return text
    raise ValueError(f"'{text}' is not an option's letter (A–{LETTERS[len(options) - 1]}) or text")


def merge(stored: dict[str, Decision], new: dict[str, Decision]) -> dict[str, Decision]:
    """The stored decisions with the sheet's on top (a row left blank keeps its stored decision)."""
    out = dict(stored)
    out.update(new)
    return out
