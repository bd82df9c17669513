"""The trainer decides: the review sheet round-trips through XLSX, decisions are stored by
question id in content/ and survive regeneration; papers by blueprint; drafts marked on the
paper itself; coverage names what is not asked."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES

from builder.cli.main import main
from builder.core.check import load_valid
from builder.quiz.bank import build_bank
from builder.quiz.paper import PaperError, PaperSpec, draw, paper_pdf, parse_mix
from builder.quiz.review import read_decisions

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


@pytest.fixture
def content_dir(tmp_path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(GOOD, dst)
    return dst


def _sheet_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _fill(path: Path, decisions: dict[str, dict[str, str]]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        qid = row[head.index("编号")].value
        for col, value in decisions.get(qid, {}).items():
            row[head.index(col)].value = value
    wb.save(path)


def test_the_sheet_lists_every_question_with_its_source_by_title(content_dir, tmp_path, capsys):
    sheet = tmp_path / "review.xlsx"
    assert main(["quiz", "review", "--content", str(content_dir), "--forms", str(GOOD_FORMS), "--out", str(sheet)]) == 0
    rows = _sheet_rows(sheet)
    head, body = rows[0], rows[1:]
    assert head[:7] == ["编号", "状态", "题型", "题干", "选项", "答案", "出处"]
    content = load_valid(content_dir, GOOD_FORMS)
    bank = build_bank(content, include_draft=True)
    ids = {q.id for q in bank.questions} | {r.question.id for r in bank.refused}
    assert {r[0] for r in body} == ids
    by_id = {r[0]: r for r in body}
    assert by_id["ling-xiang.answer.figure-choice"][1] == "在题库"
    assert by_id["yongyu.rule-1.rule-2"][1] == "待采用" and "common-sense" in by_id["yongyu.rule-1.rule-2"][7]
    assert by_id["yongyu.forbidden.moment-1"][3].startswith("〔待审核〕")  # a draft's question says so
    cite = by_id["baoxiu.step-1.order"][6]
    assert "《物业客服工作内容》" in cite and "/procedures/" not in cite


def test_decisions_round_trip_and_survive_regeneration(content_dir, tmp_path, capsys):
    sheet = tmp_path / "review.xlsx"
    args = ["--content", str(content_dir), "--forms", str(GOOD_FORMS)]
    assert main(["quiz", "review", *args, "--out", str(sheet)]) == 0
    _fill(sheet, {
        "ling-xiang.answer.figure-blank": {"决定": "弃用", "备注": "与选择题重复"},
        "ling-xiang.answer.figure-choice": {"决定": "修改", "修改后题干": "业主来电，前台最迟铃响几声内接起？"},
        "yongyu.rule-1.rule-2": {"决定": "采用"},  # held until adopted
    })
    assert main(["quiz", "review", *args, "--apply", str(sheet)]) == 0
    stored = read_decisions(content_dir)
    assert stored["ling-xiang.answer.figure-blank"].decision == "弃用"
    assert stored["ling-xiang.answer.figure-choice"].stem == "业主来电，前台最迟铃响几声内接起？"
    # regenerate: the decisions are applied by id
    content = load_valid(content_dir, GOOD_FORMS)
    bank = build_bank(content, include_draft=True).by_id()
    assert "ling-xiang.answer.figure-blank" not in bank
    assert bank["ling-xiang.answer.figure-choice"].stem == "业主来电，前台最迟铃响几声内接起？"
    assert bank["ling-xiang.answer.figure-choice"].answer == "三声"  # the key is kept
    assert bank["yongyu.rule-1.rule-2"].review == "采用"
    # a new sheet shows the stored decisions, and applying it unchanged changes nothing
    again = tmp_path / "again.xlsx"
    assert main(["quiz", "review", *args, "--out", str(again)]) == 0
    by_id = {r[0]: r for r in _sheet_rows(again)[1:]}
    assert by_id["ling-xiang.answer.figure-choice"][9:11] == ["修改", "业主来电，前台最迟铃响几声内接起？"]
    before = (content_dir / "quiz.review.json").read_text(encoding="utf-8")
    assert main(["quiz", "review", *args, "--apply", str(again)]) == 0
    assert (content_dir / "quiz.review.json").read_text(encoding="utf-8") == before


def test_a_bad_sheet_names_the_row_and_column_and_stores_nothing(content_dir, tmp_path, capsys):
    sheet = tmp_path / "review.xlsx"
    args = ["--content", str(content_dir), "--forms", str(GOOD_FORMS)]
    assert main(["quiz", "review", *args, "--out", str(sheet)]) == 0
    _fill(sheet, {"ling-xiang.answer.figure-blank": {"决定": "采纳"},
                  "ling-xiang.answer.figure-choice": {"决定": "修改"},
                  "baoxiu.step-1.order": {"决定": "修改", "修改后答案": "Z"}})
    capsys.readouterr()
    assert main(["quiz", "review", *args, "--apply", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert "决定: '采纳' is not one of 采用 / 修改 / 弃用" in err
    assert "修改: give the new wording" in err
    assert "修改后答案: 'Z' is not an option's letter" in err
    assert all("review.xlsx: row " in line for line in err.strip().splitlines())
    assert not (content_dir / "quiz.review.json").exists()
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a workbook")
    assert main(["quiz", "review", *args, "--apply", str(bogus)]) == 2
    assert "not a readable XLSX workbook" in capsys.readouterr().err


def test_a_paper_by_blueprint(real_content):
    bank = build_bank(real_content)
    mix, problems = parse_mix("huifang+baoxiu=50,tousu+jiedai=30,*=20", real_content)
    assert problems == [] and [p.label for p in mix] == ["回访与报修", "投诉与接待", "其他"]
    paper = draw(bank, real_content, PaperSpec(count=4, seed=4, role="kefu-yuan", mix=mix, date="2026-12-01"))
    qs = [pq.question for pq in paper.questions]
    in_first = [q for q in qs if {"huifang", "baoxiu"} & set(q.tags + [q.topic])]
    assert len(in_first) >= 2 and len(qs) == 4
    assert paper.name == "客服员-2026-12-01"
    assert paper.to_json()["paper"]["seed"] == 4
    assert parse_mix("huifang=50,*=20", real_content)[1] == ["--mix: the shares add up to 70%, not 100%"]
    with pytest.raises(PaperError) as e:
        draw(bank, real_content, PaperSpec(count=10, seed=1, mix=parse_mix("zhiban=100", real_content)[0]))
    assert "needs 10" in e.value.problems[0]


def test_a_draft_question_says_待审核_on_the_candidates_paper(tmp_path):
    content = load_valid(GOOD, GOOD_FORMS)
    bank = build_bank(content, include_draft=True)
    paper = draw(bank, content, PaperSpec(count=5, seed=1, date="2026-12-01"))
    drafts = [pq for pq in paper.questions if pq.question.draft]
    assert drafts
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(paper_pdf(paper))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("〔待审核〕") >= len(drafts) and "尚未审定" in text
    assert "试卷编号：综合-2026-12-01（种子 1）" in text


def test_coverage_names_what_is_not_asked(capsys):
    assert main(["quiz", "coverage", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["数字"]["asked"] >= 18
    missing = {(m["item"], m["what"]) for m in data["missing"]}
    assert ("xiezilou-jingli-yi-ren", "数字") in missing  # a staffing count: refused as a list count
    assert all(m["why_not"] or m["what"] for m in data["missing"])
    # a supervisor's duty is asked, but of supervisors only, and the report says so
    sup = {(m["item"], m["what"]) for m in data["supervisors_only"]}
    assert ("ruhuo-shoufei-meiyue-jiancha", "数字") in sup
    assert ("ruhuo-shoufei-meiyue-jiancha", "数字") not in missing
    # a time limit a step states is asked by the fact that says it first (装修备案期限最长不得超过三个月)
    assert ("zhuangxiu-bei-an", "时限") not in missing
