"""The search pages of the local web app: ``/search?q=`` (HTML, in Chinese) and
``/api/search?q=&limit=&kind=&role=`` (JSON). A Flask Blueprint that ``builder.web.app``
registers; it keeps one warm :class:`search.query.Searcher` for the process.

Configuration (optional, on the app): ``SEARCH_INDEX_DIR``, ``SEARCH_CONTENT_DIR``,
``SEARCH_FORMS_DIR`` — the index to read and where to rebuild it from if it is missing.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template_string, request
from markupsafe import Markup

from builder.core.paths import TEMPLATES_DIR
from search.index import IndexError_
from search.query import KINDS, Answer, BadFilter, Searcher

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
        return max(1, min(int(value or default), 50))
    except ValueError:
        return default


def _answer() -> tuple[Answer | None, str, int]:
    q = request.args.get("q", "")
    kind = request.args.get("kind") or None
    role = request.args.get("role") or None
    try:
        return searcher().run(q, limit=_limit(request.args.get("limit")), kind=kind, role=role), "", 200
    except BadFilter as e:
        return None, str(e), 400
    except IndexError_ as e:
        current_app.logger.error("search index unavailable: %s", e)
        return None, "搜索索引暂时不可用, 请联系管理员运行 handbook index", 503


@bp.get("/api/search")
def api_search():
    answer, error, status = _answer()
    if answer is None:
        return jsonify({"error": error}), status
    return jsonify({
        "query": answer.query,
        "message": answer.message,
        "results": [r.to_json() for r in answer.results],
    })


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
<p class="msg">找到 {{ answer.results|length }} 条结果</p>
<ol class="results">
{% for r in answer.results %}
  <li>
    <div class="path"><span class="kind">{{ kinds.get(r.kind, r.kind) }}</span>{{ r.title_path }}</div>
    <a class="title" href="{{ r.url }}">{{ r.title }}</a>
    <p class="snippet">{{ mark(r.snippet) }}</p>
  </li>
{% endfor %}
</ol>
{% endif %}
</div>{% endblock %}
"""


@bp.get("/search")
def search_page():
    q = request.args.get("q", "")
    answer, error, status = (None, "", 200)
    if q.strip() or request.args.get("q") is not None:
        answer, error, status = _answer()
    kind = request.args.get("kind") or ""
    role = request.args.get("role") or ""
    try:
        known_roles = searcher().meta.get("roles", [])
    except IndexError_:
        known_roles = []
    roles = [(r, ROLE_NAMES.get(r, r)) for r in known_roles]
    html = render_template_string(
        PAGE, q=q, answer=answer, error=error, kind=kind, role=role, kinds=KIND_NAMES, roles=roles,
        # snippets are built escaped by search.snippet; only our own <mark> tags are markup
        mark=Markup,
    )
    return html, status
