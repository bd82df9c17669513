"""The editors' section under ``/editors/``: everything staff pages leave out.

Gaps by manual and by post, every item's sources with their lines, the mends of scrape
damage, editors' notes and the drafts awaiting approval. Pages other modules make for
editors (imports, failed searches) are passed in as ``editors/*.md`` extra pages and listed
on the section's index.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from builder.core.model import KIND_FOLDERS, KIND_LABELS, MANUALS, Item, staff_visible
from builder.core.urls import item_src
from builder.site.markup import esc, hesc, rel

if TYPE_CHECKING:
    from builder.site.pages import Site

#: the section's own pages, in the order its index lists them
SECTION = [
    ("editors/gaps.md", "待编写", "手册只有标题、正文待编写的条目，按手册和岗位列出"),
    ("editors/drafts.md", "待审核的草稿", "本部门编写、尚未经公司审核批准的条目"),
    ("editors/sources.md", "出处与行号", "每个条目引自哪本手册、哪一节、原文第几行"),
    ("editors/mends.md", "文字修订记录", "对抓取损坏（词内空格、问号项目符号等）的修补"),
    ("editors/notes.md", "编辑备注", "条目上给编辑看的说明"),
    ("editors/imports.md", "导入记录", "每次导入手册文件新增、补写、修订了哪些条目，以及没有放进任何字段的文字"),
]
#: pages of the web app (``handbook serve``) for editors: (path, title, what it does)
APP_PAGES = [
    ("/editors/drafts", "审核草稿", "勾选草稿、批准，写入修订记录（主管、管理员）"),
    ("/editors/searches", "没找到的搜索", "员工搜过却没有结果的查询，加同义词或词典用词"),
]
ACTION_LABELS = {"created": "新增", "filled": "补写待编写条目", "revised": "改写", "updated": "按新版文件修订"}


class EditorsPages:
    def __init__(self, site: Site):
        self.site = site
        self.content = site.content
        self.items = sorted(site.content, key=lambda i: (i.kind, i.id))

    def link(self, src: str, item: Item) -> str:
        """A staff page to open, or the plain title of a gap (which has none)."""
        if not staff_visible(item):
            return esc(item.title)
        return f"[{esc(item.title)}]({rel(src, item_src(item.kind, item.id))})"

    def head(self, src: str, title: str) -> str:
        links = " · ".join(f"[{t}]({rel(src, p)})" for p, t, _ in SECTION if p != src)
        return (f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n\n# 编辑：{title}\n\n"
                f"[编辑首页]({rel(src, 'editors/index.md')}) · {links}\n\n")

    def index(self) -> str:
        src = "editors/index.md"
        gaps = [i for i in self.items if i.is_gap]
        drafts = [i for i in self.items if i.awaiting_approval]
        out = ["---\ntitle: 编辑\nsearch:\n  exclude: true\n---\n\n# 编辑\n\n",
               "这里是编辑和内业看的页面：员工页面不显示的待编写条目、出处行号、修订记录和备注都在这里。\n\n",
               f"共 {len(self.items)} 项：员工可见 {len(self.items) - len(gaps)} 项（其中草稿 {len(drafts)} 项），"
               f"待编写 {len(gaps)} 项。\n\n"]
        out += [f"- [{t}]({rel(src, p)})：{d}\n" for p, t, d in SECTION]
        out.append("\n## 在本机服务上操作 {#app}\n\n"
                   "下面两页是本机网页服务的页面，只有用 `handbook serve` 打开手册时才能用（需登录）；"
                   "直接打开生成的网站文件时它们打不开。\n\n")
        out += [f'- <a href="{p}">{t}</a>：{d}\n' for p, t, d in APP_PAGES]
        more = sorted(p for p in self.site.extra if p.startswith("editors/") and p != src)
        if more:
            out.append("\n## 其他 {#more}\n\n")
            out += [f"- [{esc(_title(self.site.extra[p], p))}]({rel(src, p)})\n" for p in more]
        cited: dict[str, int] = defaultdict(int)
        gap_count: dict[str, int] = defaultdict(int)
        for i in self.items:
            for m in dict.fromkeys(s.manual for s in i.source):
                cited[m] += 1
                if i.is_gap:
                    gap_count[m] += 1
        out.append("\n## 各手册 {#manuals}\n\n| 代号 | 手册 | 引用条目 | 其中待编写 |\n|---|---|---|---|\n")
        for m, title in MANUALS.items():
            out.append(f"| {m} | {esc(title)} | {cited.get(m, 0)} | "
                       f"[{gap_count.get(m, 0)}]({rel(src, 'editors/gaps.md', m.lower())}) |\n")
        return "".join(out)

    def gaps(self) -> str:
        src = "editors/gaps.md"
        gaps = [i for i in self.items if i.is_gap]
        out = [self.head(src, "待编写"), f"共 {len(gaps)} 项。手册只列出了标题（多为目录），正文待编写；员工页面不显示它们。\n\n",
               "## 按手册 {#by-manual}\n\n"]
        by_manual: dict[str, list[tuple[Item, str, str]]] = defaultdict(list)
        for i in gaps:
            for s in i.source:
                by_manual[s.manual].append((i, s.section, s.lines or ""))
        for m, title in MANUALS.items():
            rows = by_manual.get(m)
            if not rows:
                continue
            out.append(f"### {m} {esc(title)}（{len(rows)}） {{#{m.lower()}}}\n\n| 类别 | 条目 | id | 章节 | 行 |\n|---|---|---|---|---|\n")
            out += [f"| {KIND_LABELS[i.kind]} | {esc(i.title)} | `{i.id}` | {esc(sec)} | {esc(lines)} |\n"
                    for i, sec, lines in rows]
            out.append("\n")
        out.append("## 按岗位 {#by-post}\n\n")
        roles = sorted(self.content.roles, key=lambda r: r.id)
        for r in roles:
            own = [i for i in gaps if r.id in i.roles or i.id == r.id]
            if own:
                out.append(f"### {esc(r.title)}（{len(own)}） {{#post-{r.id}}}\n\n")
                out.append("、".join(f"{esc(i.title)}（{KIND_LABELS[i.kind]}）" for i in own) + "\n\n")
        return "".join(out)

    def drafts(self) -> str:
        src = "editors/drafts.md"
        drafts = [i for i in self.items if i.awaiting_approval]
        out = [self.head(src, "待审核的草稿"),
               f"共 {len(drafts)} 项。员工页面显示它们，并标注“待审核”。\n\n"
               '<div id="hb-approval" data-hook="approval"><p>批准草稿：用 <code>handbook serve</code> 打开手册，'
               '以主管或管理员账号登录，到 <a href="/editors/drafts">审核草稿</a> 勾选批准（直接打开网站文件时这个链接打不开）；'
               '或在命令行运行 <code>handbook approve ID… --by 姓名</code>。</p></div>\n\n',
               "| 类别 | 条目 | id | 出处 |\n|---|---|---|---|\n"]
        out += [f"| {KIND_LABELS[i.kind]} | {self.link(src, i)} | `{i.id}` | "
                f"{esc('; '.join(s.badge() for s in i.source)) or '（无）'} |\n" for i in drafts]
        return "".join(out)

    def sources(self) -> str:
        src = "editors/sources.md"
        out = [self.head(src, "出处与行号"),
               "行号指 customer-service-manuals.txt 的行。员工页面只显示手册名称和章节。\n\n"]
        for kind, folder in KIND_FOLDERS.items():
            items = [i for i in self.items if i.kind == kind]
            if not items:
                continue
            out.append(f"## {KIND_LABELS[kind]}（{len(items)}） {{#{folder}}}\n\n| 条目 | 文件 | 状态 | 出处 | 行 |\n|---|---|---|---|---|\n")
            for i in items:
                refs = "<br>".join(f"{s.manual} {esc(s.section)}" for s in i.source) or "—"
                lines = "<br>".join(s.lines or "—" for s in i.source) or "—"
                out.append(f"| {self.link(src, i)} | `content/{folder}/{i.id}.yaml` | {STATUS[i.status]} | {refs} | {lines} |\n")
            out.append("\n")
        return "".join(out)

    def mends(self) -> str:
        src = "editors/mends.md"
        mended = [i for i in self.items if i.mends]
        total = sum(len(i.mends) for i in mended)
        out = [self.head(src, "文字修订记录"), f"{len(mended)} 个条目共 {total} 处修补。\n\n"]
        for i in mended:
            out.append(f"### {self.link(src, i)} {{#{i.id}}}\n\n| 原文 | 修补后 | 说明 |\n|---|---|---|\n")
            out += [f"| {esc(m.original)} | {esc(m.mended)} | {esc(m.note or '')} |\n" for m in i.mends]
            out.append("\n")
        return "".join(out)

    def notes(self) -> str:
        src = "editors/notes.md"
        noted = [i for i in self.items if i.notes]
        out = [self.head(src, "编辑备注"), f"{len(noted)} 个条目有备注。\n\n", "| 条目 | 类别 | 备注 |\n|---|---|---|\n"]
        out += [f"| {self.link(src, i)} | {KIND_LABELS[i.kind]} | {esc(i.notes)} |\n" for i in noted]
        return "".join(out)

    def imports(self) -> str:
        from builder.importer.changelog import editors_work

        src = "editors/imports.md"
        work = editors_work(self.content)
        out = [self.head(src, "导入记录"),
               f"共 {len(work.imports)} 次导入（同一文件、同一天、同一人算一次），新的在前。"
               "导入的条目是草稿，经审核批准后才成为正式文字。\n\n"]
        for n, run in enumerate(work.imports, 1):
            total = sum(len(v) for v in run.items.values())
            out.append(f"## {run.on} 《{esc(run.document)}》 {{#run-{n}}}\n\n"
                       f"- 手册：{run.manual} {esc(run.manual_title)}\n"
                       f"- 文件：{f'<code>{hesc(run.file)}</code>' if run.file else '（未记录）'}\n"
                       f"- 导入人：{esc(run.by) if run.by else '（未记录）'}\n"
                       f"- 共 {total} 项\n\n| 做了什么 | 条目 | id | 原文标题 | 状态 |\n|---|---|---|---|---|\n")
            for action in ACTION_LABELS:
                for i in sorted(run.items.get(action, []), key=lambda i: (i.kind, i.id)):
                    rec = i.imported
                    heading = esc(rec.heading_path[-1]) if rec else ""
                    changed = f"：{esc('、'.join(rec.changes))}" if rec and rec.changes else ""
                    out.append(f"| {ACTION_LABELS[action]}{changed} | {self.link(src, i)}（{KIND_LABELS[i.kind]}） | "
                               f"`{i.id}` | {heading} | {STATUS[i.status]} |\n")
            out.append("\n")
        if not work.imports:
            out.append("还没有导入过手册文件（`handbook import 文件.docx`）。\n\n")
        out.append(f"## 未放入字段的文字（{len(work.unplaced)} 项） {{#unplaced}}\n\n")
        if not work.unplaced:
            out.append("没有。\n")
        for item_id, texts in work.unplaced.items():
            item = self.content.items[item_id]
            out.append(f"### {self.link(src, item)} {{#unplaced-{item_id}}}\n\n"
                       f"`content/{KIND_FOLDERS[item.kind]}/{item_id}.yaml` 的 `imported.unplaced`，请编辑放入合适的字段：\n\n")
            out += ["> " + esc(t).replace("\n", "<br>") + "\n>\n" for t in texts]
            out.append("\n")
        return "".join(out)

    def pages(self) -> dict[str, str]:
        return {"editors/imports.md": self.imports(), "editors/index.md": self.index(), "editors/gaps.md": self.gaps(), "editors/drafts.md": self.drafts(),
                "editors/sources.md": self.sources(), "editors/mends.md": self.mends(), "editors/notes.md": self.notes()}


STATUS = {"sourced": "有出处", "outline": "待编写", "draft": "草稿"}


def _title(markdown: str, path: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
        if line.startswith("title:"):
            return line[6:].strip().strip('"')
    return path
