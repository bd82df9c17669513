"""The staff site's pages, as Markdown, from the typed content.

``site_pages(content, forms)`` returns {source path: markdown}. The MkDocs plugin
(``builder.site.plugin``) adds them as generated files; nothing here knows about MkDocs, so the
pages can be tested (golden files) without a build.

Every landing place of an item (``Item.parts()``) gets the same anchor here that search
and quizzes link to.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Any, Callable

from builder.core.load import Content
from builder.core.model import (
    KIND_FOLDERS,
    KIND_LABELS,
    MANUALS,
    Case,
    Etiquette,
    Fact,
    Item,
    Legal,
    Policy,
    Procedure,
    Role,
)
from builder.core.urls import glossary_anchor, item_src

STATUS_LABELS = {"sourced": "来源", "outline": "待编写", "draft": "草稿"}
KIND_ORDER = ["role", "etiquette", "procedure", "policy", "legal", "fact", "case"]


def esc(text: str | None) -> str:
    """Content text → safe inline Markdown: HTML escaped, Markdown emphasis/link characters neutralised."""
    if not text:
        return ""
    out = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", out)


def hesc(text: str | None) -> str:
    """Content text inside raw HTML blocks (no Markdown processing there)."""
    return html.escape(text or "", quote=True)


def rel(from_src: str, to_src: str, anchor: str | None = None) -> str:
    """A relative link between two Markdown sources, as MkDocs resolves and checks them."""
    a = from_src.split("/")[:-1]
    b = to_src.split("/")
    i = 0
    while i < len(a) and i < len(b) - 1 and a[i] == b[i]:
        i += 1
    path = "../" * (len(a) - i) + "/".join(b[i:])
    return path + (f"#{anchor}" if anchor else "")


class Site:
    """Builds every page; holds the content and the index of forms."""

    def __init__(self, content: Content, forms: dict[str, Any] | None = None, extra: dict[str, str] | None = None):
        self.content = content
        self.forms = forms or {}
        self.extra = extra or {}

    # --- helpers ------------------------------------------------------
    def src(self, item: Item) -> str:
        return item_src(item.kind, item.id)

    def link(self, from_src: str, item_id: str, anchor: str | None = None) -> str:
        item = self.content.items[item_id]
        return f"[{esc(item.title)}]({rel(from_src, self.src(item), anchor)})"

    def role_title(self, role_id: str) -> str:
        r = self.content.items.get(role_id)
        return r.title if r else role_id

    def form_link(self, from_src: str, form_id: str) -> str:
        spec = self.forms.get(form_id)
        title = getattr(spec, "title", None) or form_id
        code = getattr(spec, "code", None)
        label = f"{title}({code})" if code else title
        return f"[{esc(label)}]({rel(from_src, 'forms/index.md', form_id)})"

    def badge(self, item: Item) -> str:
        if item.status == "outline":
            where = ";".join(f"{s.manual}《{MANUALS[s.manual]}》{s.section}" for s in item.source)
            return (f'!!! warning "待编写"\n    本条目在手册中只有标题,正文待编写。列于:{esc(where)}\n')
        if item.status == "draft":
            return '!!! note "草稿"\n    本条目由本系统编写,尚未经公司审核批准。\n'
        parts = [f"{s.manual} · {esc(s.section)}" for s in item.source]
        return f'<span class="hb-badge hb-sourced" title="来源">来源 {" / ".join(parts)}</span>\n'

    def meta(self, item: Item) -> str:
        lines = ["---", f"title: {_yaml_str(item.title)}"]
        if item.tags and self.content.tags:
            lines.append("tags:")
            lines += [f"  - {_yaml_str(self.content.tags.tags[t].label)}" for t in item.tags if t in self.content.tags.tags]
        lines.append("---")
        return "\n".join(lines) + "\n\n"

    # --- item pages ---------------------------------------------------
    def item_page(self, item: Item) -> str:
        src = self.src(item)
        out = [self.meta(item), f"# {esc(item.title)}\n\n", self.badge(item), "\n"]
        if item.roles:
            posts = "、".join(self.link(src, r) for r in item.roles if r in self.content.items)
            out.append(f"**须知岗位:** {posts}\n\n")
        if item.summary:
            out.append(f"## 概述 {{#summary}}\n\n{esc(item.summary)}\n\n")
        body: Callable[[Any, str], str] = getattr(self, f"body_{item.kind}")
        out.append(body(item, src))
        out.append(self.footer(item, src))
        return "".join(out)

    def _list(self, title: str, anchor: str, prefix: str, texts: list[str], ordered: bool = True) -> str:
        if not texts:
            return ""
        tag = "ol" if ordered else "ul"
        items = "".join(f'<li id="{prefix}-{i}">{hesc(t)}</li>' for i, t in enumerate(texts, 1))
        return f"## {title} {{#{anchor}}}\n\n<{tag} class=\"hb-list\">{items}</{tag}>\n\n"

    def body_role(self, r: Role, src: str) -> str:
        out = []
        facts = []
        if r.aliases:
            facts.append(f"**又称:** {esc('、'.join(r.aliases))}")
        if r.reports_to and r.reports_to in self.content.items:
            facts.append(f"**上级:** {self.link(src, r.reports_to)}")
        subs = [s for s in r.subordinates if s in self.content.items]
        if subs:
            facts.append("**下级:** " + "、".join(self.link(src, s) for s in subs))
        if facts:
            out.append("  \n".join(facts) + "\n\n")
        out.append(self._list("岗位职责", "duties", "duty", r.duties))
        out.append(self._list("权限", "authority-list", "authority", r.authority))
        out.append(self._list("管理范围", "scope-list", "scope", r.scope))
        out.append(self._list("任职要求", "requirements", "requirement", r.requirements))
        out.append(f"[查看{esc(r.title)}的学习路径]({rel(src, f'study/{r.id}.md')})\n\n")
        return "".join(out)

    def body_etiquette(self, e: Etiquette, src: str) -> str:
        out = []
        if e.rules:
            out.append("## 规范 {#rules}\n\n")
            for i, rule in enumerate(e.rules, 1):
                out.append(f'<div class="hb-rule" id="rule-{i}"><p><strong>{i}.</strong> {hesc(rule.text)}</p>')
                if rule.do:
                    out.append('<p class="hb-do">✔ 应:' + ";".join(hesc(d) for d in rule.do) + "</p>")
                if rule.dont:
                    out.append('<p class="hb-dont">✘ 不应:' + ";".join(hesc(d) for d in rule.dont) + "</p>")
                out.append("</div>\n")
            out.append("\n")
        for title, anchor, phrases, cls in (("标准用语", "phrases", e.phrases, "hb-do"), ("禁语", "forbidden", e.forbidden, "hb-dont")):
            if phrases:
                rows = "".join(
                    f"<tr><td>{hesc(p.when or '')}</td><td class=\"{cls}\">{hesc(p.text)}</td></tr>" for p in phrases)
                out.append(f'## {title} {{#{anchor}}}\n\n<table class="hb-phrases"><thead><tr><th>场合</th>'
                           f"<th>{title}</th></tr></thead><tbody>{rows}</tbody></table>\n\n")
        return "".join(out)

    def body_procedure(self, p: Procedure, src: str) -> str:
        out = []
        facts = []
        if p.owner and p.owner in self.content.items:
            facts.append(f"**负责岗位:** {self.link(src, p.owner)}")
        if facts:
            out.append("  \n".join(facts) + "\n\n")
        if p.trigger:
            out.append(f"## 适用情形 {{#trigger}}\n\n{esc(p.trigger)}\n\n")
        out.append(self._list("所需资料", "materials", "material", p.materials))
        if p.steps:
            out.append("## 办理步骤 {#steps}\n\n<ol class=\"hb-steps\">")
            for i, s in enumerate(p.steps, 1):
                bits = []
                if s.actor:
                    bits.append(f'<span class="hb-actor">{hesc(s.actor)}</span>')
                bits.append(hesc(s.action))
                if s.time_limit:
                    bits.append(f'<span class="hb-limit">时限:{hesc(s.time_limit)}</span>')
                if s.form:
                    spec = self.forms.get(s.form)
                    title = hesc(getattr(spec, "title", s.form))
                    bits.append(f'<a class="hb-form" href="{hesc(rel(src, "forms/index.md", s.form))}">表单:{title}</a>')
                out.append(f'<li id="step-{i}">' + " ".join(bits) + "</li>")
            out.append("</ol>\n\n")
            out.append("## 流程图 {#flowchart}\n\n```mermaid\n" + mermaid(p) + "```\n\n")
        return "".join(out)

    def body_policy(self, p: Policy, src: str) -> str:
        out = [self._list("条款", "rules", "rule", p.rules)]
        for i, sec in enumerate(p.sections, 1):
            items = "".join(f"<li>{hesc(t)}</li>" for t in sec.rules)
            out.append(f"## {esc(sec.title)} {{#section-{i}}}\n\n<ol class=\"hb-list\">{items}</ol>\n\n")
        return "".join(out)

    def body_legal(self, legal: Legal, src: str) -> str:
        out = [f"**法规:** {esc(legal.law)}\n\n"]
        for i, n in enumerate(legal.articles, 1):
            out.append(f"## {esc(n.article)} {{#article-{i}}}\n\n{esc(n.text)}\n\n"
                       f'!!! tip "对前台的意义"\n    {esc(n.desk)}\n\n')
        return "".join(out)

    def body_fact(self, f: Fact, src: str) -> str:
        out = [f'## {esc(f.question)} {{#answer}}\n\n<p class="hb-answer">{hesc(f.answer)}</p>\n\n']
        if f.figure:
            out.append(f'<p><span class="hb-figure">要点:{hesc(f.figure)}</span></p>\n\n')
        if f.quote:
            out.append(f"> 原文:{esc(f.quote)}\n\n")
        return "".join(out)

    def body_case(self, c: Case, src: str) -> str:
        out = [f"## 情形 {{#situation}}\n\n{esc(c.situation)}\n\n"] if c.situation else []
        if c.handling:
            out.append(self._list("处理", "handling", "handling", c.handling))
        if c.lesson:
            out.append(f"## 启示 {{#lesson}}\n\n{esc(c.lesson)}\n\n")
        return "".join(out)

    def footer(self, item: Item, src: str) -> str:
        out = []
        procs = [p for p in item.procedures if p in self.content.items]
        if procs:
            out.append("**相关流程:** " + "、".join(self.link(src, p) for p in procs) + "\n\n")
        forms = list(dict.fromkeys(item.forms + [s.form for s in getattr(item, "steps", []) if s.form]))
        if forms:
            out.append("**相关表单:** " + "、".join(self.form_link(src, f) for f in forms) + "\n\n")
        related = [r for r in item.related if r in self.content.items]
        if related:
            out.append("**相关条目:** " + "、".join(self.link(src, r) for r in related) + "\n\n")
        if item.mends:
            rows = "".join(f"<li>{hesc(m.original)} → {hesc(m.mended)}{('(' + hesc(m.note) + ')') if m.note else ''}</li>"
                           for m in item.mends)
            out.append(f'??? info "文字修订记录"\n    <ul>{rows}</ul>\n\n')
        if item.notes:
            out.append(f'!!! note "备注"\n    {esc(item.notes)}\n\n')
        return "".join(out)

    # --- index pages --------------------------------------------------
    def home(self) -> str:
        out = ["---\ntitle: 首页\nhide:\n  - navigation\n---\n\n", "# 物业客服部工作手册\n\n",
               "面向客服员、前台、管家的学习与查询平台:按岗位学习应知应会,查流程、制度与法规,填写并打印表单。\n\n",
               "有问题直接问:在右上角搜索,或用[全文搜索](/search)输入你想问的话,例如“电话响几声要接”“收房要带什么”。"
               "填表打印请到[表单填写](/forms)。\n\n",
               "## 从你的岗位开始\n\n", '<div class="grid cards" markdown>\n\n']
        roles = sorted(self.content.roles, key=_role_order)
        for r in roles:
            if r.status == "outline":
                continue
            items = [i for i in self.content.for_role(r.id) if i.id != r.id]
            written = sum(1 for i in items if i.status != "outline")
            summary = (r.summary or (r.duties[0] if r.duties else ""))[:60]
            gaps = f"(另有 {len(items) - written} 项待编写)" if len(items) > written else ""
            out.append(f"-   **[{esc(r.title)}](study/{r.id}.md)**\n\n    {esc(summary)}\n\n"
                       f"    须知条目 {written} 项{gaps}\n\n")
        out.append("</div>\n\n")
        listed = [r for r in roles if r.status == "outline"]
        if listed:
            out.append("**其他岗位**(手册只列出岗位名称,职责待编写):"
                       + "、".join(f"[{esc(r.title)}](study/{r.id}.md)" for r in listed) + "\n\n")
        out.append("## 按类别浏览\n\n")
        for kind in KIND_ORDER:
            items = self.content.of_kind(kind)
            if items:
                out.append(f"- [{KIND_LABELS[kind]}]({KIND_FOLDERS[kind]}/index.md) · {len(items)} 项\n")
        out.append("- [表单](forms/index.md) · [术语表](glossary.md) · [标签](tags.md) · [编辑:待补内容](editors.md)\n")
        if self.content.profile:
            out.append("- [本项目概况(小区概况、收费标准、常用电话)](profile.md)\n")
        return "".join(out)

    def study_path(self, role: Role) -> str:
        src = f"study/{role.id}.md"
        out = [f"---\ntitle: {_yaml_str(role.title + ' 学习路径')}\n---\n\n# {esc(role.title)} · 学习路径\n\n"]
        out.append("先读岗位职责,再按顺序学习礼仪、流程、制度与应知应会,最后做一次自测。\n\n")
        out.append(f"## 1. 岗位职责 {{#duties}}\n\n- {self.link(src, role.id)}"
                   f"{'(手册只列出岗位名称,职责待编写)' if role.status == 'outline' else ''}\n\n")
        groups: dict[str, list[Item]] = defaultdict(list)
        for item in self.content.for_role(role.id):
            if item.id != role.id:
                groups[item.kind].append(item)
        step = 2
        for kind in KIND_ORDER[1:]:
            items = groups[kind]
            if not items:
                continue
            written = [i for i in items if i.status != "outline"]
            gaps = [i for i in items if i.status == "outline"]
            out.append(f"## {step}. {KIND_LABELS[kind]}({len(written)} 项) {{#{KIND_FOLDERS[kind]}}}\n\n")
            out += [f"- {self.link(src, i.id)}{'(草稿)' if i.status == 'draft' else ''}\n" for i in written]
            if gaps:
                out.append(f'\n??? note "手册只列出标题、正文待编写的 {len(gaps)} 项"\n\n')
                out += [f"    - {self.link(src, i.id)}\n" for i in gaps]
            out.append("\n")
            step += 1
        forms = sorted({f for i in self.content.for_role(role.id)
                        for f in i.forms + [s.form for s in getattr(i, "steps", []) if s.form] if f in self.forms})
        if forms:
            out.append(f"## {step}. 常用表单 {{#forms}}\n\n" + "".join(f"- {self.form_link(src, f)}\n" for f in forms) + "\n")
            step += 1
        if f"quiz/{role.id}.md" in self.extra:
            out.append(f"## {step}. 自测 {{#quiz}}\n\n[开始自测]({rel(src, f'quiz/{role.id}.md')}):随机抽题,当场判分,附答案出处。\n")
        return "".join(out)

    def kind_index(self, kind: str) -> str:
        src = f"{KIND_FOLDERS[kind]}/index.md"
        out = [f"# {KIND_LABELS[kind]}\n\n"]
        items = sorted(self.content.of_kind(kind), key=lambda i: (i.status == "outline", i.title))
        written = [i for i in items if i.status != "outline"]
        gaps = [i for i in items if i.status == "outline"]
        for i in written:
            out.append(f"- {self.link(src, i.id)}{' · 草稿' if i.status == 'draft' else ''}\n")
        if gaps:
            out.append(f"\n## 待编写({len(gaps)} 项)\n\n")
            out += [f"- {self.link(src, i.id)}\n" for i in gaps]
        return "".join(out)

    def editors(self) -> str:
        src = "editors.md"
        items = sorted(self.content, key=lambda i: (i.kind, i.id))
        outline = [i for i in items if i.status == "outline"]
        draft = [i for i in items if i.status == "draft"]
        out = ["# 编辑:待补内容\n\n",
               f"共 {len(items)} 项:已有出处 {len(items) - len(outline) - len(draft)} 项,"
               f"待编写 {len(outline)} 项,草稿 {len(draft)} 项。\n\n",
               f"## 待编写(手册只有标题)· {len(outline)} 项 {{#outline}}\n\n",
               "| 类别 | 条目 | 列于 |\n|---|---|---|\n"]
        for i in outline:
            where = ";".join(f"{s.manual} {esc(s.section)}" for s in i.source)
            out.append(f"| {KIND_LABELS[i.kind]} | {self.link(src, i.id)} | {where} |\n")
        out.append(f"\n## 草稿(待审核)· {len(draft)} 项 {{#draft}}\n\n| 类别 | 条目 |\n|---|---|\n")
        for i in draft:
            out.append(f"| {KIND_LABELS[i.kind]} | {self.link(src, i.id)} |\n")
        cited = defaultdict(int)
        for i in items:
            for s in i.source:
                cited[s.manual] += 1
        out.append("\n## 各手册引用 {#manuals}\n\n| 手册 | 标题 | 条目数 |\n|---|---|---|\n")
        for m, title in MANUALS.items():
            out.append(f"| {m} | {esc(title)} | {cited.get(m, 0)} |\n")
        return "".join(out)

    def glossary(self) -> str:
        out = ["# 术语表\n\n"]
        for t in sorted(self.content.glossary.terms, key=lambda t: t.term):
            syn = f"(又称:{esc('、'.join(t.synonyms))})" if t.synonyms else ""
            # the term's anchor, where search results link (search.documents: /glossary/#<term>)
            anchor = html.escape(glossary_anchor(t.term), quote=True)
            out.append(f'<a id="{anchor}"></a>**{esc(t.term)}**{syn}\n:   {esc(t.definition)}\n\n')
        return "".join(out)

    def tags_page(self) -> str:
        src = "tags.md"
        out = ["# 标签\n\n"]
        if not self.content.tags:
            return "".join(out)
        by_tag: dict[str, list[Item]] = defaultdict(list)
        for item in self.content:
            for t in item.tags:
                by_tag[t].append(item)
        for tag_id, tag in self.content.tags.tags.items():
            if by_tag[tag_id]:
                out.append(f"## {esc(tag.label)} {{#{tag_id}}}\n\n")
                out += [f"- {self.link(src, i.id)}({KIND_LABELS[i.kind]})\n"
                        for i in sorted(by_tag[tag_id], key=lambda i: (KIND_ORDER.index(i.kind), i.title))]
                out.append("\n")
        return "".join(out)

    def forms_index(self) -> str:
        src = "forms/index.md"
        out = ["# 表单\n\n", "前台可在本系统的[表单填写页](/forms)在线填写并打印 PDF / Word(需运行 `handbook serve`)。\n\n"]
        users: dict[str, list[Item]] = defaultdict(list)
        for item in self.content:
            for f in item.forms + [s.form for s in getattr(item, "steps", []) if s.form]:
                if item not in users[f]:
                    users[f].append(item)
        for fid, spec in sorted(self.forms.items(), key=lambda kv: (getattr(kv[1], "code", None) or "~", kv[0])):
            code = getattr(spec, "code", None)
            out.append(f'## {esc(spec.title)} {{#{fid}}}\n\n')
            if code:
                out.append(f"编号:{esc(code)}  \n")
            if getattr(spec, "description", None):
                out.append(f"{esc(spec.description)}  \n")
            used = users.get(fid, [])
            if used:
                out.append("用于:" + "、".join(self.link(src, i.id) for i in used) + "  \n")
            out.append(f'<a href="/forms/{fid}">在线填写</a> · <a href="/forms/{fid}/blank.pdf">空白 PDF</a> · '
                       f'<a href="/forms/{fid}/blank.docx">空白 Word</a>\n\n')
        return "".join(out)

    def profile(self) -> str:
        p = self.content.profile
        assert p is not None
        out = [f"# 本项目概况:{esc(p.name)}\n\n"]
        if p.example:
            out.append('!!! warning "示例数据"\n    以下为示例值,请项目内业替换为本项目的实际信息。\n\n')
        out.append(f"- **物业公司:** {esc(p.company)}\n- **地址:** {esc(p.address)}\n- **客服电话:** {esc(p.service_phone)}\n\n")
        for i, sec in enumerate(p.sections, 1):
            out.append(f"## {esc(sec.title)} {{#profile-{i}}}\n\n| 项目 | 内容 |\n|---|---|\n")
            out += [f"| {esc(e.label)} | {esc(e.value)} |\n" for e in sec.entries]
            out.append("\n")
        return "".join(out)

    # --- all ----------------------------------------------------------
    def pages(self) -> dict[str, str]:
        pages: dict[str, str] = {"index.md": self.home(), "editors.md": self.editors(),
                                 "glossary.md": self.glossary(), "tags.md": self.tags_page(),
                                 "forms/index.md": self.forms_index()}
        if self.content.profile:
            pages["profile.md"] = self.profile()
        for kind in KIND_ORDER:
            if self.content.of_kind(kind):
                pages[f"{KIND_FOLDERS[kind]}/index.md"] = self.kind_index(kind)
        for item in self.content:
            pages[self.src(item)] = self.item_page(item)
        for role in self.content.roles:
            pages[f"study/{role.id}.md"] = self.study_path(role)
        pages.update(self.extra)
        return pages

    def nav(self) -> list[Any]:
        """The navigation a clerk follows: home, posts' study paths, then the kinds."""
        nav: list[Any] = [{"首页": "index.md"}]
        nav.append({"学习路径": [{r.title: f"study/{r.id}.md"} for r in sorted(self.content.roles, key=_role_order)]})
        for kind in KIND_ORDER:
            items = sorted(self.content.of_kind(kind), key=lambda i: (i.status == "outline", i.title))
            if items:
                nav.append({KIND_LABELS[kind]: [f"{KIND_FOLDERS[kind]}/index.md"] +
                            [{i.title: self.src(i)} for i in items if i.status != "outline"]})
        nav.append({"表单": "forms/index.md"})
        quiz = sorted(p for p in self.extra if p.startswith("quiz/") and p.endswith(".md"))
        if quiz:
            nav.append({"自测": quiz})
        more = [{"术语表": "glossary.md"}, {"标签": "tags.md"}, {"编辑:待补内容": "editors.md"}]
        if self.content.profile:
            more.insert(0, {"本项目概况": "profile.md"})
        nav.append({"更多": more})
        return nav


ROLE_ORDER = ["kefu-yuan", "qiantai-jiedai", "qiantai-shoufei", "tiexin-guanjia", "kefu-guanliyuan", "libin",
              "wuye-zhuli", "kefu-zhuli", "wenyuan", "neiye", "kefu-zhuren-zhuli", "kefu-zhuren", "kefu-zhuguan",
              "kefu-jingli", "xiangmu-jingli"]


def _role_order(r: Item) -> tuple[int, str]:
    return (ROLE_ORDER.index(r.id) if r.id in ROLE_ORDER else len(ROLE_ORDER), r.id)


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mermaid_label(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(p: Procedure) -> str:
    """A top-down flowchart of the steps; the actor and time limit shown in each box."""
    lines = ["flowchart TD"]
    start = _mermaid_label(p.trigger or "开始", 30)
    lines.append(f'  start(["{start}"])')
    prev = "start"
    for i, s in enumerate(p.steps, 1):
        label = f"{i}. " + (f"{s.actor}:" if s.actor else "") + s.action
        if s.time_limit:
            label = _mermaid_label(label, 36) + f"<br/>时限:{_mermaid_label(s.time_limit, 20)}"
        else:
            label = _mermaid_label(label)
        lines.append(f'  s{i}["{label}"]')
        lines.append(f"  {prev} --> s{i}")
        prev = f"s{i}"
    lines.append('  done(["完成"])')
    lines.append(f"  {prev} --> done")
    return "\n".join(lines) + "\n"
