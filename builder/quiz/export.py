"""Exports of the bank: Moodle XML (a category per topic), GIFT, and an Anki package.

Every exporter names each question by its stable id (Moodle ``<idnumber>``, GIFT
``[id:…]`` and ``::title::``, Anki GUID ``genanki.guid_for(id)``), so a re-export
updates what was imported before instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from builder.core.atomic import write_bytes, write_with
from builder.core.load import Content
from builder.quiz.bank import BLANK, Bank, Question, topic_label

COURSE_CATEGORY = "物业客服题库"
CJK_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


def _feedback(q: Question) -> str:
    s = q.source
    where = s.title + (f" · {s.part_title}" if s.part_title else "")
    return (q.explanation + " " if q.explanation else "") + f"出处:{where}({s.url})"


def _category(content: Content, q: Question) -> str:
    return f"{COURSE_CATEGORY}/{topic_label(content, q.topic)}"


def _by_category(bank: Bank, content: Content) -> dict[str, list[Question]]:
    groups: dict[str, list[Question]] = {}
    for q in bank.questions:
        groups.setdefault(_category(content, q), []).append(q)
    return dict(sorted(groups.items()))


# --- Moodle XML -----------------------------------------------------------
def _fraction(n: float) -> str:
    return f"{n:.5f}".rstrip("0").rstrip(".")


def moodle_xml(bank: Bank, content: Content) -> bytes:
    from lxml import etree

    E = etree.Element
    Sub = etree.SubElement

    def text(parent, tag: str, value: str, fmt: str | None = None, **attrs):
        el = Sub(parent, tag, **attrs)
        if fmt:
            el.set("format", fmt)
        Sub(el, "text").text = value
        return el

    def para(value: str) -> str:
        return f"<p>{html.escape(value, quote=False)}</p>"

    quiz = E("quiz")
    for category, questions in _by_category(bank, content).items():
        cat = Sub(quiz, "question", type="category")
        text(cat, "category", f"$course$/top/{category}")
        text(cat, "info", "", "html")
        for q in questions:
            qtype = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                     "blank": "shortanswer", "order": "ordering"}[q.type]
            el = Sub(quiz, "question", type=qtype)
            text(el, "name", q.id)
            text(el, "questiontext", para(q.stem), "html")
            text(el, "generalfeedback", para(_feedback(q)), "html")
            Sub(el, "defaultgrade").text = "1"
            Sub(el, "penalty").text = "0.3333333"
            Sub(el, "hidden").text = "0"
            Sub(el, "idnumber").text = q.id
            if q.type in ("single", "multiple"):
                Sub(el, "single").text = "true" if q.type == "single" else "false"
                Sub(el, "shuffleanswers").text = "true"
                Sub(el, "answernumbering").text = "ABCD"
                right = q.answers
                wrong = [o for o in q.options if o not in right]
                for o in q.options:
                    frac: float
                    if q.type == "single":
                        frac = 100 if o in right else 0
                    else:
                        frac = 100 / len(right) if o in right else (-100 / len(wrong) if wrong else 0)
                    a = text(el, "answer", para(o), "html", fraction=_fraction(frac))
                    text(a, "feedback", "", "html")
            elif q.type == "truefalse":
                for value in ("true", "false"):
                    is_right = (value == "true") == bool(q.answer)
                    a = text(el, "answer", value, "moodle_auto_format", fraction="100" if is_right else "0")
                    text(a, "feedback", "", "html")
            elif q.type == "blank":
                Sub(el, "usecase").text = "0"
                for value in [str(q.answer)] + q.accept:
                    a = text(el, "answer", value, "moodle_auto_format", fraction="100")
                    text(a, "feedback", "", "html")
            elif q.type == "order":
                Sub(el, "layouttype").text = "VERTICAL"
                Sub(el, "selecttype").text = "ALL"
                Sub(el, "selectcount").text = "0"
                Sub(el, "gradingtype").text = "ABSOLUTE_POSITION"
                Sub(el, "showgrading").text = "SHOW"
                for value in q.answers:
                    text(el, "answer", para(value), "html", fraction="1.0")
            tags = Sub(el, "tags")
            for t in dict.fromkeys(q.tags + [q.source.kind]):
                text(tags, "tag", t)
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- GIFT -------------------------------------------------------------------
_GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(value: str) -> str:
    """Backslash before each of \\ ~ = # { } : ; newlines become spaces (a blank line ends a question)."""
    value = " ".join(value.split("\n"))
    return "".join("\\" + c if c in _GIFT_SPECIAL else c for c in value)


def gift_question(q: Question) -> str:
    e = gift_escape
    comment = f"// [id:{q.id}]" + "".join(f" [tag:{t}]" for t in dict.fromkeys(q.tags + [q.source.kind]))
    head = f"::{e(q.id)}::"
    fb = f"####{e(_feedback(q))}"
    if q.type == "single":
        body = e(q.stem) + "{" + " ".join(("=" if o == q.answer else "~") + e(o) for o in q.options) + " " + fb + "}"
    elif q.type == "multiple":
        right = q.answers
        wrong = [o for o in q.options if o not in right]
        parts = []
        for o in q.options:
            w = 100 / len(right) if o in right else (-100 / len(wrong))
            parts.append(f"~%{_fraction(w)}%{e(o)}")
        body = e(q.stem) + "{" + " ".join(parts) + " " + fb + "}"
    elif q.type == "truefalse":
        body = e(q.stem) + "{" + ("TRUE" if q.answer else "FALSE") + fb + "}"
    elif q.type == "blank":
        answers = " ".join("=" + e(a) for a in [str(q.answer)] + q.accept)
        if BLANK in q.stem:
            before, after = q.stem.split(BLANK, 1)
            body = e(before) + "{" + answers + " " + fb + "}" + e(after)
        else:
            body = e(q.stem) + "{" + answers + " " + fb + "}"
    else:  # order → matching: each step to its position
        pairs = " ".join(f"={e(step)} -> 第{i}步" for i, step in enumerate(q.answers, 1))
        body = e(q.stem) + "{" + pairs + " " + fb + "}"
    return f"{comment}\n{head}{body}\n"


def gift(bank: Bank, content: Content) -> bytes:
    out = ["// 物业客服部题库 (handbook quiz export --format gift)\n"]
    for category, questions in _by_category(bank, content).items():
        out.append(f"$CATEGORY: $course$/top/{category}\n")
        for q in questions:
            out.append(gift_question(q))
    return "\n".join(out).encode("utf-8")


# --- Anki -------------------------------------------------------------------
def _stable_id(name: str) -> int:
    """A fixed Anki model/deck id from a name (Anki wants 1 << 30 .. 1 << 31)."""
    return (1 << 30) + int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % (1 << 30)


MODEL_ID = _stable_id("handbook-quiz-model-v1")
DECK_ID = _stable_id("handbook-quiz-deck-v1")

ANKI_CSS = f""".card {{ font-family: {CJK_FONT}; font-size: 20px; text-align: left; color: #111; background: #fff;
  line-height: 1.6; padding: 0 8px; }}
.stem {{ font-weight: 600; margin-bottom: 8px; }}
ol.options {{ list-style: upper-latin; padding-left: 1.6em; }}
.answer {{ color: #0a6b2d; font-weight: 600; }}
.explanation {{ margin-top: 8px; }}
.source {{ margin-top: 8px; font-size: 14px; color: #555; }}
"""

FIELDS = ["Id", "Type", "Stem", "Options", "Answer", "Explanation", "Source"]


def _anki_model():
    import genanki

    return genanki.Model(
        MODEL_ID, "物业客服题库",
        fields=[{"name": f} for f in FIELDS],
        templates=[{
            "name": "题目",
            "qfmt": '<div class="stem">{{Stem}}</div>{{#Options}}<div class="opts">{{Options}}</div>{{/Options}}',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
                    '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
                    '<div class="source">{{Source}}</div>',
        }],
        css=ANKI_CSS,
    )


def anki_fields(q: Question) -> list[str]:
    esc = html.escape
    options = ""
    if q.options:
        options = '<ol class="options">' + "".join(f"<li>{esc(o)}</li>" for o in q.options) + "</ol>"
    if q.type == "order":
        answer = " → ".join(esc(a) for a in q.answers)
    elif q.type == "truefalse":
        answer = "对" if q.answer else "错"
    else:
        answer = "、".join(esc(a) for a in q.answers)
    s = q.source
    where = s.title + (f" · {s.part_title}" if s.part_title else "")
    return [q.id, q.type, esc(q.stem), options, answer, esc(q.explanation), f"出处:{esc(where)} {esc(s.url)}"]


def anki_package(bank: Bank, content: Content, path: Path) -> None:
    import genanki

    model = _anki_model()
    deck = genanki.Deck(DECK_ID, "物业客服部题库")
    for q in bank.questions:
        tags = ["handbook", f"kind::{q.source.kind}", f"difficulty::{q.difficulty}"] + [f"tag::{t}" for t in q.tags]
        deck.add_note(genanki.Note(model=model, fields=anki_fields(q), guid=genanki.guid_for(q.id), tags=tags))
    write_with(path, lambda tmp: genanki.Package(deck).write_to_file(str(tmp)))


EXPORTERS = ("moodle", "gift", "anki")


def export(bank: Bank, content: Content, fmt: str, path: Path) -> None:
    """Write the bank in ``fmt`` (moodle, gift, anki) to ``path``, atomically."""
    if fmt == "moodle":
        write_bytes(path, moodle_xml(bank, content))
    elif fmt == "gift":
        write_bytes(path, gift(bank, content))
    elif fmt == "anki":
        anki_package(bank, content, path)
    else:
        raise ValueError(f"unknown export format '{fmt}'; use one of {', '.join(EXPORTERS)}")
