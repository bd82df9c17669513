"""Papers: reproducible by seed, balanced, no question twice; the DOCX and PDF hold every
stem; the answer key matches the JSON; bad arguments exit 2 with one line each."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from collections import Counter

import pytest
from conftest import FIXTURES

from builder.cli.main import main
from builder.quiz.bank import build_bank
from builder.quiz.check import check_paper
from builder.quiz.paper import PaperError, PaperSpec, draw

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


def flat(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def real(real_content):
    return real_content, build_bank(real_content)


def test_same_seed_same_paper_other_seed_other_paper(real):
    content, bank = real
    a = draw(bank, content, PaperSpec(count=14, seed=7, role="kefu-yuan")).to_json()
    b = draw(bank, content, PaperSpec(count=14, seed=7, role="kefu-yuan")).to_json()
    c = draw(bank, content, PaperSpec(count=14, seed=8, role="kefu-yuan")).to_json()
    assert a == b
    assert [q["id"] for q in a["questions"]] != [q["id"] for q in c["questions"]]


def test_paper_is_balanced_by_topic_and_never_asks_twice(real):
    content, bank = real
    paper = draw(bank, content, PaperSpec(count=12, seed=3, role="kefu-yuan"))
    questions = [pq.question for pq in paper.questions]
    assert len(questions) == 12 and check_paper(questions) == []
    assert all("kefu-yuan" in q.posts for q in questions)
    topics = Counter(q.topic for q in questions)
    # every topic is on the paper unless each of its questions asks what another already asks,
    # or gives another away (or is given away)
    from builder.quiz.rules import pair_problem

    asked = {q.asks for q in questions}
    for t in {q.topic for q in bank.questions if "kefu-yuan" in q.posts} - set(topics):
        for q in (q for q in bank.questions if q.topic == t and "kefu-yuan" in q.posts):
            assert q.asks in asked or any(pair_problem(q, c) for c in questions), q.id
    assert max(topics.values()) <= 12 // len(topics) + 3


def test_options_are_shuffled_by_seed_and_the_letters_follow(real):
    content, bank = real
    singles = {}
    for seed in range(6):
        for pq in draw(bank, content, PaperSpec(count=14, seed=seed)).questions:
            q = pq.question
            if q.type == "single":
                assert pq.options[ord(pq.answer_letters) - 65] == q.answer
                singles.setdefault(q.id, set()).add(tuple(pq.options))
            if q.type == "order":
                assert [pq.options[ord(ch) - 65] for ch in pq.answer_letters] == q.answer
    assert any(len(v) > 1 for v in singles.values())


def test_filters_and_bad_arguments(real):
    content, bank = real
    paper = draw(bank, content, PaperSpec(count=2, seed=1, topic="zhuangxiu", difficulty=2))
    assert len(paper.questions) == 2 and all(pq.question.difficulty == 2 and "zhuangxiu" in pq.question.tags + [pq.question.topic]
               for pq in paper.questions)
    with pytest.raises(PaperError) as e:
        draw(bank, content, PaperSpec(count=0, seed=1, role="nobody", topic="nothing", difficulty=5))
    assert len(e.value.problems) == 4
    with pytest.raises(PaperError) as e:
        draw(bank, content, PaperSpec(count=100000, seed=1))
    assert e.value.problems[0].startswith("--count: only ")


def test_cli_bad_arguments_exit_2_one_line_each(capsys, tmp_path):
    code = main(["quiz", "paper", "--content", str(GOOD), "--forms", str(GOOD_FORMS), "--role", "nobody",
                 "--topic", "x", "--count", "3", "--seed", "1", "--format", "docx,odt"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == ["error: --format: unknown format 'odt'; use docx, pdf or json (comma-separated)",
                   "error: --out: give a folder for docx/pdf papers (only --format json prints to stdout)",
                   "error: --role: unknown post 'nobody'; one of: kefu-zhuguan, qiantai",
                   "error: --topic: unknown topic 'x'; a tag or kind, one of: baoxiu, case, dianhua, etiquette, "
                   "fact, legal, policy, procedure, role"]


def test_json_to_stdout(capsys):
    assert main(["quiz", "paper", "--content", str(GOOD), "--forms", str(GOOD_FORMS), "--count", "4", "--seed", "2",
                 "--format", "json", "--include-draft"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["questions"]) == 4
    for q in data["questions"]:
        assert set(q) >= {"id", "type", "stem", "options", "answer", "explanation", "source"}
        assert q["source"]["url"].startswith("/") and len(q["source"]["text_hash"]) == 64


@pytest.fixture(scope="module")
def written(tmp_path_factory, real_content):
    out = tmp_path_factory.mktemp("paper")
    code = main(["quiz", "paper", "--role", "kefu-yuan", "--count", "15", "--seed", "11", "--date", "2026-12-01",
                 "--format", "docx,pdf,json", "--out", str(out)])
    assert code == 0
    return out


def test_docx_paper_and_key_hold_every_stem_and_the_key_matches_the_json(written):
    import docx
    from docx.oxml.ns import qn

    data = json.loads((written / "客服员-2026-12-01.json").read_text(encoding="utf-8"))
    paper = docx.Document(str(written / "客服员-2026-12-01-paper.docx"))
    text = flat("\n".join(p.text for p in paper.paragraphs))
    for q in data["questions"]:
        assert flat(q["stem"]) in text, q["id"]
        for o in q["options"]:
            assert flat(o) in text
        assert flat(q["explanation"]) not in text or not q["explanation"]  # no answers on the candidate's paper
    assert "姓名" in text and "日期" in text and "岗位:客服员" in text
    assert flat("试卷编号：客服员-2026-12-01（种子 11）") in text  # matches the key's
    assert flat(paper.tables[0].rows[2].cells[0].text) == "得分"
    rfonts = paper.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "宋体"  # the office PCs have SimSun, not Noto

    key = docx.Document(str(written / "客服员-2026-12-01-key.docx"))
    lines = [p.text for p in key.paragraphs]
    assert any(line.startswith("试卷编号：客服员-2026-12-01（种子 11）") for line in lines)
    answers = [line.strip().removeprefix("答案:") for line in lines if line.strip().startswith("答案:")]
    assert len(answers) == len(data["questions"])
    for got, q in zip(answers, data["questions"]):
        assert got.startswith(q["answer_letters"] if q["type"] != "blank" else q["answer"]), q["id"]
        if q["type"] == "single":
            assert got == f"{q['answer_letters']}({q['answer']})"
    sources = [line for line in lines if line.strip().startswith("出处:")]
    assert [q["cite"] in s and "/" + q["source"]["kind"] not in s for s, q in zip(sources, data["questions"])] \
        == [True] * len(sources)  # the manual and section by title, never a URL
    assert all("《" in q["cite"] for q in data["questions"])
    assert len(sources) == len(data["questions"])


def test_pdf_paper_and_key_hold_every_stem_in_an_embedded_cjk_font(written, artifacts):
    data = json.loads((written / "客服员-2026-12-01.json").read_text(encoding="utf-8"))
    for name in ("paper", "key"):
        pdf = written / f"客服员-2026-12-01-{name}.pdf"
        text = flat(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
        for q in data["questions"]:
            assert flat(q["stem"]) in text, (name, q["id"])
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Noto-Sans-CJK-SC" in fonts and " yes " in fonts
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(artifacts / f"quiz-{name}")],
                       check=True)
    key = flat(subprocess.run(["pdftotext", str(written / "客服员-2026-12-01-key.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout)
    for q in data["questions"]:
        assert flat(q["cite"]) in key and flat(q["source"]["url"]) not in key


def test_cli_missing_and_malformed_numbers_are_one_line_each(capsys):
    code = main(["quiz", "paper", "--content", str(GOOD), "--forms", str(GOOD_FORMS), "--seed", "x",
                 "--difficulty", "hard", "--format", "json"])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: --count: required", "error: --seed: 'x' is not a whole number",
        "error: --difficulty: 'hard' is not a whole number"]
