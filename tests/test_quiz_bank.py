"""The question bank: correctness over the whole real bank, coverage of every post, kind
and figure, determinism, the value ladder, and stale / missing detection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from builder.cli.main import main
from builder.core.check import load_valid
from builder.quiz.bank import (
    BLANK,
    Bank,
    build_bank,
    counts,
    is_department,
    neighbours,
    normalise,
    parse_cn_number,
    parse_figure,
    to_cn_number,
)
from builder.quiz.check import check_bank, check_paper, lock_path, read_lock, stale, write_lock

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


@pytest.fixture(scope="module")
def real_bank(real_content) -> Bank:
    return build_bank(real_content)


# --- the real bank --------------------------------------------------------
def test_every_question_of_the_real_bank_is_right(real_bank, real_content):
    issues = check_bank(real_bank, real_content)
    assert issues == [], "\n".join(map(str, issues[:30]))


def test_every_figure_of_the_facts_is_asked_or_refused_with_a_reason(real_bank, real_content):
    asked = {q.source.item_id for q in real_bank.questions if q.family == "figure"}
    refused = {r.question.source.item_id for r in real_bank.refused if r.reasons}
    silent = [f.id for f in real_content.of_kind("fact") if f.figure and f.id not in asked | refused]
    assert silent == []
    assert len(asked) >= 15  # one question a fact; list counts, set phrases and customary figures are refused
    # and each blank removes exactly that figure from the fact's answer
    for q in real_bank.questions:
        if q.family == "figure" and q.type == "blank":
            fact = real_content.items[q.source.item_id]
            filled = q.stem.split(" ")[-1].replace(BLANK, str(q.answer))
            assert normalise(filled) in normalise(fact.answer), q.id


def test_every_post_with_body_and_every_kind_of_content_has_questions(real_bank, real_content):
    data = counts(real_bank, real_content)
    no_questions = [r.id for r in real_content.of_kind("role")
                    if r.status != "outline" and not is_department(r) and (r.duties or any(i.id != r.id and i.status != "outline"
                                                                  for i in real_content.for_role(r.id)))
                    and data["post"].get(r.id, 0) == 0]
    assert no_questions == []
    # approved material only by default: facts, procedures and etiquette are asked; drafts are not
    assert {"fact", "procedure", "etiquette"} <= set(data["kind"])
    assert all(real_content.items[q.source.item_id].status == "sourced" for q in real_bank.questions)
    assert not any(q.draft for q in real_bank.questions)
    # the 15 posts every team uses are covered
    for post in ("kefu-jingli", "kefu-zhuguan", "kefu-zhuren", "kefu-yuan", "qiantai-jiedai", "tiexin-guanjia"):
        assert data["post"].get(post, 0) > 0, post


def test_ids_are_unique_and_the_bank_is_deterministic(real_content, real_bank):
    ids = [q.id for q in real_bank.questions]
    assert len(ids) == len(set(ids))
    again = build_bank(real_content)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in real_bank.questions]


# --- generators on the fixture ------------------------------------------
def made(bank: Bank, qid: str):
    """A question the generators made, in the bank or kept out of it."""
    found = bank.by_id().get(qid) or next((r.question for r in bank.refused if r.question.id == qid), None)
    assert found is not None, qid
    return found


def test_fixture_bank_has_each_generator():
    content = load_valid(GOOD, GOOD_FORMS)
    bank = build_bank(content)
    by_id = bank.by_id()
    blank = made(bank, "ling-xiang.answer.figure-blank")  # one question a fact: the choice is kept
    assert "ling-xiang.answer.figure-blank" not in by_id
    assert [r.reasons for r in bank.refused if r.question.id == blank.id] == [
        ["same-as: asks what ling-xiang.answer.figure-choice asks"]]
    assert blank.stem == f"铃响{BLANK}内接听。" and blank.answer == "三声" and blank.accept == ["3声"]
    choice = by_id["ling-xiang.answer.figure-choice"]
    assert choice.answer == "三声" and len(choice.options) == 4
    assert all(o.endswith("声") for o in choice.options)
    # baoxiu is listed in the fixture's quiz.settings.json, but three steps in order is common sense
    (reasons,) = [r.reasons for r in bank.refused if r.question.id == "baoxiu.step-1.order"]
    assert "short-order: 3 steps to order: common sense, not the procedure" in reasons
    limit = by_id["baoxiu.step-3.limit-choice"]
    assert limit.answer == "两天内" and limit.stem == "报修：维修完成后回访业主，最迟多长时间内完成？"
    assert limit.source.url == "/procedures/baoxiu/#step-3"
    assert "yongyu.forbidden.moment-1" not in by_id  # a draft: out by default
    drafts = build_bank(content, include_draft=True).by_id()
    forbidden = drafts["yongyu.forbidden.moment-1"]
    assert forbidden.type == "multiple" and forbidden.draft
    assert forbidden.answer == ["不知道", "不是我管的"] or forbidden.answer == ["不是我管的", "不知道"]
    assert sorted(forbidden.options) == sorted(["不知道", "不是我管的", "您好", "请稍等"])
    assert check_bank(bank, content) == []


# --- the value ladder -----------------------------------------------------
@pytest.mark.parametrize("text,value", [("三", 3), ("两", 2), ("十", 10), ("十二", 12), ("二十四", 24),
                                        ("七十二", 72), ("一百", 100), ("半", 0.5), ("72", 72), ("三百六十五", 365)])
def test_chinese_numbers(text, value):
    assert parse_cn_number(text) == value


def test_numbers_round_trip():
    for n in list(range(1, 120)) + [200, 365]:
        assert parse_cn_number(to_cn_number(n)) == n


@pytest.mark.parametrize("figure,expected", [
    ("三声", ["两声", "四声", "一声"]),
    ("两天内", ["一天内", "三天内", "一星期内"]),
    ("三天内回访", ["两天内回访", "一星期内回访", "一天内回访"]),
    ("两日", ["一日", "三日", "一星期"]),
    ("2天", ["1天", "3天", "5天"]),
    ("72小时内", ["48小时内", "96小时内", "24小时内"]),
    ("三个月", ["两个月", "六个月", "一个月"]),
    ("每月抽查四次", ["每月抽查三次", "每月抽查五次", "每月抽查两次"]),
    ("一星期内", ["三天内", "半个月内", "两天内"]),
])
def test_distractors_are_neighbours_of_the_same_kind(figure, expected):
    assert neighbours(parse_figure(figure)) == expected


def test_no_distractors_from_weekdays_or_clock_times():
    assert parse_figure("周一至周五8:30-18:00") is None
    assert parse_figure("第三步") is None
    assert parse_figure("四清晰").number == 4


# --- the checks can fail -------------------------------------------------
def _fixture():
    content = load_valid(GOOD, GOOD_FORMS)
    return content, build_bank(content)


def test_check_flags_a_distractor_that_holds_the_answer():
    content, bank = _fixture()
    q = bank.by_id()["ling-xiang.answer.figure-choice"]
    q.options[q.options.index(next(o for o in q.options if o != q.answer))] = "三声以内"
    assert [i.what for i in check_bank(Bank(questions=[q]), content)] == ["wrong"]


def test_check_flags_an_answer_not_in_the_source():
    content, bank = _fixture()
    q = made(bank, "ling-xiang.answer.figure-blank")
    q.answer = "五声"
    q.evidence = ["铃响五声内接听。"]
    messages = [i.message for i in check_bank(Bank(questions=[q]), content)]
    assert any("not in its source text" in m for m in messages)
    assert any("is not in the source text" in m for m in messages)


def test_a_paper_never_asks_the_same_thing_twice():
    content, bank = _fixture()
    by_id = bank.by_id()
    dup = check_paper([made(bank, "ling-xiang.answer.figure-blank"), by_id["ling-xiang.answer.figure-choice"]])
    assert [i.what for i in dup] == ["duplicate"]


# --- stale and missing sources --------------------------------------------
@pytest.fixture
def content_copy(tmp_path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(GOOD, dst)
    return dst


def _quiz(*args: str) -> int:
    return main(["quiz", *args])


def test_quiz_check_reports_a_changed_source_and_exits_1(content_copy, capsys):
    assert _quiz("check", "--content", str(content_copy), "--forms", str(GOOD_FORMS), "--update") == 0
    lock = read_lock(lock_path(content_copy))
    assert "ling-xiang.answer.figure-choice" in lock
    assert _quiz("check", "--content", str(content_copy), "--forms", str(GOOD_FORMS)) == 0
    capsys.readouterr()
    fact = content_copy / "facts" / "ling-xiang.yaml"
    fact.write_text(fact.read_text(encoding="utf-8").replace("铃响三声内接听。", "铃响三声内接听,并问好。"),
                    encoding="utf-8")
    assert _quiz("check", "--content", str(content_copy), "--forms", str(GOOD_FORMS)) == 1
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == ["stale: ling-xiang.answer.figure-choice: the source text of ling-xiang#answer changed "
                           "since the question was made; review it, then run `handbook quiz check --update`"]
    assert _quiz("check", "--content", str(content_copy), "--forms", str(GOOD_FORMS), "--update") == 0
    assert _quiz("check", "--content", str(content_copy), "--forms", str(GOOD_FORMS)) == 0


AUTHORED = """
questions:
  - id: baoxiu-huifang-shixian
    type: single
    stem: 维修完成后,前台接待应在多长时间内回访业主?
    options:
      - 当天
      - 两天内
      - 一星期内
    answer: 两天内
    explanation: 报修处理流程第3步。
    anchor: step-3
    difficulty: 2
  - id: baoxiu-buzhou
    type: multiple
    stem: 报修处理中,前台接待要做哪些事?
    options:
      - 记录报修内容并开具派工单
      - 维修完成后回访业主
      - 上门维修
    answer:
      - 记录报修内容并开具派工单
      - 维修完成后回访业主
    anchor: step-9
"""


def test_authored_questions_join_the_bank_and_a_lost_anchor_is_reported(content_copy, capsys):
    proc = content_copy / "procedures" / "baoxiu.yaml"
    proc.write_text(proc.read_text(encoding="utf-8") + AUTHORED, encoding="utf-8")
    content = load_valid(content_copy, GOOD_FORMS)
    bank = build_bank(content)
    by_id = bank.by_id()
    q = by_id["baoxiu-huifang-shixian"]
    assert q.origin == "authored" and q.posts == ["qiantai"] and q.source.url == "/procedures/baoxiu/#step-3"
    issues = check_bank(bank, content)
    assert [(i.what, i.qid) for i in issues] == [("missing", "baoxiu-buzhou")]
    assert _quiz("check", "--content", str(content_copy), "--forms", str(GOOD_FORMS)) == 1
    assert "missing: baoxiu-buzhou: source baoxiu#step-9 no longer exists" in capsys.readouterr().out


DRAFT_AUTHORED = """
questions:
  - id: baoxiu-huifang-draft
    status: draft
    type: single
    stem: 维修完成后,前台接待应在多长时间内回访业主?
    options: [当天, 两天内, 一星期内]
    answer: 两天内
    anchor: step-3
"""


def test_a_question_written_here_waits_for_a_trainers_adoption(content_copy):
    from builder.quiz.review import Decision

    proc = content_copy / "procedures" / "baoxiu.yaml"
    proc.write_text(proc.read_text(encoding="utf-8") + DRAFT_AUTHORED, encoding="utf-8")
    content = load_valid(content_copy, GOOD_FORMS)
    bank = build_bank(content, decisions={})
    assert "baoxiu-huifang-draft" not in bank.by_id()
    (held,) = [r for r in bank.refused if r.question.id == "baoxiu-huifang-draft"]
    assert held.held and held.reasons[0].startswith("draft:")
    # --include-draft: on the paper, marked 待审核
    drafted = build_bank(content, include_draft=True, decisions={}).by_id()["baoxiu-huifang-draft"]
    assert drafted.draft and drafted.stem == "维修完成后，前台接待应在多长时间内回访业主？"
    # a trainer's 采用 is the approval: in the default bank, no longer a draft
    adopted = build_bank(content, decisions={"baoxiu-huifang-draft": Decision(decision="采用")}).by_id()
    assert not adopted["baoxiu-huifang-draft"].draft
    dropped = build_bank(content, decisions={"baoxiu-huifang-draft": Decision(decision="弃用")})
    assert "baoxiu-huifang-draft" not in dropped.by_id()
    # the trainer's sheet (built with the drafts) lists it as waiting for 采用, with the reason
    from builder.quiz.sheet import rows

    (row,) = [r for r in rows(build_bank(content, include_draft=True, decisions={})) if r.question.id == "baoxiu-huifang-draft"]
    assert row.state == "待采用" and row.reasons[0].startswith("draft:")


def test_lock_round_trip(tmp_path):
    content, bank = _fixture()
    path = tmp_path / "quiz.lock.json"
    write_lock(bank, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data["questions"]) == {q.id for q in bank.questions}
    state = stale(bank, read_lock(path))
    assert state.stale == [] and state.new == [] and state.gone == []
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_bank_command_counts(capsys):
    assert main(["quiz", "bank", "--content", str(GOOD), "--forms", str(GOOD_FORMS), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["questions"] == sum(data["type"].values()) == sum(int(v) for v in data["difficulty"].values())
    assert set(data) >= {"type", "topic", "post", "difficulty"}


def test_the_bank_does_not_depend_on_the_hash_seed():
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.append(subprocess.run([sys.executable, "-m", "builder.cli.main", "quiz", "bank", "--list", "--include-draft", "--content",
                                    str(ROOT / "content"), "--forms", str(ROOT / "forms")],
                                   capture_output=True, text=True, env=env, cwd=ROOT, check=True).stdout)
    assert outs[0] == outs[1] and outs[0].count("\n") > 15


def test_check_flags_a_blank_that_removes_something_else():
    content, bank = _fixture()
    q = made(bank, "ling-xiang.answer.figure-blank")
    q.stem = f"铃响{BLANK}接听。"  # removes 三声内 but keys 三声
    q.answer = "三声"
    messages = [i.message for i in check_bank(Bank(questions=[q]), content)]
    assert messages == ["filling the blank with its answer does not give the source's words"]


def test_check_flags_a_phrase_that_is_both_standard_and_forbidden(content_copy):
    et = content_copy / "etiquette" / "yongyu.yaml"
    et.write_text(et.read_text(encoding="utf-8").replace("phrases: [您好, 请稍等]", "phrases: [您好, 请稍等, 不知道]"),
                  encoding="utf-8")
    content = load_valid(content_copy, GOOD_FORMS)
    issues = check_bank(build_bank(content, include_draft=True), content)
    flagged = {i.qid for i in issues if "is 标准用语 in one item and 禁语 in another" in i.message}
    assert {"yongyu.forbidden.moment-1"} <= flagged
