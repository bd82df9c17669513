"""The staff site's pages, as Markdown, from the typed content.

``Site(content, forms).pages()`` returns {source path: markdown}: the staff pages (written
items only, see :func:`~builder.core.model.staff_visible`) and the editors' section
(``builder.site.editors``). The MkDocs plugin
(``builder.site.plugin``) adds them as generated files; nothing here knows about MkDocs, so the
pages can be tested (golden files) without a build.

Every landing place of an item (``Item.parts()``) gets the same anchor here that search
and quizzes link to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from builder.core.load import Content
from builder.core.model import (
    KIND_FOLDERS,
    KIND_LABELS,
    Case,
    Etiquette,
    Fact,
    Item,
    Legal,
    Policy,
    Procedure,
    Role,
    Step,
    staff_visible,
)
from builder.core.urls import glossary_anchor, item_src
from builder.site.cards import card_groups, profile_value
from builder.site.editors import EditorsPages
from builder.site.markup import esc, hesc, href, rel, zh_punct

KIND_ORDER = ["role", "etiquette", "procedure", "policy", "legal", "fact", "case"]

class Site:
    """Builds every page; holds the content and the index of forms.

    Staff pages show only what :func:`~builder.core.model.staff_visible` lets through; the
    editors' pages under ``editors/`` list everything, with the machinery (codes, lines,
    mends, notes) staff never see."""

    def __init__(self, content: Content, forms: dict[str, Any] | None = None, extra: dict[str, str] | None = None):
        self.content = content
        self.forms = forms or {}
        self.extra = extra or {}
        self.visible = {i.id for i in content if staff_visible(i)}

    # --- helpers ------------------------------------------------------
    def src(self, item: Item) -> str:
        return item_src(item.kind, item.id)

    def shown(self, ids: list[str]) -> list[str]:
        """The ids staff may follow: known, not gaps, each once."""
        return [i for i in dict.fromkeys(ids) if i in self.visible]

    def link(self, from_src: str, item_id: str, anchor: str | None = None) -> str:
        item = self.content.items[item_id]
        if item_id not in self.visible:
            return esc(item.title)
        return f"[{esc(item.title)}]({rel(from_src, self.src(item), anchor)}){self.mark(item)}"

    def hlink(self, from_src: str, item: Item, anchor: str | None = None) -> str:
        """A link inside raw HTML."""
        return f'<a href="{hesc(href(from_src, self.src(item), anchor))}">{hesc(item.title)}</a>'

    def role_title(self, role_id: str) -> str:
        r = self.content.items.get(role_id)
        return r.title if r else role_id

    def form_title(self, form_id: str) -> str:
        spec = self.forms.get(form_id)
        return str(getattr(spec, "title", None) or form_id)

    def form_link(self, from_src: str, form_id: str) -> str:
        spec = self.forms.get(form_id)
        code = getattr(spec, "code", None)
        label = f"{self.form_title(form_id)}（{code}）" if code else self.form_title(form_id)
        return f"[{esc(label)}]({rel(from_src, 'forms/index.md', form_id)})"

    def mark(self, item: Item) -> str:
        """The plain mark a draft carries wherever staff meet it."""
        return ' <span class="hb-pending" title="本条尚待公司审核">待审核</span>' if item.awaiting_approval else ""

    def learn_button(self, item_id: str) -> str:
        return (f'<button class="hb-learn" type="button" data-learn="{hesc(item_id)}" hidden>'
                '<span class="hb-learn-off">标为已学</span><span class="hb-learn-on">✔ 已学</span></button>')

    def provenance(self, item: Item) -> str:
        where = item.provenance() if item.source else ""
        text = f"出处：{where}" if where else "出处：本部门编写"
        return f'<p class="hb-source">{hesc(text)}</p>\n\n'

    def meta(self, item: Item) -> str:
        lines = ["---", f"title: {_yaml_str(zh_punct(item.title))}"]
        if item.tags and self.content.tags:
            lines.append("tags:")
            lines += [f"  - {_yaml_str(self.content.tags.tags[t].label)}" for t in item.tags if t in self.content.tags.tags]
        lines.append("---")
        return "\n".join(lines) + "\n\n"

    def steps_of(self, item: Item) -> list[Step]:
        return list(item.steps) if isinstance(item, Procedure) else []

    def forms_of(self, item: Item) -> list[str]:
        return list(dict.fromkeys(item.forms + [s.form for s in self.steps_of(item) if s.form]))

    # --- item pages ---------------------------------------------------
    def item_page(self, item: Item) -> str:
        src = self.src(item)
        out = [self.meta(item), f"# {esc(item.title)}{self.mark(item)}\n\n", self.learn_button(item.id), "\n\n"]
        posts = self.shown(item.roles)
        if posts and item.kind != "role":
            out.append("**须知岗位：** " + "、".join(self.link(src, r) for r in posts) + "\n\n")
        if item.summary:
            out.append(f"## 概述 {{#summary}}\n\n{esc(item.summary)}\n\n")
        body: Callable[[Any, str], str] = getattr(self, f"body_{item.kind}")
        out.append(body(item, src))
        out.append(self.footer(item, src))
        out.append(self.provenance(item))
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
            facts.append(f"**又称：** {esc('、'.join(r.aliases))}")
        if r.reports_to and r.reports_to in self.content.items:
            facts.append(f"**上级：** {self.link(src, r.reports_to)}")
        subs = [s for s in r.subordinates if s in self.content.items]
        if subs:
            facts.append("**下级：** " + "、".join(self.link(src, s) for s in subs))
        if facts:
            out.append("  \n".join(facts) + "\n\n")
        out.append(self._list("岗位职责", "duties", "duty", r.duties))
        n = len(r.duties)
        for where, duties in r.duties_for.items():
            if not r.duties:
                out.append("## 岗位职责 {#duties}\n\n")
            items = "".join(f'<li id="duty-{n + i}">{hesc(t)}</li>' for i, t in enumerate(duties, 1))
            out.append(f'<p class="hb-only"><strong>{hesc(where)}项目另有：</strong></p>'
                       f'<ol class="hb-list" start="{n + 1}">{items}</ol>\n\n')
            n += len(duties)
        out.append(self._list("权限", "authority-list", "authority", r.authority))
        out.append(self._list("管理范围", "scope-list", "scope", r.scope))
        out.append(self._list("任职要求", "requirements", "requirement", r.requirements))
        owned = self.owned_steps(r)
        if owned:
            rows = []
            for p, steps in owned:
                steps_at = "、".join(f"[第{n}步]({rel(src, self.src(p), f'step-{n}')})" for n in steps)
                rows.append(f"- {self.link(src, p.id)}" + (f"（{steps_at}）" if steps_at else "（负责岗位）") + "\n")
            out.append("## 负责的流程 {#owned}\n\n" + "".join(rows) + "\n")
        if any(x.id == r.id for x in self.staff_roles()):
            out.append(f"[查看{esc(r.title)}的学习路径]({rel(src, f'study/{r.id}.md')})\n\n")
        return "".join(out)

    def owned_steps(self, r: Role) -> list[tuple[Procedure, list[int]]]:
        """The written procedures a post owns, and the steps (or branches) it does by name."""
        names = {r.title, *r.aliases}
        out = []
        for p in sorted(self.content.of_kind("procedure"), key=lambda p: p.title):
            if not isinstance(p, Procedure) or p.id not in self.visible:
                continue
            steps = [n for n, s in enumerate(p.steps, 1)
                     if s.actor in names or any(b.actor in names for b in s.branches)]
            if steps or p.owner == r.id:
                out.append((p, steps))
        return out

    def body_etiquette(self, e: Etiquette, src: str) -> str:
        out = []
        if e.rules:
            out.append("## 规范 {#rules}\n\n")
            for i, rule in enumerate(e.rules, 1):
                out.append(f'<div class="hb-rule" id="rule-{i}"><p><strong>{i}.</strong> {hesc(rule.text)}</p>')
                if rule.do:
                    out.append('<p class="hb-do">✔ 应：' + "；".join(hesc(d) for d in rule.do) + "</p>")
                if rule.dont:
                    out.append('<p class="hb-dont">✘ 不应：' + "；".join(hesc(d) for d in rule.dont) + "</p>")
                out.append("</div>\n")
            out.append("\n")
        for title, anchor, phrases, cls in (("标准用语", "phrases", e.phrases, "hb-do"), ("禁语", "forbidden", e.forbidden, "hb-dont")):
            if phrases:
                rows = "".join(
                    f"<tr><td>{hesc(p.when or '')}</td><td class=\"{cls}\">{hesc(p.text)}</td></tr>" for p in phrases)
                out.append(f'## {title} {{#{anchor}}}\n\n<table class="hb-phrases"><thead><tr><th>场合</th>'
                           f"<th>{title}</th></tr></thead><tbody>{rows}</tbody></table>\n\n")
        return "".join(out)

    def step_html(self, s: Step, src: str) -> str:
        bits = []
        if s.actor:
            bits.append(f'<span class="hb-actor">{hesc(s.actor)}</span>')
        bits.append(f'<span class="hb-action">{hesc(s.action)}</span>')
        if s.time_limit:
            bits.append(f'<span class="hb-limit">时限：{hesc(s.time_limit)}</span>')
        if s.form:
            bits.append(f'<a class="hb-form" href="{hesc(href(src, "forms/index.md", s.form))}">'
                        f"表单：{hesc(self.form_title(s.form))}</a>")
        if s.source:
            bits.append(f'<span class="hb-step-source">（出处：{hesc(s.source.provenance())}）</span>')
        if s.branches:
            rows = []
            for b in s.branches:
                who = f'<span class="hb-actor">{hesc(b.actor)}</span>' if b.actor else ""
                limit = f' <span class="hb-limit">时限：{hesc(b.time_limit)}</span>' if b.time_limit else ""
                pending = ' <span class="hb-pending" title="本条尚待公司审核">待审核</span>' if b.draft else ""
                rows.append(f'<li><span class="hb-when">{hesc(b.when)}</span> → {who}'
                            f'<span class="hb-action">{hesc(b.then)}</span>{limit}{pending}</li>')
            bits.append('<ul class="hb-branches">' + "".join(rows) + "</ul>")
        return " ".join(bits)

    def body_procedure(self, p: Procedure, src: str) -> str:
        out = []
        if p.owner and p.owner in self.visible:
            out.append(f"**负责岗位：** {self.link(src, p.owner)}\n\n")
        if p.trigger:
            out.append(f"## 适用情形 {{#trigger}}\n\n{esc(p.trigger)}\n\n")
        out.append(self._list("所需资料", "materials", "material", p.materials))
        if p.steps:
            out.append('## 办理步骤 {#steps}\n\n<div class="hb-procedure">')
            out.append('<ol class="hb-steps">')
            for i, s in enumerate(p.steps, 1):
                out.append(f'<li id="step-{i}">{self.step_html(s, src)}</li>')
            out.append("</ol>")
            if p.rhyme:
                out.append(self.rhyme_html(p))
            out.append("</div>\n\n")
            titles = {f: self.form_title(f) for f in self.forms}
            out.append("## 流程图 {#flowchart}\n\n```mermaid\n" + mermaid(p, titles) + "```\n\n")
        elif p.rhyme:
            out.append(self.rhyme_html(p) + "\n\n")
        return "".join(out)

    def rhyme_html(self, p: Procedure) -> str:
        assert p.rhyme is not None
        lines = "".join(f"<p>{hesc(line)}</p>" for line in p.rhyme.lines)
        where = f'<p class="hb-source">出处：{hesc(p.rhyme.source.provenance())}</p>' if p.rhyme.source else ""
        return (f'<aside class="hb-rhyme" id="rhyme"><p class="hb-rhyme-title">{hesc(p.rhyme.title or "口诀")}</p>'
                f"{lines}{where}</aside>")

    def body_policy(self, p: Policy, src: str) -> str:
        out = [self._list("条款", "rules", "rule", p.rules)]
        for i, sec in enumerate(p.sections, 1):
            items = "".join(f"<li>{hesc(t)}</li>" for t in sec.rules)
            out.append(f"## {esc(sec.title)} {{#section-{i}}}\n\n<ol class=\"hb-list\">{items}</ol>\n\n")
        return "".join(out)

    def body_legal(self, legal: Legal, src: str) -> str:
        out = [f"**法规：** {esc(legal.law)}\n\n"]
        for i, n in enumerate(legal.articles, 1):
            excerpt = ' <span class="hb-excerpt">（节录）</span>' if n.excerpt else ""
            out.append(f"## {esc(n.article)} {{#article-{i}}}\n\n{esc(n.text)}{excerpt}\n\n"
                       f'!!! tip "对前台的意义"\n    {esc(n.desk)}\n\n')
        return "".join(out)

    def body_fact(self, f: Fact, src: str) -> str:
        out = [f'## {esc(f.question)} {{#answer}}\n\n<p class="hb-answer">{hesc(f.answer)}</p>\n\n']
        values = profile_value(f, self.content.profile)
        if values:
            out.append(self.profile_table(values, src))
        if f.figure:
            out.append(f'<p><span class="hb-figure">要点：{hesc(f.figure)}</span></p>\n\n')
        if f.quote:
            out.append(f"> 原文：{esc(f.quote)}\n\n")
        return "".join(out)

    def profile_table(self, values: list[tuple[str, str]], src: str) -> str:
        rows = "".join(f"<tr><th>{hesc(k)}</th><td>{hesc(v)}</td></tr>" for k, v in values)
        example = ""
        if self.content.profile and self.content.profile.example:
            example = '<p class="hb-example">以上是示例数据，以本项目的《应知应会》为准。</p>'
        return (f'<table class="hb-profile"><caption>本项目：<a href="{hesc(href(src, "profile.md"))}">'
                f"{hesc(self.content.profile.name if self.content.profile else '')}</a></caption>"
                f"<tbody>{rows}</tbody></table>{example}\n\n")

    def body_case(self, c: Case, src: str) -> str:
        out = [f"## 情形 {{#situation}}\n\n{esc(c.situation)}\n\n"] if c.situation else []
        if c.handling:
            out.append(self._list("处理", "handling", "handling", c.handling))
        if c.lesson:
            out.append(f"## 启示 {{#lesson}}\n\n{esc(c.lesson)}\n\n")
        return "".join(out)

    def footer(self, item: Item, src: str) -> str:
        out = []
        procs = self.shown(item.procedures)
        if procs:
            out.append("**相关流程：** " + "、".join(self.link(src, p) for p in procs) + "\n\n")
        forms = [f for f in self.forms_of(item) if f in self.forms]
        if forms:
            out.append("**相关表单：** " + "、".join(self.form_link(src, f) for f in forms) + "\n\n")
        related = self.shown(item.related)
        if related:
            out.append("**相关条目：** " + "、".join(self.link(src, r) for r in related) + "\n\n")
        return "".join(out)

    # --- posts --------------------------------------------------------
    def staff_roles(self) -> list[Role]:
        """The posts a new hire can choose: written, with something to study besides the post itself."""
        return [r for r in sorted(self.content.roles, key=_role_order)
                if r.id in self.visible and isinstance(r, Role) and len(self.role_items(r)) > 1]

    def role_items(self, role: Role) -> list[Item]:
        """What a post studies: written items only, the post's own page first."""
        return [i for i in self.content.for_role(role.id) if i.id in self.visible]

    def home(self) -> str:
        out = ["---\ntitle: 首页\nhide:\n  - navigation\n---\n\n", "# 物业客服部工作手册\n\n",
               "面向客服员、前台、管家的学习与查询平台：按岗位学习应知应会，查流程、制度与法规，填写并打印表单。\n\n",
               "有问题直接问：在右上角搜索，或用[全文搜索](/search)输入你想问的话，例如“电话响几声要接”“收房要带什么”。"
               "填表打印请到[表单填写](/forms)。\n\n",
               "## 从你的岗位开始\n\n", '<div class="grid cards" markdown>\n\n']
        for r in self.staff_roles():
            items = [i for i in self.role_items(r) if i.id != r.id]
            summary = _first_sentence(r.summary or (r.all_duties() or [""])[0])
            out.append(f"-   **[{esc(r.title)}](study/{r.id}.md)**\n\n    {esc(summary)}\n\n"
                       f"    须学 {len(items)} 项\n\n")
        out.append("</div>\n\n")
        out.append("## 按类别浏览\n\n")
        for kind in KIND_ORDER:
            items = [i for i in self.content.of_kind(kind) if i.id in self.visible]
            if items:
                out.append(f"- [{KIND_LABELS[kind]}]({KIND_FOLDERS[kind]}/index.md) · {len(items)} 项\n")
        out.append("- [表单](forms/index.md) · [术语表](glossary.md) · [标签](tags.md)\n")
        if self.content.profile:
            out.append("- [本项目概况（小区概况、收费标准、常用电话）](profile.md)\n")
        return "".join(out)

    def study_index(self) -> str:
        src = "study/index.md"
        out = ["---\ntitle: 学习路径\n---\n\n# 你在哪个岗位？\n\n",
               "选你的岗位，按它的学习路径一步步学：先读岗位职责，再学礼仪、流程、制度和应知应会，最后做自测。"
               "学过的条目可以标为已学，进度保存在这台电脑的浏览器里，不需要登录。\n\n",
               '<div class="hb-posts">\n']
        for r in self.staff_roles():
            summary = _first_sentence(r.summary or (r.all_duties() or [""])[0])
            ids = " ".join(i.id for i in self.role_items(r))
            out.append(f'<a class="hb-post" data-post="{r.id}" href="{hesc(href(src, f"study/{r.id}.md"))}">'
                       f'<strong>{hesc(r.title)}</strong><span>{hesc(summary)}</span>'
                       f'<span class="hb-progress-text" data-progress="{hesc(ids)}"></span></a>\n')
        out.append("</div>\n")
        return "".join(out)

    def study_path(self, role: Role) -> str:
        src = f"study/{role.id}.md"
        items = self.role_items(role)
        ids = " ".join(i.id for i in items)
        out = [f"---\ntitle: {_yaml_str(zh_punct(role.title) + ' 学习路径')}\n---\n\n# {esc(role.title)} · 学习路径\n\n",
               f'<div class="hb-path-head" data-post="{role.id}"><div class="hb-progress" data-progress="{hesc(ids)}">'
               '<div class="hb-progress-bar"><span></span></div><p class="hb-progress-text"></p></div>']
        if f"quiz/{role.id}.md" in self.extra:
            out.append(f'<a class="md-button md-button--primary" href="{hesc(href(src, f"quiz/{role.id}.md"))}">'
                       "做本岗位自测</a>")
        out.append("</div>\n\n先读岗位职责，再按顺序学习礼仪、流程、制度与应知应会，最后做一次自测。"
                   "学完一项，在它的页面上点“标为已学”。\n\n")
        out.append(f"## 1. 岗位职责 {{#duties}}\n\n{self.path_list(src, [role])}\n\n")
        groups: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            if item.id != role.id:
                groups[item.kind].append(item)
        step = 2
        for kind in KIND_ORDER[1:]:
            kind_items = groups[kind]
            if not kind_items:
                continue
            out.append(f"## {step}. {KIND_LABELS[kind]}（{len(kind_items)} 项） {{#{KIND_FOLDERS[kind]}}}\n\n")
            if kind == "fact":
                out.append(f"应知应会按主题做成了卡片，一页学完：[打开{esc(role.title)}的应知应会卡片]"
                           f"({rel(src, f'cards/{role.id}.md')})\n\n")
            else:
                out.append(self.path_list(src, kind_items) + "\n\n")
            step += 1
        forms = sorted({f for i in items for f in self.forms_of(i) if f in self.forms})
        if forms:
            out.append(f"## {step}. 常用表单 {{#forms}}\n\n" + "".join(f"- {self.form_link(src, f)}\n" for f in forms) + "\n")
            step += 1
        if f"quiz/{role.id}.md" in self.extra:
            out.append(f"## {step}. 自测 {{#quiz}}\n\n[开始自测]({rel(src, f'quiz/{role.id}.md')})：随机抽题，当场判分，附答案出处。\n")
        return "".join(out)

    def path_list(self, src: str, items: list[Item]) -> str:
        rows = "".join(f'<li data-learn="{hesc(i.id)}">{self.hlink(src, i)}{self.mark(i)}</li>' for i in items)
        return f'<ul class="hb-path">{rows}</ul>'

    def cards_page(self, role: Role) -> str:
        src = f"cards/{role.id}.md"
        facts = [i for i in self.role_items(role) if isinstance(i, Fact)]
        groups = card_groups(facts, self.content.profile)
        ids = " ".join(f.id for f in facts)
        out = [f"---\ntitle: {_yaml_str(zh_punct(role.title) + ' 应知应会')}\n---\n\n# {esc(role.title)} · 应知应会卡片\n\n",
               f'<div class="hb-progress" data-progress="{hesc(ids)}"><div class="hb-progress-bar"><span></span></div>'
               '<p class="hb-progress-text"></p></div>\n\n',
               f"共 {len(facts)} 张卡片，按主题分组。记住一张，点它的“标为已学”。"
               f"[回到学习路径]({rel(src, f'study/{role.id}.md')})\n\n"]
        if any(c.profile for _, cards in groups for c in cards):
            out.append("写着“本项目”的卡片因小区而异：要熟记本小区的数字，客户咨询时不查阅书面资料，第一时间即时回复。\n\n")
        for n, (title, cards) in enumerate(groups, 1):
            out.append(f"## {esc(title)}（{len(cards)}） {{#group-{n}}}\n\n<div class=\"hb-cards\">\n")
            for c in cards:
                f = c.fact
                body = f'<p class="hb-answer">{hesc(c.answer)}</p>' if c.answer else ""
                if c.profile:
                    rows = "".join(f"<tr><th>{hesc(k)}</th><td>{hesc(v)}</td></tr>" for k, v in c.profile)
                    body += f'<table class="hb-profile"><caption>本项目</caption><tbody>{rows}</tbody></table>'
                figure = f'<span class="hb-figure">{hesc(f.figure)}</span>' if f.figure else ""
                also = ""
                if c.also:
                    also = ('<p class="hb-also">也回答了：' + "；".join(
                        f'<a id="{hesc(a.id)}" href="{hesc(href(src, self.src(a)))}">{hesc(a.question)}</a>'
                        for a in c.also) + "</p>")
                out.append(f'<div class="hb-card" id="{hesc(f.id)}"><p class="hb-q">{hesc(f.question)}</p>{body}{also}'
                           f'<p class="hb-card-foot">{figure}{self.mark(f)}'
                           f'<a href="{hesc(href(src, self.src(f)))}">详情</a>{self.learn_button(" ".join(c.ids))}</p></div>\n')
            out.append("</div>\n\n")
        return "".join(out)

    def kind_index(self, kind: str) -> str:
        src = f"{KIND_FOLDERS[kind]}/index.md"
        out = [f"# {KIND_LABELS[kind]}\n\n"]
        items = sorted((i for i in self.content.of_kind(kind) if i.id in self.visible), key=lambda i: i.title)
        out += [f"- {self.link(src, i.id)}\n" for i in items]
        return "".join(out)

    def glossary(self) -> str:
        out = ["# 术语表\n\n"]
        for t in sorted(self.content.glossary.terms, key=lambda t: t.term):
            syn = f"（又称：{esc('、'.join(t.synonyms))}）" if t.synonyms else ""
            # the term's anchor, where search results link (search.documents: /glossary/#<term>)
            anchor = hesc(glossary_anchor(t.term))
            out.append(f'<a id="{anchor}"></a>**{esc(t.term)}**{syn}\n:   {esc(t.definition)}\n\n')
        return "".join(out)

    def tags_page(self) -> str:
        src = "tags.md"
        out = ["# 标签\n\n"]
        if not self.content.tags:
            return "".join(out)
        by_tag: dict[str, list[Item]] = defaultdict(list)
        for item in self.content:
            if item.id in self.visible:
                for t in item.tags:
                    by_tag[t].append(item)
        for tag_id, tag in self.content.tags.tags.items():
            if by_tag[tag_id]:
                out.append(f"## {esc(tag.label)} {{#{tag_id}}}\n\n")
                out += [f"- {self.link(src, i.id)}（{KIND_LABELS[i.kind]}）\n"
                        for i in sorted(by_tag[tag_id], key=lambda i: (KIND_ORDER.index(i.kind), i.title))]
                out.append("\n")
        return "".join(out)

    def forms_index(self) -> str:
        src = "forms/index.md"
        out = ["# 表单\n\n", "前台可在[表单填写页](/forms)在线填写并打印 PDF 或 Word。\n\n"]
        users: dict[str, list[Item]] = defaultdict(list)
        for item in self.content:
            if item.id not in self.visible:
                continue
            for f in self.forms_of(item):
                if item not in users[f]:
                    users[f].append(item)
        for fid, spec in sorted(self.forms.items(), key=lambda kv: (getattr(kv[1], "code", None) or "~", kv[0])):
            code = getattr(spec, "code", None)
            out.append(f'## {esc(spec.title)} {{#{fid}}}\n\n')
            if code:
                out.append(f"编号：{esc(code)}  \n")
            about = staff_sentences(getattr(spec, "description", None) or "")
            if about:
                out.append(f"{esc(about)}  \n")
            used = users.get(fid, [])
            if used:
                out.append("用于：" + "、".join(self.link(src, i.id) for i in used) + "  \n")
            out.append(f'<a href="/forms/{fid}">在线填写</a> · <a href="/forms/{fid}/blank.pdf">空白 PDF</a> · '
                       f'<a href="/forms/{fid}/blank.docx">空白 Word</a>\n\n')
        return "".join(out)

    def profile(self) -> str:
        p = self.content.profile
        assert p is not None
        out = [f"# 本项目概况：{esc(p.name)}\n\n"]
        if p.example:
            out.append('!!! warning "示例数据"\n    以下为示例值，以本项目的《应知应会》为准。\n\n')
        out.append(f"- **物业公司：** {esc(p.company)}\n- **地址：** {esc(p.address)}\n- **客服电话：** {esc(p.service_phone)}\n\n")
        for i, sec in enumerate(p.sections, 1):
            out.append(f"## {esc(sec.title)} {{#profile-{i}}}\n\n| 项目 | 内容 |\n|---|---|\n")
            out += [f"| {esc(e.label)} | {esc(e.value)} |\n" for e in sec.entries]
            out.append("\n")
        return "".join(out)

    # --- all ----------------------------------------------------------
    def pages(self) -> dict[str, str]:
        """Every page: the staff pages, then the editors' section."""
        pages: dict[str, str] = {"index.md": self.home(), "study/index.md": self.study_index(),
                                 "glossary.md": self.glossary(), "tags.md": self.tags_page(),
                                 "forms/index.md": self.forms_index()}
        if self.content.profile:
            pages["profile.md"] = self.profile()
        for kind in KIND_ORDER:
            if any(i.id in self.visible for i in self.content.of_kind(kind)):
                pages[f"{KIND_FOLDERS[kind]}/index.md"] = self.kind_index(kind)
        for item in self.content:
            if item.id in self.visible:
                pages[self.src(item)] = self.item_page(item)
        for role in self.staff_roles():
            pages[f"study/{role.id}.md"] = self.study_path(role)
            if any(isinstance(i, Fact) for i in self.role_items(role)):
                pages[f"cards/{role.id}.md"] = self.cards_page(role)
        pages.update(EditorsPages(self).pages())
        pages.update(self.extra)
        return pages

    def nav(self) -> list[Any]:
        """The navigation a clerk follows: home, posts' study paths, then the kinds. Gaps
        and the editors' section are not in it."""
        nav: list[Any] = [{"首页": "index.md"}]
        nav.append({"学习路径": ["study/index.md"] + [{zh_punct(r.title): f"study/{r.id}.md"} for r in self.staff_roles()]})
        for kind in KIND_ORDER:
            items = sorted((i for i in self.content.of_kind(kind) if i.id in self.visible), key=lambda i: i.title)
            if not items:
                continue
            if kind == "fact":
                cards = [{zh_punct(r.title): f"cards/{r.id}.md"} for r in self.staff_roles()
                         if any(isinstance(i, Fact) for i in self.role_items(r))]
                nav.append({KIND_LABELS[kind]: [f"{KIND_FOLDERS[kind]}/index.md"] + cards})
            else:
                nav.append({KIND_LABELS[kind]: [f"{KIND_FOLDERS[kind]}/index.md"] + [{zh_punct(i.title): self.src(i)} for i in items]})
        nav.append({"表单": "forms/index.md"})
        quiz = [{zh_punct(r.title): f"quiz/{r.id}.md"} for r in self.staff_roles() if f"quiz/{r.id}.md" in self.extra]
        if quiz:
            nav.append({"自测": quiz})
        more: list[Any] = [{"术语表": "glossary.md"}, {"标签": "tags.md"}]
        if self.content.profile:
            more.insert(0, {"本项目概况": "profile.md"})
        nav.append({"更多": more})
        return nav


ROLE_ORDER = ["kefu-yuan", "qiantai-jiedai", "qiantai-shoufei", "tiexin-guanjia", "kefu-guanliyuan", "libin",
              "wuye-zhuli", "kefu-zhuli", "wenyuan", "neiye", "kefu-zhuren-zhuli", "kefu-zhuren", "kefu-zhuguan",
              "kefu-jingli", "xiangmu-jingli"]


def _role_order(r: Item) -> tuple[int, str]:
    return (ROLE_ORDER.index(r.id) if r.id in ROLE_ORDER else len(ROLE_ORDER), r.id)


_EDITORS_TALK = re.compile(r"M(?:0[1-9]|1[0-8])(?!\d)|status|本库|编号说明|待公司确认|栏目是")


def staff_sentences(text: str) -> str:
    """The sentences of a text written for editors that staff may read (no manual codes,
    status words or remarks about the library itself)."""
    kept = [s for s in re.split(r"(?<=[。；;])", text) if s.strip() and not _EDITORS_TALK.search(s)]
    return "".join(kept).strip().rstrip("；;") + ("" if not kept or kept[-1].rstrip().endswith("。") else "。")


def _first_sentence(text: str, limit: int = 60) -> str:
    """A post's summary for a card: its first sentence, whole if it is short enough."""
    first = re.split(r"(?<=[。；;！？])", text.strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit].rstrip("，,、；;") + "……"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mermaid_label(text: str) -> str:
    """A box's text in full (Mermaid wraps it to the box's width; nothing is cut short)."""
    text = zh_punct(re.sub(r"\s+", " ", text).strip())
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _box(text: str, time_limit: str | None = None, form: str | None = None) -> str:
    label = _mermaid_label(text)
    if time_limit:
        label += "<br/>" + _mermaid_label(f"时限：{time_limit}")
    if form:
        label += "<br/>" + _mermaid_label(f"表单：{form}")
    return label


def mermaid(p: Procedure, form_titles: dict[str, str] | None = None) -> str:
    """A top-down flowchart: every step with its actor, time limit and form in full; a decision
    step splits into its branches, which meet again at the next step."""
    titles = form_titles or {}
    lines = ["flowchart TD"]
    lines.append(f'  start(["{_mermaid_label(p.trigger or "开始")}"])')
    prev = ["start"]
    for i, s in enumerate(p.steps, 1):
        text = f"{i}. " + (f"{s.actor}：" if s.actor else "") + s.action
        lines.append(f'  s{i}["{_box(text, s.time_limit, titles.get(s.form or "", s.form))}"]')
        lines += [f"  {a} --> s{i}" for a in prev]
        prev = [f"s{i}"]
        if s.branches:
            question = "／".join(b.when for b in s.branches) + "？"
            lines.append(f'  d{i}{{"{_mermaid_label(question)}"}}')
            lines.append(f"  s{i} --> d{i}")
            prev = []
            for j, b in enumerate(s.branches, 1):
                text = (f"{b.actor}：" if b.actor else "") + b.then
                lines.append(f'  s{i}b{j}["{_box(text, b.time_limit)}"]')
                lines.append(f'  d{i} -->|"{_mermaid_label(b.when)}"| s{i}b{j}')
                prev.append(f"s{i}b{j}")
    lines.append('  done(["完成"])')
    lines += [f"  {a} --> done" for a in prev]
    return "\n".join(lines) + "\n"
