"""The rules that refuse bad questions: each test plants one bad question (the kinds a trainer
found in the old bank) and shows the rule refuses it, and that a good neighbour passes."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import FIXTURES

from builder.core.check import load_valid
from builder.core.model import Fact, Procedure, Role
from builder.quiz import rules
from builder.quiz.bank import build_bank
from builder.quiz.question import BLANK, Question, Source

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


def make(**kw) -> Question:
    base = dict(id="x.answer.figure-choice", type="single", stem="前台电话铃响几声内必须接听？",
                options=["两声", "三声", "四声", "一声"], answer="三声", difficulty=1, topic="dianhua",
                origin="generated", family="figure", asks="x", evidence=["三声"],
                source=Source(item_id="x", kind="fact", title="t", anchor="answer", url="/facts/x/", text_hash=""))
    base.update(kw)
    return Question(**base)


ROLE = Role(id="kefu-yuan", title="客服员", status="sourced", source=[{"manual": "M03", "section": "s"}],
            duties=[f"职责{i}" for i in range(1, 30)],
            notes="职责 1–11 出自 M03 客服员岗位职责;职责 12–15 出自 M15 (二),职责 16–24 出自 M16 精选篇1,"
                  "职责 25–29 出自 M16 精选篇2。M15、M16 各篇未写岗位名称,按内容编入本岗位。")


def names(q: Question, item=ROLE) -> list[str]:
    return [r.split(":")[0] for r in rules.refusals(q, item)]


def _fact(fid: str, question: str, answer: str, figure: str) -> Fact:
    return Fact(id=fid, title="t", status="sourced", source=[{"manual": "M01", "section": "s"}],
                question=question, answer=answer, figure=figure)


def test_a_good_question_passes_every_rule():
    assert rules.refusals(make(), ROLE) == []


def test_no_article_numbers():
    bad = make(stem="《物业管理条例》中,「业主可以委托物业服务企业」是哪一条？",
               options=["第十条", "第十一条", "第十二条"], answer="第十一条", family="article")
    assert "article-number" in names(bad)


def test_no_title_question_whose_answer_shares_a_keyword_with_the_stem():
    bad = make(stem="「节假日值班人员须提前一天到岗」出自哪项制度？",
               options=["工作安排和节假日值班", "钥匙管理", "投诉处理"], answer="工作安排和节假日值班", family="policy")
    assert "title-in-stem" in names(bad)
    fair = make(stem="「借出须登记，当天归还」出自哪项制度？", options=["工作安排和节假日值班", "钥匙管理制度", "投诉处理"],
                answer="钥匙管理制度", family="policy")
    assert "title-in-stem" not in names(fair)


def test_no_answer_inside_the_stem():
    assert "answer-in-stem" in names(make(stem="电话铃响三声内接听，铃响几声内必须接听？"))
    tf = make(type="truefalse", stem="当工作时：必须做到不干私活。以下做法是否正确：不干私活。", claim="不干私活",
              options=[], answer=True, family="rule")
    assert "answer-in-stem" in names(tf)


def test_no_editor_or_gap_text():
    bad = make(type="blank", stem=f"《物业客户服务手册》列有“接待服务{BLANK}”(4.1.4);这十条的正文手册中没有收录,待编写。",
               options=[], answer="十大规范")
    assert "editor-text" in names(bad)
    assert "editor-text" in names(make(stem="M06 中电话铃响几声内必须接听？"))


def test_no_blank_longer_than_a_short_phrase():
    bad = make(type="blank", stem=f"业主沟通:{BLANK}公益性活动。", options=[], answer="每半年至少开展一次")
    assert "long-blank" in names(bad)
    assert "long-blank" not in names(make(type="blank", stem=f"铃响{BLANK}接听。", options=[], answer="三声内"))
    assert "long-blank" in names(make(type="blank", stem=f"{BLANK}发放业主评议表。", options=[], answer="每季度"))


def test_no_post_attribution_resting_on_an_editorial_guess():
    assert rules.editorial_duties(ROLE) == set(range(12, 30))
    guess = make(stem="「职责13」是哪个岗位的职责？", options=["客服员", "客服主管", "前台接待"], answer="客服员",
                 family="duty", source=Source(item_id="kefu-yuan", kind="role", title="客服员", anchor="duty-13",
                                              url="/", text_hash=""))
    assert "editorial-post" in names(guess)
    stated = guess.model_copy(update={"source": guess.source.model_copy(update={"anchor": "duty-3"})})
    assert "editorial-post" not in names(stated)
    unnamed = ROLE.model_copy(update={"notes": "职责出自 M15 (五),该篇未写岗位名称,编入前台(收费员)。"})
    assert rules.editorial_duties(unnamed) == set(range(1, 30))


def test_a_back_reference_is_not_a_count():
    bad = make(stem="简单装修要交几项资料？", options=["上述4项资料", "上述5项资料", "上述3项资料"], answer="上述4项资料")
    assert "back-reference" in names(bad)


def test_no_ordering_question_on_a_list_without_an_order():
    listed = make(type="order", stem="办理维修回访时，以下步骤的先后顺序是？", options=["a", "b", "c"],
                  answer=["a", "b", "c"], family="order", sequence=False)
    assert "unordered-list" in names(listed)
    assert "unordered-list" not in names(listed.model_copy(update={"sequence": True}))


def test_an_order_question_whose_options_say_their_place_is_refused():
    cued = make(type="order", stem="装修备案的办理顺序是？", options=["需先确认业主身份", "收取装修押金", "填写完相关表格后复核"],
                answer=["需先确认业主身份", "收取装修押金", "填写完相关表格后复核"], family="order", sequence=True)
    assert "order-cue" in names(cued)
    plain = cued.model_copy(update={"options": ["确认业主身份", "收取装修押金", "复核表格", "发放装修许可证"],
                                    "answer": ["确认业主身份", "收取装修押金", "复核表格", "发放装修许可证"]})
    assert "order-cue" not in names(plain)


def test_ordering_three_steps_is_common_sense():
    three = make(type="order", stem="报修处理的先后顺序是？", options=["接报修电话并填单", "完成维修并交接", "回访"],
                 answer=["接报修电话并填单", "完成维修并交接", "回访"], family="order", sequence=True)
    assert "short-order" in names(three)
    four = three.model_copy(update={"options": three.options + ["消单"], "answer": three.answer + ["消单"]})
    assert "short-order" not in names(four)


def test_the_real_unordered_procedures_get_no_order_questions(real_content):
    bank = build_bank(real_content)
    ordered = {q.source.item_id for q in bank.questions if q.family in ("order", "next")}
    assert ordered and ordered <= {"baoxiu", "ruhuo", "zhuangxiu-bei-an"}
    assert "huifang" not in ordered  # its "steps" are three time limits side by side


@pytest.mark.parametrize("options,answer", [
    (["365天", "48小时", "30天", "15天"], "365天"),  # off the ladder
    (["三声", "3个", "四声"], "三声"),  # mixed units
    (["1小时", "24小时", "72小时", "96小时"], "1小时"),  # too far apart
])
def test_distractors_are_plausible_neighbours_of_the_same_unit(options, answer):
    assert "implausible-distractor" in names(make(options=options, answer=answer, evidence=[answer]))


def test_a_neighbour_duration_in_another_unit_is_fair():
    fair = make(stem="除安全设施和渗漏水以外的其他维修项目，多长时间内回访？", options=["三天内", "一星期内", "两天内", "半个月内"], answer="一星期内",
                evidence=["一星期内"])
    assert names(fair) == []


def test_round_the_clock_is_not_a_time_limit():
    assert "not-a-limit" in names(make(stem="投诉电话什么时候开通？", options=["12小时", "24小时", "48小时"],
                                       answer="24小时", evidence=["投诉电话24小时开通"]))
    assert "not-a-limit" in names(make(stem="应急维修？", options=["12小时", "24小时", "48小时"], answer="24小时",
                                       evidence=["365天24小时应急维修服务"]))


def test_a_count_of_a_list_is_not_asked():
    assert "list-count" in names(make(stem="工作时要做到“几不”？", options=["四不", "五不", "六不"], answer="五不",
                                      evidence=["五不"]))


def test_one_question_per_stem():
    assert "two-questions" in names(make(stem="多长时间内通知整改？用什么方式？"))


def test_two_questions_that_give_each_other_away_never_share_a_paper():
    from builder.quiz.check import check_paper

    a = make(id="a", asks="a", stem="客户服务口诀：铃响三声内接听。这样做对吗？", type="truefalse", options=[],
             answer=True, family="detail", claim="铃响三声内接听")
    b = make(id="b", asks="b")  # keys 三声, which a's stem states
    assert rules.gives_away(a, b) and not rules.gives_away(b, a)
    assert [i.what for i in check_paper([a, b])] == ["giveaway"]


def test_held_questions_wait_for_a_trainer():
    content = load_valid(GOOD, GOOD_FORMS)
    bank = build_bank(content, include_draft=True)
    held = {r.question.id for r in bank.refused if r.held}
    assert "yongyu.rule-1.rule-2" in held and "yongyu.rule-1.rule-2" not in bank.by_id()


def test_opening_hours_are_asked_with_neighbouring_hours(real_content):
    from builder.quiz.bank import clock_neighbours

    assert clock_neighbours("8:30-18:00") == ["8:00-17:30", "9:00-18:00", "8:30-17:30"]
    q = build_bank(real_content).by_id()["jiedai-shijian-gongzuori.answer.figure-choice"]
    assert q.answer == "8:30-18:00" and len(q.options) == 4 and names(q) == []


def test_a_set_phrase_with_a_numeral_waits_for_a_trainer():
    label = make(type="blank", stem=f"对待业主投诉，要及时{BLANK}地与业主沟通。", options=[], answer="一对一")
    assert [r.split(":")[0] for r in rules.held(label, ROLE)] == ["numeral-label"]
    figure = make(type="blank", stem=f"房屋渗漏水项目维修{BLANK}回访。", options=[], answer="三天内")
    assert rules.held(figure, ROLE) == []


# --- round two: what a blind trainer found in the first bank ----------------------------------


RUHUO = Procedure(id="ruhuo", title="入伙程序", status="sourced", source=[{"manual": "M01", "section": "s"}], steps=[
    {"actor": "业主", "action": "业主办妥售房手续后到物业服务中心办理入伙手续;"},
    {"actor": "接待人员", "action": "接待人员审核业主入伙通知书及相关资料;"},
    {"actor": "接待人员", "action": "接待人员审核资料无误后开具票据并收费;"},
    {"actor": "接待人员", "action": "接待人员向业主发放入伙文件并请业主签收;"},
    {"actor": "接待人员", "action": "接待人员登记业主委托的代办服务项目:"},
    {"actor": "接待人员", "action": "接待人员陪同业主验房,抄水、电表底数。"},
])


def _next(now: int, then: str, wrong: list[str]) -> Question:
    return make(id=f"ruhuo.step-{now + 1}.next", family="next", sequence=True,
                stem="办理入伙时，接待人员审核资料无误后开具票据并收费。下一步做什么？", options=[then, *wrong],
                answer=then, source=Source(item_id="ruhuo", kind="procedure", title="入伙程序", anchor=f"step-{now}",
                                           anchors=[f"step-{now}", f"step-{now + 1}"], url="/procedures/ruhuo/",
                                           text_hash=""))


def test_a_next_step_question_offers_later_steps_only_and_four_options():
    then = "接待人员向业主发放入伙文件并请业主签收"
    earlier = _next(3, then, ["接待人员审核业主入伙通知书及相关资料", "接待人员登记业主委托的代办服务项目",
                              "接待人员陪同业主验房，抄水、电表底数"])
    assert "next-step-distractor" in names(earlier, RUHUO)  # step 2 is already done: ruled out by elimination
    three = _next(3, then, ["接待人员登记业主委托的代办服务项目", "接待人员陪同业主验房，抄水、电表底数"])
    assert "next-step-distractor" in names(three, RUHUO)
    later = _next(2, "接待人员审核资料无误后开具票据并收费", [
        then, "接待人员登记业主委托的代办服务项目", "接待人员陪同业主验房，抄水、电表底数"])
    assert "next-step-distractor" not in names(later, RUHUO)


def test_a_next_step_question_on_a_step_cut_off_at_a_colon_is_refused():
    q = _next(5, "接待人员陪同业主验房，抄水、电表底数", ["a", "b", "c"])
    assert "scrape-damage" in names(q, RUHUO)


ZHUANGXIU = Procedure(id="zhuangxiu-bei-an", title="装修备案办理流程", status="sourced",
                      source=[{"manual": "M01", "section": "s"}], steps=[
    {"actor": "前台", "action": "引导业主填写《装修备案表》。"},
    {"actor": "前台", "action": "如果装修单位不能够提供承建资格证书,则提醒业主需在“装修声明”中填写相关内容并签字确认。"},
    {"actor": "前台", "action": "提醒顾客在“顾客对以上意见确认”栏中签字。"},
])


def _form(stem: str, answer: str, wrong: list[str], family: str = "condition") -> Question:
    return make(id="zhuangxiu-bei-an.step-2.if-1", family=family, stem=stem, options=[answer, *wrong], answer=answer,
                source=Source(item_id="zhuangxiu-bei-an", kind="procedure", title="装修备案办理流程", anchor="step-2",
                              anchors=["step-2"], url="/procedures/zhuangxiu-bei-an/", text_hash=""))


def test_wrong_options_are_of_the_answers_kind():
    stem = "办理装修备案时，如装修单位不能够提供承建资格证书，提醒业主需在（　）中填写相关内容并签字确认。"
    field = _form(stem, "装修声明", ["业主承诺", "顾客对以上意见确认", "防火责任书"])
    assert "option-kind" in names(field, ZHUANGXIU)  # a field of a form offered as a document
    named = _form(stem, "装修声明", ["业主承诺", "承建资格证书", "防火责任书"])
    assert "option-kind" in names(named, ZHUANGXIU)  # the missing document the stem names
    fair = _form(stem, "装修声明", ["业主承诺", "装修备案表", "防火责任书"])
    assert "option-kind" not in names(fair, ZHUANGXIU)
    not_a_form = _form("办理装修备案时，前台引导业主填写哪张表？", "装修备案表", ["业主承诺书", "装修声明", "验房"],
                       family="form")
    assert "option-kind" in names(not_a_form, ZHUANGXIU)


def test_a_form_question_whose_stem_names_the_form_is_refused():
    bad = _form("办理报修时，接到业主报修电话后，要填写哪张表？", "业主报修单", ["物品放行条", "业户资料卡（B）", "协调处理表"],
                family="form")
    assert "form-in-stem" in names(bad, ZHUANGXIU)
    # every option of the same procedure shares 入伙: the word gives nothing away
    fair = _form("办理入伙时，接待人员登记代办服务项目，用的是哪张表？", "入伙流转表（A）",
                 ["入伙流转表（B）", "入伙通知书", "房屋验收表"], family="form")
    assert "form-in-stem" not in names(fair, ZHUANGXIU)


def test_a_plain_true_statement_is_refused_and_a_changed_detail_goes_in():
    plain = make(type="truefalse", stem="接待业主时，点头微笑要问好。这样做对吗？", claim="点头微笑要问好", options=[],
                 answer=True, family="rule")
    assert "plain-true" in names(plain)
    changed = make(type="truefalse", stem="按「仪容仪表」的要求，胸卡佩带于右胸前。这样做对吗？", claim="胸卡佩带于右胸前",
                   options=[], answer=False, family="detail")
    assert names(changed) == []


def test_trivial_recall_is_refused():
    copy = make(stem="装修备案时，每名施工人员要交几张身份证复印件？", options=["一张", "两张", "三张", "四张"], answer="一张",
                evidence=["装修备案时须提供施工人员身份证复印件一张。"])
    assert "customary" in names(copy)
    rent = make(stem="公寓客服多久核算并收取一次租金、能源费？", options=["每天", "每周", "每月", "每季度"], answer="每月")
    assert "customary" in names(rent)
    photos = make(stem="装修备案时，每名施工人员要交几张照片？", options=["一张", "两张", "三张", "四张"], answer="两张")
    assert "customary" not in names(photos)


def test_a_blank_with_other_natural_fillers_is_refused():
    word = make(type="blank", stem=f"客服主管负责客户诉求的收集、处理，并编制客户诉求处理{BLANK}。", options=[], answer="月报")
    assert "open-blank" in names(word)
    attributive = make(type="blank", stem=f"客服员负责{BLANK}维修、投诉的记录及资料输入工作。", options=[], answer="每天")
    assert "open-blank" in names(attributive)
    fair = make(type="blank", stem=f"小区中设置业主联系箱，{BLANK}定时开箱。", options=[], answer="每天")
    assert "open-blank" not in names(fair)


def test_scrape_damage_in_a_stem_is_refused():
    heading = make(type="truefalse", stem="客户服务口诀·前台服务，铃响三声内接听。这样做对吗？", claim="铃响三声内接听",
                   options=[], answer=True, family="detail")
    assert "scrape-damage" in names(heading)
    twice = make(stem="完成维修后，负责收取工程人员收取的有偿服务费。下一步做什么？", options=["a", "b", "c", "d"], answer="a",
                 family="next")
    assert "scrape-damage" in names(twice)


def test_other_without_saying_other_than_what_is_refused():
    bad = make(type="blank", stem=f"其他项目维修{BLANK}回访。", options=[], answer="一星期内")
    assert "undefined-other" in names(bad)
    listed = make(stem="装修单位不能够提供营业执照及承建资格证书等其他资料，提醒业主在哪里签字？", options=["a", "b", "c"],
                  answer="a", family="condition")
    assert "undefined-other" not in names(listed)


def test_one_question_per_fact_keeps_the_choice(real_content):
    bank = build_bank(real_content)
    asks = [q.asks for q in bank.questions]
    assert len(asks) == len(set(asks))
    by_id = bank.by_id()
    assert "huifang-wenti-24-xiaoshi-tongzhi.answer.figure-choice" in by_id
    assert "huifang-wenti-24-xiaoshi-tongzhi.answer.figure-blank" not in by_id


def test_a_supervisors_duty_is_not_in_a_front_line_paper(real_content):
    from builder.quiz.bank import frontline

    bank = build_bank(real_content)
    roles = {r.id: r for r in real_content.of_kind("role")}
    q = bank.by_id()["ruhuo-shoufei-meiyue-jiancha.answer.figure-choice"]  # 物业服务中心经理多久检查一次
    assert q.posts and not any(frontline(roles[p]) for p in q.posts)
    assert "qiantai-shoufei" in real_content.items["ruhuo-shoufei-meiyue-jiancha"].roles
    assert "qiantai-shoufei" not in q.posts
    plain = bank.by_id()["huifang.step-1.branches"]  # 回访时限: every post that calls owners back
    assert "kefu-yuan" in plain.posts


def test_a_form_question_whose_stem_echoes_the_forms_name_is_refused():
    echo = _form("办理入伙时，接待人员陪同业主验房，用的是哪张表？", "房屋验收表", ["业主服务需求调查表", "防火责任书", "房屋维修表"],
                 family="form")
    assert "form-in-stem" in names(echo, ZHUANGXIU)
    fair = _form("办理装修备案时，如装修需要破坏原防水结构，提醒业主签署（　）。", "业主承诺", ["装修声明", "装修备案表", "防火责任书"])
    assert "form-in-stem" not in names(fair, ZHUANGXIU)


def test_what_to_say_at_a_moment_of_a_call(real_content):
    bank = build_bank(real_content).by_id()
    # 当对方表示完毕,可以问询“还有别的什么吗?”当对方表示没有别的事可说“您放心,我一定办好”,最后说“再见”:
    # the next moment's phrase is no fair wrong option (表示完毕 / 表示没有别的事 read alike), nor is 再见
    # after 您放心; with the greeting alone left, neither moment is asked
    assert "dianhua-liyi.rule-3.say-1" not in bank and "dianhua-liyi.rule-3.say-2" not in bank
    # a call with enough other phrases is asked: the next moment's phrase is still no wrong option
    from builder.core.model import Etiquette
    from builder.quiz.bank import _Ctx, _say_when

    item = Etiquette(id="dianhua", title="电话礼仪", status="sourced", source=[{"manual": "M05", "section": "s"}],
                     rules=[{"text": "当对方说完,可以问询“还有别的吗?”当对方道谢时说“不客气”,最后说“再见”。"}],
                     phrases=["您好", "请稍等", "还有别的吗?", "不客气", "再见"])
    (q, *rest) = _say_when(_Ctx(real_content), item)
    assert q.answer == "还有别的吗？" and "不客气" not in q.options and len(q.options) == 4
    assert q.stem == "按「电话礼仪」的要求，当对方说完时，应说哪一句？"


def test_a_stem_that_leaves_out_who_does_it_is_refused():
    fact = _fact("ruhuo-shoufei", "入伙收费情况多久检查一次?", "物业服务中心经理每月一次检查入伙收费情况是否符合要求、规范。",
                 "每月一次")
    bad = make(stem="入伙收费情况多久检查一次？", options=["每天", "每周", "每月", "每季度"], answer="每月")
    assert "doer-missing" in names(bad, fact)
    fair = make(type="blank", stem=f"物业服务中心经理{BLANK}一次检查入伙收费情况是否符合要求、规范。", options=[],
                answer="每月")
    assert "doer-missing" not in names(fair, fact)


def _held(bank) -> dict:
    return {r.question.id: r for r in bank.refused if r.held}


def test_whose_approval_a_case_of_renovation_needs(real_content):
    bank = build_bank(real_content)
    held = _held(bank)
    r = held["zhuangxiu-bei-an.material-7.approver"]  # 如需进行烧、焊等动火作业,须报消防主管部门审批
    q = r.question
    assert q.answer == "消防主管部门" and q.stem.endswith("须报哪个部门审批？") and len(q.options) == 4
    assert all(o.endswith(("部门", "委员会")) for o in q.options)
    # made, but held for a trainer: blind reads found the key guessed from the case (动火 → 消防)
    assert r.reasons[0].startswith("narrow-case:") and q.id not in bank.by_id()
    # 改变住宅外立面 needs the planning office *and* the owners' committee: the committee is no wrong option,
    # which leaves three options: not made at all
    made = {x.question.id for x in bank.refused} | set(bank.by_id())
    assert "zhuangxiu-bei-an.material-6.approver" not in made


def test_the_bank_never_holds_two_questions_of_one_item_that_answer_each_other(real_content):
    bank = build_bank(real_content)
    qs = [q for q in bank.questions if q.origin == "generated"]
    pairs = [(a.id, b.id) for a in qs for b in qs
             if a is not b and a.source.item_id == b.source.item_id and rules.gives_away(a, b)]
    assert pairs == []
    refused = {r.question.id: r.reasons for r in bank.refused}
    # 入伙 item 8: 集中入伙期间每月…抽查四次〔正常工作期间每月抽查一次〕 — two facts cut from one sentence
    # are one source: the first one's stem (每月…抽查几次) holds the second one's key (每月)
    (reason,) = refused["ruhuo-pingshi-choucha-yi-ci.answer.figure-choice"]
    assert reason == ("gives-away: ruhuo-jizhong-choucha-si-ci.answer.figure-choice and this one "
                      "answer each other"), reason


def _requires(stem: str, answer: str, wrong: list[str]) -> Question:
    return _form(stem, answer, wrong, family="requirement")


def test_a_paper_named_by_the_case_in_the_stem_is_refused():
    bad = _requires("办理装修备案时，如更改原有水电线路的，须提供什么资料？", "水电线路图",
                    ["业主同意装修的书面证明", "业主与装修单位签订的装修合同复印件", "工商部门签发的户外广告登记证"])
    assert "paper-in-stem" in names(bad, ZHUANGXIU)
    # 装修 is what every option is about (the procedure's own word), and 的 is no word
    fair = _requires("办理装修备案时，非业主使用人装修的，须提供什么资料？", "业主同意装修的书面证明",
                     ["水电线路图", "业主与装修单位签订的装修合同复印件", "工商部门签发的户外广告登记证"])
    assert "paper-in-stem" not in names(fair, ZHUANGXIU)


def test_the_papers_a_case_of_renovation_needs(real_content):
    bank = build_bank(real_content)
    by_id = {q.id: q for q in [r.question for r in bank.refused if r.held]}
    # held for a trainer (narrow-case), like the approver questions
    assert "zhuangxiu-bei-an.material-1.requires" not in bank.by_id()
    q = by_id["zhuangxiu-bei-an.material-1.requires"]  # 如代收装修税费的需提供业主与装修单位签订的装修合同复印件
    assert q.answer == "业主与装修单位签订的装修合同复印件" and q.stem == "办理装修备案时，如代收装修税费的，须提供什么资料？"
    assert len(q.options) == 4 and q.family == "requirement"
    # every wrong option is a paper another case of the same procedure asks for
    materials = " ".join(real_content.items["zhuangxiu-bei-an"].materials)
    assert all(o.replace("，", ",") in materials for o in q.options)
    refused = {r.question.id: r.reasons for r in bank.refused}
    assert refused["zhuangxiu-bei-an.material-2.requires"][0].startswith("paper-in-stem")  # 水电线路 → 水电线路图
    # 非业主使用人装修 → 业主同意装修的书面证明 is made too, and held like it
    assert refused["zhuangxiu-bei-an.material-10.requires"][0].startswith("narrow-case:")
    # 还须提交政府部门的施工许可证 is asked with its sentence's first paper, not on its own
    made = bank.questions + [r.question for r in bank.refused]
    assert not any(q.family == "requirement" and "施工许可证" in str(q.answer) for q in made)


def test_which_papers_a_simple_renovation_may_leave_out(real_content):
    q = build_bank(real_content).by_id()["zhuangxiu-bei-an.material-8.exempt-1"]
    assert q.type == "multiple" and sorted(q.answer) == sorted(["《承建资格证书》", "施工图纸"])
    assert q.stem.startswith("只铺地板、墙壁表面粉刷、贴墙纸等的简单装修，办理装修备案时")
    wrong = [o for o in q.options if o not in q.answer]
    assert len(wrong) == 2
    # the wrong options are papers every case hands in; never 装修施工图 (another name of a key)
    assert all("施工图" not in o and "承建资格证书" not in o for o in wrong)
    assert all(o.endswith("复印件") for o in wrong)


def test_what_never_to_say_to_an_owner(real_content, tmp_path):
    # the real 禁语 item gives no standard phrase of its own: another item's polite phrases beside
    # 不知道 make a question nobody gets wrong, so none is made
    bank = build_bank(real_content).by_id()
    assert not any(i.startswith("jinyu.forbidden.") for i in bank)
    content = load_valid(GOOD, GOOD_FORMS)  # 服务用语: 您好, 请稍等 and the 禁语 不知道, 不是我管的
    q = build_bank(content, include_draft=True).by_id()["yongyu.forbidden.moment-1"]
    assert q.type == "multiple" and q.stem == "接待业主时，以下哪些话绝不能说？"
    assert sorted(q.answer) == sorted(["不是我管的", "不知道"])
    assert sorted(o for o in q.options if o not in q.answer) == ["您好", "请稍等"]


def test_next_step_questions_are_kept_before_the_order_question(real_content):
    bank = build_bank(real_content)
    by_id = bank.by_id()
    q = by_id["ruhuo.step-3.next"]  # after the fee is charged: introduce the estate, owner signs the 规约
    assert q.answer.startswith("物业服务中心接待人员介绍小区管理服务情况")
    refused = {r.question.id: r.reasons for r in bank.refused}
    # step 3 reads 审核资料无误后…收费: as an option it tells its own place after 审核 (order-cue)
    for qid in ("ruhuo.step-1.next", "ruhuo.step-2.next", "ruhuo.step-1.order"):
        assert refused[qid][0].startswith("order-cue: '物管接待人员审核资料无误后"), refused[qid]


def test_an_option_that_comes_after_another_options_step_is_refused():
    bad = make(family="next", stem="办理入伙时，业主办妥售房手续后到物业服务中心办理入伙手续。下一步做什么？",
               options=["接待人员审核业主入伙通知书", "接待人员审核资料无误后收费", "接待人员陪同业主验房", "接待人员登记代办服务"],
               answer="接待人员审核业主入伙通知书")
    assert "order-cue" in names(bad)
    fair = make(family="next", stem="办理入伙时，接待人员收费。下一步做什么？",
                options=["接待人员介绍小区管理服务情况", "接待人员发放入伙文件", "接待人员陪同业主验房", "接待人员登记代办服务"],
                answer="接待人员介绍小区管理服务情况")
    assert "order-cue" not in names(fair)


def test_a_stem_naming_one_key_of_a_multiple_choice_does_not_give_it_away():
    multi = make(type="multiple", stem="简单装修可以不提供哪些资料？", options=["承建资格证书", "施工图纸", "照片", "营业执照"],
                 answer=["承建资格证书", "施工图纸"])
    one = make(stem="装修单位不能提供承建资格证书的，业主在哪里签字？", options=["装修声明", "业主承诺"], answer="装修声明")
    both = make(stem="不提供承建资格证书和施工图纸的，算什么装修？", options=["简单装修", "二次装修"], answer="简单装修")
    assert not rules.gives_away(one, multi) and rules.gives_away(both, multi)


def test_a_period_that_says_whose_records_is_not_a_frequency():
    fact = _fact("kefuyuan-meitian-jilu", "客服员多久做一次维修、投诉的记录及资料输入?",
                 "客服员负责每天维修、投诉的记录及资料输入工作,并按时做好维修、投诉消单以及相应回访工作。", "每天")
    bad = make(stem="客服员多久做一次维修、投诉的记录及资料输入？", options=["每天", "每周", "每月", "每季度"], answer="每天")
    assert "period-of-a-noun" in names(bad, fact)
    chewei = _fact("chewei", "小区车位出租情况多久核查一次?",
                   "负责办理小区车位出租手续,每月对各区域的车位进行核查核对,包括已租、已售或空置等。", "每月")
    fair = make(stem="小区车位出租情况多久核查一次？", options=["每天", "每周", "每月", "每季度"], answer="每月")
    assert "period-of-a-noun" not in names(fair, chewei)  # 每月对…的车位: the 的 belongs to what is checked


def test_two_cases_asked_with_each_others_key_are_one_question(real_content):
    fire = _form("办理装修备案时，如需进行烧、焊等动火作业，须报哪个部门审批？", "消防主管部门",
                 ["工商部门", "城市规划行政主管部门", "业主委员会"], family="approver")
    sign = _form("办理装修备案时，如客户需设置户外广告，应提供哪个部门签发的户外广告登记证？", "工商部门",
                 ["消防主管部门", "城市规划行政主管部门", "业主委员会"], family="approver")
    other = _form("办理装修备案时，如装修需要破坏原防水结构，提醒业主签署（　）。", "业主承诺", ["装修声明", "装修备案表"])
    assert rules.mirrored(fire, sign) and not rules.mirrored(fire, other)
    assert rules.pair_problem(fire, sign) == "hold each other's key among their options"
    # across items a shared ladder (每天 … 每季度) is only the kind of answer
    daily = make(stem="小区业主联系箱多久开一次？", options=["每天", "每周", "每月", "每季度"], answer="每天")
    weekly = make(stem="投诉处理结果多久统计、小结一次？", options=["每天", "每周", "每月", "每季度"], answer="每周",
                  source=Source(item_id="y", kind="fact", title="t", anchor="answer", url="/facts/y/", text_hash=""))
    assert rules.mirrored(daily, weekly) and rules.pair_problem(daily, weekly) is None
    refused = {r.question.id: r.reasons for r in build_bank(real_content).refused}
    # 装修声明 / 业主承诺: two conditions of 装修备案 with the same options; the bank keeps the shorter one
    assert refused["zhuangxiu-bei-an.step-2.if-1"] == [
        "mirrored: zhuangxiu-bei-an.step-5.if-1 and this one hold each other's key"]


def test_facts_cut_from_one_sentence_never_offer_each_others_figure(real_content):
    by_id = build_bank(real_content).by_id()
    # 4、施工人员身份证复印件一张、照片两张 — one sentence, two facts: 一张 is the other fact's figure
    q = by_id["zhuangxiu-shigong-zhaopian-liang-zhang.answer.figure-choice"]
    assert q.answer == "两张" and len(q.options) == 4 and "一张" not in q.options


def test_a_swapped_side_is_asked_rather_than_the_rule_as_written(real_content):
    by_id = build_bank(real_content).by_id()
    badge = by_id["yirong-yibiao.rule-1.rule-2-changed"]
    assert badge.answer is False and "右胸前" in badge.stem and "yirong-yibiao.rule-1.rule-2" not in by_id
    hands = by_id["koujue-qiantai-fuwu.rule-2.rule-2-changed"]
    assert hands.answer is False and "右手持听筒，左手执笔" in hands.stem
    assert hands.stem.startswith("按客户服务口诀「前台服务」的要求")  # not the filed heading path with its ·


def test_the_greeting_names_our_company_once_the_profile_is_ours(real_content):
    from builder.quiz.bank import _Ctx, _house_phrase

    item = real_content.items["dianhua-liyi"]  # phrase 您好,佳恒物业客服中心 — 把"佳恒物业"换成本公司名称
    assert _house_phrase(_Ctx(real_content), item, "您好,佳恒物业客服中心") == "您好,××物业客服中心"
    ours = real_content.profile.model_copy(update={"example": False, "company": "恒誉洋物业服务有限公司"})
    content = dataclasses.replace(real_content, profile=ours)
    assert _house_phrase(_Ctx(content), item, "您好,佳恒物业客服中心") == "您好,恒誉洋物业客服中心"
    assert _house_phrase(_Ctx(content), item, "再见") == "再见"


def test_the_cases_of_one_step_are_asked_together(real_content):
    bank = build_bank(real_content)
    by_id = bank.by_id()
    q = by_id["huifang.step-1.branches"]
    assert q.stem == "维修回访：安全设施维修、房屋渗漏水项目维修、其他项目维修，分别在多长时间内回访？"
    assert q.answer == "两天内、三天内、一星期内" and len(q.options) == 4
    wrong = [o for o in q.options if o != q.answer]
    # the same limits given to the wrong cases, or one limit moved to its neighbour
    assert any(sorted(w.split("、")) == sorted(q.answer.split("、")) for w in wrong)
    assert all(len(w.split("、")) == 3 for w in wrong)
    # the facts that state each case's limit are asked there, not again on their own
    refused = {r.question.id: r.reasons for r in bank.refused}
    for fid in ("huifang-anquan-sheshi-liang-tian", "huifang-shenloushui-san-tian", "huifang-qita-yi-xingqi"):
        assert refused[f"{fid}.answer.figure-choice"] == ["same-as: asks what huifang.step-1.branches asks"]
    from builder.quiz.check import check_bank
    assert [i for i in check_bank(bank, real_content) if i.qid == q.id] == []


def test_a_managers_check_is_asked_of_that_rank(real_content):
    by_id = build_bank(real_content).by_id()
    roles = {r.id: r for r in real_content.of_kind("role")}
    q = by_id["huifang.step-3.limit-choice"]  # 物业服务中心经理每月随机进行抽查
    assert q.posts and all("经理" in roles[p].title for p in q.posts)


def test_may_the_desk_questions_wait_for_a_trainer(real_content):
    # 前台可以把业主名单、电话提供给中介…吗 — 错: a held-out blind read found every such question keyed 错
    # and answered without training
    bank = build_bank(real_content, include_draft=True)
    may = [r for r in bank.refused if r.question.family == "may"]
    assert may and all(r.held and r.reasons[0].startswith("common-sense:") for r in may)
    assert not any(q.family == "may" for q in bank.questions)
