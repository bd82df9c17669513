"""Exports read back: GIFT through a small reader written here, Moodle XML through lxml,
the Anki package as the zip + sqlite collection it is; re-export keeps every id."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from conftest import FIXTURES
from lxml import etree

from builder.cli.main import main
from builder.quiz.bank import BLANK, Bank, Question, Source, build_bank
from builder.quiz.export import DECK_ID, MODEL_ID, gift, gift_escape, moodle_xml

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


@pytest.fixture(scope="module")
def real(real_content):
    return real_content, build_bank(real_content)


# --- a GIFT reader, enough for what Moodle's importer reads of ours ------------
def _split_unescaped(text: str, seps: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters; returns (separator, piece) pairs."""
    out: list[tuple[str, str]] = []
    sep, buf, i = "", [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if ch in seps:
            out.append((sep, "".join(buf)))
            sep, buf = ch, []
        else:
            buf.append(ch)
        i += 1
    out.append((sep, "".join(buf)))
    return out


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _find_unescaped(text: str, ch: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ch:
            return i
        i += 1
    return -1


def read_gift(text: str) -> list[dict]:
    questions, category = [], None
    for block in re.split(r"\n\s*\n", text):
        meta: dict = {"tags": []}
        body_lines = []
        for line in block.strip().splitlines():
            if line.startswith("$CATEGORY:"):
                category = line.split(":", 1)[1].strip()
            elif line.startswith("//"):
                meta["id"] = (re.findall(r"\[id:([^\]]+)\]", line) or [meta.get("id")])[0]
                meta["tags"] += re.findall(r"\[tag:([^\]]+)\]", line)
            else:
                body_lines.append(line)
        body = "\n".join(body_lines)
        if not body:
            continue
        assert body.startswith("::")
        end = body.index("::", 2)
        title, body = body[2:end], body[end + 2:]
        open_ = _find_unescaped(body, "{")
        close = _find_unescaped(body, "}", open_)
        before, inside, after = body[:open_], body[open_ + 1:close], body[close + 1:]
        inside, _, feedback = inside.partition("####")
        q = {"title": _unescape(title), "category": category, "feedback": _unescape(feedback), **meta}
        stripped = inside.strip()
        if stripped in ("TRUE", "FALSE", "T", "F"):
            q.update(type="truefalse", stem=_unescape(before), answer=stripped.startswith("T"))
        elif "->" in stripped:
            pairs = [p for s, p in _split_unescaped(stripped, "=") if s == "="]
            steps = sorted(((int(re.search(r"第(\d+)步", b).group(1)), _unescape(a))
                            for a, b in (p.rsplit("->", 1) for p in pairs)))
            q.update(type="order", stem=_unescape(before), answer=[s for _, s in steps])
        else:
            parts = [(s, p) for s, p in _split_unescaped(stripped, "=~") if s]
            if all(s == "=" for s, _ in parts):  # short answer; missing word if text follows the braces
                q.update(type="blank", answer=[_unescape(p) for _, p in parts],
                         stem=_unescape(before) + (BLANK + _unescape(after) if after.strip() else ""))
            elif any(p.startswith("%") for _, p in parts):
                opts, right = [], []
                for _, p in parts:
                    w, _, o = p[1:].partition("%")
                    opts.append(_unescape(o))
                    if float(w) > 0:
                        right.append(_unescape(o))
                q.update(type="multiple", stem=_unescape(before), options=opts, answer=right)
            else:
                opts = [_unescape(p) for _, p in parts]
                q.update(type="single", stem=_unescape(before), options=opts,
                         answer=next(_unescape(p) for s, p in parts if s == "="))
        questions.append(q)
    return questions


def _same(q: Question, got: dict) -> None:
    assert got["id"] == got["title"] == q.id
    assert got["type"] == q.type, q.id
    assert got["stem"] == q.stem, q.id
    if q.type in ("single", "multiple"):
        assert got["options"] == q.options
    if q.type == "blank":
        assert got["answer"] == [q.answer] + q.accept
    else:
        assert got["answer"] == q.answer, q.id
    assert q.source.url in got["feedback"]
    assert set(q.tags) <= set(got["tags"])


def test_gift_reads_back_to_the_same_questions(real):
    content, bank = real
    text = gift(bank, content).decode("utf-8")
    got = read_gift(text)
    assert len(got) == len(bank)
    for q, g in zip(sorted(bank.questions, key=lambda q: q.id), sorted(got, key=lambda g: g["id"])):
        _same(q, g)
    assert {g["category"] for g in got} >= {"$course$/top/物业客服题库/投诉", "$course$/top/物业客服题库/入伙"}


def test_gift_escapes_every_special_character():
    nasty = "a~b=c#d{e}f:g\\h"
    assert gift_escape(nasty) == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    src = Source(item_id="x", kind="fact", title="T", anchor="answer", url="/facts/x/#answer", text_hash="0" * 64)
    qs = [Question(id="x.answer.a", type="single", stem="价格{1}=2 #3: ~?", options=["a=b", "c~d", "e{f}"],
                   answer="c~d", difficulty=1, topic="fact", origin="authored", family="authored", asks="1",
                   source=src, explanation="解析: 见#1"),
          Question(id="x.answer.b", type="multiple", stem="选出:A\\B", options=["1:1", "2#2", "3"],
                   answer=["1:1", "2#2"], difficulty=1, topic="fact", origin="authored", family="authored",
                   asks="2", source=src),
          Question(id="x.answer.c", type="blank", stem=f"时间{BLANK}内: 回访", answer="两天", accept=["2天"],
                   difficulty=1, topic="fact", origin="generated", family="figure", asks="3", source=src)]
    text = gift(Bank(questions=qs), _Content()).decode("utf-8")
    got = read_gift(text)
    for q, g in zip(qs, got):
        _same(q, g)


class _Content:
    tags = None


# --- Moodle XML ----------------------------------------------------------------
def _plain(text: str | None) -> str:
    return html.unescape(re.sub(r"</?p>", "", text or ""))


def test_moodle_xml_reads_back_with_a_category_per_topic(real):
    content, bank = real
    root = etree.fromstring(moodle_xml(bank, content))
    by_id = bank.by_id()
    category, seen = None, []
    categories = set()
    for el in root.findall("question"):
        if el.get("type") == "category":
            category = el.findtext("category/text")
            categories.add(category)
            continue
        qid = el.findtext("idnumber")
        q = by_id[qid]
        seen.append(qid)
        assert el.findtext("name/text") == qid
        assert _plain(el.findtext("questiontext/text")) == q.stem
        assert category.endswith("/" + (content.tags.tags[q.topic].label if q.topic in content.tags.tags else category.rsplit("/", 1)[1]))
        answers = [(_plain(a.findtext("text")), float(a.get("fraction"))) for a in el.findall("answer")]
        if q.type == "single":
            assert el.get("type") == "multichoice" and el.findtext("single") == "true"
            assert [a for a, _ in answers] == q.options
            assert [a for a, f in answers if f == 100] == [q.answer]
        elif q.type == "multiple":
            assert el.findtext("single") == "false"
            assert [a for a, f in answers if f > 0] == q.answers
        elif q.type == "truefalse":
            assert [a for a, f in answers if f == 100] == ["true" if q.answer else "false"]
        elif q.type == "blank":
            assert el.get("type") == "shortanswer" and [a for a, _ in answers] == [q.answer] + q.accept
        elif q.type == "order":
            assert el.get("type") == "ordering" and [a for a, _ in answers] == q.answer
        assert q.source.url in _plain(el.findtext("generalfeedback/text"))
        assert set(q.tags) <= {t.findtext("text") for t in el.findall("tags/tag")}
    assert sorted(seen) == sorted(by_id)
    assert len(categories) == len({q.topic for q in bank.questions})


# --- Anki --------------------------------------------------------------------
def _notes(apkg: Path) -> tuple[list[tuple[str, list[str], str]], dict]:
    with zipfile.ZipFile(apkg) as z:
        tmp = apkg.with_suffix(".anki2")
        tmp.write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(tmp)
    try:
        notes = [(guid, flds.split("\x1f"), tags) for guid, flds, tags in
                 con.execute("select guid, flds, tags from notes order by id")]
        models = json.loads(con.execute("select models from col").fetchone()[0])
        decks = json.loads(con.execute("select decks from col").fetchone()[0])
    finally:
        con.close()
    return notes, {"models": models, "decks": decks}


def test_anki_package_holds_the_right_notes_and_reexport_keeps_guids(tmp_path):
    out = tmp_path / "quiz.apkg"
    args = ["quiz", "export", "--content", str(GOOD), "--forms", str(GOOD_FORMS), "--format", "anki", "--out", str(out)]
    assert main(args) == 0
    notes, col = _notes(out)
    from builder.core.check import load_valid

    bank = build_bank(load_valid(GOOD, GOOD_FORMS))
    assert sorted(n[1][0] for n in notes) == sorted(q.id for q in bank.questions)
    for guid, fields, tags in notes:
        assert guid == genanki.guid_for(fields[0])
        q = bank.by_id()[fields[0]]
        assert html.unescape(fields[2]) == q.stem
        assert "handbook" in tags.split()
    model = col["models"][str(MODEL_ID)]
    assert "Noto Sans CJK SC" in model["css"]
    assert str(DECK_ID) in col["decks"]
    first = {n[0] for n in notes}
    assert main(args) == 0
    assert {n[0] for n in _notes(out)[0]} == first


def test_export_bad_format_exits_2(tmp_path, capsys):
    code = main(["quiz", "export", "--content", str(GOOD), "--forms", str(GOOD_FORMS), "--format", "qti",
                 "--out", str(tmp_path / "x")])
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: --format: unknown format 'qti'; use one of moodle, gift, anki"
    assert not (tmp_path / "x").exists()
