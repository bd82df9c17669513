"""Corrections from the audit of content against the manuals (issue 11): what the manuals do
not say is not said as if they did, and who owns a procedure can find it from the post."""

from __future__ import annotations

from builder.core.model import Case, Legal, Procedure, Role


def test_baoxiu_the_warranty_is_not_a_synonym_of_baoxiu_the_repair_call(real_content):
    terms = {t.term: t for t in real_content.glossary.terms}
    assert "保修" not in terms["报修"].synonyms
    assert "保修" in terms and "不是报修" in terms["保修"].definition
    for group in real_content.dictionary.synonyms:
        assert not ({"报修", "保修"} <= set(group)), group


def test_glossary_states_no_rule_the_manuals_do_not(real_content):
    terms = {t.term: t.definition for t in real_content.glossary.terms}
    for term, rule in (("钥匙管理", "当日归还"), ("交接班", "签字"), ("有效投诉", "计入考核"), ("施工许可证", "张贴")):
        assert rule not in terms[term], f"{term}: {rule}"


def test_leak_case_gives_the_monthly_spot_check_to_the_centre_manager(real_content):
    case = real_content.items["anli-loushui-huifang-chaoshi"]
    assert isinstance(case, Case)
    check = next(h for h in case.handling if "抽查" in h)
    assert "物业服务中心经理" in check and "每月" in check and "主管" not in check


def test_posts_link_the_procedures_and_forms_they_own(real_content):
    items = real_content.items
    front, supervisor, manager = items["qiantai-jiedai"], items["kefu-zhuguan"], items["xiangmu-jingli"]
    assert isinstance(front, Role) and isinstance(supervisor, Role) and isinstance(manager, Role)
    assert "zhuangxiu-bei-an" in front.procedures and "zhuangxiu-beian" in front.forms
    ruhuo, huifang = items["ruhuo"], items["huifang"]
    assert isinstance(ruhuo, Procedure) and isinstance(huifang, Procedure)
    ruhuo_forms = {s.form for s in ruhuo.steps if s.form}
    assert ruhuo_forms <= set(supervisor.forms)
    names = {manager.title, *manager.aliases}
    assert ruhuo.steps[7].actor in names, "入伙 step 8 is the 物业服务中心经理's"
    assert any(s.actor in names and s.time_limit == "每月" for s in huifang.steps), "so is the monthly 回访 check"
    assert {"ruhuo", "huifang"} <= set(manager.procedures)


def test_civil_code_944_is_quoted_as_enacted_and_excerpts_say_so(real_content):
    code = real_content.items["minfadian-wuye-fuwu-hetong"]
    assert isinstance(code, Legal)
    art = next(a for a in code.articles if a.article == "第九百四十四条")
    assert "无需接受相关物业服务为由拒绝支付物业费" in art.text and "抗辩理由" not in art.text
    for item in real_content.of_kind("legal"):
        assert isinstance(item, Legal)
        for a in item.articles:
            if "等等" in a.text or a.text.endswith("……"):
                assert a.excerpt, f"{item.id} {a.article} quotes part of the article: mark it excerpt"
