"""Rules that refuse a bad question before it reaches the bank.

Every generated question passes through :func:`refusals`; a question with any refusal is
kept out of the bank (``Bank.refused`` lists it with its reasons, for the editors' page and
the coverage report). Each rule is a small function of the question and the item it was
made from, named for what it refuses, and each has a test that plants a bad question.

A paper has two more rules (:func:`pair_problem`): no question's stem may hold another's answer
(:func:`gives_away`), and no two questions may hold each other's key among their options (:func:`mirrored`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from builder.core.model import Item, Procedure, Role
from builder.quiz.question import BLANK, Question, normalise

# --- helpers ----------------------------------------------------------------
_PUNCT = re.compile(r"[\s:：,，;；。、!！?？()（）《》“”\"'「」\[\]·.\-—_〔〕]")
_CJK_NUM = "零〇一二两三四五六七八九十百千万半"


def loose(text: str) -> str:
    """Normalised and without punctuation."""
    return _PUNCT.sub("", normalise(text))


#: words that any stem or title may hold without giving anything away.
COMMON_WORDS = {"物业", "业主", "客服", "服务", "管理", "工作", "制度", "规定", "岗位", "职责", "哪项", "哪个",
                "出自", "哪部", "法律", "法规", "案例", "启示", "中心", "客户", "规范", "流程", "人员", "部门",
                "公司", "以下", "哪些", "进行", "要求", "做好", "及时", "负责"}


def shared_keyword(a: str, b: str, ignore: str = "") -> str | None:
    """A word of two Chinese characters or more that both texts hold (not a common word, nor a word
    of ``ignore``: the subject both sides are about, 装修备案)."""
    a, b, ignore = loose(a), loose(b), loose(ignore)
    for size in (4, 3, 2):
        for i in range(len(a) - size + 1):
            word = a[i:i + size]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", word) or word in COMMON_WORDS or word in ignore:
                continue
            if any(w in word for w in COMMON_WORDS) and size == 2:
                continue
            if word in b:
                return word
    return None


def _visible(q: Question) -> list[str]:
    """What a candidate reads: the stem, the options and (for a blank) the answer."""
    return [q.stem, *q.options, *(q.answers if q.type in ("blank", "single", "multiple") else [])]


# --- the rules --------------------------------------------------------------
_ARTICLE = re.compile(rf"(哪一条|第几条|哪条|哪一款|第几款)|^第[{_CJK_NUM}\d]+[条款项]")


def article_number(q: Question, item: Item) -> str | None:
    """No question about an article's number (“……是哪一条?”)."""
    if _ARTICLE.search(normalise(q.stem)) or any(_ARTICLE.search(normalise(a)) for a in q.answers):
        return "asks for an article number"
    return None


#: generators whose answer is the title of the source (which policy, which law, which case, which post).
TITLE_FAMILIES = {"policy", "law", "lesson", "duty"}


def title_in_stem(q: Question, item: Item) -> str | None:
    """A “which policy / law / case / post” question whose answer shares a word with its stem."""
    if q.family not in TITLE_FAMILIES:
        return None
    for answer in q.answers:
        word = shared_keyword(answer, q.stem)
        if word:
            return f"the answer '{answer}' shares '{word}' with the stem"
    return None


def answer_in_stem(q: Question, item: Item) -> str | None:
    """The stem holds the keyed answer (or, for true/false, the statement it asks about)."""
    stem = loose(q.stem.replace(BLANK, ""))
    if q.type in ("single", "blank", "multiple"):
        for a in q.answers:
            if len(loose(a)) >= 2 and loose(a) in stem:
                return f"the stem holds the answer '{a}'"
    if q.type == "truefalse" and q.claim:
        premise = loose(q.stem.replace(q.claim, "", 1))
        claim = loose(q.claim)
        if claim and (claim in premise or _covered(claim, premise)):
            return f"the stem already says '{q.claim}'"
    return None


def paper_in_stem(q: Question, item: Item) -> str | None:
    """“如更改原有水电线路，须提供什么资料？” → 水电线路图: the case named in the stem names the paper too.
    Words of the procedure itself (装修备案) are what every option is about and do not count."""
    if q.family != "requirement":
        return None
    doing, _, case = q.stem.partition("时，")
    for answer in q.answers:
        word = shared_keyword(answer.replace("的", ""), case.replace("的", ""), ignore=doing + item.title)
        if word:
            return f"the case in the stem and the answer '{answer}' share '{word}'"
    return None


def _covered(claim: str, premise: str) -> bool:
    """Whether most of the claim's two-character runs stand in the premise (said again in other order)."""
    grams = {claim[i:i + 2] for i in range(len(claim) - 1)}
    if len(grams) < 3:
        return False
    return len({g for g in grams if g in premise}) / len(grams) >= 0.8


#: words that only an editor writes: gaps, scrape notes, manual codes, section numbers.
EDITOR_TEXT = re.compile(
    r"待编写|待补|没有收录|未收录|正文手册|手册中没有|原文|抓取|随文保存|照录|编入|见“|见\"|草稿|待审核"
    r"|(?<![A-Za-z0-9])M\d{2}(?!\d)|[（(]\d+(\.\d+)+[)）]|§"
)


def editor_text(q: Question, item: Item) -> str | None:
    """No editor's or gap text on the paper (待编写, 正文手册中没有收录, (4.1.4), M06 …)."""
    for text in _visible(q):
        m = EDITOR_TEXT.search(normalise(text))
        if m:
            return f"editor text '{m.group()}' in '{text[:40]}'"
    return None


#: a blank holds a figure (三天内, 72小时内, 8:30) or a short phrase, never a clause.
BLANK_MAX = 6


def long_blank(q: Question, item: Item) -> str | None:
    """A blank asks a figure or a short phrase, and something stands before it to say what is asked."""
    if q.type != "blank":
        return None
    if loose(q.stem.split(BLANK)[0]) == "" or q.stem.split(BLANK)[0].rstrip().endswith(("：", ":")):
        return "the blank opens the sentence: nothing says whose or what it is"
    size = len(loose(str(q.answer)))
    if size > BLANK_MAX:
        return f"the blank needs {size} characters ('{q.answer}'); at most {BLANK_MAX}"
    return None


#: in an item's notes: the manual does not name the post; the assignment is ours.
EDITORIAL_POST = re.compile(r"未写岗位名称|未写岗位|没有写岗位|编入")
_RANGE = re.compile(r"职责\s*(\d+)\s*[–\-—~至]\s*(\d+)\s*出自\s*(M\d{2})|职责\s*(\d+)\s*出自\s*(M\d{2})")


def editorial_duties(role: Role) -> set[int]:
    """The duty numbers (1-based) whose post the manuals do not state (the notes say it is ours).

    Notes name the manuals whose lists carry no post name (“M15、M16 各篇未写岗位名称”); the
    duties taken from those manuals are editorial. Where the notes give no ranges, all are.
    """
    notes = role.notes or ""
    if not EDITORIAL_POST.search(notes):
        return set()
    sentences = re.split(r"[。;；]", notes)
    unnamed = {m for s in sentences if EDITORIAL_POST.search(s) for m in re.findall(r"M\d{2}", s)}
    ranges: list[tuple[int, int, str]] = []
    for m in _RANGE.finditer(notes):
        if m.group(1):
            ranges.append((int(m.group(1)), int(m.group(2)), m.group(3)))
        else:
            ranges.append((int(m.group(4)), int(m.group(4)), m.group(5)))
    every = set(range(1, len(role.duties) + 1))
    if not ranges:
        return every
    named = {i for lo, hi, manual in ranges if manual not in unnamed for i in range(lo, hi + 1)}
    return every - named


def editorial_post(q: Question, item: Item) -> str | None:
    """No “which post” question on a duty the manuals list without naming the post."""
    if q.family != "duty" or not isinstance(item, Role):
        return None
    anchor = q.source.anchor or ""
    m = re.fullmatch(r"(duty|authority|scope)-(\d+)", anchor)
    if m is None:
        return None
    if m.group(1) == "duty" and int(m.group(2)) in editorial_duties(item):
        return "the manuals do not name the post of this duty (the notes say the assignment is editorial)"
    if m.group(1) != "duty" and EDITORIAL_POST.search(item.notes or "") and not _RANGE.search(item.notes or ""):
        return "the manuals do not name the post of this list (the notes say the assignment is editorial)"
    return None


#: “上述4项资料”, “以上三点”: a number that points back at a list is not a count to ask.
BACK_REFERENCE = re.compile(rf"(上述|以上|前述|下列|如下|前)\s*[{_CJK_NUM}\d]+\s*[项点条个种类份]")


def back_reference(q: Question, item: Item) -> str | None:
    for a in q.answers + q.options:
        if BACK_REFERENCE.search(normalise(a)):
            return f"'{a}' points back at a list; it is not a count"
    return None


def unordered_list(q: Question, item: Item) -> str | None:
    """Order and next-step questions only on steps a procedure takes one after another."""
    if q.family in ("order", "next") and not q.sequence:
        return "the list has no order (not a procedure's steps in sequence)"
    return None


#: words that tell an option's place in a sequence (先确认…, 最后…, 填写完…后) and so give it away
ORDER_CUE = re.compile(r"^(先|首先|然后|接着|随后|最后|最终)|(需|要|应)先|(完|完成|结束|之)后[，,]?")


#: “审核资料无误后按…收费”: an option that starts after another step, named by its verb
_AFTER = re.compile(r"(?:^|(?<=人员)|(?<=[并，,]))([\u4e00-\u9fff]{2})[\u4e00-\u9fff]{0,6}?后")


def order_cue(q: Question, item: Item) -> str | None:
    """An order or next-step question whose options say where they stand (需先…, …完成后…), or
    one whose option says it comes after a step another option or the stem names (审核资料无误后
    收费, beside 审核入伙通知书): the candidate orders the words, not the procedure."""
    if q.family not in ("order", "next"):
        return None
    cued = [o for o in q.options if ORDER_CUE.search(normalise(o))]
    if cued:
        return f"'{cued[0]}' tells its own place in the order"
    for o in q.options:
        for m in _AFTER.finditer(normalise(o)):
            verb = m.group(1)
            if verb in COMMON_WORDS:
                continue
            others = [x for x in q.options if x != o] + ([q.stem] if q.family == "next" else [])
            if any(verb in normalise(x) for x in others):
                return f"'{o}' comes after '{verb}', which another option or the stem names"
    return None


def short_order(q: Question, item: Item) -> str | None:
    """Putting three or fewer steps in order (接报修 → 维修 → 回访) is common sense, not the procedure."""
    if q.type == "order" and len(q.options) <= 3:
        return f"{len(q.options)} steps to order: common sense, not the procedure"
    return None


#: units of time: one class (三天内 beside 一星期内 is a fair choice), compared in hours.
HOURS = {"分钟": 1 / 60, "小时": 1, "个小时": 1, "天": 24, "日": 24, "工作日": 24, "个工作日": 24,
         "星期": 168, "个星期": 168, "周": 168, "个月": 720, "月": 720, "年": 8760}


def implausible_distractor(q: Question, item: Item) -> str | None:
    """A figure's options are neighbours of the same kind and unit (not 365天 beside 48小时)."""
    if q.type != "single" or q.family not in ("figure", "limit"):
        return None
    from builder.quiz.figures import LADDERS, parse_figure

    if all(o.startswith("每") for o in q.options):
        return None  # how often: 每天 / 每周 / 每月 … one ladder
    if all(re.fullmatch(r"\d{1,2}:\d{2}-\d{1,2}:\d{2}", o) for o in q.options):
        return None  # opening hours half an hour apart
    figs = [parse_figure(o) for o in q.options]
    if any(f is None for f in figs):
        return "an option holds no figure"
    units = {f.unit for f in figs if f is not None}
    if len(units) > 1 and not units <= set(HOURS):
        return f"the options mix units ({'、'.join(sorted(units))})"
    answer = parse_figure(str(q.answer))
    if answer is None:
        return "the answer holds no figure"
    ladder = LADDERS.get(answer.unit)
    if ladder and not (min(ladder) <= answer.number <= max(ladder)):
        return f"{q.answer} is off the usual values of {answer.unit}; its neighbours would be guesses"
    values = sorted(f.number * HOURS.get(f.unit, 1) for f in figs if f is not None)
    if values[0] > 0 and values[-1] / values[0] > 40:
        return "the options are too far apart to be plausible neighbours"
    return None


#: a count of a named list (四清晰, 五不, 十大规范, 七项内容, 两种方式, 1人): recall of a label, not of the job.
LIST_COUNT_UNITS = {"", "项", "个", "种", "条", "点", "人", "名", "大", "字"}


def list_count(q: Question, item: Item) -> str | None:
    if q.family not in ("figure", "limit"):
        return None
    from builder.quiz.figures import parse_figure

    fig = parse_figure(str(q.answer))
    if fig is None:
        return None
    if fig.unit in LIST_COUNT_UNITS:
        return f"'{q.answer}' counts the items of a list or a staff table; ask the items, not their number"
    return None


_NUMBER_UNIT = re.compile(r"(\d+|[一二两三四五六七八九十百]+)(天|小时|日)$")


def not_a_limit(q: Question, item: Item) -> str | None:
    """'24小时开通', '365天24小时': a figure that says 'round the clock', not a time limit to ask."""
    if q.family not in ("figure", "limit"):
        return None
    answer = str(q.answer)
    for ev in q.evidence:
        text = normalise(ev)
        i = text.find(normalise(answer))
        if i < 0:
            continue
        before, after = text[:i], text[i + len(normalise(answer)):]
        if _NUMBER_UNIT.search(before):
            return f"'{answer}' follows another figure ({before[-6:]}{answer}): it says round the clock"
        if re.fullmatch(r"24(个)?小时", normalise(answer)) and not after.startswith(("内", "以内")):
            return f"'{answer}' here means round the clock, not a time limit"
    return None


def two_questions(q: Question, item: Item) -> str | None:
    """One question a stem: '多长时间内通知？用什么方式？' asks two things and keys one."""
    if len(re.findall(r"[?？]", q.stem)) > 1:
        return "the stem asks two questions"
    if q.type == "blank" and re.search(r"[?？]", q.stem):
        return "a blank's stem also asks a question"
    return None


# --- round two: what a blind trainer found in the first bank ----------------------------------
def _step_index(item: Procedure, text: str) -> int | None:
    """The 1-based number of the step whose action holds ``text`` (an option is a step shortened)."""
    t = loose(text.split("：", 1)[-1] if "：" in text[:14] else text)
    for i, s in enumerate(item.steps, 1):
        action = loose(s.action)
        if t and (t in action or action in t):
            return i
    return None


def next_step_distractor(q: Question, item: Item) -> str | None:
    """A 'what comes next' question offers four options, and its wrong options are later steps:
    a step already done is ruled out by the candidate without knowing the procedure."""
    if q.family != "next" or not isinstance(item, Procedure):
        return None
    if len(q.options) < 4:
        return f"{len(q.options)} options; a next-step question needs four (three later steps)"
    anchors = q.source.anchors or []
    m = re.fullmatch(r"step-(\d+)", anchors[0]) if anchors else None
    if m is None:
        return None
    now = int(m.group(1))
    for o in q.options:
        if o in q.answers:
            continue
        k = _step_index(item, o)
        if k is not None and k <= now:
            return f"the wrong option '{o[:16]}' is step {k}, done before step {now}: the key falls out by elimination"
    return None


#: what a form, a document or a statement one signs is called (not a field, not a certificate to hand in)
_FORM_NOUN = re.compile(r"(表|单|卡|书|条|证|记录|协议|声明|承诺|须知|手册|规约)(\s*[(（][A-Za-z][)）])?$")


def option_kind(q: Question, item: Item) -> str | None:
    """Every option of a 'which form / what to sign' question is of the answer's kind: not a field
    of a form (“顾客对以上意见确认”栏), not the document the stem already names (the missing one)."""
    if q.family not in ("form", "condition"):
        return None
    text = "".join(p.text for p in item.parts())
    for o in q.options:
        if o in q.answers:
            continue
        if re.search(rf"[“\"]?{re.escape(o)}[”\"]?栏", text):
            return f"'{o}' is a field of a form, not a form"
        if len(loose(o)) >= 2 and loose(o) in loose(q.stem):
            return f"'{o}' is named in the stem: it is ruled out by reading"
        if q.family == "form" and not _FORM_NOUN.search(o):
            return f"'{o}' is not a form"
    return None


def form_in_stem(q: Question, item: Item) -> str | None:
    """A 'which form' question whose stem holds a word of the answer's name that no wrong option
    holds (办理报修……填写哪张表 → 业主报修单): the stem gives it away."""
    if q.family not in ("form", "condition"):
        return None
    for answer in q.answers:
        a = re.sub(r"[(（][A-Za-z][)）]$", "", answer)
        word = shared_keyword(a, q.stem)
        if word and not any(word in loose(o) for o in q.options if o not in q.answers):
            return f"the stem holds '{word}' of the answer '{answer}' and no wrong option does"
        # 陪同业主验房 → 房屋验收表: not one word, but more of the stem's characters than any wrong option
        hits = _stem_chars(a, q.stem)
        if len(hits) >= 2 and all(len(_stem_chars(o, q.stem)) < len(hits) for o in q.options if o not in q.answers):
            return f"the stem holds '{''.join(hits)}' of the answer '{answer}', more than any wrong option"
    return None


_FORM_CHARS = set("表单卡书条证记录")
_COMMON_CHARS = {ch for w in COMMON_WORDS for ch in w}


def _stem_chars(name: str, stem: str) -> list[str]:
    """The characters of a form's name, besides 表/单 and the common words' characters, that the stem holds."""
    s = loose(stem)
    return [ch for ch in dict.fromkeys(loose(name)) if ch in s and ch not in _FORM_CHARS | _COMMON_CHARS]


def plain_true(q: Question, item: Item) -> str | None:
    """A true/false on a plain true statement is a coin toss; only a statement with one detail
    (a figure, a side) that a trainer could change is asked as true/false."""
    if q.type == "truefalse" and q.answer is True and q.family != "detail":
        return "a plain true statement: a 50% guess"
    return None


#: what anyone says without training: the period or count a thing has by custom
CUSTOMARY = {"租金": "每月", "工资": "每月", "预算": "年度", "年报": "每年", "复印件": "一张"}
_ONE_COUNT = re.compile(r"^(一|1)(张|份|本|个|名|人|套)$")


def customary(q: Question, item: Item) -> str | None:
    """Trivial recall: a copy is 一张, a budget 年度, rent 每月 — answered right without the manual."""
    if q.family not in ("figure", "limit"):
        return None
    answer = loose(str(q.answer))
    if _ONE_COUNT.match(answer):
        return f"'{q.answer}' is the count anyone guesses"
    said = loose(" ".join([q.stem, *q.evidence]))
    for noun, usual in CUSTOMARY.items():
        if noun in said and usual in answer:
            return f"'{q.answer}' {noun} is what {noun} is by custom"
    return None


def period_of_a_noun(q: Question, item: Item) -> str | None:
    """“负责每天维修、投诉的记录及资料输入” → 多久做一次记录？: 每天 there says whose records (the day's
    repairs and complaints), not how often; each call is logged as it comes in. A period the source puts
    right before a noun and its 的 is not asked as a frequency."""
    if q.family not in ("figure", "limit") or not str(q.answer).startswith("每"):
        return None
    from builder.core.model import Fact

    source = normalise(item.answer if isinstance(item, Fact) else " ".join(q.evidence))
    answer = normalise(str(q.answer))
    i = source.find(answer)
    if i < 0:
        return None
    after = re.split(r"[，。；,;、]", source[i + len(answer):], maxsplit=1)[0]
    head = loose(source[i + len(answer):])[:6]
    if "的" in head and not re.match(r"(对|向|在|给|进行|定时|至少)", after):
        return f"'{q.answer}{head[:head.index('的') + 1]}…' qualifies a noun: not how often"
    return None


def open_blank(q: Question, item: Item) -> str | None:
    """A blank takes a figure, a period or a time; a word (月报, 年度) or a period that qualifies a
    noun (负责____维修、投诉的记录) has other natural fillers (报告, 日常, 所有)."""
    if q.type != "blank" or q.family not in ("figure", "limit"):
        return None
    from builder.quiz.figures import parse_figure

    answer = normalise(str(q.answer))
    if parse_figure(answer) is None and not answer.startswith("每") and not re.search(r"\d:\d\d", answer):
        return f"'{q.answer}' is a word, not a figure: other words fit the blank"
    after = re.split(r"[，。；,;？?]", q.stem.split(BLANK, 1)[-1])[0]
    if answer.startswith("每") and "的" in after:
        return f"'____{after[:8]}' qualifies a noun: 日常, 所有 fit as well"
    return None


_HEADING = re.compile(r"[\u4e00-\u9fff]·[\u4e00-\u9fff]")


def scrape_damage(q: Question, item: Item) -> str | None:
    """A stem with a section heading in it (客户服务口诀·前台服务), a source cut off at ':' (the list
    that followed is lost), or a verb said twice (负责收取工程人员收取的…): the scrape, not the manual."""
    if _HEADING.search(q.stem):
        return "the stem holds a section heading"
    for text in [q.stem, *q.options]:
        m = re.search(r"([\u4e00-\u9fff]{2})[^，。；,;]{1,6}\1的", normalise(text))
        if m and m.group(1) not in COMMON_WORDS:
            return f"'{m.group()}' says '{m.group(1)}' twice: scrape damage"
    parts = {p.anchor: p.text for p in item.parts()}
    for a in q.source.anchors or [q.source.anchor or ""]:
        if normalise(parts.get(a, "")).endswith((":", "：")) and q.family in ("order", "next", "form"):
            return f"the source of {a} ends in ':', the list after it is lost"
    return None


def undefined_other(q: Question, item: Item) -> str | None:
    """'其他项目维修____回访': 其他 means nothing unless the stem says other than what (除……以外)."""
    # (…等其他资料 closes a list the stem has just given: it is defined)
    if re.search(r"(?<![等及和与或、])其[他它][\u4e00-\u9fff]", q.stem) and not re.search(r"除.+(以外|之外|外)", q.stem):
        return "'其他' in the stem without saying other than what"
    return None


#: a supervisor as the one who does it: 物业服务中心经理每月抽查, 客服部负责人制定, 客服主管负责…编制
SUPERVISOR_DOES = re.compile(r"(?<![向报给知])(物业服务中心|客服部|项目|部门)?(经理|主管|负责人)"
                             r"(?=每|负责|在|制定|编制|要|随机|对|定期|抽查|检查)")


def doer_missing(q: Question, item: Item) -> str | None:
    """'入伙收费情况多久检查一次？' — the manual says who checks (物业服务中心经理); a stem that leaves the
    doer out asks the candidate about someone else's duty without saying so."""
    if q.family not in ("figure", "limit"):
        return None
    from builder.core.model import Fact

    text = item.answer if isinstance(item, Fact) else " ".join(q.evidence)
    m = SUPERVISOR_DOES.search(normalise(text))
    if m and m.group(2) not in normalise(q.stem):
        return f"the source says who does it ({m.group()}); the stem does not"
    return None


#: every rule, by name (each function's docstring says what it refuses)
RULES: list[tuple[str, Callable[[Question, Item], str | None]]] = [
    ("article-number", article_number),
    ("title-in-stem", title_in_stem),
    ("answer-in-stem", answer_in_stem),
    ("paper-in-stem", paper_in_stem),
    ("editor-text", editor_text),
    ("long-blank", long_blank),
    ("editorial-post", editorial_post),
    ("back-reference", back_reference),
    ("unordered-list", unordered_list),
    ("order-cue", order_cue),
    ("short-order", short_order),
    ("implausible-distractor", implausible_distractor),
    ("list-count", list_count),
    ("not-a-limit", not_a_limit),
    ("two-questions", two_questions),
    ("next-step-distractor", next_step_distractor),
    ("option-kind", option_kind),
    ("form-in-stem", form_in_stem),
    ("plain-true", plain_true),
    ("customary", customary),
    ("open-blank", open_blank),
    ("period-of-a-noun", period_of_a_noun),
    ("scrape-damage", scrape_damage),
    ("undefined-other", undefined_other),
    ("doer-missing", doer_missing),
]


# --- held for the trainer ------------------------------------------------------
def title_recall(q: Question, item: Item) -> str | None:
    """“Which policy / post / case says this?” tests where a text is filed, and posts share duties:
    such a question enters the bank only when a trainer adopts it."""
    if q.family in TITLE_FAMILIES:
        return "asks for a document's or a post's name; a trainer adopts it or not"
    return None


def common_sense(q: Question, item: Item) -> str | None:
    """A plain do / don't (随地吐痰, 双手接物, 前台可以把业主名单提供给中介吗) is answered by common sense:
    a held-out blind read of the legal notes' 'may the desk…?' questions found every one keyed 错 and
    answered without training. A true/false that changes one detail of a rule (左胸前 → 右胸前,
    三声 → 四声) is not common sense, and goes in."""
    if q.family in ("rule", "rule-multi", "may"):  # may: 前台可以把业主名单提供给中介吗 — 错
        return "a do/don't anyone answers without the manual; a trainer adopts it or not"
    return None


def numeral_label(q: Question, item: Item) -> str | None:
    """A blank whose answer is a set phrase with a numeral in it (五步一法, 一对一, 第一时间), not a figure:
    recalled from the wording, guessed from the sentence; a trainer adopts it or not."""
    if q.type != "blank" or q.family not in ("figure", "limit"):
        return None
    from builder.quiz.figures import parse_figure

    answer = str(q.answer)
    if re.search(rf"[{_CJK_NUM}]", answer) and parse_figure(answer) is None and not answer.startswith("每"):
        return f"'{answer}' is a set phrase, not a figure; a trainer adopts it or not"
    return None


def narrow_case(q: Question, item: Item) -> str | None:
    """“如需进行烧、焊等动火作业，须报哪个部门审批？”, “如代收装修税费的，须提供什么资料？”: one case of a
    materials list, with the other cases' bodies or papers as wrong options. Three blind reads found
    them weak every time (the key guessed from the case's words: 动火 → 消防; the case a term a new
    hire does not know; options no one would pick); a trainer adopts them or not."""
    if q.family in ("approver", "requirement"):
        return "one case of a materials list, asked with the other cases' answers; a trainer adopts it or not"
    return None


#: rules that hold a question back until a trainer adopts it (采用 or 修改 in the review sheet)
HELD: list[tuple[str, Callable[[Question, Item], str | None]]] = [
    ("title-recall", title_recall),
    ("common-sense", common_sense),
    ("numeral-label", numeral_label),
    ("narrow-case", narrow_case),
]


#: why a question written here beside approved text waits: its approval is a trainer's 采用
DRAFT_QUESTION = "draft: written here, not yet adopted; a trainer adopts it (采用) or not"


def _run(rules: list[tuple[str, Callable[[Question, Item], str | None]]], q: Question, item: Item) -> list[str]:
    out = []
    for name, rule in rules:
        why = rule(q, item)
        if why:
            out.append(f"{name}: {why}")
    return out


def refusals(q: Question, item: Item) -> list[str]:
    """Why a question must never be asked ('rule: reason' each); [] if it may."""
    return _run(RULES, q, item)


def held(q: Question, item: Item) -> list[str]:
    """Why a question waits for a trainer's 采用 before it enters the bank; [] if it need not."""
    return _run(HELD, q, item)


# --- papers -------------------------------------------------------------------
def gives_away(a: Question, b: Question) -> bool:
    """Whether a's stem holds b's answer (so a candidate reading a can answer b)."""
    if b.type not in ("single", "blank", "multiple", "order"):
        return False
    stem = loose(a.stem)
    held = [len(loose(ans)) >= 2 and loose(ans) in stem for ans in b.answers]
    # a multiple choice asks the whole set: a stem that names one of its keys does not answer it
    return all(held) if b.type == "multiple" else any(held)


def mirrored(a: Question, b: Question) -> bool:
    """Each question's key is among the other's wrong options (动火作业 → 消防主管部门, 户外广告 → 工商部门,
    both with the same four bodies): a candidate who meets both answers both by elimination."""
    if a.type not in ("single", "multiple") or b.type not in ("single", "multiple"):
        return False
    ka, kb = {loose(x) for x in a.answers}, {loose(x) for x in b.answers}
    oa, ob = {loose(x) for x in a.options}, {loose(x) for x in b.options}
    return ka != kb and ka <= ob and kb <= oa


def mirrored_in_item(a: Question, b: Question) -> bool:
    """:func:`mirrored`, for two questions of one item: one item's cases asked with one list of options.
    Across items a shared ladder (每天 … 每季度) is only the kind of answer, not a hint."""
    return a.source.item_id == b.source.item_id and mirrored(a, b)


def pair_problem(a: Question, b: Question) -> str | None:
    """Why two questions must not share a paper: one gives the other away, or they mirror each other."""
    if gives_away(a, b) or gives_away(b, a):
        return "answer each other"
    if mirrored_in_item(a, b):
        return "hold each other's key among their options"
    return None
