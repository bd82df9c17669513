"""The question bank: questions authored beside the items they test, and questions
generated from the typed model.

``build_bank(content)`` returns every question, in a stable order, each with a stable id
and its **source**: the item, the part (anchor) it was made from, the link into the site
and a hash of that part's normalised text. The same content always gives the same bank.

Generators (one function each, by kind of content):

* facts with a figure → fill in the blank, and single choice whose distractors are
  neighbouring values of the same kind (三声 → 两声/四声/五声; 两天内 → 一天内/三天内/五天内);
* procedure steps → put in order; what comes next; a step's time limit as a figure;
* duties → which post does this (distractors: other posts);
* etiquette → 标准用语 vs 禁语 (true/false, pick the 禁语), do / don't of a rule;
* policies → which policy a rule belongs to; legal notes → which law / which article;
  cases → order the handling, which case a lesson comes from.

Correctness is checked separately (``builder.quiz.check``); this module only builds.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from builder.core.load import Content
from builder.core.model import KIND_LABELS, Case, Etiquette, Fact, Item, Legal, Part, Policy, Procedure, Role, staff_visible
from builder.core.urls import item_url

if TYPE_CHECKING:
    from builder.core.project import Project
    from builder.quiz.review import Decision
from builder.quiz.figures import (  # noqa: F401  (re-exported: the bank's public names)
    DAY_UNITS,
    DEFAULT_LADDER,
    LADDERS,
    UNITS,
    Figure,
    neighbours,
    parse_cn_number,
    parse_figure,
    to_cn_number,
)
from builder.quiz.question import (  # noqa: F401
    BLANK,
    TYPE_LABELS,
    Bank,
    Question,
    QuestionType,
    Refused,
    Source,
    _rng,
    _strip_end,
    normalise,
    similar,
    text_hash,
)
from builder.quiz.rules import SUPERVISOR_DOES


# --- building blocks --------------------------------------------------------
# --- which items a bank draws on ------------------------------------------
# --- building blocks --------------------------------------------------------
class _Ctx:
    """What every generator needs: the content, the posts, the forms' titles, the settings."""

    def __init__(self, content: Content, forms: dict[str, str] | None = None,
                 ordered: set[str] | None = None, form_uses: dict[str, list[str]] | None = None):
        self.content = content
        self.form_uses = dict(form_uses or {})
        self.roles: dict[str, Role] = {r.id: r for r in content.of_kind("role")}  # type: ignore[misc]
        self.forms = dict(forms or {})
        self.ordered = set(ordered or ())
        self.facts = sorted((i for i in content.items.values() if isinstance(i, Fact) and i.approved),
                            key=lambda f: f.id)
        #: what a fact asks → what the question that asks it together with its siblings asks
        self.together: dict[str, str] = {}
        #: our company as a greeting names it (恒誉洋物业); ××物业 while the profile is example data
        profile = content.profile
        self.house = "××物业"
        if profile is not None and not profile.example:
            self.house = re.sub(r"(服务)?(有限)?(责任)?公司$", "", re.sub(r"[(（].*?[)）]", "", profile.company)) \
                or self.house

    def topic(self, item: Item) -> str:
        return item.tags[0] if item.tags else item.kind

    def fact_asks(self, core: str, text: str) -> str | None:
        """What a fact asks, when a fact states the same figure as ``text`` (a step, a rule):
        then both ask one thing, and the bank keeps the fact's wording."""
        same = [f for f in self.facts if f.figure and figure_core(f.figure) == core]
        # the fact whose own answer says it first; a fact that only quotes a longer passage after
        for fact in same:
            if loose(text) in loose(fact.answer) or similar(text, fact.answer, 0.45):
                return f"figure:{loose_key(fact.answer, figure_core(fact.figure or ''))}"
        for fact in same:
            if loose(text) in loose(fact.quote or ""):
                return f"figure:{loose_key(fact.answer, figure_core(fact.figure or ''))}"
        return None

    def posts(self, item: Item) -> list[str]:
        posts = list(item.roles)
        if item.kind == "role" and item.id not in posts:
            posts.insert(0, item.id)
        return [p for p in posts if p in self.roles] or posts


def topic_label(content: Content, topic: str) -> str:
    if content.tags and topic in content.tags.tags:
        return content.tags.tags[topic].label
    return KIND_LABELS.get(topic, topic)


def _part(item: Item, anchor: str) -> Part:
    for p in item.parts():
        if p.anchor == anchor:
            return p
    raise KeyError(anchor)


def _source(item: Item, anchors: list[str]) -> Source:
    parts = {p.anchor: p for p in item.parts()}
    texts = [parts[a].text for a in anchors]
    first = anchors[0] if anchors else None
    return Source(item_id=item.id, kind=item.kind, title=item.title, anchor=first, anchors=anchors,
                  part_title=parts[first].title if first else "", badge=item.source_badge,
                  url=item_url(item.kind, item.id, first), text_hash=text_hash(texts),
                  manuals=[s.manual_title for s in item.source] if item.status != "draft" else [],
                  sections=[s.section for s in item.source] if item.status != "draft" else [])


#: the titles of posts that supervise (they keep the supervisor's questions)
SUPERVISOR_POST = re.compile(r"经理|主管|主任|负责人|领班|组长")


def frontline(role: Role) -> bool:
    """A post that serves owners at the desk or on the floor (客服员, 前台, 管家), not one that supervises."""
    return not SUPERVISOR_POST.search(role.title) and "部门" not in role.title


def _posts_for(ctx: _Ctx, item: Item, said: list[str]) -> list[str]:
    """The posts whose material a question comes from: a supervisor's duty (经理每月抽查) is asked
    of supervisors only, even where the item lists front-line posts among those who must know it."""
    posts = ctx.posts(item)
    found = [m for t in said if (m := SUPERVISOR_DOES.search(normalise(t)))]
    if found:
        bosses = [p for p in posts if p in ctx.roles and not frontline(ctx.roles[p])]
        bosses = bosses or [r.id for r in ctx.roles.values() if r.id in ("kefu-zhuguan", "kefu-jingli")]
        # the source names the rank (物业服务中心经理每月抽查): that rank's posts, not every supervisor's
        rank = [p for p in bosses if found[0].group(2) in ctx.roles[p].title] if found[0].group(2) != "负责人" else []
        return rank or bosses
    return posts


def _make(ctx: _Ctx, item: Item, anchors: list[str], gen: str, **fields) -> Question:
    qid = f"{item.id}.{anchors[0]}.{gen}" if anchors else f"{item.id}.{gen}"
    said = [str(fields.get("stem", "")), *fields.get("evidence", [])]
    if isinstance(item, Fact):
        said.append(item.answer)
    if isinstance(item, Procedure):
        parts = {p.anchor: p for p in item.parts()}
        said += [f"{parts[a].title}{parts[a].text}" for a in anchors if a in parts and a.startswith("step-")]
    fields.setdefault("posts", _posts_for(ctx, item, said))
    fields.setdefault("tags", list(item.tags))
    fields.setdefault("topic", ctx.topic(item))
    fields.setdefault("draft", item.status == "draft")
    for key in ("stem", "explanation", "claim"):
        if key in fields:
            fields[key] = full_width(fields[key])
    fields["options"] = [full_width(o) for o in fields.get("options", [])]
    if isinstance(fields.get("answer"), str):
        fields["answer"] = full_width(fields["answer"])
    elif isinstance(fields.get("answer"), list):
        fields["answer"] = [full_width(a) for a in fields["answer"]]
    return Question(id=qid, origin="generated", source=_source(item, anchors), **fields)


_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def full_width(text: str) -> str:
    """Chinese punctuation in the question's own words: ，；：？！（） (not inside 8:30 or 1.5)."""
    out = []
    for i, ch in enumerate(text):
        if ch in _HALF_TO_FULL:
            prev, nxt = text[i - 1:i], text[i + 1:i + 2]
            if ch in ",:" and prev.isdigit() and nxt.isdigit():
                out.append(ch)
                continue
            if ch in "()" and not re.search(r"[\u4e00-\u9fff]", text):
                out.append(ch)
                continue
            out.append(_HALF_TO_FULL[ch])
        else:
            out.append(ch)
    return "".join(out)


def _choices(answer: str | list[str], distractors: list[str], key: str) -> list[str]:
    """The options in a stable, content-derived order (papers shuffle them again by seed)."""
    opts = ([answer] if isinstance(answer, str) else list(answer)) + list(distractors)
    _rng(key).shuffle(opts)
    return opts


def _pick(pool: list[str], n: int, key: str) -> list[str]:
    pool = sorted(set(pool))
    _rng(key).shuffle(pool)
    return pool[:n]


def _clash(answer: str, other: str) -> bool:
    a, o = normalise(answer), normalise(other)
    return a == o or a in o or o in a


# --- figures asked the way a person asks them -------------------------------
#: how often something is done: neighbours on one ladder.
PERIODS = ["每天", "每周", "每月", "每季度", "每半年", "每年"]
_DURATION_UNITS = {"天", "日", "星期", "个星期", "周", "个月", "月", "小时", "个小时", "分钟", "工作日", "个工作日", "年"}


def figure_core(figure: str) -> str:
    """The number and its unit (and a 内/以内 after it): 一星期内回访 → 一星期内; 照片两张 → 两张."""
    if figure in PERIODS:
        return figure
    clock = CLOCK_RANGE.search(figure)
    if clock:
        return clock.group()  # 周一至周五8:30-18:00 → 8:30-18:00
    period = next((p for p in sorted(PERIODS, key=len, reverse=True) if figure.startswith(p)), None)
    rest = parse_figure(figure[len(period):]) if period else None
    if period and (rest is None or rest.number == 1):
        return period  # 每天定时开箱 → 每天; 每半年至少开展一次 → 每半年 (how often, not 一次)
    fig = parse_figure(figure)
    if fig is None or not fig.unit:
        return figure
    m = re.match(r"(以内|之内|内(?![容部的]))?", figure[fig.unit_end:])
    end = fig.unit_end + (len(m.group()) if m else 0)
    return figure[fig.start:end]


#: opening hours, 8:30-18:00
CLOCK_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*[-–—~至]\s*(\d{1,2}):(\d{2})")


def clock_neighbours(figure: str, count: int = 3) -> list[str]:
    """Opening hours half an hour either side: 8:30-18:00 → 8:00-17:30, 9:00-18:00, 8:30-17:30."""
    m = CLOCK_RANGE.fullmatch(figure)
    if m is None:
        return []
    start = int(m.group(1)) * 60 + int(m.group(2))
    end = int(m.group(3)) * 60 + int(m.group(4))

    def fmt(minutes: int) -> str:
        return f"{minutes // 60}:{minutes % 60:02d}"

    out: list[str] = []
    for ds, de in ((-30, -30), (30, 0), (0, -30), (30, 30), (-30, 0)):
        text = f"{fmt(start + ds)}-{fmt(end + de)}"
        if text != figure and text not in out:
            out.append(text)
    return out[:count]


def how_much(figure: str) -> str:
    """What a person asks in place of a figure: 三天内 → 多长时间内; 三声 → 几声; 每周 → 多久."""
    if figure in PERIODS:
        return "多久"
    fig = parse_figure(figure)
    if fig is None:
        return "多少"
    within = "内" if figure.endswith("内") else ""
    if fig.unit in _DURATION_UNITS:
        return "多长时间" + within
    return figure[:fig.start] + ("几" if fig.number < 10 else "多少") + fig.unit + within


def period_neighbours(period: str, count: int = 3) -> list[str]:
    i = PERIODS.index(period)
    order = [PERIODS[j] for step in range(1, len(PERIODS)) for j in (i - step, i + step) if 0 <= j < len(PERIODS)]
    return order[:count]


def _figure_questions(ctx: _Ctx, item: Item, anchor: str, figure: str, context: str, question: str | None,
                      explanation: str, base_difficulty: int, gen: str = "figure",
                      evidence: list[str] | None = None, avoid: set[str] | None = None) -> list[Question]:
    """A blank that removes the figure from ``context``, and a single choice among neighbours.
    ``avoid``: the figures of sibling facts (one sentence: 两天内 · 三天内 · 一星期内), never a wrong
    option: a paper holding both would answer each other's question."""
    out: list[Question] = []
    core = figure_core(figure)
    if core not in context:
        core = figure
    asks = ctx.fact_asks(core, " ".join(evidence or [context])) if gen != "figure" else None
    asks = asks or f"figure:{loose_key(context, core)}"
    if context.count(core) == 1:
        fig = parse_figure(core)
        accept = [fig.restyled()] if fig and fig.restyled() != core else []
        out.append(_make(ctx, item, [anchor], f"{gen}-blank", type="blank",
                         stem=context.replace(core, BLANK, 1), answer=core, accept=accept,
                         explanation=explanation, difficulty=min(3, base_difficulty + 1), family=gen,
                         asks=asks, evidence=evidence or [context]))
    if question:
        avoid = {normalise(a) for a in (avoid or set())}
        if core in PERIODS:
            wrong = period_neighbours(core, 6)
        elif CLOCK_RANGE.fullmatch(core):
            wrong = clock_neighbours(core, 6)
        else:
            fig = parse_figure(core)
            wrong = [d for d in neighbours(fig, 6) if not _clash(core, d)] if fig else []
        wrong = [w for w in wrong if normalise(w) not in avoid][:3]
        if len(wrong) >= 2:
            qid = f"{item.id}.{anchor}.{gen}-choice"
            out.append(_make(ctx, item, [anchor], f"{gen}-choice", type="single", stem=question,
                             options=_choices(core, wrong, qid), answer=core, explanation=explanation,
                             difficulty=base_difficulty, family=gen, asks=asks, evidence=(evidence or []) + [core]))
    return out


def loose_key(context: str, figure: str) -> str:
    """What a figure question asks, the same for a fact and the step that states it."""
    text = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", normalise(context))
    core = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", normalise(figure))
    i = text.find(core)
    return text[max(0, i - 6):i + len(core) + 2] if i >= 0 else text


def facts(ctx: _Ctx, item: Fact) -> list[Question]:
    if not item.figure:
        return []
    expl = item.answer
    # facts cut from one sentence of the manual (回访时间: 两天内;三天内;一星期内) are siblings
    siblings = {figure_core(f.figure) for f in ctx.facts if f.id != item.id and f.figure and item.quote
                and f.quote and normalise(f.quote) == normalise(item.quote)}
    return _figure_questions(ctx, item, "answer", item.figure, item.answer, item.question, expl, 1,
                             avoid=siblings)


def _step_text(step) -> str:
    if not step.actor or normalise(step.action).startswith(normalise(step.actor)):
        return step.action
    return f"{step.actor}:{step.action}"


def _clause_with(text: str, part: str) -> str:
    """The clause of ``text`` (between ，；。) that holds ``part``, with the clauses before it
    until it says enough to be asked on its own (ten characters besides the figure)."""
    for sentence in re.split(r"(?<=[。；;])", text):
        if part in sentence and len(loose(sentence)) <= 40:
            return _strip_end(sentence)
    clauses = [c for c in re.split(r"(?<=[,，;；。])", text) if c.strip()]
    for i, c in enumerate(clauses):
        if part in c:
            out = c
            j = i
            while j > 0 and (len(loose(out)) - len(loose(part)) < 16 or loose(out).startswith(loose(part))):
                j -= 1
                out = clauses[j] + out
            return _strip_end(out)
    return _strip_end(text)


def loose(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", normalise(text))


def _periodic(step) -> bool:
    """A step done every day / month (a check, a count), not one of the sequence."""
    return bool(step.time_limit and re.search(r"每(天|日|周|月|季度|半年|年)", step.time_limit))


def _in_sequence(step) -> bool:
    """A step of the sequence: not a periodic check (每月抽查), a condition (如装修需要…) or a
    reminder (提醒顾客…), which may come in any order and are asked on their own."""
    action = normalise(step.action)
    return not (_periodic(step) or action.startswith(("如", "若")) or re.match(r"^(\S{0,8}:)?提醒", action))


def _short_step(text: str) -> str:
    """A step as an option reads: its first sentence, without a leading 并, and without the
    conditions and courtesies that follow a long one (，如果… / ，对顾客…)."""
    first = re.split(r"[。;；]", text)[0]
    if len(loose(first)) > 30:
        first = re.split(r"[,，](?=如|则|同时|对顾客)", first)[0]
    return _strip_end(first).removeprefix("并")


def _doing(title: str) -> str:
    """办理「装修备案」: a procedure's title without 办理流程 / 流程 / 程序 / 处理."""
    for tail in ("办理流程", "处理流程", "工作流程", "流程", "程序", "处理"):
        if title.endswith(tail) and len(title) > len(tail) + 1:
            return title[: -len(tail)]
    return title


#: a step that fills, issues or signs a form (asked: which form?).
_FORM_VERB = re.compile(r"填|登记|开具|记录|验")


def procedures(ctx: _Ctx, item: Procedure) -> list[Question]:
    out: list[Question] = []
    steps = item.steps
    doing = _doing(item.title)
    anchors = [f"step-{i}" for i in range(1, len(steps) + 1)]
    one_actor = len({normalise(s.actor or "") for s in steps}) == 1
    texts = [_short_step(s.action if one_actor else _step_text(s)) for s in steps]
    sequence = item.id in ctx.ordered
    seq = [i for i, s in enumerate(steps) if _in_sequence(s)]
    unique = len({normalise(texts[i]) for i in seq}) == len(seq)
    # next-step questions before the order question: where they give each other away (the order's
    # answer holds every step), one bank keeps the next steps (1→2, 3→4, 5→6), each a moment at the desk
    if unique and len(seq) >= 4:
        for k in range(len(seq) - 1):
            i, j = seq[k], seq[k + 1]
            then = texts[j]
            # wrong options are later steps: a step already done is ruled out without knowing the procedure
            pool = [texts[x] for x in seq if x > j and not _clash(then, texts[x])]
            qid = f"{item.id}.{anchors[j]}.next"
            wrong = _pick(pool, 3, qid)
            if not wrong:
                continue
            out.append(_make(ctx, item, [anchors[i], anchors[j]], "next", type="single",
                             stem=f"办理{doing}时，{texts[i]}。下一步做什么？",
                             options=_choices(then, wrong, qid), answer=then, sequence=sequence,
                             explanation=f"第{i + 1}步：{texts[i]}；第{j + 1}步：{then}。",
                             difficulty=2, family="next", asks=f"{item.id}#{anchors[j]}:next",
                             evidence=[texts[j]]))
    if unique and len(seq) >= 3:
        window = seq[:6]
        answer = [texts[i] for i in window]
        part = f"(前{len(window)}步)" if len(seq) > len(window) else ""
        qid = f"{item.id}.{anchors[window[0]]}.order"
        out.append(_make(ctx, item, [anchors[i] for i in window], "order", type="order",
                         stem=f"办理{doing}时，以下步骤{part}的先后顺序是？",
                         options=_choices(answer, [], qid), answer=answer, sequence=sequence,
                         explanation="正确顺序：" + " → ".join(f"{n}. {a}" for n, a in enumerate(answer, 1)),
                         difficulty=2 if len(window) <= 4 else 3, family="order",
                         asks=f"{item.id}#{anchors[window[0]]}:order",
                         evidence=[texts[i] for i in window]))
    # time limits, asked as a person asks them
    for i, s in enumerate(steps):
        for core in _limits(s):
            if core not in s.action and s.time_limit and normalise(s.time_limit) == normalise(core) \
                    and core.endswith("内"):
                # the limit stands beside the action (维修完成后回访业主 · 两天内)
                action = _short_step(s.action)
                out += _figure_questions(ctx, item, anchors[i], core, f"{doing}：{action}。",
                                         f"{doing}：{action}，最迟多长时间内完成？",
                                         f"{item.title}第{i + 1}步：{action}，时限{core}。", 2, gen="limit",
                                         evidence=[s.time_limit])
                continue
            if s.action.count(core) != 1:
                continue
            clause = _clause_with(s.action, core)
            if len(loose(clause)) > 50:
                continue
            asked = clause.replace(core, how_much(core), 1)
            # a clause that says who does it (物业服务中心经理每月随机抽查) reads on its own; else the
            # procedure's name says what it is about (业主沟通：多久发放业主评议表)
            question = f"{asked}？" if SUPERVISOR_DOES.match(normalise(clause)) else f"{doing}：{asked}？"
            out += _figure_questions(ctx, item, anchors[i], core, f"{doing}：{clause}。", question,
                                     f"{item.title}第{i + 1}步：{_strip_end(s.action)}。", 2, gen="limit",
                                     evidence=[clause])
    out += _branch_limits(ctx, item, doing, anchors)
    out += _conditions(ctx, item, doing, anchors)
    out += _approvers(ctx, item, doing)
    out += _requirements(ctx, item, doing)
    out += _exemptions(ctx, item, doing)
    # the form a step fills in (asked once, where the form is first used)
    seen_forms: set[str] = set()
    for i, s in enumerate(steps):
        if not s.form or s.form not in ctx.forms or s.form in seen_forms:
            continue
        if not _FORM_VERB.search(s.action):
            continue
        seen_forms.add(s.form)
        title = ctx.forms[s.form]
        # wrong options: forms of the same procedure (same stage, same kind), not any form of the company
        others = sorted({t for f, t in ctx.forms.items() if f != s.form and not _clash(t, title)
                         and item.id in ctx.form_uses.get(f, [])})
        qid = f"{item.id}.{anchors[i]}.form"
        wrong = _pick(others, 3, qid)
        stem = _form_stem(s.action, title, doing)
        if len(wrong) < 2 or stem is None:
            continue
        clause = _strip_end(re.split(r"[,，;；。:：]", s.action)[0]).removeprefix("并")
        out.append(_make(ctx, item, [anchors[i]], "form", type="single", stem=stem,
                         options=_choices(title, wrong, qid), answer=title,
                         explanation=f"{item.title}第{i + 1}步：{_strip_end(s.action)}（用《{title}》）。",
                         difficulty=2, family="form", asks=f"{item.id}#{anchors[i]}:form", evidence=[clause]))
    return out


def _branch_limits(ctx: _Ctx, item: Procedure, doing: str, anchors: list[str]) -> list[Question]:
    """A step whose cases each have their own time limit (回访: 安全设施维修两天内, 房屋渗漏水项目维修三天内,
    其他项目维修一星期内) is asked once, all cases together: 分别在多长时间内回访？ The wrong options are
    the same limits given to the wrong cases, and the limits with one moved to its neighbour; one
    case's limit asked alone lets the other cases' limits be ruled out. The facts that state each
    case's limit are asked here (``ctx.together``), not on their own."""
    out: list[Question] = []
    for i, s in enumerate(item.steps):
        cases = [b for b in s.branches if b.time_limit and not b.draft]
        if len(cases) < 2 or len(cases) != len([b for b in s.branches if not b.draft]):
            continue
        limits = [figure_core(b.time_limit or "") for b in cases]
        tails = {loose(b.then.replace(b.when, "", 1).replace(lim, "", 1)) for b, lim in zip(cases, limits, strict=True)}
        figs = [parse_figure(x) for x in limits]
        if len(tails) != 1 or len(set(limits)) != len(limits) or any(f is None for f in figs):
            continue  # one verb for every case (回访), and each case its own limit
        verb = next(iter(tails))
        right = "、".join(limits)
        qid = f"{item.id}.{anchors[i]}.branches"
        rng = _rng(qid)
        wrong: list[str] = []
        for a in range(len(limits) - 1):  # two cases' limits swapped
            swapped = list(limits)
            swapped[a], swapped[a + 1] = swapped[a + 1], swapped[a]
            wrong.append("、".join(swapped))
        for a, f in enumerate(figs):  # one limit moved to its nearest neighbour not already given
            near = [n for n in neighbours(f, 6) if n not in limits] if f else []
            if near:
                moved = list(limits)
                moved[a] = near[0]
                wrong.append("、".join(moved))
        wrong = [w for w in dict.fromkeys(wrong) if w != right]
        rng.shuffle(wrong)
        if len(wrong) < 3:
            continue
        whens = "、".join(b.when for b in cases)
        stem = f"{doing}：{whens}，分别在{how_much(limits[0])}{verb}？"
        asks = f"{item.id}#{anchors[i]}:branches"
        for b, lim in zip(cases, limits, strict=True):
            fact = ctx.fact_asks(lim, b.then)
            if fact:
                ctx.together[fact] = asks
        out.append(_make(ctx, item, [anchors[i]], "branches", type="single", stem=stem,
                         options=_choices(right, wrong[:3], qid), answer=right,
                         explanation="；".join(_strip_end(b.then) for b in cases) + "。",
                         difficulty=2, family="branches", asks=asks, evidence=[b.then for b in cases]))
    return out


_NAMED = re.compile(r"[“《]([^”》]{2,16})[”》]")
_CONDITION = re.compile(r"如(果)?(?P<cond>[^，,。]{4,40})[，,](则)?(?P<rest>[^“《。]*?)[“《](?P<name>[^”》]{2,16})[”》](?P<tail>[^。;；]*)")


def _conditions(ctx: _Ctx, item: Procedure, doing: str, anchors: list[str]) -> list[Question]:
    """'如装修需要破坏原防水结构，则需提醒业主签署“业主承诺”' → what must the owner sign in that case?"""
    out: list[Question] = []
    # what the steps have the owner fill or sign, and the procedure's forms: not a field (“…”栏),
    # not a certificate the materials list asks for (a different kind of paper)
    names = [m.group(1) for s in item.steps for m in _NAMED.finditer(s.action)
             if s.action[m.end():m.end() + 1] != "栏"]
    names += [t for f, t in sorted(ctx.forms.items()) if item.id in ctx.form_uses.get(f, [])]
    for i, s in enumerate(item.steps):
        for k, m in enumerate(_CONDITION.finditer(s.action)):
            answer = m.group("name")
            pool = [n for n in dict.fromkeys(names) if not _clash(n, answer) and loose(n) not in loose(m.group())]
            qid = f"{item.id}.{anchors[i]}.if-{k + 1}"
            wrong = _pick(pool, 3, qid)
            if len(wrong) < 2:
                continue
            rest = m.group("rest").removeprefix("需").removeprefix("应")
            stem = f"办理{doing}时，如{m.group('cond')}，{rest}（　）{_strip_end(m.group('tail'))}。"
            out.append(_make(ctx, item, [anchors[i]], f"if-{k + 1}", type="single", stem=stem,
                             options=_choices(answer, wrong, qid), answer=answer,
                             explanation=f"{item.title}第{i + 1}步：{_strip_end(s.action)}。", difficulty=2,
                             family="condition", asks=f"{item.id}#{anchors[i]}:if:{k}", evidence=[m.group()]))
    return out


def _texts(item: Procedure, steps: bool = True) -> list[tuple[str, str]]:
    """A procedure's materials (material-N) and, with ``steps``, its steps' actions (step-N), each with
    its anchor: where the cases of a procedure (如需…须…) are written."""
    out = [(f"material-{i}", t) for i, t in enumerate(item.materials, 1)]
    return out + [(f"step-{i}", s.action) for i, s in enumerate(item.steps, 1)] if steps else out


#: “如需进行烧、焊等动火作业,须报消防主管部门审批”: in that case, whose approval the owner needs
_APPROVER = re.compile(r"如(?P<cond>[^，,。;；]{4,40})[，,](?P<mid>[^。;；]*?)(?P<verb>须报|须经|应提供|须提供)"
                       r"(?P<body>[\u4e00-\u9fff]{2,12}?(?:主管部门|部门))(?P<tail>审批|批准|签发[^，,。;；]{0,12})")
_BODY = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:主管部门|委员会))")


def _approvers(ctx: _Ctx, item: Procedure, doing: str) -> list[Question]:
    """A case the materials or steps name (动火作业, 改变外立面, 户外广告) and the outside body whose approval
    it needs; the wrong options are the other bodies the same procedure names (消防主管部门, 工商部门,
    业主委员会), never one the same sentence also requires."""
    out: list[Question] = []
    texts = _texts(item)
    found = [(a, m) for a, t in texts for m in _APPROVER.finditer(t)]
    bodies = list(dict.fromkeys([m.group("body") for _, m in found]
                                + [b for _, t in texts for b in _BODY.findall(t) if "委员会" in b]))
    for anchor, m in found:
        answer = m.group("body")
        sentence = next(t for a, t in texts if a == anchor)
        wrong = [b for b in bodies if not _clash(b, answer) and loose(b) not in loose(sentence)]
        qid = f"{item.id}.{anchor}.approver"
        wrong = _pick(wrong, 3, qid)
        if len(wrong) < 3:
            continue  # four options of one kind, or none
        tail = m.group("tail")
        stem = f"办理{doing}时，如{m.group('cond')}，{m.group('mid')}{m.group('verb')}哪个部门{tail}？"
        out.append(_make(ctx, item, [anchor], "approver", type="single", stem=stem.replace("，，", "，"),
                         options=_choices(answer, wrong, qid), answer=answer,
                         explanation=f"{item.title}：{_strip_end(sentence)}。", difficulty=2, family="approver",
                         asks=f"{item.id}#{anchor}:approver", evidence=[m.group()]))
    return out


#: “如更改原有水电线路需提供水电线路图”, “非业主使用人装修需提供业主同意装修的书面证明”: in that case,
#: what paper the owner brings (the condition, then what to hand in)
_REQUIRES = re.compile(r"(?:^|[,，;；(（])(?P<lead>如(?:果)?(?:需|需要)?)?(?P<cond>[^,，;；。()（）]{3,40}?)(?:的)?[,，]?"
                       r"(?P<also>还)?(?P<verb>需提供|须提供|应提供|需提交|须提交|应提交)"
                       r"(?P<obj>[^,，;；。()（）]{3,32})")
#: an outside body's approval is asked by :func:`_approvers`; a requirement is a paper the owner hands in
_PAPER = re.compile(r"(复印件|图|方案|证明|证|书|合同|执照|许可证|登记证)$")


def _requirements(ctx: _Ctx, item: Procedure, doing: str) -> list[Question]:
    """The papers a case needs (改变承重结构 → 原设计单位的设计方案; 非业主使用人装修 → 业主同意装修的书面
    证明): what a front desk checks before it accepts the file. The wrong options are the papers the
    procedure asks in its other cases, never one the same sentence also asks."""
    out: list[Question] = []
    texts = _texts(item)
    found = []
    for anchor, text in texts:
        for m in _REQUIRES.finditer(text):
            obj = _strip_end(m.group("obj"))
            if not _PAPER.search(obj) or m.group("also"):
                continue  # not a paper; or 还须 (in addition to the sentence's first paper: asked there)
            found.append((anchor, text, m, obj))
    papers = list(dict.fromkeys(obj for _, _, _, obj in found))
    for anchor, text, m, obj in found:
        wrong = [p for p in papers if not _clash(p, obj) and loose(p) not in loose(text)]
        qid = f"{item.id}.{anchor}.requires"
        wrong = _pick(wrong, 3, qid)
        if len(wrong) < 3:
            continue
        cond = _strip_end(m.group("cond"))
        lead = "如" + ("需" if (m.group("lead") or "").endswith("需") and not cond.startswith("需") else "") \
            if m.group("lead") else ""
        verb = m.group("verb").replace("需", "须")
        stem = f"办理{doing}时，{lead}{cond}的，{verb}什么资料？"
        out.append(_make(ctx, item, [anchor], "requires", type="single", stem=stem,
                         options=_choices(obj, wrong, qid), answer=obj,
                         explanation=f"{item.title}：{_strip_end(text)}。", difficulty=2, family="requirement",
                         asks=f"{item.id}#{anchor}:requires", evidence=[m.group().lstrip(",，;；(（")]))
    return out


#: “只铺地板…的简单装修,装修户可不提供装修单位《承建资格证书》及施工图纸”: a case and what it may leave out
_EXEMPT = re.compile(r"(?:^|[;；。])(?P<cond>[^;；。,，]{4,40}?)[,，](?P<who>[^,，;；。]{0,8}?)可(?:以)?不(?:提供|提交)"
                     r"(?P<list>[^,，;；。]{3,40})")
_COUNT_TAIL = re.compile(r"[一二两三四五六七八九十\d]+[张份本个套]$")


def _always_needed(item: Procedure) -> list[str]:
    """The papers every case hands in: the materials that name no case (no 如, no 可不), each split
    at 、 and cut to the paper (营业执照复印件(加盖公章) → 营业执照复印件; …复印件一张 → …复印件)."""
    out = []
    for text in item.materials:
        plain = re.sub(r"[(（][^)）]*[)）]", "", text)
        for clause in re.split(r"[,，;；。]", plain):
            if re.search(r"如|可不|若|[需须应]提[供交]|[需须]经|须报", clause):
                continue  # a case's paper, not every case's
            out += [_COUNT_TAIL.sub("", _strip_end(b.strip())) for b in clause.split("、")]
    return list(dict.fromkeys(b for b in out if _PAPER.search(b) and len(loose(b)) >= 4 and not b.startswith("并")))


def _same_paper(a: str, b: str) -> bool:
    """Two names of one paper (施工图纸, 装修施工图): a run of three characters in common."""
    a, b = loose(a), loose(b)
    return any(a[i:i + 3] in b for i in range(len(a) - 2))


def _exemptions(ctx: _Ctx, item: Procedure, doing: str) -> list[Question]:
    """A case that may leave papers out (简单装修 → 不提供《承建资格证书》及施工图纸): which papers may the
    desk waive? The keys are the papers the text names; the wrong options are papers every case hands
    in, never one that shares a word with a key (装修施工图 beside 施工图纸)."""
    out: list[Question] = []
    texts = _texts(item, steps=False)
    needed = _always_needed(item)
    for anchor, text in texts:
        for k, m in enumerate(_EXEMPT.finditer(text), 1):
            right = [_strip_end(x.strip()) for x in re.split(r"及|和|、", m.group("list")) if x.strip()]
            right = [n.group(0) if (n := re.search(r"《[^》]+》", r)) else r for r in right]  # the paper's name
            if len(right) < 2:
                continue
            pool = [p for p in needed if not any(_clash(p, r) or _same_paper(p, r) for r in right)]
            qid = f"{item.id}.{anchor}.exempt-{k}"
            wrong = _pick(pool, 2, qid)
            if len(wrong) < 2:
                continue
            cond = _strip_end(m.group("cond"))
            out.append(_make(ctx, item, [anchor], f"exempt-{k}", type="multiple",
                             stem=f"{cond}，办理{doing}时可以不提供哪些资料？",
                             options=_choices(right, wrong, qid), answer=right,
                             explanation=f"{item.title}：{_strip_end(m.group())}；{'、'.join(wrong)}仍须提供。",
                             difficulty=2, family="exemption", asks=f"{item.id}#{anchor}:exempt:{k}",
                             evidence=[m.group().lstrip(";；。")]))
    return out


def _form_stem(action: str, title: str, doing: str) -> str | None:
    """'引导业主填写《装修备案表》' → 办理装修备案时，前台…引导业主填写哪张表？ — the sentence up to the
    clause that names the form, the form's name asked; else the step's first clause and 用的是哪张表."""
    sentence = re.split(r"[。;；]", action)[0]
    clauses = [c for c in re.split(r"[,，]", sentence) if c.strip()]
    bare = re.sub(r"[(（][A-Za-z][)）]$", "", title)
    for k, c in enumerate(clauses):
        for name in (f"《{title}》", f"《{bare}》", title, bare):
            if name in c:
                lead = "，".join(clauses[:k] + [c.replace(name, "哪张表", 1)])
                return f"办理{doing}时，{_strip_end(lead).removeprefix('并')}？"
    first = _strip_end(clauses[0]).removeprefix("并") if clauses else ""
    if len(loose(first)) < 4:
        return None
    return f"办理{doing}时，{first}，用的是哪张表？"


def _limits(step) -> list[str]:
    """The figures of a step's time limit, each as the action states it (一步可有几个: 两天内;三天内)."""
    if not step.time_limit:
        return []
    out = []
    for bit in re.split(r"[;；、]", step.time_limit):
        bit = bit.strip()
        if not bit:
            continue
        period = next((p for p in sorted(PERIODS, key=len, reverse=True) if bit.startswith(p)), None)
        core = period or figure_core(bit)
        if core in PERIODS or parse_figure(core) is not None:
            out.append(core)
    return out


#: duties every post has, too generic to say which post it is.
GENERIC_DUTY = re.compile(r"(领导|上级)(交办|安排)|其他(工作|任务|事项)")


#: what a "which post" question can be made from: field, anchor prefix, what the stem calls it.
ROLE_LISTS = (("duties", "duty", "职责"), ("authority", "authority", "权限"), ("scope", "scope", "管理范围"))


def is_department(role: Role) -> bool:
    """客服部(部门职责) is kept as a role item but is no post."""
    return "部门" in role.title


def duties(ctx: _Ctx, item: Role) -> list[Question]:
    """Which post does this: from duties, and from authority and scope (posts with no duties listed)."""
    out: list[Question] = []
    if is_department(item):
        return out  # the department's duties hold every post's: not a "which post" question
    others = [r for r in ctx.roles.values() if r.id != item.id and not is_department(r) and staff_visible(r)]
    for field, prefix, label in ROLE_LISTS:
        if field != "duties" and item.duties:
            continue  # a post with duties is asked about its duties
        for i, text in enumerate(getattr(item, field), 1):
            shown = text
            for name in [item.title] + list(item.aliases):
                for sep in (":", ":"):
                    shown = shown.removeprefix(name + sep).strip()
            if len(normalise(shown)) < 8 or GENERIC_DUTY.search(shown):
                continue
            if any(normalise(n) in normalise(shown) for n in [item.title] + list(item.aliases)):
                continue  # the text names its own post
            anchor = f"{prefix}-{i}"
            lists = lambda r: r.duties + r.authority + r.scope  # noqa: E731
            if any(similar(shown, d) for r in others for d in lists(r)):
                continue  # shared by several posts: not a question of "which post"
            fair = [r for r in others if lists(r) and not _clash(item.title, r.title)]
            qid = f"{item.id}.{anchor}.duty"
            wrong = _pick([r.title for r in fair], 3, qid)
            if len(wrong) < 2:
                continue
            out.append(_make(ctx, item, [anchor], "duty", type="single",
                             stem=f"「{_strip_end(shown)}」是哪个岗位的{label}？",
                             options=_choices(item.title, wrong, qid), answer=item.title,
                             explanation=f"{item.title}{label}第{i}条：{text}", difficulty=2, family="duty",
                             asks=f"{item.id}#{anchor}:duty", evidence=[shown], posts=[item.id]))
    return out


_WHEN = re.compile(r"^(当[^:：,，]{1,14}时)[:：,，]?")


def etiquette(ctx: _Ctx, item: Etiquette) -> list[Question]:
    out: list[Question] = []
    out += _forbidden(ctx, item)
    for i, rule in enumerate(item.rules, 1):
        anchor = f"rule-{i}"
        m = _WHEN.match(rule.text)
        when = m.group(1) if m else f"按{_rule_ref(item.title)}的要求"
        for j, (text, truth) in enumerate([(d, True) for d in rule.do] + [(d, False) for d in rule.dont], 1):
            claim = _strip_end(text)
            out.append(_make(ctx, item, [anchor], f"rule-{j}", type="truefalse",
                             stem=f"{when}，{claim}。这样做对吗？", claim=claim, answer=truth,
                             explanation=f"{_strip_end(rule.text)}。",
                             difficulty=1, family="rule", asks=f"{item.id}#{anchor}:rule:{j}", evidence=[text]))
            if truth:
                changed = _changed_detail(claim)
                if changed:
                    # a fact that states the same figure (铃响三声内) asks the same thing
                    fig = parse_figure(claim)
                    core = claim[fig.start:fig.unit_end] if fig is not None else ""
                    same = (ctx.fact_asks(core, claim) or ctx.fact_asks(core + "内", claim)) if core else None
                    out[-1].asks = same or out[-1].asks
                    out.append(_make(ctx, item, [anchor], f"rule-{j}-changed", type="truefalse",
                                     stem=f"{when}，{changed}。这样做对吗？", claim=changed, answer=False,
                                     explanation=f"应为：{claim}。{_strip_end(rule.text)}。", difficulty=2,
                                     family="detail", asks=out[-1].asks, evidence=[text]))
                    out[-2].family = "detail"
        if len(rule.do) >= 2 and rule.dont and not any(_clash(a, b) for a in rule.do for b in rule.dont) \
                and len({normalise(x) for x in rule.do + rule.dont}) == len(rule.do + rule.dont):
            qid = f"{item.id}.{anchor}.rule-multi"
            right, wrong = list(rule.do[:4]), list(rule.dont[:3])
            out.append(_make(ctx, item, [anchor], "rule-multi", type="multiple",
                             stem=f"{when}，以下哪些做法是对的？",
                             options=_choices(right, wrong, qid), answer=right,
                             explanation=f"{_strip_end(rule.text)}。",
                             difficulty=2, family="rule-multi", asks=f"{item.id}#{anchor}:rule-multi",
                             evidence=right + wrong))
    out += _say_when(ctx, item)
    return out


#: the moment a 禁语 is about: one facing an owner (业主问询时), not one facing a superior
_OWNER_MOMENT = re.compile(r"业主|客户|顾客|住户|来电|来访")


def _forbidden(ctx: _Ctx, item: Etiquette) -> list[Question]:
    """Which of these must never be said to an owner: a moment's 禁语 (不是我管的, 不知道) among the
    standard phrases the same item gives for it. One question a moment, its two longest 禁语 keyed
    (a one-character 不 is no option). No question for a moment facing a superior, nor for an item
    without its own standard phrases."""
    out: list[Question] = []
    moments: dict[str, list[str]] = {}
    for p in item.forbidden:
        moments.setdefault(p.when or "", []).append(p.text)
    # the item's own standard phrases: the replacement the manual gives for the moment. Another item's
    # polite phrases (您放心，我一定办好) beside 不知道 make a question nobody gets wrong
    std = list(dict.fromkeys(p.text for p in item.phrases))
    for k, (when, bad) in enumerate(moments.items(), 1):
        if when and not _OWNER_MOMENT.search(when):
            continue
        right = sorted((b for b in bad if len(loose(b)) >= 3), key=lambda b: (-len(loose(b)), bad.index(b)))[:2]
        qid = f"{item.id}.forbidden.moment-{k}"
        wrong = _pick([t for t in std if not any(_clash(t, b) or similar(t, b) for b in bad)], 2, qid)
        if len(right) < 2 or len(wrong) < 2:
            continue
        lead = (when if when.endswith(("时", "后")) else when + "时") if when else "接待业主时"
        out.append(_make(ctx, item, ["forbidden"], f"moment-{k}", type="multiple",
                         stem=f"{lead}，以下哪些话绝不能说？", options=_choices(right, wrong, qid), answer=right,
                         explanation=f"{lead}绝不能说：{'、'.join(bad)}。「{'」「'.join(wrong)}」是标准用语。",
                         difficulty=1, family="forbidden", asks=f"{item.id}#forbidden:{when}",
                         evidence=right))
    return out


#: “当对方表示完毕，可以问询‘还有别的什么吗?’”: what to say at a moment of the conversation
_SAY_WHEN = re.compile(r"(?P<when>当[^“”。;；:：,，]{2,16}?)[,，]?(可以|应|要|再)?(认真)?(问询|说|可说|回答)[:：]?“(?P<phrase>[^”]{2,24})”")
_QUOTED = re.compile(r"“([^”]{2,24})”")


#: a phrase's note that it names the manual's own company: 把"佳恒物业"换成本公司名称
_OWN_NAME = re.compile(r"把[“\"']?(?P<name>[^”\"'，,]{2,12})[”\"']?换成本公司名称")


def _house_phrase(ctx: _Ctx, item: Etiquette, text: str) -> str:
    """A phrase as our staff say it: the manual's company (您好,佳恒物业客服中心) becomes ours, from the
    profile; while the profile is example data, ××物业 (a candidate reads no other company's name)."""
    for p in item.phrases:
        m = _OWN_NAME.search(p.when or "")
        if m:
            text = text.replace(m.group("name"), ctx.house)
    return text


def _say_when(ctx: _Ctx, item: Etiquette) -> list[Question]:
    """At the desk or on the phone, at a given moment, which of the item's phrases is said: the
    wrong options are the item's other phrases (said in the same conversation, at other moments)."""
    out: list[Question] = []
    said = list(dict.fromkeys([p.text for p in item.phrases]
                              + [m.group(1) for r in item.rules for m in _QUOTED.finditer(r.text)]))
    said = list(dict.fromkeys(_house_phrase(ctx, item, t) for t in said))
    for i, rule in enumerate(item.rules, 1):
        for k, m in enumerate(_SAY_WHEN.finditer(rule.text), 1):
            answer = m.group("phrase")
            # the phrase said next (…可说“您放心”,最后说“再见”) is right then too, or at a moment the
            # candidate cannot tell apart (表示完毕 / 表示没有别的事): never a wrong option
            nxt = _QUOTED.search(rule.text, m.end())
            then = _house_phrase(ctx, item, nxt.group(1)) if nxt else None
            wrong = [t for t in said if not _clash(t, answer) and not similar(t, answer) and t != then]
            qid = f"{item.id}.rule-{i}.say-{k}"
            wrong = _pick(wrong, 3, qid)
            if len(wrong) < 3:
                continue  # a call with too few other phrases leaves a guess between two or three
            when = m.group("when")
            when = when if when.endswith(("时", "后")) else when + "时"
            out.append(_make(ctx, item, [f"rule-{i}"], f"say-{k}", type="single",
                             stem=f"按{_rule_ref(item.title)}的要求，{when}，应说哪一句？",
                             options=_choices(answer, wrong, qid), answer=answer,
                             explanation=f"{_strip_end(rule.text)}。", difficulty=2, family="say",
                             asks=f"{item.id}#rule-{i}:say:{k}", evidence=[answer]))
    return out


_SIDES = {"左": "右", "右": "左"}


def _changed_detail(claim: str) -> str | None:
    """The claim with one detail changed, as a trainer writes a false statement: 铃响三声内 →
    铃响四声内, 左胸前 → 右胸前. None where the claim has no such detail."""
    fig = parse_figure(claim)
    if fig is not None and fig.unit and fig.unit in LADDERS:
        # a limit is broken by more, not by less (两声内 keeps the rule 三声内)
        more = [n for n in neighbours(fig, 6) if (parse_figure(n) or fig).number > fig.number]
        if more:
            return more[0]
    for side, other in _SIDES.items():
        if claim.count(side) == 1 and other not in claim:
            return claim.replace(side, other)
    if claim.count("左") == 1 and claim.count("右") == 1:  # 左手持听筒，右手执笔 → the hands swapped
        return claim.translate(str.maketrans("左右", "右左"))
    return None


def _rule_ref(title: str) -> str:
    """How a stem names the item: 「电话礼仪」; 客户服务口诀·前台服务 → 客户服务口诀「前台服务」 (the
    heading path with its middle dot is the editors' filing, not a name anyone says)."""
    head, dot, tail = title.rpartition("·")
    return f"{head}「{tail}」" if dot else f"「{title}」"


#: a policy named for the whole department (物业公司客服管理制度) could hold any rule.
GENERAL_POLICY = re.compile(r"^(物业公司|物业)?(客服|客户服务)(部|中心)?(管理|工作)?(制度|规定)(手册|汇编)?$")


def policies(ctx: _Ctx, item: Policy, all_policies: list[Policy]) -> list[Question]:
    out: list[Question] = []
    rules = [(f"rule-{i}", r) for i, r in enumerate(item.rules, 1)]
    for i, sec in enumerate(item.sections, 1):
        rules += [(f"section-{i}", r) for r in sec.rules]
    # the figures a policy's rules state (每周进行统计, 72小时内回复)
    seen_fig: set[str] = set()
    for anchor, rule in rules:
        for core in _rule_figures(rule):
            clause = _clause_with(rule, core)
            if rule.count(core) != 1 or len(loose(clause)) > 50 or len(loose(clause)) < 8:
                continue
            key = f"{anchor}:{core}"
            if key in seen_fig:
                continue
            seen_fig.add(key)
            gen = f"figure-{len(seen_fig)}"
            question = f"{item.title}：{clause.replace(core, how_much(core), 1)}？"
            out += _figure_questions(ctx, item, anchor, core, f"{item.title}：{clause}。", question,
                                     f"{item.title}：{_strip_end(rule)}。", 2, gen=gen, evidence=[clause])
    for q in out:
        q.family = "limit"
    if GENERAL_POLICY.match(normalise(item.title)):
        return out  # an umbrella policy holds every kind of rule: not a question of "which policy"
    others = [p for p in all_policies if p.id != item.id and p.kind_body_present() and not _clash(item.title, p.title)
              and not GENERAL_POLICY.match(normalise(p.title)) and staff_visible(p)]
    seen: set[str] = set()
    for anchor, rule in rules:
        if len(normalise(rule)) < 10 or anchor in seen:
            continue
        fair = [p.title for p in others
                if not any(similar(rule, r) for r in p.rules + [x for s in p.sections for x in s.rules])]
        qid = f"{item.id}.{anchor}.policy"
        wrong = _pick(fair, 3, qid)
        if len(wrong) < 2:
            continue
        seen.add(anchor)
        out.append(_make(ctx, item, [anchor], "policy", type="single",
                         stem=f"「{_strip_end(rule)}」出自哪项制度？", options=_choices(item.title, wrong, qid),
                         answer=item.title, explanation=f"{item.title}：{rule}", difficulty=2, family="policy",
                         asks=f"{item.id}#{anchor}:policy", evidence=[rule]))
    return out


_PERIOD_IN_TEXT = re.compile(r"每(天|日|周|月|季度|半年|年)")
_LIMIT_IN_TEXT = re.compile(r"(\d+|[一二两三四五六七八九十半]+)(个工作日|工作日|个小时|小时|天|日|个星期|星期|个月)(以内|之内|内)")


def _rule_figures(rule: str) -> list[str]:
    out = [m.group() for m in _LIMIT_IN_TEXT.finditer(rule)]
    out += ["每" + m.group(1) for m in _PERIOD_IN_TEXT.finditer(rule)
            if "每" + m.group(1) in PERIODS and not rule[m.end():m.end() + 1].isdigit()]
    return list(dict.fromkeys(out))


def law_name(law: str) -> str:
    """The law as an option reads: without '(2021年1月1日施行)'."""
    return re.sub(r"\s*[((][^()()]*施行[))]\s*$", "", law).strip()


def _book(law: str) -> str:
    return law if law.startswith("《") else f"《{law}》"


_MAY_NOT = re.compile(r"^(不得|不能|不可以|不可|不要|不准|禁止|不)(?!同意|符合|满意|合格|明|清|足|少)")


def legal(ctx: _Ctx, item: Legal, all_legal: list[Legal]) -> list[Question]:
    """What the desk may and may not do: a desk note that forbids becomes a 'may we?' true/false."""
    out: list[Question] = []
    for i, note in enumerate(item.articles, 1):
        anchor = f"article-{i}"
        for j, clause in enumerate(c.strip() for c in re.split(r"[;；。]", note.desk) if c.strip()):
            m = _MAY_NOT.match(clause)
            if not m or len(normalise(clause)) < 8:
                continue
            claim = "前台可以" + clause[m.end():]
            out.append(_make(ctx, item, [anchor], f"may-{j + 1}", type="truefalse",
                             stem=f"{claim}。这样做对吗？", claim=claim, answer=False,
                             explanation=f"{clause}。依据：{_book(law_name(item.law))}：{note.text}",
                             difficulty=2, family="may", asks=f"{item.id}#{anchor}:may:{j}", evidence=[clause]))
    return out


def cases(ctx: _Ctx, item: Case, all_cases: list[Case]) -> list[Question]:
    out: list[Question] = []
    if item.lesson:
        titles = [c.title for c in all_cases if c.id != item.id and not _clash(item.title, c.title)
                  and not (c.lesson and similar(c.lesson, item.lesson))]
        qid = f"{item.id}.lesson.lesson"
        wrong = _pick(titles, 3, qid)
        if len(wrong) >= 2:
            out.append(_make(ctx, item, ["lesson"], "lesson", type="single",
                             stem=f"「{_strip_end(item.lesson)}」是哪个案例的启示？",
                             options=_choices(item.title, wrong, qid), answer=item.title,
                             explanation=f"案例「{item.title}」：{item.situation} 启示：{item.lesson}",
                             difficulty=2, family="lesson", asks=f"{item.id}#lesson:lesson",
                             evidence=[item.lesson]))
    return out


def authored(ctx: _Ctx, item: Item) -> list[Question]:
    """The trainer's own questions; their source is the anchor they name (or the whole item)."""
    out: list[Question] = []
    parts = {p.anchor: p for p in item.parts()}
    for q in item.questions:
        if q.anchor and q.anchor not in parts:
            src = Source(item_id=item.id, kind=item.kind, title=item.title, anchor=q.anchor, anchors=[q.anchor],
                         badge=item.source_badge,
                         url=item_url(item.kind, item.id, q.anchor), text_hash="")
        else:
            anchors = [q.anchor] if q.anchor else list(parts)
            src = _source(item, anchors)
            if not q.anchor:
                src.anchor, src.url, src.part_title = None, item_url(item.kind, item.id), ""
        answer: str | list[str] | bool = q.answer
        if q.type == "truefalse" and isinstance(answer, str):
            answer = answer.strip() in ("对", "正确", "true", "True", "是", "√")
        elif isinstance(answer, str):
            answer = full_width(answer)  # the paper's punctuation, as the generated questions have it
        elif isinstance(answer, list):
            answer = [full_width(a) for a in answer]
        out.append(Question(id=q.id, type=q.type, stem=full_width(q.stem), options=[full_width(o) for o in q.options],
                            answer=answer, explanation=full_width(q.explanation or ""), difficulty=q.difficulty,
                            posts=ctx.posts(item),
                            tags=list(item.tags), topic=ctx.topic(item), origin="authored", family="authored",
                            asks=f"{item.id}#{q.anchor or ''}:authored:{q.id}", source=src,
                            draft=item.status == "draft" or q.status == "draft"))
    return out


def build_bank(content: Content, *, include_draft: bool = False, forms: dict[str, str] | None = None,
               ordered: set[str] | None = None, decisions: dict[str, Decision] | None = None,
               form_uses: dict[str, list[str]] | None = None) -> Bank:
    """Every question from ``content``, authored first then generated, ordered by item id.

    ``form_uses`` (form id → the procedures that use it) gives a "which form" question its
    wrong options: forms of the same procedure. Only approved material by default; ``include_draft`` adds questions made from drafts (marked
    ``draft``, 待审核 on every paper). ``forms`` (form id → title) lets steps be asked about the
    form they use; ``ordered`` names the procedures whose steps are a sequence (order and next-step
    questions); without it, the settings in ``content/quiz.settings.json`` are read. ``decisions``
    (question id → the trainer's 采用 / 修改 / 弃用) default to ``content/quiz.review.json``.
    Every generated question passes :mod:`builder.quiz.rules`; the refused and the held (waiting
    for a trainer's 采用) are in ``Bank.refused``.
    """
    from builder.quiz.review import edited, read_decisions
    from builder.quiz.rules import DRAFT_QUESTION, held, refusals
    from builder.quiz.settings import read_settings

    if ordered is None:
        ordered = read_settings(content.root).ordered_procedures
    ctx = _Ctx(content, forms=forms, ordered=ordered, form_uses=form_uses)

    def wanted(item: Item) -> bool:
        return item.approved or (include_draft and staff_visible(item))

    pols = sorted((i for i in content.items.values() if isinstance(i, Policy) and wanted(i)), key=lambda i: i.id)
    laws = sorted((i for i in content.items.values() if isinstance(i, Legal) and wanted(i)), key=lambda i: i.id)
    all_cases = sorted((i for i in content.items.values() if isinstance(i, Case) and wanted(i)), key=lambda i: i.id)
    made: list[Question] = []
    for item in sorted(content.items.values(), key=lambda i: (i.kind, i.id)):
        if not wanted(item):
            continue
        made += authored(ctx, item)
        if isinstance(item, Fact):
            made += facts(ctx, item)
        elif isinstance(item, Procedure):
            made += procedures(ctx, item)
        elif isinstance(item, Role):
            made += duties(ctx, item)
        elif isinstance(item, Etiquette):
            made += etiquette(ctx, item)
        elif isinstance(item, Policy):
            made += policies(ctx, item, pols)
        elif isinstance(item, Legal):
            made += legal(ctx, item, laws)
        elif isinstance(item, Case):
            made += cases(ctx, item, all_cases)
    for q in made:  # a fact asked together with its siblings (回访: 两天内/三天内/一星期内) is asked there
        q.asks = ctx.together.get(q.asks, q.asks)
    _disambiguate(content, made)
    if decisions is None:
        decisions = read_decisions(content.root)
    out: list[Question] = []
    refused: list[Refused] = []
    for q in made:
        item = content.items[q.source.item_id]
        d = decisions.get(q.id)
        if d is not None and d.decision == "修改":
            q = edited(q, d)  # the trainer's wording is what the rules judge
        hard = refusals(q, item) if q.origin == "generated" else []
        if hard:
            refused.append(Refused(question=q, reasons=hard))
            continue
        if d is not None and d.decision == "弃用":
            refused.append(Refused(question=q, reasons=["trainer: 弃用" + (f"({d.note})" if d.note else "")],
                                   held=True))
            continue
        wait = held(q, item) if q.origin == "generated" else []
        if q.origin == "authored" and q.draft and item.status != "draft":
            if d is not None:
                q.draft = False  # a trainer's 采用 / 修改 is the approval
            elif not include_draft:
                wait = [DRAFT_QUESTION]
        if wait and d is None:
            refused.append(Refused(question=q, reasons=wait, held=True))
            continue
        if d is not None:
            q.review = d.decision
        out.append(q)
    # facts cut from one sentence of the manual are one source, like one item's parts
    sources = {i.id: (f"quote:{normalise(i.quote)}" if isinstance(i, Fact) and i.quote else i.id)
               for i in content.items.values()}
    out = _one_per_fact(out, refused, sources)
    for q in out:  # a multiple choice keys its answers in the order of its options
        if q.type == "multiple" and isinstance(q.answer, list):
            q.answer = [o for o in q.options if o in q.answer] + [a for a in q.answer if a not in q.options]
    return Bank(questions=out, refused=refused, together=dict(ctx.together))


#: the format kept when one fact could be asked several ways: a choice among neighbours of the same
#: kind first, then an order, a true/false on a changed detail, and a blank last
FORMAT_RANK = {"single": 0, "multiple": 1, "order": 2, "truefalse": 3, "blank": 4}


def _sides_swapped(claim: str, group: list[Question]) -> bool:
    """Whether ``claim`` is another claim of the group with 左 and 右 swapped (and nothing else)."""
    flipped = claim.translate(str.maketrans("左右", "右左"))
    return flipped != claim and any(q.claim == flipped for q in group)


def _one_per_fact(questions: list[Question], refused: list[Refused],
                  sources: dict[str, str] | None = None) -> list[Question]:
    """One question per fact per bank: the same figure asked by a fact, by the step that states it
    and by a rule, or as a blank and as a choice, is asked once, in its best format. A trainer's
    question and a trainer's 采用 always stay. A pair of the same rank (a true/false true as written
    and with its detail changed) keeps one by the fact's hash, so the bank's true/false is balanced."""
    groups: dict[str, list[Question]] = {}
    for q in questions:
        groups.setdefault(q.asks, []).append(q)
    keep: set[str] = set()
    for asks, group in groups.items():
        fixed = [q for q in group if q.origin == "authored" or q.review]
        if fixed:
            keep.update(q.id for q in fixed)
            continue
        order = {q.id: n for n, q in enumerate(group)}
        best = min(FORMAT_RANK.get(q.type, 9) for q in group)
        ties = [q for q in group if FORMAT_RANK.get(q.type, 9) == best]
        # a fact's own wording first (the step and the rule that state its figure come after it)
        # the cases asked together first; then a fact's own wording (the step and the rule that state
        # its figure come after it)
        ties.sort(key=lambda q: (q.family != "branches", q.source.kind != "fact", order[q.id]))
        if len(ties) > 1 and all(q.type == "truefalse" for q in ties):
            swapped = [q for q in ties if q.answer is False and _sides_swapped(q.claim, ties)]
            # 左胸前 as written is a plain true statement; 右胸前 asks where, which is the point
            ties = swapped[:1] or [ties[_rng(asks).randrange(len(ties))]]
        keep.add(ties[0].id)
    from builder.quiz.rules import gives_away, mirrored

    out: list[Question] = []
    for q in questions:
        if q.id not in keep:
            chosen = next(k.id for k in groups[q.asks] if k.id in keep)
            refused.append(Refused(question=q, reasons=[f"same-as: asks what {chosen} asks"]))
            continue
        # one source: one item's parts, or facts cut from one sentence (``sources``: item id → source)
        source = (sources or {}).get(q.source.item_id, q.source.item_id)
        mine = [k for k in out if q.origin == k.origin == "generated"
                and (sources or {}).get(k.source.item_id, k.source.item_id) == source]
        # two questions on one item that give each other away (入伙's step 2 is one question's key and
        # the next one's stem) are one question asked twice: the first stays
        other = next((k for k in mine if gives_away(q, k) or gives_away(k, q)), None)
        if other is not None:
            refused.append(Refused(question=q, reasons=[f"gives-away: {other.id} and this one answer each other"]))
            continue
        # two cases of one list asked with the same options (消防 / 工商 / 城市规划 …), each the other's
        # key: one question asked twice; the one that reads shorter stays
        other = next((k for k in mine if mirrored(q, k)), None)
        if other is not None:
            if len(q.stem) < len(other.stem):
                out[out.index(other)] = q
                q, other = other, q
            refused.append(Refused(question=q, reasons=[f"mirrored: {other.id} and this one hold each other's key"]))
            continue
        out.append(q)
    return out


def bank_for(project: Project, include_draft: bool = False) -> Bank:
    """The bank of a loaded project: its forms' titles, settings and the trainer's decisions."""
    forms = {k: spec.title for k, spec in project.specs.items()}
    uses = {k: list(spec.procedures) for k, spec in project.specs.items()}
    return build_bank(project.content, include_draft=include_draft, forms=forms, form_uses=uses)


def _disambiguate(content: Content, questions: list[Question]) -> None:
    """Blanks whose stems read the same (物业服务中心____接待业主。) get their fact's question in front."""
    groups: dict[str, list[Question]] = {}
    for q in questions:
        if q.origin == "generated" and q.type == "blank":
            groups.setdefault(normalise(q.stem), []).append(q)
    for group in groups.values():
        if len(group) < 2:
            continue
        for q in group:
            item = content.items[q.source.item_id]
            lead = item.question if isinstance(item, Fact) else item.title
            q.stem = f"{lead} {q.stem}"


# --- counts -----------------------------------------------------------------
def counts(bank: Bank, content: Content) -> dict[str, dict[str, int]]:
    """Questions by type, topic, post, difficulty, kind of content and origin."""
    posts: Counter[str] = Counter()
    for q in bank.questions:
        posts.update(q.posts)
    for r in content.of_kind("role"):
        posts.setdefault(r.id, 0)
    return {
        "total": {"questions": len(bank.questions)},
        "type": dict(sorted(Counter(q.type for q in bank.questions).items())),
        "topic": dict(sorted(Counter(q.topic for q in bank.questions).items())),
        "post": dict(sorted(posts.items())),
        "difficulty": {str(k): v for k, v in sorted(Counter(q.difficulty for q in bank.questions).items())},
        "kind": dict(sorted(Counter(q.source.kind for q in bank.questions).items())),
        "origin": dict(sorted(Counter(q.origin for q in bank.questions).items())),
        "family": dict(sorted(Counter(q.family for q in bank.questions).items())),
        # a question written here and not yet adopted is a draft even beside approved text
        "status": dict(sorted(Counter("draft" if q.draft else content.items[q.source.item_id].status
                                      for q in bank.questions).items())),
        "held": dict(sorted(Counter(r.reasons[0].split(":")[0] for r in bank.refused if r.held).items())),
        "refused": dict(sorted(Counter(why.split(":")[0] for r in bank.refused if not r.held
                                       for why in r.reasons).items())),
    }


def filter_questions(bank: Bank, role: str | None = None, topic: str | None = None,
                     difficulty: int | None = None) -> list[Question]:
    """Questions for a post, a topic (a tag or a kind) and a difficulty; None: any."""
    out = []
    for q in bank.questions:
        if role and role not in q.posts:
            continue
        if topic and topic != q.topic and topic not in q.tags and topic != q.source.kind:
            continue
        if difficulty and q.difficulty != difficulty:
            continue
        out.append(q)
    return out
