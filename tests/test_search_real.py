"""Search over the real content/: a handful of the questions staff actually ask (the full
development set is measured by bench/search_quality.py, not asserted here)."""

from __future__ import annotations

import pytest
from conftest import ROOT

from builder.core.formspec import load_specs


@pytest.fixture(scope="module")
def real_searcher(tmp_path_factory):
    from builder.core.load import load_content
    from search.index import build_index
    from search.query import Searcher

    content, _ = load_content(ROOT / "content")
    out = tmp_path_factory.mktemp("real") / "index"
    build_index(content, out, load_specs(ROOT / "forms")[0])
    s = Searcher(out, rebuild=False)
    yield s
    s.close()


@pytest.mark.parametrize("q, want", [
    ("电话响几声要接", "dianhua-ling-xiang-san-sheng"),
    ("装修备案最多能备多久", "zhuangxiu-bei-an-zuichang-san-ge-yue"),
    ("漏水修好了几天内要回访", "huifang-shenloushui-san-tian"),
    ("QR-DXC-04-A", "form:yehu-ziliao-a"),
])
def test_answers_come_first(real_searcher, q, want):
    assert real_searcher.search(q, limit=5)[0].id == want


def test_colloquial_words_reach_the_manuals_words(real_searcher):
    # 关人 is what staff say for 电梯困人; 收楼 for 入伙
    got = [r.item_id for r in real_searcher.search("关人了怎么办", limit=5)]
    assert {"dianti-kunren", "anli-dianti-kunren"} & set(got)
    got = [r.item_id for r in real_searcher.search("收楼验房不合格怎么办", limit=5)]
    assert "ruhuo-yanfang-xianqi-zhenggai" in got


def test_results_carry_site_links_and_marked_snippets(real_searcher):
    r = real_searcher.search("装修工人要交几张照片", limit=3)
    assert any(x.url == "/procedures/zhuangxiu-bei-an/#material-4" for x in r)
    assert all(x.url.startswith("/") for x in r)
    assert "<mark>" in r[0].snippet


def test_role_filter_keeps_to_the_post(real_searcher):
    hits = real_searcher.search("投诉", role="tiexin-guanjia", limit=20)
    assert hits and all("tiexin-guanjia" in h.roles for h in hits)


@pytest.mark.parametrize("name", ["search_dev.yaml", "search_holdout.yaml"])
def test_query_sets_name_real_sections(name):
    """Every answer id of the development and held-out sets is a section of the real content
    (an item, item#anchor of one of its parts, form:<id> or glossary#<term>)."""
    from ruamel.yaml import YAML

    from builder.core.load import load_content
    from search.documents import all_docs

    data = YAML(typ="safe").load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
    content, _ = load_content(ROOT / "content")
    docs = all_docs(content, load_specs(ROOT / "forms")[0])
    # an outline is a gap (never a result) but its id is still a real item
    known = {d.id for d in docs} | set(content.items)
    assert len(data) >= (60 if name == "search_dev.yaml" else 20)
    for entry in data:
        assert entry["q"].strip() and entry["topic"] and entry["ids"], entry
        missing = [i for i in entry["ids"] if i not in known]
        assert not missing, f"{entry['q']}: unknown answer ids {missing}"
    assert len({e["q"] for e in data}) == len(data), "a query is listed twice"


# --- what a new hire asks (issue 12's examples) ---------------------------------------
@pytest.fixture(scope="module")
def real_content():
    from builder.core.load import load_content

    content, _ = load_content(ROOT / "content")
    return content


def test_a_question_lands_on_the_page_that_answers_it(real_searcher):
    first = real_searcher.search("业主投诉怎么处理", limit=5)[0]
    assert first.item_id == "tousu-chuli" and first.title == "投诉处理流程"
    # a bare keyword names the procedure, not a form about it
    assert real_searcher.search("入伙", limit=5)[0].item_id == "ruhuo"


def test_a_roles_superior_is_found_by_its_label(real_searcher, real_content):
    boss = real_content.items[real_content.items["kefu-yuan"].reports_to].title
    first = real_searcher.search("客服员的上级是谁", limit=5)[0]
    assert first.item_id == "kefu-yuan" and first.title == "客服员"
    assert boss in first.text and "直接上级" in first.section + first.text
    assert first.url == "/roles/kefu-yuan/"


def test_one_result_a_page_under_its_real_title(real_searcher, real_content):
    answer = real_searcher.run("投诉", limit=10)
    second = real_searcher.run("投诉", limit=10, offset=10)
    pages = [r.page for r in answer.results + second.results]
    assert len(pages) == len(set(pages)) == 20 and answer.total == second.total > 20
    for r in answer.results:
        item = real_content.items.get(r.item_id)
        if item is not None:
            assert r.title == item.title  # 投诉处理流程, never 第3步 / 启示 / 职责3
        assert all(x.id.split("#")[0] == r.id.split("#")[0] for x in r.sections)


def test_gaps_and_outlines_are_never_results(real_searcher, real_content):
    outlines = [i for i in real_content.items.values() if i.status == "outline"]
    assert outlines
    for item in outlines[:15]:
        assert item.id not in {r.item_id for r in real_searcher.search(item.title, limit=20)}
    for q in ("待编写", "这十条的正文手册中没有收录", "正文未收录"):
        for r in real_searcher.search(q, limit=50):
            assert "待编写" not in r.text, r.id
            assert real_content.items.get(r.item_id) is None or real_content.items[r.item_id].status != "outline"


def test_a_case_only_where_the_query_tells_a_situation(real_searcher):
    assert not [r for r in real_searcher.search("投诉", limit=5) if r.kind == "case"]
    got = real_searcher.search("业主被困在电梯里打电话骂人", limit=5)
    assert any(r.kind == "case" for r in got)


def test_how_long_favours_a_figure(real_searcher):
    first = real_searcher.search("投诉多久要回复", limit=3)[0]
    assert first.kind == "fact" or "时限" in first.text


def test_a_homophone_typo_finds_the_word_it_sounds_like(real_searcher):
    from search.homophones import char_keys, word_key

    keys = char_keys()
    assert word_key("投述", keys) == word_key("投诉", keys)  # shu/su merged, as fuzzy IMEs do
    got = real_searcher.run("业主投述怎么办", limit=5)
    assert got.results and all("投诉" in r.title + r.text for r in got.results[:3])
    assert "<mark>投诉</mark>" in got.results[0].snippet
    # a word the index holds is searched as itself only
    assert real_searcher.search("报修", limit=1)[0].item_id == "baoxiu"


def test_a_situation_told_in_everyday_words_reaches_the_manuals_matter(real_searcher):
    """content/dictionary.yaml's situations: 滑倒 is filed under 安全保障 (the duty of care for
    public areas), 阳光房 under 搭建 — one way: 安全保障 does not search for falls."""
    from search.query import plan

    got = real_searcher.search("业主在大堂滑倒了", limit=5)
    assert got[0].id == "minfadian-yinsi-anquan-baozhang#article-3"
    assert "<mark>大堂</mark>" in got[0].snippet
    assert [r.page for r in real_searcher.search("阳光房", limit=2)] == [
        "zhuangxiu-bei-an", "zhuzhai-shinei-zhuangxiu-guanli-banfa"]
    opened = real_searcher._open()
    asked = {t for g in plan("滑倒", opened).groups for _, t, _ in g}
    assert {"安全保障", "湿滑"} <= asked
    back = {t for g in plan("安全保障", opened).groups for _, t, _ in g}
    assert "滑倒" not in back and "摔倒" not in back


def test_a_synonym_in_the_query_names_the_page_as_its_word_would(real_searcher):
    # 装潢 is what owners say for 装修: the page titled 装修… is named, as for 装修 itself
    assert real_searcher.search("装潢要办什么手续", limit=1)[0].page == real_searcher.search(
        "装修要办什么手续", limit=1)[0].page == "zhuangxiu-bei-an"


def test_a_summary_is_not_the_anchor_where_a_part_of_the_page_answers(real_searcher):
    r = next(r for r in real_searcher.search("业主把房子租出去要告知物业吗", limit=5)
             if r.page == "minfadian-wuye-fuwu-hetong")
    assert r.id == "minfadian-wuye-fuwu-hetong#article-6" and "<mark>出租</mark>" in r.snippet


def test_the_dictionary_refuses_a_situation_that_points_nowhere():
    from pydantic import ValidationError

    from builder.core.model import Dictionary

    with pytest.raises(ValidationError, match="at least one word"):
        Dictionary(situations={"摔倒": []})
    with pytest.raises(ValidationError, match="stands for itself"):
        Dictionary(situations={"湿滑": ["湿滑"]})
    d = Dictionary(situations={"滑倒": ["安全保障"]})
    assert {"滑倒", "安全保障"} <= set(d.all_words())


def test_who_questions_favour_the_step_that_names_who_does_it(real_searcher):
    """谁/派谁: a post's page, or a procedure's step whose 办理人 is the post (投诉来了管家去)."""
    from search.query import intent_weights

    assert intent_weights("投诉来了谁去处理")["actor"] > 1 and "actor" not in intent_weights("投诉处理流程")
    first = real_searcher.search("投诉来了谁去处理", limit=5)[0]
    # a step of 投诉处理流程, each of whose steps names 贴心管家 as 办理人 (a post's duty mentioning
    # 投诉 came first before)
    assert first.id.startswith("tousu-chuli#step-"), first.id
    # 谁 is the question, not a word to find: 派谁 is not a homophone of 排水
    opened = real_searcher._open()
    from search.query import plan

    assert not {t for g in plan("投诉来了派谁去", opened).groups for _, t, _ in g} & {"排水", "谁"}
