"""The content model: one pydantic model per kind of item.

Every YAML file in ``content/<kind folder>/`` is one item whose file name is its id.
The loader (``builder.core.load``) validates each file against the model of its kind and
keeps each value's line so that a problem can name it. Everything downstream (site,
search, quizzes, export) reads these objects, never the YAML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: The manuals of ../shared/manuals/INDEX.md.
MANUALS: dict[str, str] = {
    "M01": "物业公司客服部工作手册",
    "M02": "万科物业客服实务手册",
    "M03": "客服员应知应会手册(花样年 彩生活客服部)",
    "M04": "物业管理客服服务工作手册(QW-DXC)",
    "M05": "(完整版)物业公司员工工作手册(佳恒物业)",
    "M06": "物业客户服务手册",
    "M07": "物业公司客服部工作手册(重复 M01)",
    "M08": "物业管理有限公司客户服务工作手册",
    "M09": "客服部物业服务中心工作手册范文",
    "M10": "物业公司客服部管理手册(WI-NWGZ-AL.KF)",
    "M11": "写字楼物业客服工作手册",
    "M12": "客服管理工作手册",
    "M13": "客户服务部工作手册",
    "M14": "物业公司客服管理制度手册",
    "M15": "物业公司客服部工作职责",
    "M16": "物业客服的工作内容和职责简单",
    "M17": "物业客服工作内容",
    "M18": "恒誉洋 物业客户服务工作实务手册",
}

#: The manuals' titles as staff see them in an item's 出处 line: the title a clerk would find
#: on the cover, without the company's document codes (see ../shared/manuals/INDEX.md).
MANUAL_TITLES: dict[str, str] = {
    "M01": "物业公司客服部工作手册",
    "M02": "物业客服实务手册",
    "M03": "客服员应知应会手册",
    "M04": "物业管理客服服务工作手册",
    "M05": "物业公司员工工作手册",
    "M06": "物业客户服务手册",
    "M07": "物业公司客服部工作手册",
    "M08": "物业管理有限公司客户服务工作手册",
    "M09": "客服部物业服务中心工作手册",
    "M10": "物业公司客服部管理手册",
    "M11": "写字楼物业客服工作手册",
    "M12": "客服管理工作手册",
    "M13": "客户服务部工作手册",
    "M14": "物业公司客服管理制度手册",
    "M15": "物业公司客服部工作职责",
    "M16": "物业客服的工作内容和职责简单",
    "M17": "物业客服工作内容",
    "M18": "物业客户服务工作实务手册",
}

Kind = Literal["role", "etiquette", "procedure", "policy", "legal", "fact", "case"]

#: kind -> folder under content/, and the Chinese name shown to staff.
KIND_FOLDERS: dict[str, str] = {
    "role": "roles",
    "etiquette": "etiquette",
    "procedure": "procedures",
    "policy": "policies",
    "legal": "legal",
    "fact": "facts",
    "case": "cases",
}
KIND_LABELS: dict[str, str] = {
    "role": "岗位职责",
    "etiquette": "礼仪规范",
    "procedure": "工作流程",
    "policy": "管理制度",
    "legal": "法律法规",
    "fact": "应知应会",
    "case": "案例",
}

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="an item id: lowercase letters, digits and hyphens")]
Text = Annotated[str, Field(min_length=1)]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _shorthand(key: str) -> Any:
    """A validator that lets YAML give a plain string where a mapping ``{key: string}`` is meant."""

    def wrap(cls: type, value: Any) -> Any:
        return {key: value} if isinstance(value, str) else value

    return model_validator(mode="before")(classmethod(wrap))  # type: ignore[arg-type]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


def known_manual(value: str) -> str:
    if value not in MANUALS:
        raise ValueError(f"unknown manual '{value}': use one of M01–M18 (see manuals/INDEX.md)")
    return value


class SourceRef(Strict):
    """Where an item's text comes from (or, for an outline, where it is listed)."""

    manual: str = Field(description="M01–M18, as in ../shared/manuals/INDEX.md")
    section: Text = Field(description="the section, heading or table-of-contents entry, as titled in the manual")
    lines: str | None = Field(None, description="line numbers in customer-service-manuals.txt, e.g. '263-267'")

    @field_validator("manual")
    @classmethod
    def _known_manual(cls, value: str) -> str:
        return known_manual(value)

    @property
    def manual_title(self) -> str:
        return MANUALS[self.manual]

    def badge(self) -> str:
        return f"{self.manual} · {self.section}"

    @property
    def is_contents_entry(self) -> bool:
        """Whether the reference is only a manual's table of contents (a heading, no body)."""
        return self.section.startswith("目录")

    def provenance(self) -> str:
        """The 出处 a person understands: 《manual title》· section, no codes, no lines."""
        section = self.staff_section()
        title = f"《{MANUAL_TITLES[self.manual]}》"
        return f"{title}· {section}" if section else title

    def staff_section(self) -> str:
        return staff_section(self.section, MANUAL_TITLES[self.manual], contents=self.is_contents_entry)


_EDITORS_NOTE = re.compile(r"[(（][^()（）]*(?:M\d\d|正文|未收录|原文)[^()（）]*[)）]")
_PAGE_NUMBER = re.compile(r"\s*[(（]\d+[)）]")
_DOC_CODE = re.compile(r"\b(?:QW|QR|WI)-[A-Z0-9.-]+")


def staff_section(section: str, manual_title: str = "", contents: bool = False) -> str:
    """A source's section as staff read it: editors' remarks (manual codes, 正文未收录, a table
    of contents' page numbers, document codes) dropped, the manual's own title not repeated,
    full-width colons."""
    text = _DOC_CODE.sub("", _EDITORS_NOTE.sub("", section))
    if contents:
        text = _PAGE_NUMBER.sub("", text)
    text = re.sub(r"\bM(0[1-9]|1[0-8])\b", "", text)
    for prefix in ("目录:", "目录：", "目录 ·", "目录"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if manual_title and text.startswith(manual_title):
        text = text[len(manual_title):]
    text = text.replace(":", "：").replace(";", "；")
    return re.sub(r"\s+", " ", text).strip(" ·、；–-")


class Mend(Strict):
    """A repair of scrape damage, recorded so the approved wording stays traceable."""

    original: Text
    mended: Text
    note: str | None = None


class ImportRecord(Strict):
    """Where an imported item's text came from, so that re-importing the same document finds it."""

    manual: str = Field(description="M01–M18: the manual the document is")
    document: Text = Field(description="the document's title, as it names itself")
    file: str | None = Field(None, description="the file name imported (.docx or .md)")
    heading_path: list[Text] = Field(min_length=1,
                                     description="the headings from the document's top down to the section, as written")
    paragraph: int = Field(ge=1, description="the section heading's paragraph number in the Word file (1 = the first), "
                                             "or its line in a Markdown file")
    digest: str = Field(pattern=r"^[0-9a-f]{16}$", description="a hash of the text as imported: a re-import compares it "
                                                               "to tell the document's edits from the editors'")
    action: Literal["created", "filled", "revised", "updated"] = Field(
        description="created: a new item; filled: an outline gap; revised: a written item replaced on an editor's word; "
                    "updated: by a newer version of the same document")
    on: dt.date
    by: str | None = Field(None, description="who ran the import (编制)")
    match: str | None = Field(None, description="how the section found this item: 'exact title', 'similar title 0.72' …")
    changes: list[Text] = Field(default_factory=list, description="what an update changed, field by field")
    unplaced: list[Text] = Field(default_factory=list,
                                 description="text of the section that no field of its kind holds, kept for the editors")

    @field_validator("manual")
    @classmethod
    def _known_manual(cls, value: str) -> str:
        return known_manual(value)


class Question(Strict):
    """A quiz question written by a trainer beside the item it tests."""

    id: Id
    type: Literal["single", "multiple", "truefalse", "blank", "order"]
    stem: Text
    options: list[Text] = Field(default_factory=list)
    answer: Text | list[Text] | bool
    explanation: str | None = None
    difficulty: Annotated[int, Field(ge=1, le=3)] = 1
    anchor: str | None = Field(None, description="the part of the item the answer comes from, e.g. 'step-3'")
    status: Literal["approved", "draft"] = Field(
        "approved", description="draft: written here and not yet adopted by a trainer (待审核): out of the default "
                                "bank until a trainer marks it 采用 in the review sheet")


class Item(Strict):
    """Fields every item carries."""

    id: Id
    title: Text
    kind: Kind
    tags: list[str] = Field(default_factory=list)
    roles: list[Id] = Field(default_factory=list, description="posts that must know this item")
    status: Literal["sourced", "outline", "draft"] = Field(
        "sourced",
        description="sourced: approved text, taken from the manuals or approved by an editor (then approved_by/approved_on "
                    "say who and when, and content/changelog.yaml has the entry); draft: written or imported here, "
                    "awaiting approval (待审核); outline: the manuals give only a heading (a gap)")
    source: list[SourceRef] = Field(default_factory=list)
    approved_by: str | None = Field(None, description="who approved the text (批准); set by `handbook approve`")
    approved_on: dt.date | None = Field(None, description="when it was approved")
    imported: ImportRecord | None = Field(
        None, description="set by `handbook import`: the document and section the text came from")
    mends: list[Mend] = Field(default_factory=list)
    summary: str | None = None
    procedures: list[Id] = Field(default_factory=list)
    forms: list[Id] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _provenance(self) -> Item:
        approved = self.approved_by is not None
        if self.status == "outline" and not self.source or self.status == "sourced" and not (self.source or approved):
            raise ValueError(
                f"status '{self.status}' needs 'source' (the manual and section); "
                "text written here and not yet approved is 'status: draft'"
            )
        if approved != (self.approved_on is not None):
            raise ValueError("approved_by and approved_on go together: `handbook approve ID --by NAME` sets both")
        if approved and self.status != "sourced":
            raise ValueError(f"an approved item is 'status: sourced', not '{self.status}'; "
                             "a changed text loses its approval (remove approved_by/approved_on)")
        if self.status != "outline" and not self.has_body():
            raise ValueError("the item has no body: give its text, or mark it 'status: outline'")
        if self.status == "outline" and self.has_body() and self.kind_body_present():
            raise ValueError("an outline item has no body in the manuals; remove the body or set 'status: sourced'")
        return self

    # --- body ---------------------------------------------------------
    def kind_body_present(self) -> bool:
        """Whether the fields of this kind (not the shared ones) hold anything."""
        return False

    def has_body(self) -> bool:
        return bool(self.summary) or self.kind_body_present()

    def refs(self) -> list[Ref]:
        """Every id this item names: (where, what kind it must be, the id). Kind None: any item."""
        out: list[Ref] = []
        for key, kind in (("roles", "role"), ("procedures", "procedure"), ("forms", "form"), ("related", None)):
            out += [((key, i), kind, v) for i, v in enumerate(getattr(self, key))]
        return out

    @property
    def approved(self) -> bool:
        """Approved material, shown to staff: from the manuals, or approved by an editor."""
        return self.status == "sourced"

    @property
    def is_gap(self) -> bool:
        """A heading the manuals list without a body (``status: outline``): editors' pages only."""
        return self.status == "outline"

    @property
    def awaiting_approval(self) -> bool:
        """Text written here, not yet approved: staff see it with a plain 待审核 mark."""
        return self.status == "draft"

    def provenance(self) -> str:
        """The discreet 出处 line staff read: manual titles and sections, no codes or lines.
        Table-of-contents references are left out when the item has a body source."""
        body = [s for s in self.source if not s.is_contents_entry] or self.source
        by_manual: dict[str, list[str]] = {}
        for s in body:
            sections = by_manual.setdefault(MANUAL_TITLES[s.manual], [])
            section = s.staff_section()
            if section and section not in sections:
                sections.append(section)
        return "；".join(f"《{title}》" + (f"· {'；'.join(secs)}" if secs else "")
                        for title, secs in by_manual.items())

    @property
    def source_badge(self) -> str:
        if self.status == "outline":
            return "待编写"
        if self.status == "draft":
            return "草稿"
        return " / ".join(s.badge() for s in self.source)

    def parts(self) -> list[Part]:
        """The sections a person can land on inside this item (for search, quizzes, anchors)."""
        parts: list[Part] = []
        if self.summary:
            parts.append(Part(anchor="summary", title="概述", text=self.summary))
        return parts


Ref = tuple[tuple[str | int, ...], str | None, str]


class Part(BaseModel):
    """A landing place inside an item: its anchor on the item's page, a title and its own text."""

    anchor: str
    title: str
    text: str


def _numbered(prefix: str, title: str, texts: list[str]) -> list[Part]:
    return [Part(anchor=f"{prefix}-{i}", title=f"{title}{i}", text=t) for i, t in enumerate(texts, 1)]


# --- role ---------------------------------------------------------------
class Role(Item):
    kind: Literal["role"] = "role"
    aliases: list[Text] = Field(default_factory=list, description="other names of the post (楼管, 管家 …)")
    reports_to: Id | None = None
    subordinates: list[Id] = Field(default_factory=list)
    duties: list[Text] = Field(default_factory=list, description="duties in every kind of property, each once")
    duties_for: dict[Literal["公寓", "写字楼"], list[Text]] = Field(
        default_factory=dict, description="duties the manuals give only for one kind of property (公寓, 写字楼)")
    authority: list[Text] = Field(default_factory=list)
    scope: list[Text] = Field(default_factory=list)
    requirements: list[Text] = Field(default_factory=list)

    def kind_body_present(self) -> bool:
        return bool(self.duties or self.duties_for or self.authority or self.scope or self.requirements)

    def all_duties(self) -> list[str]:
        """Every duty in page order (duty-1 …): the common ones, then each kind of property's."""
        return list(self.duties) + [d for ds in self.duties_for.values() for d in ds]

    def refs(self) -> list[Ref]:
        out = super().refs()
        if self.reports_to:
            out.append((("reports_to",), "role", self.reports_to))
        out += [(("subordinates", i), "role", v) for i, v in enumerate(self.subordinates)]
        return out

    def parts(self) -> list[Part]:
        return (
            super().parts()
            + _numbered("duty", "职责", self.all_duties())
            + _numbered("authority", "权限", self.authority)
            + _numbered("scope", "管理范围", self.scope)
            + _numbered("requirement", "任职要求", self.requirements)
        )


# --- etiquette ----------------------------------------------------------
class Rule(Strict):
    text: Text
    do: list[Text] = Field(default_factory=list)
    dont: list[Text] = Field(default_factory=list)

    _from_str = _shorthand("text")


class Phrase(Strict):
    text: Text
    when: str | None = Field(None, description="the situation the phrase is for")

    _from_str = _shorthand("text")


class Etiquette(Item):
    kind: Literal["etiquette"] = "etiquette"
    rules: list[Rule] = Field(default_factory=list)
    phrases: list[Phrase] = Field(default_factory=list, description="标准用语")
    forbidden: list[Phrase] = Field(default_factory=list, description="禁语")

    def kind_body_present(self) -> bool:
        return bool(self.rules or self.phrases or self.forbidden)

    def parts(self) -> list[Part]:
        parts = super().parts()
        for i, r in enumerate(self.rules, 1):
            text = r.text
            if r.do:
                text += " 应:" + ";".join(r.do)
            if r.dont:
                text += " 不应:" + ";".join(r.dont)
            parts.append(Part(anchor=f"rule-{i}", title=f"第{i}条", text=text))
        if self.phrases:
            parts.append(Part(anchor="phrases", title="标准用语", text="、".join(p.text for p in self.phrases)))
        if self.forbidden:
            parts.append(Part(anchor="forbidden", title="禁语", text="、".join(p.text for p in self.forbidden)))
        return parts


# --- procedure ----------------------------------------------------------
class Branch(Strict):
    """One way out of a decision step: the case (有偿, 回访发现问题) and what is done then."""

    when: Text = Field(description="the case, as short as the manual puts it: 有偿服务, 回访发现问题")
    then: Text = Field(description="what is done in that case, in the manual's wording")
    actor: str | None = None
    time_limit: str | None = None
    draft: bool = Field(False, description="true when the manuals do not name this case and the text is ours (shown 待审核)")


class Step(Strict):
    actor: str | None = Field(None, description="who does it: a post, 业主, 装修单位 …")
    action: Text
    time_limit: str | None = Field(None, description="as the manual states it: 两天内, 72小时内 …")
    form: Id | None = Field(None, description="the form used at this step")
    branches: list[Branch] = Field(default_factory=list, description="a decision point: the cases the manual names")
    source: SourceRef | None = Field(None, description="where this step comes from, when not from the item's first source")

    _from_str = _shorthand("action")

    @field_validator("branches")
    @classmethod
    def _two_ways(cls, value: list[Branch]) -> list[Branch]:
        if len(value) == 1:
            raise ValueError("a decision needs two branches or more (give the other case too)")
        return value


class Rhyme(Strict):
    """A 口诀 the manuals give for a procedure: shown beside the steps, not as them."""

    title: str | None = None
    lines: list[Text] = Field(min_length=1)
    source: SourceRef | None = None


class Procedure(Item):
    kind: Literal["procedure"] = "procedure"
    trigger: str | None = Field(None, description="what starts it")
    owner: Id | None = Field(None, description="the post responsible")
    materials: list[Text] = Field(default_factory=list, description="what the customer must bring")
    steps: list[Step] = Field(default_factory=list)
    rhyme: Rhyme | None = Field(None, description="口诀: the manual's rhyme for this procedure")

    def kind_body_present(self) -> bool:
        return bool(self.steps or self.materials or self.trigger or self.rhyme)

    def refs(self) -> list[Ref]:
        out = super().refs()
        if self.owner:
            out.append((("owner",), "role", self.owner))
        out += [(("steps", i, "form"), "form", s.form) for i, s in enumerate(self.steps) if s.form]
        return out

    def parts(self) -> list[Part]:
        parts = super().parts()
        if self.trigger:
            parts.append(Part(anchor="trigger", title="适用情形", text=self.trigger))
        parts += _numbered("material", "资料", self.materials)
        for i, s in enumerate(self.steps, 1):
            bits = [s.actor or "", s.action, f"时限：{s.time_limit}" if s.time_limit else ""]
            bits += [f"{b.when}：{b.then}" + (f"（时限：{b.time_limit}）" if b.time_limit else "") for b in s.branches]
            parts.append(Part(anchor=f"step-{i}", title=f"第{i}步", text=" ".join(b for b in bits if b)))
        if self.rhyme:
            parts.append(Part(anchor="rhyme", title=self.rhyme.title or "口诀", text=" ".join(self.rhyme.lines)))
        return parts


# --- policy -------------------------------------------------------------
class PolicySection(Strict):
    title: Text
    rules: list[Text] = Field(default_factory=list)


class Policy(Item):
    kind: Literal["policy"] = "policy"
    rules: list[Text] = Field(default_factory=list)
    sections: list[PolicySection] = Field(default_factory=list)

    def kind_body_present(self) -> bool:
        return bool(self.rules or any(s.rules for s in self.sections))

    def parts(self) -> list[Part]:
        parts = super().parts() + _numbered("rule", "第", self.rules)
        for i, sec in enumerate(self.sections, 1):
            parts.append(Part(anchor=f"section-{i}", title=sec.title, text=" ".join(sec.rules)))
        return parts


# --- legal --------------------------------------------------------------
class LegalNote(Strict):
    article: Text = Field(description="第X条, as the law numbers it")
    text: Text = Field(description="the article's words as enacted; where only part is quoted, set excerpt")
    excerpt: bool = Field(False, description="true when text quotes only part of the article (shown 节录)")
    desk: Text = Field(description="what it means for the customer-service desk")


class Legal(Item):
    kind: Literal["legal"] = "legal"
    law: Text
    articles: list[LegalNote] = Field(default_factory=list)

    def kind_body_present(self) -> bool:
        return bool(self.articles)

    def parts(self) -> list[Part]:
        return super().parts() + [
            Part(anchor=f"article-{i}", title=n.article, text=f"{n.text} {n.desk}")
            for i, n in enumerate(self.articles, 1)
        ]


# --- fact ---------------------------------------------------------------
class Fact(Item):
    kind: Literal["fact"] = "fact"
    question: Text
    answer: Text
    figure: str | None = Field(None, description="the number or limit the fact states, as written: 三声, 72小时内")
    quote: str | None = Field(None, description="the sentence of the manual it comes from")

    @model_validator(mode="after")
    def _figure_in_answer(self) -> Fact:
        if self.figure and self.figure not in self.answer:
            raise ValueError(f"figure '{self.figure}' does not appear in the answer")
        return self

    def kind_body_present(self) -> bool:
        return bool(self.answer)

    def parts(self) -> list[Part]:
        return [Part(anchor="answer", title=self.question, text=self.answer + (f" ({self.quote})" if self.quote else ""))]


# --- case ---------------------------------------------------------------
class Case(Item):
    kind: Literal["case"] = "case"
    situation: str | None = None
    handling: list[Text] = Field(default_factory=list)
    lesson: str | None = None

    def kind_body_present(self) -> bool:
        return bool(self.situation)

    def parts(self) -> list[Part]:
        parts = [Part(anchor="situation", title="情形", text=self.situation)] if self.situation else []
        if self.handling:
            parts.append(Part(anchor="handling", title="处理", text=" ".join(self.handling)))
        if self.lesson:
            parts.append(Part(anchor="lesson", title="启示", text=self.lesson))
        return parts


def staff_visible(item: Item) -> bool:
    """The one rule for what staff see: every item except gaps (``status: outline``).

    The site, search results, self-tests, quizzes and the staff edition of the printed
    handbook all filter with this; editors' pages list everything."""
    return not item.is_gap


AnyItem = Role | Etiquette | Procedure | Policy | Legal | Fact | Case

MODELS: dict[str, type[AnyItem]] = {
    "role": Role,
    "etiquette": Etiquette,
    "procedure": Procedure,
    "policy": Policy,
    "legal": Legal,
    "fact": Fact,
    "case": Case,
}



# --- files that are not items ------------------------------------------
class Term(Strict):
    term: Text
    synonyms: list[Text] = Field(default_factory=list)
    definition: Text
    related: list[Id] = Field(default_factory=list)


class Glossary(Strict):
    terms: list[Term] = Field(default_factory=list)


class Dictionary(Strict):
    """Domain words for segmentation, the synonym groups staff actually use, and the
    everyday words for a situation that point to the manuals' words (one way)."""

    words: list[Text] = Field(default_factory=list)
    synonyms: list[list[Text]] = Field(default_factory=list)
    situations: dict[Text, list[Text]] = Field(
        default_factory=dict,
        description="everyday words for what happened → the manuals' words for it, one way "
                    "(摔倒 → 安全保障: a search for a fall also finds the duty of care, not the reverse)")

    @field_validator("situations")
    @classmethod
    def _situations(cls, m: dict[str, list[str]]) -> dict[str, list[str]]:
        for word, means in m.items():
            if not means:
                raise ValueError(f"'{word}' needs at least one word of the manuals it stands for")
            if word in means:
                raise ValueError(f"'{word}' stands for itself")
        return m

    @field_validator("synonyms")
    @classmethod
    def _groups(cls, groups: list[list[str]]) -> list[list[str]]:
        for g in groups:
            if len(g) < 2:
                raise ValueError(f"a synonym group needs two words or more: {g}")
        return groups

    def all_words(self) -> list[str]:
        """Every word jieba must keep whole: the words and every synonym."""
        seen: dict[str, None] = {}
        for w in self.words:
            seen.setdefault(w, None)
        for g in self.synonyms:
            for w in g:
                seen.setdefault(w, None)
        for word, means in self.situations.items():
            for w in [word, *means]:
                seen.setdefault(w, None)
        return list(seen)


VERSION_PATTERN = r"^[A-Z]/(0|[1-9][0-9]*)$"


class ChangelogEntry(Strict):
    """One approved revision of the handbook (修订记录), written by `handbook approve`."""

    version: str = Field(pattern=VERSION_PATTERN, description="版本: A/0, A/1 … (the letter is the edition)")
    date: dt.date = Field(description="修订日期")
    items: list[Id] = Field(min_length=1, description="修订条目: the ids approved")
    summary: Text = Field(description="修订内容: a summary of the change, in Chinese")
    prepared_by: list[Text] = Field(min_length=1, description="编制: who wrote or imported the text")
    reviewed_by: str | None = Field(None, description="审核")
    approved_by: Text = Field(description="批准")
    note: str | None = Field(None, description="the approver's note")

    def version_key(self) -> tuple[str, int]:
        letter, number = self.version.split("/")
        return letter, int(number)


class Changelog(Strict):
    """content/changelog.yaml: the approved revisions, oldest first; the printed 修订记录 reads it."""

    entries: list[ChangelogEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _in_order(self) -> Changelog:
        for before, after in zip(self.entries, self.entries[1:]):
            if after.version_key() <= before.version_key():
                raise ValueError(f"version {after.version} does not come after {before.version}: entries go oldest first")
            if after.date < before.date:
                raise ValueError(f"{after.version} is dated {after.date}, before {before.version} ({before.date})")
        return self

    def next_version(self) -> str:
        """A/0 for the first entry, then the last entry's number plus one, in the same edition."""
        if not self.entries:
            return "A/0"
        letter, number = self.entries[-1].version_key()
        return f"{letter}/{number + 1}"


class Tag(Strict):
    label: Text
    description: str | None = None


class Tags(Strict):
    tags: dict[Annotated[str, Field(pattern=ID_PATTERN)], Tag]


class ProfileEntry(Strict):
    label: Text
    value: Text


class ProfileSection(Strict):
    title: Text
    entries: list[ProfileEntry]


class Profile(Strict):
    """Per-property facts an 应知应会 sheet asks for (小区概况, 收费标准, 常用电话)."""

    example: bool = Field(description="true while the values are examples, not the property's own")
    name: Text = Field(description="the property (小区/项目) name")
    company: Text
    address: Text
    service_phone: Text
    logo: str | None = Field(None, description="the company's logo printed on forms: a PNG or JPEG inside "
                                               "content/, e.g. assets/logo.png (at most 512 kB)")
    sections: list[ProfileSection] = Field(default_factory=list)


def is_id(value: str) -> bool:
    return re.match(ID_PATTERN, value) is not None
