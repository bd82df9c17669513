"""The search pages of the local web app: ``/search?q=&offset=`` (HTML, in Chinese),
``/api/search?q=&limit=&offset=&kind=&role=&record=`` (JSON: one result a page, ``total``
pages), the click beacon ``/api/search/click``, and the editors' ``/editors/searches``
(what staff could not find; add a word or a synonym to content/dictionary.yaml). A Flask
Blueprint that ``builder.web.app`` registers; it keeps one warm
:class:`search.query.Searcher` for the process.

Configuration (optional, on the app): ``SEARCH_INDEX_DIR``, ``SEARCH_CONTENT_DIR``,
``SEARCH_FORMS_DIR`` — the index to read and where to rebuild it from if it is missing;
``HANDBOOK_DATA_DIR`` — where the search log is kept (default: the environment's
``HANDBOOK_DATA_DIR``, else data/).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template_string, request
from markupsafe import Markup

from builder.core.paths import TEMPLATES_DIR
from search.index import IndexError_
from search.query import KINDS, Answer, BadFilter, Searcher
from search.searchlog import SearchLog

PAGE_SIZE = 10

bp = Blueprint("search", __name__, template_folder=str(TEMPLATES_DIR))  # web/site_base.html

KIND_NAMES = {
    "": "全部", "procedure": "工作流程", "fact": "应知应会", "role": "岗位职责", "etiquette": "礼仪规范",
    "policy": "管理制度", "legal": "法律法规", "case": "案例", "form": "表单", "glossary": "术语",
}
assert set(KIND_NAMES) - {""} == set(KINDS)

ROLE_NAMES = {
    "kefu-jingli": "客服经理", "kefu-zhuguan": "客服主管/经理助理", "kefu-zhuren": "客服主任",
    "kefu-zhuren-zhuli": "客服主任助理", "kefu-zhuli": "客服助理", "kefu-yuan": "客服员",
    "qiantai-jiedai": "前台接待", "qiantai-shoufei": "前台(收费员)", "tiexin-guanjia": "贴心管家",
    "kefu-guanliyuan": "客服管理员/楼管", "wuye-zhuli": "物业助理", "libin": "礼宾/大堂接待",
    "wenyuan": "文员", "neiye": "内业", "xiangmu-jingli": "项目经理",
}

_searchers: dict[tuple, Searcher] = {}


def searcher() -> Searcher:
    cfg = current_app.config
    key = (cfg.get("SEARCH_INDEX_DIR"), cfg.get("SEARCH_CONTENT_DIR"), cfg.get("SEARCH_FORMS_DIR"))
    s = _searchers.get(key)
    if s is None:
        s = _searchers.setdefault(key, Searcher(*key))
    return s


def _limit(value: str | None, default: int = 10) -> int:
    try:
        return max(1, min(int(value or default), 200))
    except ValueError:
        return default


def _offset(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 1000))
    except ValueError:
        return 0


def search_log() -> SearchLog:
    return SearchLog(current_app.config.get("HANDBOOK_DATA_DIR"))


def _record(answer: Answer) -> None:
    """A finished search (not each keystroke of the header box): its text and whether it
    found anything; never who asked."""
    if answer.offset == 0 and answer.terms:
        try:
            search_log().searched(answer.query, answer.total)
        except OSError as e:  # the log is a help to the editors, never a reason to fail a search
            current_app.logger.warning("search log not written: %s", type(e).__name__)


def _answer(record: bool = False) -> tuple[Answer | None, str, int]:
    q = request.args.get("q", "")
    kind = request.args.get("kind") or None
    role = request.args.get("role") or None
    try:
        answer = searcher().run(q, limit=_limit(request.args.get("limit")), kind=kind, role=role,
                                offset=_offset(request.args.get("offset")))
        if record:
            _record(answer)
        return answer, "", 200
    except BadFilter as e:
        return None, str(e), 400
    except IndexError_ as e:
        current_app.logger.error("search index unavailable: %s", e)
        return None, "搜索索引暂时不可用, 请联系管理员运行 handbook index", 503


@bp.get("/api/search")
def api_search():
    # the header box asks on every keystroke and says record=1 once the typing stops
    answer, error, status = _answer(record=request.args.get("record") == "1")
    if answer is None:
        return jsonify({"error": error}), status
    return jsonify({
        "query": answer.query,
        "message": answer.message,
        "total": answer.total,
        "offset": answer.offset,
        "results": [r.to_json() for r in answer.results],
    })


@bp.route("/api/search/click", methods=["GET", "POST"])
def api_search_click():
    """A result was opened: the header box's beacon (POST, the query as text) or the /search
    page's links (GET, then on to the result)."""
    if request.method == "POST":
        q = request.get_data(as_text=True)[:500] if request.content_length and request.content_length < 2000 else ""
    else:
        q = request.args.get("q", "")
    if q:
        try:
            search_log().clicked(q)
        except OSError as e:
            current_app.logger.warning("search log not written: %s", type(e).__name__)
    if request.method == "GET":
        to = request.args.get("to", "/")
        if not to.startswith("/") or to.startswith("//") or "\\" in to:
            abort(400)
        return redirect(to, code=303)
    return "", 204


PAGE = """{% extends "web/site_base.html" %}
{% block title %}{% if q %}{{ q }} - {% endif %}搜索{% endblock %}
{% block head %}<style>
.hb-search{max-width:52rem;padding:1rem 1.2rem}
form.q{display:flex;gap:.5rem;flex-wrap:wrap;margin-bottom:1rem}
form.q input[type=search]{flex:1 1 18rem;font-size:1.1rem;padding:.5rem;border:1px solid #bbb;border-radius:4px}
form.q select,form.q button{font-size:1rem;padding:.45rem;border-radius:4px;border:1px solid #bbb;background:#fff}
form.q button{background:#3f51b5;color:#fff;border-color:#3f51b5;cursor:pointer}
.msg{color:#555;margin:.5rem 0}
.err{color:#b00020}
ol.results{list-style:none;padding:0}
ol.results li{background:#fff;border-radius:6px;padding:.8rem 1rem;margin-bottom:.7rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.path{font-size:.85rem;color:#666}
.title{font-size:1.1rem;font-weight:bold;color:#1a237e;text-decoration:none}
.title:hover{text-decoration:underline}
.snippet{margin:.35rem 0 0;line-height:1.6}
mark{background:#ffe082;color:inherit;padding:0 1px}
.section{color:#3949ab;margin-left:.4rem;text-decoration:none}
.more summary{cursor:pointer;color:#555;font-size:.9rem;margin-top:.3rem}
.more ul{margin:.3rem 0 0;padding-left:1.2rem}
.pager{display:flex;gap:1rem;margin:1rem 0}
.kind{display:inline-block;font-size:.75rem;background:#e8eaf6;color:#3949ab;border-radius:3px;padding:0 .35rem;margin-right:.3rem}
</style>{% endblock %}
{% block main %}<div class="hb-search">
<form class="q" method="get" action="{{ url_for('search.search_page') }}" role="search">
  <input type="search" name="q" value="{{ q }}" placeholder="像问同事一样提问: 电话响几声要接" autofocus aria-label="搜索">
  <select name="kind" aria-label="类别">
    {% for k, name in kinds.items() %}<option value="{{ k }}"{% if k == kind %} selected{% endif %}>{{ name }}</option>{% endfor %}
  </select>
  <select name="role" aria-label="岗位">
    <option value="">全部岗位</option>
    {% for r, name in roles %}<option value="{{ r }}"{% if r == role %} selected{% endif %}>{{ name }}</option>{% endfor %}
  </select>
  <button type="submit">搜索</button>
</form>
{% if error %}<p class="msg err">{{ error }}</p>{% endif %}
{% if answer and answer.message %}<p class="msg">{{ answer.message }}</p>{% endif %}
{% if answer and answer.results %}
<p class="msg count">找到 {{ answer.total }} 个页面{% if answer.total > answer.results|length %}, 这是第 {{ answer.offset + 1 }}–{{ answer.offset + answer.results|length }} 个{% endif %}</p>
<ol class="results" start="{{ answer.offset + 1 }}">
{% for r in answer.results %}
  <li>
    <div class="path"><span class="kind">{{ kinds.get(r.kind, r.kind) }}</span>{{ r.title_path }}</div>
    <a class="title" href="{{ click(r.url) }}">{{ r.title }}</a>{% if r.section %} <a class="section" href="{{ click(r.url) }}">{{ r.section }}</a>{% endif %}
    <p class="snippet">{{ mark(r.snippet) }}</p>
    {% if r.sections %}<details class="more"><summary>本页还有 {{ r.sections|length }} 处</summary><ul>
    {% for x in r.sections %}<li><a href="{{ click(x.url) }}">{{ x.title }}</a> <span class="snippet">{{ mark(x.snippet) }}</span></li>{% endfor %}
    </ul></details>{% endif %}
  </li>
{% endfor %}
</ol>
<nav class="pager">
{% if answer.offset > 0 %}<a rel="prev" href="{{ page_url(answer.offset - size) }}">上一页</a>{% endif %}
{% if answer.offset + answer.results|length < answer.total %}<a rel="next" href="{{ page_url(answer.offset + size) }}">下一页</a>{% endif %}
</nav>
{% endif %}
</div>{% endblock %}
"""


@bp.get("/search")
def search_page():
    q = request.args.get("q", "")
    answer, error, status = (None, "", 200)
    if q.strip() or request.args.get("q") is not None:
        answer, error, status = _answer(record=True)
    kind = request.args.get("kind") or ""
    role = request.args.get("role") or ""
    try:
        known_roles = searcher().meta.get("roles", [])
    except IndexError_:
        known_roles = []
    roles = [(r, ROLE_NAMES.get(r, r)) for r in known_roles]
    def page_url(offset: int) -> str:
        args = {k: v for k, v in (("q", q), ("kind", kind), ("role", role)) if v}
        return "/search?" + urlencode({**args, "offset": max(0, offset)})

    def click(url: str) -> str:
        return "/api/search/click?" + urlencode({"q": q, "to": url})

    html = render_template_string(
        PAGE, q=q, answer=answer, error=error, kind=kind, role=role, kinds=KIND_NAMES, roles=roles,
        page_url=page_url, click=click, size=PAGE_SIZE,
        # snippets are built escaped by search.snippet; only our own <mark> tags are markup
        mark=Markup,
    )
    return html, status


# --- the editors' view: what staff could not find ------------------------------------------
EDITORS = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>没找到的搜索 · 编辑</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#37474f;color:#fff;padding:.8rem 1.2rem}
header a{color:#fff;text-decoration:none;font-weight:bold}
main{max-width:60rem;margin:0 auto;padding:1rem 1.2rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e0e0e0;padding:.45rem .6rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
form.inline{display:flex;gap:.3rem;flex-wrap:wrap}
form.inline input[type=text]{width:7rem;padding:.2rem}
.msg{padding:.5rem .8rem;border-radius:4px;background:#e8f5e9}
.err{background:#ffebee;color:#b00020}
.help{color:#555}
h2{font-size:1.1rem;margin-top:2rem}
</style>
</head>
<body>
<header><a href="/">客服部工作手册</a> · 编辑 · 没找到的搜索</header>
<main>
{% if message %}<p class="msg{% if failed %} err{% endif %}">{{ message }}</p>{% endif %}
<p class="help">员工搜过却没有结果、或有结果却没人打开的查询(只记查询的文字和次数, 不记是谁、何时)。
把员工的说法加为手册用词的同义词, 或把一个词加入词典, 搜索索引随即重建。也可以直接编辑 <code>content/dictionary.yaml</code>。</p>
{% if rows %}
<table>
<thead><tr><th>查询</th><th>搜索次数</th><th>无结果</th><th>有结果没点开</th><th>最近</th><th>处理</th></tr></thead>
<tbody>
{% for r in rows %}
<tr>
  <td><a href="/search?q={{ r.query|urlencode }}">{{ r.query }}</a></td>
  <td class="n">{{ r.searches }}</td><td class="n">{{ r.empty }}</td><td class="n">{{ r.unclicked }}</td><td>{{ r.last }}</td>
  <td>
    <form class="inline" method="post">
      <input type="hidden" name="action" value="synonym">
      <input type="text" name="word" value="{{ r.query }}" aria-label="员工的说法">
      <span>即</span><input type="text" name="same_as" placeholder="手册用词" aria-label="手册用词">
      <button>加为同义词</button>
    </form>
    <form class="inline" method="post">
      <input type="hidden" name="action" value="word">
      <input type="text" name="word" value="{{ r.query }}" aria-label="词">
      <button>加入词典</button>
    </form>
  </td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>还没有没找到的搜索。</p>
{% endif %}
<h2>词典里的说法</h2>
{% if dictionary_error %}<p class="msg err">{{ dictionary_error }}</p>{% endif %}
<p class="help">情境词: 员工和业主讲一件事时的说法, 搜索时也找手册里对应的用词(单向: 搜“安全保障”不会找“摔倒”)。
在 <code>content/dictionary.yaml</code> 的 <code>situations</code> 下编辑; 同义词组在 <code>synonyms</code> 下, 搜索时互相代替。</p>
<table>
<thead><tr><th>情境词</th><th>也找(手册用词)</th></tr></thead>
<tbody>
{% for word, means in situations.items() %}<tr><td>{{ word }}</td><td>{{ means|join("、") }}</td></tr>
{% else %}<tr><td colspan="2">还没有情境词。</td></tr>{% endfor %}
</tbody>
</table>
<table>
<thead><tr><th>同义词组</th></tr></thead>
<tbody>
{% for group in synonyms %}<tr><td>{{ group|join(" = ") }}</td></tr>{% endfor %}
</tbody>
</table>
</main>
</body>
</html>
"""


def _content_dir():
    from pathlib import Path

    from builder.core.paths import CONTENT_DIR

    return Path(current_app.config.get("SEARCH_CONTENT_DIR") or CONTENT_DIR)


@bp.route("/editors/searches", methods=["GET", "POST"])
def editors_searches():
    from search.dictionary_edit import DictionaryEditError, add_synonym, add_word

    message, failed, status = "", False, 200
    if request.method == "POST":
        action = request.form.get("action", "")
        word = request.form.get("word", "")
        path = _content_dir() / "dictionary.yaml"
        try:
            if action == "word":
                message = add_word(path, word)
            elif action == "synonym":
                message = add_synonym(path, word, request.form.get("same_as", ""))
            else:
                raise DictionaryEditError("未知操作")
            message += _rebuild()
        except DictionaryEditError as e:
            message, failed, status = str(e), True, 400
        except OSError as e:
            message, failed, status = f"写不了 {path.name}: {e.strerror}", True, 500
    rows = search_log().rows()
    dictionary, dictionary_error = _dictionary()
    return render_template_string(
        EDITORS, rows=rows, message=message, failed=failed, dictionary_error=dictionary_error,
        situations=dictionary.situations, synonyms=dictionary.synonyms), status


def _dictionary():
    """content/dictionary.yaml as the core reads it (what the index uses), or why it cannot be."""
    from builder.core.load import load_dictionary

    dictionary, problems = load_dictionary(_content_dir())
    return dictionary, (f"{problems[0]} (运行 handbook check 看全部问题)" if problems else "")


def _rebuild() -> str:
    """Rebuild the index the app searches, so the new word counts at once."""
    from search.index import IndexError_, build_from_files

    cfg = current_app.config
    try:
        build_from_files(_content_dir(), cfg.get("SEARCH_FORMS_DIR"), cfg.get("SEARCH_INDEX_DIR"))
    except IndexError_ as e:
        return f"; 索引未能重建({e}), 请运行 handbook index"
    return ", 搜索索引已重建"
