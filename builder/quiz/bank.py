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

import hashlib
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from builder.core.load import Content
from builder.core.model import KIND_LABELS, Case, Etiquette, Fact, Item, Legal, Part, Policy, Procedure, Role
from builder.core.urls import item_url

QuestionType = Literal["single", "multiple", "truefalse", "blank", "order"]
TYPE_LABELS: dict[str, str] = {
    "single": "单项选择题",
    "multiple": "多项选择题",
    "truefalse": "判断题",
    "blank": "填空题",
    "order": "排序题",
}
BLANK = "____"


# --- the model ----------------------------------------------------------------
class Source(BaseModel):
    """Where a question's answer comes from."""

    item_id: str
    kind: str
    title: str = Field(description="the item's title")
    anchor: str | None = Field(description="the part of the item, e.g. 'step-3'; None: the whole item")
    anchors: list[str] = Field(default_factory=list, description="every part the question was made from")
    part_title: str = ""
    badge: str = Field("", description="the item's provenance: M18 · 前台事务办理篇 / 草稿 / 待编写")
    url: str = Field(description="the site's URL of the part: builder.core.urls.item_url")
    text_hash: str = Field(description="sha256 of the parts' normalised text, when the question was made")


class Question(BaseModel):
    """One question of the bank."""

    id: str = Field(description="stable: item id, anchor and generator; or the authored id")
    type: QuestionType
    stem: str
    options: list[str] = Field(default_factory=list)
    answer: str | list[str] | bool
    accept: list[str] = Field(default_factory=list, description="other spellings a blank accepts (3声 for 三声)")
    explanation: str = ""
    difficulty: int = Field(ge=1, le=3)
    posts: list[str] = Field(default_factory=list, description="role ids that must know this")
    tags: list[str] = Field(default_factory=list)
    topic: str = Field(description="the first tag of the item, or its kind")
    origin: Literal["authored", "generated"]
    family: str = Field(description="the generator: figure, order, next, duty, phrase, rule, policy, law, article, lesson, authored")
    asks: str = Field(description="two questions with the same value ask the same thing; a paper holds one")
    evidence: list[str] = Field(default_factory=list, description="source text that proves the key (checked)")
    source: Source

    @property
    def answers(self) -> list[str]:
        """The keyed answer(s) as a list of strings (truefalse: '对'/'错')."""
        if isinstance(self.answer, bool):
            return ["对" if self.answer else "错"]
        if isinstance(self.answer, list):
            return list(self.answer)
        return [self.answer]

    def public(self) -> dict:
        """What a paper's JSON, the site and the exports show: no internal bookkeeping."""
        return self.model_dump(exclude={"evidence", "asks"})


class Bank(BaseModel):
    questions: list[Question]

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def __len__(self) -> int:
        return len(self.questions)


# --- text helpers -------------------------------------------------------------
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, no whitespace: the form in which texts are compared and hashed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def text_hash(texts: Iterable[str]) -> str:
    joined = "\n".join(normalise(t) for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


def similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Whether two texts say nearly the same (character-bigram Jaccard), or one holds the other."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    ga = {a[i:i + 2] for i in range(len(a) - 1)} or {a}
    gb = {b[i:i + 2] for i in range(len(b) - 1)} or {b}
    return len(ga & gb) / len(ga | gb) >= threshold


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。;;,,.")


# --- Chinese numerals and figures ------------------------------------------
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+|半)"
#: units, longest first, so that 个工作日 wins over 日.
UNITS = ["个工作日", "工作日", "个小时", "个星期", "个月", "小时", "分钟", "星期", "天", "日", "周", "年", "月",
         "次", "声", "秒", "米", "%", "人", "元", "份", "遍", "项", "名", "户", "套", "层", "倍", "个", "公里", "平方米"]
_FIGURE = re.compile(rf"(?P<num>{_NUM})(?P<unit>{'|'.join(map(re.escape, UNITS))})")

#: the ladders of values people actually use for each unit; distractors are neighbours on them.
LADDERS: dict[str, list[float]] = {
    "声": [1, 2, 3, 4, 5, 6],
    "秒": [5, 10, 15, 20, 30, 60],
    "分钟": [1, 3, 5, 10, 15, 20, 30, 45, 60],
    "小时": [0.5, 1, 2, 4, 6, 8, 12, 24, 48, 72, 96],
    "个小时": [0.5, 1, 2, 4, 6, 8, 12, 24, 48, 72],
    "天": [1, 2, 3, 5, 7, 10, 15, 30],
    "日": [1, 2, 3, 5, 7, 10, 15, 30],
    "工作日": [1, 2, 3, 5, 7, 10, 15],
    "个工作日": [1, 2, 3, 5, 7, 10, 15],
    "周": [1, 2, 3, 4],
    "星期": [1, 2, 3, 4],
    "个星期": [1, 2, 3, 4],
    "个月": [0.5, 1, 2, 3, 6, 12],
    "月": [1, 2, 3, 6, 12],
    "年": [0.5, 1, 2, 3, 5, 10],
    "次": [1, 2, 3, 4, 5, 6, 8, 10, 12],
    "%": [5, 10, 20, 30, 50, 60, 70, 80, 85, 90, 95, 98, 100],
}
DEFAULT_LADDER: list[float] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 50, 100, 200, 500, 1000]


def parse_cn_number(text: str) -> float | None:
    """'三' → 3, '十二' → 12, '二十四' → 24, '两' → 2, '半' → 0.5, '72' → 72; None if not a number."""
    if not text:
        return None
    if text == "半":
        return 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) if "." in text else int(text)
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None:  # 二零二 style: read digit by digit
                digit = digit * 10 + _CN_DIGIT[ch]
            else:
                digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit == 10000:
                total = (total + section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def to_cn_number(n: float, measure: bool = True) -> str:
    """3 → '三', 2 → '两' (before a measure word) or '二', 12 → '十二', 24 → '二十四', 0.5 → '半'."""
    if n == 0.5:
        return "半"
    n = int(n)
    digits = "零一二三四五六七八九"
    if n == 2 and measure:
        return "两"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + to_cn_number(rest, False) if rest < 10 else
                                    (to_cn_number(rest, False) if rest >= 20 else "一" + to_cn_number(rest, False)))
        return ("两" if n // 100 == 2 and measure else digits[n // 100]) + "百" + tail
    return str(n)


def _fmt_number(n: float, chinese: bool) -> str:
    if chinese:
        return to_cn_number(n)
    return str(int(n)) if float(n).is_integer() else str(n)


class Figure(BaseModel):
    """A figure as written (三声, 72小时内), split at the number that carries it."""

    text: str
    start: int
    end: int
    number: float
    unit: str
    chinese: bool
    unit_end: int = 0

    def with_number(self, n: float) -> str:
        return self.text[: self.start] + _fmt_number(n, self.chinese) + self.text[self.end:]

    def restyled(self) -> str:
        """The same value in the other numeral style: 三声 ↔ 3声 (what a blank also accepts)."""
        if self.number == 0.5 or (not self.chinese and (self.unit == "%" or self.number >= 1000)):
            return self.text
        return self.text[: self.start] + _fmt_number(self.number, not self.chinese) + self.text[self.end:]


def parse_figure(text: str) -> Figure | None:
    """The last number-with-unit of a figure; None where the figure holds no such number."""
    found = None
    for m in _FIGURE.finditer(text):
        n = parse_cn_number(m.group("num"))
        if n is None or n <= 0:
            continue
        found = Figure(text=text, start=m.start("num"), end=m.end("num"), number=n, unit=m.group("unit"),
                       chinese=not m.group("num")[0].isdigit(), unit_end=m.end("unit"))
    runs = list(re.finditer(_NUM, text))
    if found is None and len(runs) == 1 and ":" not in text:
        # a count word (四清晰, 五不, 十大规范); never a weekday (周一), an ordinal (第三) or a clock time
        m = runs[0]
        if parse_cn_number(m.group()) and text[max(0, m.start() - 1):m.start()] not in ("周", "第", "期", "拜", "初"):
            n = parse_cn_number(m.group())
            found = Figure(text=text, start=m.start(), end=m.end(), number=n, unit="",
                           chinese=not m.group()[0].isdigit(), unit_end=m.end())
    return found


#: short durations written in words share one ladder, in days: 两天 → 一天 / 三天 / 一星期.
DAY_UNITS = {"天": 1, "日": 1, "星期": 7, "个星期": 7, "周": 7}
DURATION_RUNGS: list[tuple[float, str]] = [(1, "一天"), (2, "两天"), (3, "三天"), (7, "一星期"), (15, "半个月"),
                                           (30, "一个月")]


def _duration_neighbours(fig: Figure, count: int) -> list[str] | None:
    days = fig.number * DAY_UNITS[fig.unit]
    rungs = list(DURATION_RUNGS)
    if fig.unit == "日":
        rungs = [(d, t.replace("天", "日")) for d, t in rungs]
    if days not in [d for d, _ in rungs]:
        if days > rungs[-1][0]:
            return None
        rungs = sorted(rungs + [(days, "")])
    i = [d for d, _ in rungs].index(days)
    out: list[str] = []
    for step in range(1, len(rungs)):
        for j in (i - step, i + step):
            if 0 <= j < len(rungs) and len(out) < count:
                out.append(fig.text[: fig.start] + rungs[j][1] + fig.text[fig.unit_end:])
    return out


def neighbours(fig: Figure, count: int = 3) -> list[str]:
    """Distractors for a figure: the nearest other values on its unit's ladder, unit kept
    (short durations in words share a ladder in days: 两天 → 一天 / 三天 / 一星期)."""
    if fig.chinese and fig.unit in DAY_UNITS and fig.number == int(fig.number):
        found = _duration_neighbours(fig, count)
        if found is not None:
            return found
    ladder = sorted(set(LADDERS.get(fig.unit, DEFAULT_LADDER)) | {fig.number})
    if not fig.chinese:
        ladder = [v for v in ladder if v != 0.5 or fig.number == 0.5]
    i = ladder.index(fig.number)
    order: list[float] = []
    for step in range(1, len(ladder)):
        for j in (i - step, i + step):
            if 0 <= j < len(ladder):
                order.append(ladder[j])
    out: list[str] = []
    for v in order:
        text = fig.with_number(v)
        if text != fig.text and text not in out:
            out.append(text)
        if len(out) == count:
            break
    return out


# --- building blocks --------------------------------------------------------
class _Ctx:
    """What every generator needs: the content, the tag labels, and the item's parts."""

    def __init__(self, content: Content):
        self.content = content
        self.roles: dict[str, Role] = {r.id: r for r in content.of_kind("role")}  # type: ignore[misc]

    def topic(self, item: Item) -> str:
        return item.tags[0] if item.tags else item.kind

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
                  part_title=parts[first].title if first else "", badge=item.source_badge, url=item_url(item.kind, item.id, first),
                  text_hash=text_hash(texts))


def _make(ctx: _Ctx, item: Item, anchors: list[str], gen: str, **fields) -> Question:
    qid = f"{item.id}.{anchors[0]}.{gen}" if anchors else f"{item.id}.{gen}"
    fields.setdefault("posts", ctx.posts(item))
    fields.setdefault("tags", list(item.tags))
    fields.setdefault("topic", ctx.topic(item))
    return Question(id=qid, origin="generated", source=_source(item, anchors), **fields)


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


# --- generators ---------------------------------------------------------------
def _figure_questions(ctx: _Ctx, item: Item, anchor: str, figure: str, context: str, question: str | None,
                      explanation: str, base_difficulty: int, gen: str = "figure",
                      evidence: list[str] | None = None) -> list[Question]:
    """A blank that removes the figure from ``context``, and a single choice among neighbours."""
    out: list[Question] = []
    fig = parse_figure(figure)
    asks = f"{item.id}#{anchor}:{gen}"
    if context.count(figure) == 1:
        accept = [fig.restyled()] if fig and fig.restyled() != figure else []
        out.append(_make(ctx, item, [anchor], f"{gen}-blank", type="blank",
                         stem=context.replace(figure, BLANK, 1), answer=figure, accept=accept,
                         explanation=explanation, difficulty=min(3, base_difficulty + 1), family=gen,
                         asks=asks, evidence=evidence or [context]))
    if fig is not None and question:
        wrong = [d for d in neighbours(fig) if not _clash(figure, d)]
        if len(wrong) >= 2:
            qid = f"{item.id}.{anchor}.{gen}-choice"
            out.append(_make(ctx, item, [anchor], f"{gen}-choice", type="single", stem=question,
                             options=_choices(figure, wrong, qid), answer=figure, explanation=explanation,
                             difficulty=base_difficulty, family=gen, asks=asks, evidence=(evidence or []) + [figure]))
    return out


def facts(ctx: _Ctx, item: Fact) -> list[Question]:
    if not item.figure:
        return []
    expl = item.answer + (f"(原文:{item.quote})" if item.quote else "")
    return _figure_questions(ctx, item, "answer", item.figure, item.answer, item.question, expl, 1)


def _step_text(step) -> str:
    if not step.actor or normalise(step.action).startswith(normalise(step.actor)):
        return step.action
    return f"{step.actor}:{step.action}"


def procedures(ctx: _Ctx, item: Procedure) -> list[Question]:
    out: list[Question] = []
    steps = item.steps
    anchors = [f"step-{i}" for i in range(1, len(steps) + 1)]
    texts = [_step_text(s) for s in steps]
    unique = len({normalise(t) for t in texts}) == len(texts)
    # put in order, in windows of at most 6 steps
    if unique and len(steps) >= 3:
        size = 6
        starts = list(range(0, len(steps), size))
        if len(starts) > 1 and len(steps) - starts[-1] < 3:
            starts[-1] = len(steps) - 3
        for s in starts:
            window = list(range(s, min(s + size, len(steps))))
            answer = [texts[i] for i in window]
            part = f"(第{s + 1}–{window[-1] + 1}步)" if len(steps) > size else ""
            qid = f"{item.id}.{anchors[s]}.order"
            out.append(_make(ctx, item, [anchors[i] for i in window], "order", type="order",
                             stem=f"请将「{item.title}」的以下步骤{part}按先后顺序排列。",
                             options=_choices(answer, [], qid), answer=answer,
                             explanation="正确顺序:" + " → ".join(f"{i + 1}. {_strip_end(texts[i])}" for i in window),
                             difficulty=2 if len(window) <= 4 else 3, family="order",
                             asks=f"{item.id}#{anchors[s]}:order",
                             evidence=[steps[i].action for i in window]))
    # what comes next
    if unique and len(steps) >= 4:
        for i in range(len(steps) - 1):
            answer = texts[i + 1]
            pool = [t for j, t in enumerate(texts) if j not in (i, i + 1) and not _clash(answer, t)]
            qid = f"{item.id}.{anchors[i + 1]}.next"
            wrong = _pick(pool, 3, qid)
            if len(wrong) < 2:
                continue
            out.append(_make(ctx, item, [anchors[i], anchors[i + 1]], "next", type="single",
                             stem=f"「{item.title}」中,「{texts[i]}」之后的下一步是?",
                             options=_choices(answer, wrong, qid), answer=answer,
                             explanation=f"第{i + 1}步:{_strip_end(texts[i])};第{i + 2}步:{_strip_end(answer)}。",
                             difficulty=2, family="next", asks=f"{item.id}#{anchors[i + 1]}:next",
                             evidence=[steps[i + 1].action]))
    # time limits of steps are figures
    for i, s in enumerate(steps):
        if not s.time_limit:
            continue
        text = _strip_end(_step_text(s))
        fig = parse_figure(s.time_limit)
        if s.time_limit not in text and fig and fig.text[fig.start:fig.end] + fig.unit in text:
            continue  # the action says the limit in other words (每半年至少开展一次 / 每半年至少一次)
        if s.time_limit in text:  # the action states its own limit: blank it there
            if text.count(s.time_limit) > 1:
                continue
            context = f"「{item.title}」中,{text}。"
            choice = f"「{item.title}」中,{text.replace(s.time_limit, BLANK)}。横线处应为?"
        else:
            context = f"「{item.title}」中,{text},时限:{s.time_limit}。"
            choice = f"「{item.title}」中,{text},时限是?"
        out += _figure_questions(ctx, item, anchors[i], s.time_limit, context, choice,
                                 f"第{i + 1}步:{_strip_end(_step_text(s))},时限:{s.time_limit}。", 2, gen="limit",
                                 evidence=[s.action, s.time_limit])
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
    others = [r for r in ctx.roles.values() if r.id != item.id and not is_department(r)]
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
            # a post whose own lists are unknown (an outline) is never offered as a wrong answer
            fair = [r for r in others if lists(r) and not _clash(item.title, r.title)]
            qid = f"{item.id}.{anchor}.duty"
            wrong = _pick([r.title for r in fair], 3, qid)
            if len(wrong) < 2:
                continue
            out.append(_make(ctx, item, [anchor], "duty", type="single",
                             stem=f"「{_strip_end(shown)}」是哪个岗位的{label}?",
                             options=_choices(item.title, wrong, qid), answer=item.title,
                             explanation=f"{item.title}{label}第{i}条:{text}", difficulty=2, family="duty",
                             asks=f"{item.id}#{anchor}:duty", evidence=[shown], posts=[item.id]))
    return out


def etiquette(ctx: _Ctx, item: Etiquette) -> list[Question]:
    out: list[Question] = []
    std = [p.text for p in item.phrases]
    bad = [p.text for p in item.forbidden]
    for anchor, texts, truth in (("phrases", std, True), ("forbidden", bad, False)):
        for i, text in enumerate(texts, 1):
            out.append(_make(ctx, item, [anchor], f"phrase-{i}", type="truefalse",
                             stem=f"接待业主时,「{_strip_end(text)}」属于标准用语,可以使用。", answer=truth,
                             explanation=f"「{text}」是{'标准用语' if truth else '禁语'}({item.title})。",
                             difficulty=1, family="phrase", asks=f"{item.id}#{anchor}:phrase:{i}",
                             evidence=[text]))
    if bad and len(std) >= 2:
        for i, text in enumerate(bad, 1):
            qid = f"{item.id}.forbidden.pick-{i}"
            wrong = _pick([s for s in std if not _clash(text, s)], 3, qid)
            if len(wrong) < 2:
                continue
            out.append(_make(ctx, item, ["forbidden"], f"pick-{i}", type="single",
                             stem="以下哪一句是服务禁语,不能对业主说?", options=_choices(text, wrong, qid),
                             answer=text, explanation=f"「{text}」是禁语;其余是标准用语({item.title})。",
                             difficulty=1, family="pick", asks=f"{item.id}#forbidden:phrase:{i}",
                             evidence=[text]))
    for i, rule in enumerate(item.rules, 1):
        anchor = f"rule-{i}"
        for j, (text, truth) in enumerate([(d, True) for d in rule.do] + [(d, False) for d in rule.dont], 1):
            out.append(_make(ctx, item, [anchor], f"rule-{j}", type="truefalse",
                             stem=f"{_strip_end(rule.text)}。以下做法是否正确:{_strip_end(text)}。", answer=truth,
                             explanation=f"{rule.text} {'应' if truth else '不应'}:{text}",
                             difficulty=1, family="rule", asks=f"{item.id}#{anchor}:rule:{j}", evidence=[text]))
        # 多选: which of these are right — the rule's do's among its don'ts
        if len(rule.do) >= 2 and rule.dont and not any(_clash(a, b) for a in rule.do for b in rule.dont) \
                and len({normalise(x) for x in rule.do + rule.dont}) == len(rule.do + rule.dont):
            qid = f"{item.id}.{anchor}.rule-multi"
            right, wrong = list(rule.do[:4]), list(rule.dont[:3])
            out.append(_make(ctx, item, [anchor], "rule-multi", type="multiple",
                             stem=f"{_strip_end(rule.text)}。以下哪些做法是正确的?",
                             options=_choices(right, wrong, qid), answer=right,
                             explanation=f"{rule.text} 应:{';'.join(rule.do)};不应:{';'.join(rule.dont)}",
                             difficulty=2, family="rule-multi", asks=f"{item.id}#{anchor}:rule-multi",
                             evidence=right + wrong))
    # 多选: which of these are 禁语 — among the item's own 标准用语
    if len(bad) >= 2 and len(std) >= 2:
        right, wrong = bad[:3], [t for t in std if not any(_clash(t, b) for b in bad)][:3]
        if len(wrong) >= 2 and len({normalise(x) for x in right + wrong}) == len(right + wrong):
            qid = f"{item.id}.forbidden.multi"
            out.append(_make(ctx, item, ["forbidden", "phrases"], "multi", type="multiple",
                             stem="以下哪些是服务禁语,不能对业主说?", options=_choices(right, wrong, qid),
                             answer=right, explanation=f"禁语:{'、'.join(bad)};标准用语:{'、'.join(std)}({item.title})。",
                             difficulty=2, family="multi", asks=f"{item.id}#forbidden:multi", evidence=right + wrong))
    return out


#: a policy named for the whole department (物业公司客服管理制度) could hold any rule.
GENERAL_POLICY = re.compile(r"^(物业公司|物业)?(客服|客户服务)(部|中心)?(管理|工作)?(制度|规定)(手册|汇编)?$")


def policies(ctx: _Ctx, item: Policy, all_policies: list[Policy]) -> list[Question]:
    out: list[Question] = []
    if GENERAL_POLICY.match(normalise(item.title)):
        return out  # an umbrella policy holds every kind of rule: not a question of "which policy"
    others = [p for p in all_policies if p.id != item.id and p.kind_body_present() and not _clash(item.title, p.title)
              and not GENERAL_POLICY.match(normalise(p.title))]
    rules = [(f"rule-{i}", r) for i, r in enumerate(item.rules, 1)]
    for i, sec in enumerate(item.sections, 1):
        rules += [(f"section-{i}", r) for r in sec.rules]
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
                         stem=f"「{_strip_end(rule)}」出自哪项制度?", options=_choices(item.title, wrong, qid),
                         answer=item.title, explanation=f"{item.title}:{rule}", difficulty=2, family="policy",
                         asks=f"{item.id}#{anchor}:policy", evidence=[rule]))
    return out


def law_name(law: str) -> str:
    """The law as an option reads: without '(2021年1月1日施行)'."""
    return re.sub(r"\s*[((][^()()]*施行[))]\s*$", "", law).strip()


def _book(law: str) -> str:
    return law if law.startswith("《") else f"《{law}》"


def legal(ctx: _Ctx, item: Legal, all_legal: list[Legal]) -> list[Question]:
    out: list[Question] = []
    law = law_name(item.law)
    laws = sorted({law_name(x.law) for x in all_legal
                   if normalise(law_name(x.law)) != normalise(law) and not _clash(law, law_name(x.law))})
    for i, note in enumerate(item.articles, 1):
        anchor = f"article-{i}"
        qid = f"{item.id}.{anchor}.law"
        wrong = _pick(laws, 3, qid)
        if len(wrong) >= 2:
            out.append(_make(ctx, item, [anchor], "law", type="single",
                             stem=f"「{_strip_end(note.text)}」是哪部法律法规的规定?",
                             options=_choices(law, wrong, qid), answer=law,
                             explanation=f"{_book(law)}{note.article}:{note.text} 对客服:{note.desk}",
                             difficulty=2, family="law", asks=f"{item.id}#{anchor}:law",
                             evidence=[note.text]))
        arts = sorted({n.article for n in item.articles if not _clash(note.article, n.article)})
        qid = f"{item.id}.{anchor}.article"
        wrong = _pick(arts, 3, qid)
        if len(wrong) >= 2:
            out.append(_make(ctx, item, [anchor], "article", type="single",
                             stem=f"{_book(law)}中,「{_strip_end(note.text)}」是哪一条?",
                             options=_choices(note.article, wrong, qid), answer=note.article,
                             explanation=f"{_book(law)}{note.article}:{note.text}",
                             difficulty=3, family="article", asks=f"{item.id}#{anchor}:article",
                             evidence=[note.text]))
    return out


def cases(ctx: _Ctx, item: Case, all_cases: list[Case]) -> list[Question]:
    out: list[Question] = []
    texts = item.handling
    if len(texts) >= 3 and len({normalise(t) for t in texts}) == len(texts):
        qid = f"{item.id}.handling.order"
        out.append(_make(ctx, item, ["handling"], "order", type="order",
                         stem=f"案例「{item.title}」:{_strip_end(item.situation)}。请将处理做法按先后顺序排列。",
                         options=_choices(list(texts), [], qid), answer=list(texts),
                         explanation="处理:" + " → ".join(texts), difficulty=2, family="order",
                         asks=f"{item.id}#handling:order", evidence=list(texts)))
    if item.lesson:
        titles = [c.title for c in all_cases if c.id != item.id and not _clash(item.title, c.title)
                  and not (c.lesson and similar(c.lesson, item.lesson))]
        qid = f"{item.id}.lesson.lesson"
        wrong = _pick(titles, 3, qid)
        if len(wrong) >= 2:
            out.append(_make(ctx, item, ["lesson"], "lesson", type="single",
                             stem=f"「{_strip_end(item.lesson)}」是哪个案例的启示?",
                             options=_choices(item.title, wrong, qid), answer=item.title,
                             explanation=f"案例「{item.title}」:{item.situation} 启示:{item.lesson}",
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
                src.anchor, src.url = None, item_url(item.kind, item.id)
        answer = q.answer
        if q.type == "truefalse" and isinstance(answer, str):
            answer = answer.strip() in ("对", "正确", "true", "True", "是", "√")
        out.append(Question(id=q.id, type=q.type, stem=q.stem, options=list(q.options), answer=answer,
                            explanation=q.explanation or "", difficulty=q.difficulty, posts=ctx.posts(item),
                            tags=list(item.tags), topic=ctx.topic(item), origin="authored", family="authored",
                            asks=f"{item.id}#{q.anchor or ''}:authored:{q.id}", source=src))
    return out


def build_bank(content: Content) -> Bank:
    """Every question from ``content``, authored first then generated, ordered by item id."""
    ctx = _Ctx(content)
    pols = sorted(content.of_kind("policy"), key=lambda i: i.id)
    laws = sorted(content.of_kind("legal"), key=lambda i: i.id)
    all_cases = sorted(content.of_kind("case"), key=lambda i: i.id)
    out: list[Question] = []
    for item in sorted(content.items.values(), key=lambda i: (i.kind, i.id)):
        out += authored(ctx, item)
        if isinstance(item, Fact):
            out += facts(ctx, item)
        elif isinstance(item, Procedure):
            out += procedures(ctx, item)
        elif isinstance(item, Role):
            out += duties(ctx, item)
        elif isinstance(item, Etiquette):
            out += etiquette(ctx, item)
        elif isinstance(item, Policy):
            out += policies(ctx, item, pols)
        elif isinstance(item, Legal):
            out += legal(ctx, item, laws)
        elif isinstance(item, Case):
            out += cases(ctx, item, all_cases)
    _disambiguate(content, out)
    for q in out:  # a multiple choice keys its answers in the order of its options
        if q.type == "multiple" and isinstance(q.answer, list):
            q.answer = [o for o in q.options if o in q.answer] + [a for a in q.answer if a not in q.options]
    return Bank(questions=out)


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
