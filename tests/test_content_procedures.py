"""Procedures (流程) and policies (制度): steps, rules and gaps kept as the manuals give them.

These tests read the real content/ and, where the manuals are next to the repository
(../shared/manuals/), hold every step, material and rule to the manuals' own wording:
after removing scrape whitespace and applying the item's recorded mends, each text must be
found in the manuals. Outline items must say where they are listed, and that listing must
be in the table of contents it names.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from builder.check import check
from builder.load import load_content
from builder.model import MANUALS, Procedure, Policy
from conftest import ROOT

CONTENT = ROOT / "content"
MINE = ("procedures", "policies")
MANUALS_TEXT = ROOT.parent / "shared" / "manuals" / "customer-service-manuals.txt"

#: The key procedures and the time limits they must carry, as the manuals write them.
KEY_TIME_LIMITS: dict[str, list[str]] = {
    "zhuangxiu-bei-an": ["三个月"],
    "ruhuo": ["抽查四次", "每月抽查一次"],
    "tousu-chuli": ["每天"],
    "huifang": ["两天内", "三天内", "一星期内", "24小时内"],
    "yezhu-jiedai": ["72小时内", "365天24小时"],
    "yezhu-goutong": ["每季度", "每天", "每半年至少开展一次"],
    "baoxiu": ["两天内"],
}
#: Procedures that exist only as outlines (the manuals list them, give no steps).
KEY_OUTLINES = ["dianti-kunren", "yaoshi-guanli"]
#: Headings the brief names as gaps an editor must see.
GAP_TITLES = ["电梯困人处理程序", "钥匙管理制度", "媒体接待与信息报送要领", "灾害天气及突发停电停水客服工作指引"]


@pytest.fixture(scope="module")
def loaded():
    content, problems = load_content(CONTENT)
    return content, problems


@pytest.fixture(scope="module")
def mine(loaded):
    content, _ = loaded
    return {i.id: i for i in content if i.kind in ("procedure", "policy")}


@pytest.fixture(scope="module")
def manual_lines() -> list[str]:
    if not MANUALS_TEXT.exists():
        pytest.skip("the manuals are not next to the repository")
    return MANUALS_TEXT.read_text(encoding="utf-8").splitlines()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def mended_manual(lines: list[str], item) -> str:
    text = squash("\n".join(lines))
    for m in item.mends:
        text = text.replace(squash(m.original), squash(m.mended))
    return text


def fragments(text: str) -> list[str]:
    """The verbatim pieces of a text: split at our truncation marks, trailing punctuation off."""
    out = []
    for piece in re.split(r"……|…|〔|〕|;", squash(text)):
        piece = piece.strip(",,。;;::")
        if piece:
            out.append(piece)
    return out


def bodies(item) -> list[tuple[str, str]]:
    """(where, text) of every manual-worded text of a procedure or policy."""
    out: list[tuple[str, str]] = []
    if isinstance(item, Procedure):
        out += [(f"materials[{i}]", t) for i, t in enumerate(item.materials)]
        out += [(f"steps[{i}].action", s.action) for i, s in enumerate(item.steps)]
    if isinstance(item, Policy):
        out += [(f"rules[{i}]", t) for i, t in enumerate(item.rules)]
        for i, sec in enumerate(item.sections):
            out += [(f"sections[{i}].rules[{j}]", t) for j, t in enumerate(sec.rules)]
    return out


def test_my_files_load_and_check_clean():
    _, problems = check(CONTENT, ROOT / "forms")
    ours = [str(p) for p in problems if p.path.startswith(tuple(f"content/{d}/" for d in MINE))]
    assert ours == []


def test_each_kind_is_well_populated(mine):
    by = defaultdict(int)
    for item in mine.values():
        by[(item.kind, item.status)] += 1
    assert by[("procedure", "sourced")] >= 9
    assert by[("policy", "sourced")] >= 12
    assert by[("procedure", "outline")] + by[("policy", "outline")] >= 100


def test_procedures_with_steps_have_ordered_actions(mine):
    procs = [i for i in mine.values() if i.kind == "procedure" and i.status != "outline"]
    assert procs
    for p in procs:
        assert p.steps, f"{p.id}: a sourced procedure carries its steps"
        assert p.owner, f"{p.id}: names the post responsible"
        anchors = [part.anchor for part in p.parts() if part.anchor.startswith("step-")]
        assert anchors == [f"step-{n}" for n in range(1, len(p.steps) + 1)], p.id
        for n, s in enumerate(p.steps, 1):
            assert s.action.strip(), f"{p.id} step {n}: no action"
            assert s.actor, f"{p.id} step {n}: no actor"
        step_forms = {s.form for s in p.steps if s.form}
        assert step_forms <= set(p.forms), f"{p.id}: forms used at steps are listed in forms: {step_forms - set(p.forms)}"


@pytest.mark.parametrize("proc_id", sorted(KEY_TIME_LIMITS))
def test_key_procedures_carry_their_time_limits(mine, proc_id):
    assert proc_id in mine, f"key procedure {proc_id} is missing"
    p = mine[proc_id]
    assert p.kind == "procedure" and p.status == "sourced"
    limits = " ".join(s.time_limit or "" for s in p.steps)
    for figure in KEY_TIME_LIMITS[proc_id]:
        assert figure in limits, f"{proc_id}: no step has the time limit {figure!r} (have: {limits!r})"


def test_huifang_deadlines_sit_on_the_right_steps(mine):
    steps = {s.time_limit: s.action for s in mine["huifang"].steps if s.time_limit}
    assert "安全设施" in steps["两天内"]
    assert "渗漏水" in steps["三天内"]
    assert "其他项目" in steps["一星期内"]
    assert "书面通知维修人员整改" in steps["24小时内"]


def test_zhuangxiu_bei_an_is_complete(mine):
    p = mine["zhuangxiu-bei-an"]
    assert len(p.materials) == 10 and len(p.steps) == 6
    assert "zhuangxiu-beian" in p.forms and p.steps[0].form == "zhuangxiu-beian"
    assert "城市规划" in p.materials[5]
    assert "万科" in (p.notes or ""), "the wrong-company heading is noted"


@pytest.mark.parametrize("proc_id", KEY_OUTLINES)
def test_key_outline_procedures_exist(mine, proc_id):
    assert mine[proc_id].kind == "procedure" and mine[proc_id].status == "outline"


def test_time_limits_are_written_as_in_the_manuals(mine, manual_lines):
    for item in mine.values():
        if item.kind != "procedure":
            continue
        text = mended_manual(manual_lines, item)
        for n, s in enumerate(item.steps, 1):
            for piece in fragments(s.time_limit or ""):
                assert piece in text, f"{item.id} step {n}: time limit {piece!r} is not the manuals' wording"


def test_steps_materials_and_rules_keep_the_manuals_wording(mine, manual_lines):
    bad = []
    for item in mine.values():
        if item.status != "sourced":
            continue
        text = mended_manual(manual_lines, item)
        for where, body in bodies(item):
            for piece in fragments(body):
                if piece not in text:
                    bad.append(f"{item.id} {where}: {piece[:30]}…")
    assert bad == []


def test_mends_are_recorded_against_the_raw_text(mine, manual_lines):
    raw = "\n".join(manual_lines)
    for item in mine.values():
        own = squash(" ".join([item.title] + [t for _, t in bodies(item)]))
        for m in item.mends:
            assert m.original in raw, f"{item.id}: mend original {m.original!r} is not in the manuals"
            assert squash(m.mended) in own, f"{item.id}: mended text {m.mended!r} is not used in the item"


def test_outline_items_name_where_they_are_listed(mine, manual_lines):
    outlines = [i for i in mine.values() if i.status == "outline"]
    assert outlines
    for item in outlines:
        assert not item.has_body(), f"{item.id}: an outline has no body"
        tocs = [s for s in item.source if s.section.startswith("目录")]
        assert tocs, f"{item.id}: an outline says which table of contents lists it"
        for s in tocs:
            assert s.lines, f"{item.id}: give the lines of the listing"
            first, _, last = s.lines.partition("-")
            where = squash("\n".join(manual_lines[int(first) - 1:int(last or first)]))
            for token in s.section.removeprefix("目录").split():
                token = token.strip("·")
                if token:
                    assert squash(token) in where, f"{item.id}: {token!r} is not in {s.manual} lines {s.lines}"


def test_a_heading_listed_twice_is_one_item(mine):
    seen: dict[tuple[str, str], str] = {}
    titles: dict[str, str] = {}
    for item in mine.values():
        for s in item.source:
            key = (s.manual, squash(s.section))
            assert key not in seen, f"{item.id} and {seen[key]} both cite {key}"
            seen[key] = item.id
        assert item.title not in titles, f"{item.id} and {titles[item.title]} have the same title"
        titles[item.title] = item.id
    merged = [i for i in mine.values() if i.status == "outline" and len({s.manual for s in i.source}) > 1]
    assert len(merged) >= 5, "headings that several manuals list are merged, citing each"


def test_gap_headings_are_on_the_editors_page(loaded):
    content, _ = loaded
    outline_titles = {i.title for i in content if i.status == "outline"}
    for title in GAP_TITLES:
        assert title in outline_titles, f"{title} should be an outline item"


def test_m07_is_cited_together_with_m01(loaded):
    content, _ = loaded
    m07 = [i for i in content if any(s.manual == "M07" for s in i.source)]
    assert m07, "M07's text lands somewhere"
    for item in m07:
        assert any(s.manual == "M01" for s in item.source), f"{item.id}: cites M07 without M01 (M07 repeats M01)"
    liucheng = [i for i in content if i.kind == "procedure" and i.title == "客服部的工作流程"]
    assert [i.id for i in liucheng] == ["kefubu-gongzuo-liucheng"]
    assert {s.manual for s in liucheng[0].source} == {"M01", "M07"}


def test_every_manual_is_cited(loaded):
    content, _ = loaded
    cited = {s.manual for item in content for s in item.source}
    assert sorted(set(MANUALS) - cited) == []
