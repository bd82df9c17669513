"""Posts (岗位), etiquette (礼仪), cases (案例) and the glossary in content/.

These tests read the real content/ with the real loader and checker. They look only at
the files of roles/, etiquette/, cases/ and glossary.yaml, so a problem in another
kind's folder does not hide (or cause) a failure here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import pytest
from conftest import ROOT

from builder.core.check import check
from builder.core.load import Content
from builder.core.model import Role

MANUALS_TXT = ROOT.parent / "shared" / "manuals" / "customer-service-manuals.txt"

#: The fixed post ids of notes/COMMON.md.
FIXED_POSTS = {
    "kefu-jingli": "客服经理",
    "kefu-zhuguan": "客服主管",
    "kefu-zhuren": "客服主任",
    "kefu-zhuren-zhuli": "客服主任助理",
    "kefu-zhuli": "客服助理",
    "kefu-yuan": "客服员",
    "qiantai-jiedai": "前台接待",
    "qiantai-shoufei": "前台(收费员)",
    "tiexin-guanjia": "贴心管家",
    "kefu-guanliyuan": "客服管理员",
    "wuye-zhuli": "物业助理",
    "libin": "礼宾",
    "wenyuan": "文员",
    "neiye": "内业",
    "xiangmu-jingli": "项目经理",
}

#: Posts whose duties the manuals write out (the rest are named only in tables of contents).
POSTS_WITH_DUTIES = {
    "kefu-jingli", "kefu-zhuguan", "kefu-zhuren", "kefu-yuan", "qiantai-jiedai", "qiantai-shoufei",
    "tiexin-guanjia", "kefu-guanliyuan", "wuye-zhuli", "libin", "xiangmu-jingli",
}
NAMED_ONLY = set(FIXED_POSTS) - POSTS_WITH_DUTIES

#: Items described in several manuals, and every manual each must cite.
MERGED = {
    "kefu-yuan": {"M03", "M15", "M16"},
    "kefu-zhuguan": {"M12", "M15", "M17", "M11", "M03", "M04"},
    "kefu-jingli": {"M15", "M11", "M06", "M13", "M17"},
    "kefu-zhuren": {"M15", "M09", "M06", "M10", "M13"},
    "wuye-zhuli": {"M15", "M09", "M06", "M10"},
    "qiantai-jiedai": {"M15", "M11", "M04"},
    "libin": {"M11", "M10", "M13", "M06"},
    "xiangmu-jingli": {"M17", "M04", "M09"},
    "tiexin-guanjia": {"M02", "M06", "M17"},
    "kefu-zhuli": {"M04", "M10", "M13", "M17"},
    "kefu-bu": {"M01", "M07", "M09", "M11", "M17"},
    "gongzuo-zhunze": {"M01", "M07"},
    "dianhua-liyi": {"M05", "M08"},
}

MY_FOLDERS = ("content/roles/", "content/etiquette/", "content/cases/", "content/glossary.yaml")


def _norm(text: str) -> str:
    """Manual text and ours compared without scrape noise: whitespace, '?' bullets, stray quotes."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s?'`\"“”‘’]", "", text)


@pytest.fixture(scope="module")
def checked() -> tuple[Content, list]:
    return check(ROOT / "content", ROOT / "forms")


@pytest.fixture(scope="module")
def content(checked) -> Content:
    return checked[0]


@pytest.fixture(scope="module")
def manual_text() -> str:
    if not MANUALS_TXT.exists():
        pytest.skip("the manuals are not next to the repository (../shared/manuals/)")
    return MANUALS_TXT.read_text(encoding="utf-8")


def mine(content: Content, kind: str):
    return [i for i in content.of_kind(kind)]


def test_my_files_pass_check(checked):
    content, problems = checked
    ours = [str(p) for p in problems if p.path.startswith(MY_FOLDERS)]
    assert not ours, "\n".join(ours)
    for folder in ("roles", "etiquette", "cases"):
        files = sorted((ROOT / "content" / folder).glob("*.yaml"))
        assert files, f"content/{folder}/ is empty"
        missing = [f.stem for f in files if f.stem not in content.items]
        assert not missing, f"files in content/{folder}/ that did not load: {missing}"


def test_every_fixed_post_exists(content):
    for pid, name in FIXED_POSTS.items():
        assert pid in content.items, f"post {pid} ({name}) is missing from content/roles/"
        role = content.items[pid]
        assert role.kind == "role"
        assert name in role.title or any(name in a for a in role.aliases), f"{pid}: title {role.title!r}"


def test_posts_the_manuals_describe_have_duties(content):
    for pid in POSTS_WITH_DUTIES:
        role = content.items[pid]
        assert role.status == "sourced", pid
        assert len(role.all_duties()) >= 3, f"{pid} has {len(role.all_duties())} duties"


def test_posts_named_only_say_where_they_are_listed(content):
    for pid in NAMED_ONLY:
        role = content.items[pid]
        assert role.status == "outline", f"{pid}: the manuals give only its name; it is an outline"
        assert role.source and role.summary, pid
        for ref in role.source:
            assert ref.lines, f"{pid}: {ref.section} has no line numbers"
            assert ref.manual in role.summary, f"{pid}: the summary does not say it is listed in {ref.manual}"
        assert "未收录" in role.summary


def test_merged_items_cite_each_manual(content):
    for item_id, manuals in MERGED.items():
        cited = {s.manual for s in content.items[item_id].source}
        assert manuals <= cited, f"{item_id} does not cite {sorted(manuals - cited)}"
        for s in content.items[item_id].source:
            assert s.lines, f"{item_id}: source {s.manual} has no line numbers"


def test_sourced_wording_is_the_manuals(content, manual_text):
    """Duties, requirements and rules of sourced items are the manual's words, up to recorded mends."""
    whole = _norm(manual_text)
    wrong = []
    for item in mine(content, "role") + mine(content, "etiquette"):
        if item.status != "sourced":
            continue
        texts = list(item.all_duties() if isinstance(item, Role) else []) + list(getattr(item, "requirements", []))
        texts += list(getattr(item, "scope", []))
        texts += [r.text for r in getattr(item, "rules", [])]
        for text in texts:
            n = _norm(text)
            for mend in item.mends:
                n = n.replace(_norm(mend.mended), _norm(mend.original))
            n = n.rstrip(";;。,,")
            if n not in whole:
                wrong.append(f"{item.id}: {text[:40]}")
    assert not wrong, "not the manuals' wording (record a mend if it was scrape damage):\n" + "\n".join(wrong)


def _cited_text(manual_lines: list[str], item) -> list[str]:
    out = []
    for ref in item.source:
        first, _, last = (ref.lines or "").partition("-")
        if first:
            out.append(_norm("".join(manual_lines[int(first) - 1:int(last or first)])))
    return out


def test_sourced_wording_sits_in_the_lines_cited(content, manual_text):
    """Each duty or rule is found inside the line range one of its sources names."""
    manual_lines = manual_text.split("\n")
    wrong = []
    for item in mine(content, "role") + mine(content, "etiquette"):
        if item.status != "sourced":
            continue
        cited = _cited_text(manual_lines, item)
        texts = list(item.all_duties() if isinstance(item, Role) else []) + list(getattr(item, "requirements", []))
        texts += [r.text for r in getattr(item, "rules", [])]
        for text in texts:
            n = _norm(text)
            for mend in item.mends:
                n = n.replace(_norm(mend.mended), _norm(mend.original))
            n = n.rstrip(";;。,,")
            if not any(n in c for c in cited):
                wrong.append(f"{item.id}: {text[:40]}")
    assert not wrong, "text not inside any cited line range:\n" + "\n".join(wrong)


def test_every_mend_repairs_text_that_is_in_the_manuals(content, manual_text):
    for kind in ("role", "etiquette"):
        for item in mine(content, kind):
            for mend in item.mends:
                assert mend.original in manual_text, f"{item.id}: mend original {mend.original!r} is not in the manuals"
                assert mend.original != mend.mended


def test_duties_are_each_once_and_say_where_they_apply(content):
    kefu_yuan, libin = content.items["kefu-yuan"], content.items["libin"]
    for role in content.roles:
        duties = [_norm(d) for d in role.all_duties()]
        assert len(duties) == len(set(duties)), f"{role.id}: a duty is listed twice"
        for i, a in enumerate(duties):
            for b in duties[i + 1:]:
                similar = difflib.SequenceMatcher(None, a, b).ratio()
                assert similar < 0.55, f"{role.id}: near repeats ({similar:.2f}): {a[:20]} / {b[:20]}"
    assert kefu_yuan.duties_for["公寓"] and all("公寓" not in d for d in kefu_yuan.duties), "公寓 duties say so"
    assert not any("交办的其它工作" in d for d in kefu_yuan.all_duties()), "精选篇1 9 repeats M03 11"
    assert "写字楼" in libin.duties_for and not libin.duties


def test_department_item_is_not_a_post(content):
    dept = content.items["kefu-bu"]
    assert "部门" in dept.title
    assert {"客户服务部", "客服中心"} <= set(dept.aliases)
    assert len(dept.all_duties()) >= 15
    assert not dept.reports_to and not dept.subordinates


def test_reporting_lines_are_two_way(content):
    roles = {r.id: r for r in content.of_kind("role")}
    for r in roles.values():
        if r.reports_to:
            assert r.id in roles[r.reports_to].subordinates, f"{r.id} reports to {r.reports_to}, which does not list it"
        for s in r.subordinates:
            assert roles[s].reports_to == r.id, f"{r.id} lists {s}, which reports to {roles[s].reports_to}"
    for start in roles:  # no cycles
        seen, cur = set(), start
        while cur:
            assert cur not in seen, f"reporting cycle through {cur}"
            seen.add(cur)
            cur = roles[cur].reports_to


def test_every_etiquette_item_has_rules_or_phrases(content):
    items = mine(content, "etiquette")
    assert len([i for i in items if i.status != "outline"]) >= 10
    for item in items:
        assert item.roles, f"{item.id} names no post that must know it"
        assert item.tags, item.id
        if item.status == "outline":
            assert item.source and item.summary and "未收录" in item.summary, item.id
        else:
            assert item.rules or item.phrases or item.forbidden, f"{item.id} has no rules, phrases or 禁语"


def test_jinyu_lists_the_forbidden_phrases(content):
    forbidden = {p.text for p in content.items["jinyu"].forbidden}
    assert {"不", "不懂", "不会", "不行", "不知道", "不是我管的", "不对"} <= forbidden
    for p in content.items["jinyu"].forbidden:
        assert p.when, f"禁语 {p.text!r} does not say when"
    assert content.items["jinyu"].status == "sourced"  # M05 lists them explicitly


def test_standard_phrases_say_when(content):
    for item in mine(content, "etiquette"):
        for p in item.phrases:
            assert p.when, f"{item.id}: phrase {p.text!r} has no 'when'"
    phone = content.items["dianhua-liyi"]
    assert any("三声" in (phone.summary or "") or "3个铃声" in r.text for r in phone.rules)
    assert "您好,佳恒物业客服中心" in [p.text for p in phone.phrases]


def test_every_fixed_post_has_etiquette_on_its_study_path(content):
    for pid in FIXED_POSTS:
        kinds = {i.kind for i in content.for_role(pid)}
        assert "etiquette" in kinds, f"{pid}: no etiquette item names it in roles"


def test_cases_are_drafts_with_handling_and_lesson(content):
    cases = [c for c in mine(content, "case") if c.status != "outline"]
    assert 6 <= len(cases) <= 12
    for c in cases:
        assert c.status == "draft", c.id
        assert len(c.situation) >= 30, c.id
        assert len(c.handling) >= 3, c.id
        assert c.lesson, c.id
        assert c.roles, c.id
        assert c.related or c.procedures, c.id


def test_no_item_of_mine_is_empty(content):
    for kind in ("role", "etiquette", "case"):
        for item in mine(content, kind):
            parts = item.parts()
            if item.status == "outline":
                assert item.summary and item.source, item.id
            else:
                assert any(p.anchor != "summary" for p in parts), f"{item.id} has no body beyond a summary"
            assert all(p.text.strip() for p in parts), item.id


def test_glossary(content):
    terms = content.glossary.terms
    assert len(terms) >= 30
    names = [t.term for t in terms]
    assert len(names) == len(set(names)), "a term appears twice"
    for want in ("业户", "入伙", "二次装修", "装修备案", "放行条", "回访", "首问责任制", "权籍管理", "管家", "礼宾"):
        assert want in names, want
    for t in terms:
        assert t.synonyms, t.term
        assert t.term not in t.synonyms
        assert len(t.definition) >= 8, t.term
        assert "\n" not in t.definition, f"{t.term}: a definition is one line"


def _prose(item) -> list[str]:
    out = [item.title, item.summary or "", item.notes or ""]
    out += list(item.all_duties() if isinstance(item, Role) else []) + list(getattr(item, "requirements", [])) + list(getattr(item, "scope", []))
    for r in getattr(item, "rules", []):
        out += [r.text, *r.do, *r.dont]
    out += [p.text for p in getattr(item, "phrases", []) + getattr(item, "forbidden", [])]
    out += [getattr(item, "situation", "") or "", getattr(item, "lesson", "") or "", *getattr(item, "handling", [])]
    return out


def test_no_space_inside_chinese_words(content):
    """Scrape spaces (城市规 划) and folded YAML lines both put spaces between Chinese characters."""
    cjk_gap = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
    bad = []
    for kind in ("role", "etiquette", "case"):
        for item in mine(content, kind):
            bad += [f"{item.id}: {t[:40]}" for t in _prose(item) if cjk_gap.search(t)]
    bad += [f"glossary {t.term}" for t in content.glossary.terms if cjk_gap.search(t.definition)]
    assert not bad, "\n".join(bad)


#: Every post heading in the manuals' tables of contents (number and name as listed).
TOC_POSTS = {
    "M03": ["客服员岗位职责"],
    "M04": ["项目经理岗位说明书", "项目内业岗位说明书", "客服主管岗位说明书", "客服助理岗位说明书",
            "前台接待岗位说明书", "前台接待(收费员)岗位说明书"],
    "M06": ["3.1 客服经理", "3.2 客服主任", "3.3 客服前台组长", "3.4 前台物业助理", "3.5 贴心管家",
            "3.6 半岛28接待员", "3.7 样板房组长", "3.8 样板房解说员", "3.9 中介部组长", "3.10 物业顾问",
            "3.11 商铺管理员", "3.12 社区文化专员", "1.0 客户服务部工作内容概述"],
    "M09": ["物业经理岗位职责", "客户服务主任岗位职责", "物业助理岗位职责", "客服部文员岗位职责"],
    "M10": ["2.1 客服组", "2.2 客服主任", "2.3 客服主任助理", "2.4 高级客服助理", "2.5 客服助理",
            "2.6 大区高级物业助理", "2.7 高级物业助理", "2.8 物业助理", "2.9 礼宾领班", "2.10 礼宾员",
            "2.11 监控领班", "2.12 监控员"],
    "M13": ["客户服务部部门职能 (7)", "客服经理 (8)", "客服主任 (9)", "客服助理 (10)", "大堂管家 (11)",
            "文员 (12)", "经营经理 (13)", "经营主任 (14)"],
}


def test_every_post_in_a_table_of_contents_has_a_role_item(content, manual_text):
    def squash(s: str) -> str:
        return re.sub(r"\s+", "", s)

    whole = squash(manual_text)
    sections: dict[str, list[str]] = {}
    for role in content.of_kind("role"):
        for ref in role.source:
            sections.setdefault(ref.manual, []).append(squash(ref.section))
    missing = []
    for manual, headings in TOC_POSTS.items():
        for h in headings:
            assert squash(h) in whole, f"{manual}: {h!r} is not in the manuals (fix the test's list)"
            if not any(squash(h) in s for s in sections.get(manual, [])):
                missing.append(f"{manual} {h}")
    assert not missing, "post headings no role item cites:\n" + "\n".join(missing)
