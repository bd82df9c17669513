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
from conftest import ROOT

from builder.core.check import check
from builder.core.load import load_content
from builder.core.model import MANUALS, Policy, Procedure

CONTENT = ROOT / "content"
MINE = ("procedures", "policies")
MANUALS_TEXT = ROOT.parent / "shared" / "manuals" / "customer-service-manuals.txt"

#: The key procedures and the time limits they must carry, as the manuals write them.
KEY_TIME_LIMITS: dict[str, list[str]] = {
    "zhuangxiu-bei-an": ["三个月"],
    "ruhuo": ["抽查四次", "每月抽查一次"],
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
        if item.rhyme:
            out += [(f"rhyme.lines[{i}]", t) for i, t in enumerate(item.rhyme.lines)]
        for i, s in enumerate(item.steps):
            out.append((f"steps[{i}].action", s.action))
            # a branch the manuals do not name is ours (draft: true, shown 待审核)
            out += [(f"steps[{i}].branches[{j}].then", b.then) for j, b in enumerate(s.branches) if not b.draft]
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
    limits = " ".join([s.time_limit or "" for s in p.steps] + [b.time_limit or "" for s in p.steps for b in s.branches])
    for figure in KEY_TIME_LIMITS[proc_id]:
        assert figure in limits, f"{proc_id}: no step has the time limit {figure!r} (have: {limits!r})"


def test_ordered_flows_are_procedures_and_a_rhyme_sits_beside_the_steps(mine):
    jiedai, tousu, liucheng = mine["kehu-jiedai-liucheng"], mine["tousu-chuli"], mine["kefu-bumen-liucheng-guanli"]
    assert [s.action.split(":")[0] for s in jiedai.steps] == ["问候客户", "询问客户需求", "提供解决方案", "及时反馈", "结束服务"]
    assert [s.action.split(":")[0] for s in tousu.steps] == ["调查核实", "解释说明", "及时回应", "感谢客户", "持续跟踪"]
    assert [s.action.split(":")[0] for s in liucheng.steps] == ["报到签到", "来电接听", "来访处理", "保密意识", "答复问题", "售后服务"]
    assert {s.manual for s in jiedai.source} == {"M08"} and {s.manual for s in liucheng.source} == {"M14"}
    assert tousu.rhyme is not None and tousu.rhyme.lines[0].startswith("投诉来了管家去")
    assert not any("管家去" in s.action for s in tousu.steps), "the rhyme is not the steps"
    assert "每天" in tousu.rhyme.lines[4]
    assert "kehu-fuwu-liucheng-biaozhun" not in mine, "the flows left the policies"
    assert not any(sec.title.startswith("四、") for sec in mine["kefu-guanli-zhidu"].sections)


def test_huifang_deadlines_sit_on_the_right_steps(mine):
    steps = {s.time_limit: s.action for s in mine["huifang"].steps if s.time_limit}
    steps |= {b.time_limit: b.then for s in mine["huifang"].steps for b in s.branches if b.time_limit}
    assert "安全设施" in steps["两天内"]
    assert "渗漏水" in steps["三天内"]
    assert "其他项目" in steps["一星期内"]
    assert "书面通知维修人员整改" in steps["24小时内"]


def test_baoxiu_steps_are_whole_actions_with_their_decisions(mine):
    p = mine["baoxiu"]
    actions = [s.action for s in p.steps]
    assert actions[0] == "接到业主或客户报修电话后,要填写业主报修单,并及时通知工程维修人员上门维修。"
    assert not any(a.startswith(("并", "和", "且", "而", "或")) or a.endswith((",", ",")) for a in actions[1:])
    paid = {b.when: b for b in p.steps[1].branches}
    assert set(paid) == {"有偿服务", "无偿服务"} and paid["无偿服务"].draft and not paid["有偿服务"].draft
    assert "有偿服务费" in paid["有偿服务"].then
    visit = p.steps[2]
    assert visit.source is not None and visit.source.manual == "M17", "the 回访 limits are M17's"
    assert {"两天内", "三天内", "一星期内"} <= {w for w in ("两天内", "三天内", "一星期内") if w in (visit.time_limit or "")}
    problem = next(b for b in visit.branches if b.when == "回访发现问题")
    assert problem.time_limit == "24小时内" and "书面通知维修人员整改" in problem.then


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


# --- every heading of every table of contents ---------------------------------------
#: The tables of contents of the manuals, written out heading by heading (one a line, as the
#: manuals print them), each with what it names: i = a procedure, policy or topic with no body
#: (an outline item must cite it), b = a heading whose body is in the manuals (cited where the
#: body lands), p = a post (岗位职责: the roles cover it), f = a form (forms/ covers it),
#: c = a chapter or part heading that names no document of its own, k = the cases chapter.
#: The list was made by hand from each TOC line; the test proves it is complete: with every
#: heading taken out, only page numbers and punctuation are left of the TOC.
TOCS: dict[str, tuple[str, str, str, str]] = {
    # manual: (lines, where the TOC starts, where it ends, headings)
    "M02": ("171", "目录", "法律法规篇(63)", """
c 基础常识篇
i 《客户服务口诀》
i 《客户服务主要触点及基本要求》
i 《客户服务关键时刻》
c 业务流程篇
i 《房屋交付办理流程》
i 《装修手续办理流程》
i 《客服前台收费流程》
i 《物资搬出情况登记流程》
i 《钥匙及智能卡管理流程》
c 客户服务篇
i 《投诉及建议处理流程》
i 《客户访谈流程》
i 《社区矛盾解决操作指引》
i 《媒体接待与信息报送要领》
i 《客服管控系统操作流程》
i 《灾害天气及突发停电停水客服工作指引》
c 专业技巧篇
i 《客户期望值管理》
i 《沟通技巧》
i 《应对挑战性客户技巧》
i 《客服人员的减压技巧》
i 法律法规篇
"""),
    "M03": ("179", "目录", "六、案例分析(83)", """
c 一、客服员基础知识
p 1.客服员岗位职责
i 2.客服员礼义礼节
i 3.客服员服务细节
i 4.客服员注意事项
i 5.客服员工作规范
i 6.客服员工作流程
i 7.客服员宿舍客理规定
i 8.物业管理法律法规基本知识
c 二、客服员星级考评制度
i 1.客服员星级考评制度
i 三、客服员彩生活服务项目操作流程
i 1.彩生活服务项目介绍
i 2.彩生活项目及流程(基本项目)
i 3.商品采购时间表及补说明
i 四、客服员彩生活系统操作流程
f 五、小区所需表格
k 六、案例分析
"""),
    "M04": ("187", "目录", "整改费用单(QR-DXC-13)(66)", """
i 组织架构(QW-DXC-01)
i 物业服务项目管理职责(QW-DXC-02)
i 项目客服中心职责(QW-DXC-03)
p 项目经理岗位说明书(QW-DXC-04)
p 项目内业岗位说明书(QW-DXC-06)
p 客服主管岗位说明书(QW-DXC-07)
p 客服助理岗位说明书(QW-DXC-08)
p 前台接待岗位说明书(QW-DXC-09-A)
p 前台接待(收费员)岗位说明书(QW-DXC-09-B)
i 入住管理规程(QW-DXC-10)
i 业主临时规约(范本)
i 商业街管理规约(范本)
i 纠纷应对处理流程(QW-DXC-10-7.1)
f 入伙流转表(QR-DXC-01-A)
f 入伙流转表(QR-DXC-01-B)
f 房屋验收表(QR-DXC-02)
f 房屋维修表(QR-DXC-03)
f 业户资料卡(QR-DXC-04-A)
f 业户资料卡(QR-DXC-04-B)
f 业主服务需求调查表(QR-DXC-05)
f 交房流程满意度调查表(QR-DXC-06)
f 入伙通知书(QR-DXC-07)
f 防火责任书(QR-DXC-08)
i 房屋质量整改管理规程(QW-DXC-11)
f 工程移交验收表(QR-DXC-08-A)
f 工程移交验收表(QR-DXC-08-B)
f 工程移交验收表(QR-DXC-08-C)
f 售后服务登记表(QR-DXC-09)
f 保修要求处理表(QR-DXC-10)
f 施工单位保修联系异常情况登记表(QR-DXC-11)
f 协调处理表(QR-DXC-12-A)
f 协调处理表(QR-DXC-12-B)
f 整改费用单(QR-DXC-13)
"""),
    "M06": ("197-199", "目录", "11.1居住证办理", """
i 1.0 客户服务部工作内容概述
i 2.0 客服部组织架构
c 3.0 客户服务部各岗位职责
p 3.1 客服经理岗位职责
p 3.2 客服主任岗位职责
p 3.3 客服前台组长岗位职责
p 3.4 前台物业助理岗位职责
p 3.5 贴心管家岗位职责
p 3.6 半岛28接待员岗位职责
p 3.7 样板房组长岗位职责
p 3.8 样板房解说员岗位职责
p 3.9 中介部组长岗位职责
p 3.10物业顾问岗位职责
p 3.11商铺管理员岗位职责
p 3.12社区文化专员岗位职责
i 4.0 客服部内部管理规程
i 4.1客服部员工岗位礼仪规范
i 4.1.1仪容仪表要点
i 4.1.2言行举止要点
i 4.1.3电话使用十大规范
i 4.1.4 接待服务十大规范
i 4.1.5 上门服务礼仪规范
i 4.1.6接待员\\样板房解说员岗位礼仪规范
i 4.2客服部各班组工作细则
i 4.2.1 客服前台上下班工作要点
i 4.2.2 贴心楼管家上下班工作要点
i 4.2.3 样板房上下班工作要点
i 4.2.4 客服部各岗位交接班规定
i 4.2.5 中介部工作纪律
i 4.3客服部工作考核
i 4.3.1考评与处理规定
i 4.3.1日常工作检查评分细则
i 5.0交收楼工作流程
i 5.1 交楼前的准备工作
i 5.2入伙手续办理
i 5.3收楼过程中的注意事项
i 6.0装修管理规程
i 6.1 办理程序
i 6.2 装修管理流程
i 6.3二次装修管理规定
i 7.0投诉/建议处理规程
i 7.1 来电来访投诉/建议接待程序
i 7.2 来电来访投诉/建议处理流程
i 8.0日常报修处理流程
i 8.1业户报修处理流程图
i 8.2 处理业户大型维修工作细则
i 8.3 公共部分报修处理流程
i 9.0回访工作管理规程
i 9.1回访方式
i 9.2日常回访
i 9.3专项回访
i 9.4重大事故回访
i 9.5调查回访制度
i 9.6 回访记录
i 10.0巡查工作规程
i 10.1巡查工作的要求
i 10.2日巡查内容
i 10.3巡查记录和记录处理
i 10.4相关文件与记录
i 11.0各类证件办理规程
i 11.1居住证办理
"""),
    "M09": ("217-219", "目录", "客服部人员架构图", """
c 第一章服务中心客服部
i 第一节客服部编制及架构
c 第二节客服部部门说明
b 一、客服部职能简介
b 二、客服部工作内容概述
i 三、客服部日常管理内容
c 第三节客服部岗位职责
p 一、物业经理岗位职责
p 二、客户服务主任岗位职责
p 三、物业助理岗位职责
p 四、客服部文员岗位职责
c 第四节客服部规章制度
i 一、客服部考勤管理制度及规定
i 二、客服部值班管理制度及规定
i 三、客服部交接班管理制度及规定
i 四、客服部档案管理暂行制度及规定
i 五、客服部文件管理制度及规定
i 六、客服部钥匙管理制度
i 七、客服部员工保密制度
i 八、客服部员工接待管理制度
i 九、巡楼制度
i 十、部门安全制度
i 十一、客服部员工文明服务准则
i 十二、客服部员工接听电话工作规定
i 十三、客服部会议制度
i 十四、客服部办公制度
i 十五、物业人员制度
i 十六、管理处各员工应具备的礼仪及当班时所需注意事项
i 十七、对讲机的使用规定及对话要求
c 第五节客服部工作流程
i 一、业主/商户办理迁入程序及流程图
i 二、电信业务申请程序及流程图
i 三、发单及催款程序
i 四、业主/商户投诉处理程序及流程图
i 六、业主/商户回访程序及流程图
i 七、办理退租程序
i 八、业主/商户报修处理工作程序及流程图
i 九、服务收费管理工作程序及流程图
i 十、公共场地使用管理工作程序及流程图
i 十一、社区文化活动管理工作程序及流程图
i 十二、突发事件或异常情况处理工作程序
i 十三、钥匙管理工作程序及流程图
i 十四、杂志、报刊等收发工作程序及流程图
i 十五、业主/商户水牌制作流程图
i 十六、物业助理巡楼工作程序及流程图
i 十七、出入证办理流程图
i 十八、装修管理工作程序及流程图
i 十九、本项目业主/商户室内物品放行流程图
i 二十、绿化监督工作程序及流程图
i 二十一、清洁卫生监督管理及流程图
i 二十二、电梯困人处理程序
i 二十三、虫鼠害防治管理工作程序及流程图
i 二十四、物品放行流程图
i 二十五、业主/商户入驻档案及装修资料归档程序与流程图
c 其他
i 客服部人员架构图
"""),
    "M10": ("225", "目录", "3.23报修管理规定WI-NWGZ-AL.KF-03-23", """
c 1组织架构
i 1.1客服组织架构WI-NWGZ-AL.KF-01-01
c 2岗位职责
p 2.1客服组岗位职责WI-NWGZ-AL.KF-02-01
p 2.2客服主任岗位职责WI-NWGZ-AL.KF-02-02
p 2.3客服主任助理岗位职责WI-NWGZ-AL.KF-02-03
p 2.4高级客服助理岗位职责WI-NWGZ-AL.KF-02-04
p 2.5客服助理岗位职责WI-NWGZ-AL.KF-02-05
p 2.6大区高级物业助理岗位职责WI-NWGZ-AL.KF-02-06
p 2.7高级物业助理岗位职责WI-NWGZ-AL.KF-02-07
p 2.8物业助理岗位职责WI-NWGZ-AL.KF-02-08
p 2.9礼宾领班岗位职责WI-NWGZ-AL.KF-02-09
p 2.10 礼宾员岗位职责WI-NWGZ-AL.KF-02-10
p 2.11监控领班岗位职责WI-NWGZ-AL.KF-02-11
p 2.12监控员岗位职责WI-NWGZ-AL.KF-02-12
c 3管理规定
i 3.1业主档案管理规定WI-NWGZ-AL.KF-03-01
i 3.2首问责任制管理规定WI-NWGZ-AL.KF-03-02
i 3.3客服值班管理规定WI-NWGZ-AL.KF-03-03
i 3.4咨询服务规范WI-NWGZ-AL.KF-03-04
i 3.5借(领)钥匙管理规定WI-NWGZ-AL.KF-03-05
i 3.6空置房单元钥匙管理规定WI-NWGZ-AL.KF-03-06
i 3.7空置房管理规定WI-NWGZ-AL.KF-03-07
i 3.8楼宇巡查管理规定WI-NWGZ-AL.KF-03-08
i 3.9业主投诉处理规定WI-NWGZ-AL.KF-03-09
i 3.10 回访管理规定WI-NWGZ-AL.KF-03-10
i 3.11家访管理规定WI-NWGZ-AL.KF-03-11
i 3.12 物业接管验收要求及规程WI-NWGZ-AL.KF-03-12
i 3.13前期物业管理服务协议WI-NWGZ-AL.KF-03-13
i 3.14 交楼工作总则WI-NWGZ-AL.KF-03-15
i 3.15交楼工作程序WI-NWGZ-AL.KF-03-14
i 3.16 交楼工作技巧WI-NWGZ-AL.KF-03-16
i 3.17交楼前期工作组织管理WI-NWGZ-AL.KF-03-17
i 3.18 交楼工作组织管理WI-NWGZ-AL.KF-03-18
i 3.19室内装修管理服务协议WI-NWGZ-AL.KF-03-19
i 3.20 装修注意事项WI-NWGZ-AL.KF-03-20
i 3.21装修指引WI-NWGZ-AL.KF-03-21
i 3.22 二次装修管理规定WI-NWGZ-AL.KF-03-22
i 3.23报修管理规定WI-NWGZ-AL.KF-03-23
"""),
    "M13": ("243-245", "目录", "第四章二装表格", """
c 第一章客户服务部职工作职能与岗位职责
i 客户服务部部门职能
p 客服经理
p 客服主任
p 客服助理
p 大堂管家
p 文员
p 经营经理
p 经营主任
c 第二章客户服务部管理制度
i 1、部门规章制度
i 2、客户服务部经理巡检制度
i 3、客户服务部主管巡检制度
i 4、前台接待规章制度
i 5、钥匙管理制度
i 6、回访制度
i 7、例会制度
i 8、业户物品出、入管理规定
i 9、固体废弃物处理规定
i 10、隔油池清掏管理规定
i 11、宠物管理规定
i 12、装修管理制度
i 13、值班管理制度
i 14、总值交接班管理制度
i 15、通告发放管理制度
i 16、访客登记制度
i 17、投诉处理程序
i 18、排污、排烟及噪声管理规定
i 19、消杀监督检查管理规定
i 20、鼠药及废鼠药回收管理办法
i 21、钥匙管理规定
i 22、客户档案管理规定
c 第三章客户服务部工作程序
i 1、收楼操作程序
i 2、客户投诉操作程序
i 3、前台服务操作程序
i 4、客户回访操作程序
i 5、投诉处理流程
i 6、整改措施流程
i 7、工单报修流程
i 8、二次装修管理业务流程
i 10、代客户叫出租车工作流程
i 11、业主/住户迁出手续办理规程
i 12、物品迁出手续办理规程 (施工单位)
i 13、客服电话接听程序
i 14、客户来访接待程序
f 第四章二装表格
"""),
    "M18": ("273", "目录", "部门个性化流程", """
c 基础常识篇
b 《应知应会》
c 前台事务办理篇
i 《客户服务前台装修备案办理流程》
i 《客户服务前台收费流程》
i 《客户服务前台入住办理流程》
i 《客户服务前台信息传递流程》
i 《客户服务前台物资放行办理流程》
i 《客户服务前台IC卡业务办理流程》
c 客户投诉处理篇
i 《投诉及建议处理流程》
i 《客户走访流程》
i 《社区矛盾解决操作指引》
c 专业知识篇
i 《客服理论知识》
i 《电话接听礼仪及技巧》
i 《采访接待工作要领》
i 部门个性化流程
"""),
}


def toc_headings(manual: str) -> list[tuple[str, str]]:
    return [(line[0], line[2:]) for line in TOCS[manual][3].strip().splitlines()]


def toc_text(lines: list[str], manual: str) -> str:
    span, start, end = TOCS[manual][:3]
    first, _, last = span.partition("-")
    text = squash("\n".join(lines[int(first) - 1:int(last or first)]))
    i = text.index(squash(start))
    return text[i:text.index(squash(end), i) + len(squash(end))]


def cited_sections(content) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for item in content:
        for s in item.source:
            out[s.manual].append(squash(s.section).replace(":", ":"))
    return out


@pytest.mark.parametrize("manual", sorted(TOCS))
def test_toc_list_is_complete(manual_lines, manual):
    text = toc_text(manual_lines, manual)
    left = text.removeprefix("目录")
    for _, heading in sorted(toc_headings(manual), key=lambda h: -len(squash(h[1]))):
        h = squash(heading)
        assert h in left, f"{manual}: {heading!r} is not (or no longer) in the table of contents"
        left = left.replace(h, " ", 1)
    rest = re.sub(r"[\s()()\d\-、.]+", "", left)
    assert rest == "", f"{manual}: TOC text not in the heading list: {rest!r}"


@pytest.mark.parametrize("manual", sorted(TOCS))
def test_every_toc_heading_without_body_is_an_item(loaded, manual):
    content, _ = loaded
    cited = cited_sections(content)[manual]
    missing = [h for kind, h in toc_headings(manual) if kind == "i" and not any(squash(h) in s for s in cited)]
    assert missing == [], f"{manual}: TOC headings no item cites: {missing}"
