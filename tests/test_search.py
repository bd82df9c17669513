"""Search: the analyzer, the index (atomic build, swap, crash), queries, the CLI and the web
blueprint — against a small fixture content folder, plus a few against the real content."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from search.analyzer import Vocabulary, normalize, terms

SEARCH_CONTENT = FIXTURES / "search_content"


# --- the analyzer ----------------------------------------------------------------
@pytest.fixture(scope="module")
def full_vocab() -> Vocabulary:
    from search.index import full_vocabulary

    return full_vocabulary(["装修备案表", "业户"], [["业主", "业户", "住户"]])


def test_normalize_removes_scrape_spaces_inside_chinese_only():
    assert normalize("《装 修备案表》") == "《装修备案表》"
    assert normalize("三个月 期满") == "三个月期满"
    assert normalize("Hello  World") == "Hello World"
    assert normalize("A栋 3单元") == "A栋 3单元"
    assert normalize("ＱＲ－ＤＸＣ－０３") == "QR-DXC-03"  # NFKC: full-width forms
    assert normalize("电话\x0b响\x00几声") == "电话响几声"  # control characters out, then the gap closes


def test_words_subwords_and_codes(full_vocab):
    got = terms("装 修备案表", full_vocab)
    assert "装修备案表" in got and "装修" in got and "备案" in got
    got = terms("A栋 3单元 QR-DXC-03", full_vocab)
    for t in ("a", "栋", "a栋", "3", "单元", "3单元", "qr-dxc-03", "qr", "dxc", "03"):
        assert t in got, t
    assert terms("Rules Running", full_vocab) == ["rules", "running"]  # lowercased, never stemmed


def test_stop_words_only_gives_no_terms(full_vocab):
    assert terms("的了吗 怎么办 什么", full_vocab) == []


def test_subset_vocabulary_cuts_content_like_the_full_one(full_vocab):
    from search.index import sub_vocabulary

    texts = ["审核业主和装修单位提供的资料", "电话铃响三声内接听", "填写装修备案表一式两份"]
    sub = sub_vocabulary(full_vocab, texts, [])
    assert len(sub.freq) < len(full_vocab.freq) / 100
    for t in texts + ["装修单位资料", "铃响三声"]:
        assert terms(t, sub) == terms(t, full_vocab), t


# --- the index ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def content():
    from builder.core.load import load_content

    c, problems = load_content(SEARCH_CONTENT)
    assert not problems
    return c


@pytest.fixture
def index_dir(tmp_path, content):
    from search.index import build_index

    out = tmp_path / "build" / "index"
    build_index(content, out)
    return out


@pytest.fixture
def searcher(index_dir):
    from search.query import Searcher

    s = Searcher(index_dir, rebuild=False)
    yield s
    s.close()


def ids(results) -> list[str]:
    return [r.id for r in results]


def test_documents_are_items_and_parts(searcher):
    hits = searcher.search("装修备案", limit=20)
    pages = [r.page for r in hits]
    assert len(pages) == len(set(pages)), "one result a page"
    z = next(r for r in hits if r.page == "zhuangxiu")
    # the page's real title, the best section as the anchor, the others folded under it
    assert z.title == "装修备案办理流程"
    assert "zhuangxiu#material-2" in {z.id} | {x.id for x in z.sections}
    assert all(x.url.startswith("/procedures/zhuangxiu/") for x in z.sections)
    step = next(r for r in searcher.search("出入证") if r.id == "zhuangxiu#step-2")
    assert step.title == "装修备案办理流程" and step.section == "第2步"
    assert step.url == "/procedures/zhuangxiu/#step-2"
    assert step.title_path == "工作流程 › 装修备案办理流程 › 第2步"
    assert "发放出入证" in step.text


def test_scrape_spaced_text_is_found(searcher):
    hits = {r.id: r for r in searcher.search("装修备案表", limit=3)}
    assert "zhuangxiu#material-2" in hits  # its text says 《装 修备案表》
    assert "<mark>装修备案表</mark>" in hits["zhuangxiu#material-2"].snippet


def test_synonyms_expand_the_query(searcher):
    assert "kefu-yuan#duty-1" in ids(searcher.search("住户电话"))  # text says 业户
    owner_only = [r for r in searcher.search("住户", limit=20) if "业主" in r.text and "住户" not in r.text]
    assert owner_only  # 住户 finds text that says only 业主
    got = ids(searcher.search("收楼要带什么"))  # text says 入伙
    assert got and got[0].startswith("ruhuo")


def test_digits_and_letters_are_kept(searcher):
    assert ids(searcher.search("A栋 3单元"))[:1] == ["louhao"]
    assert ids(searcher.search("qr-dxc-03"))[:1] == ["louhao"]


def test_titles_weigh_more_than_body(searcher):
    # 钥匙 is in the title of the policy and in the body of a 入伙 step
    assert ids(searcher.search("钥匙"))[0].startswith("yaoshi")


def test_kind_and_role_filters(searcher):
    assert {r.kind for r in searcher.search("业主", kind="fact")} == {"fact"}
    assert {r.kind for r in searcher.search("业主", kind="应知应会")} == {"fact"}
    assert all("kefu-yuan" in r.roles for r in searcher.search("业主", role="kefu-yuan"))
    assert "louhao" not in ids(searcher.search("样板房", role="kefu-yuan"))


def test_bad_filters_are_refused_with_a_message(searcher):
    from search.query import BadFilter

    with pytest.raises(BadFilter, match="未知类别"):
        searcher.search("业主", kind="bogus")
    with pytest.raises(BadFilter, match="未知岗位"):
        searcher.search("业主", role="nobody")


HOSTILE = [
    '"装修', "装修\"备案'", "(((", ")))", "title:x", "path:/etc/passwd", "*", "?", "装修*", "AND OR NOT",
    "装修 AND", "text:装修 OR (", "[1 TO 9]", "~2", "^3", "\\", "<script>alert(1)</script>",
    "\x00\x01\x1b[31m", "的了吗", "  ", "", "装" * 10000, "装修" * 5000 + "(", "\ud800", "🙂🙂",
]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:20]))
def test_hostile_queries_never_fail(searcher, q):
    answer = searcher.run(q)
    assert isinstance(answer.results, list)
    if not answer.results:
        assert answer.message  # a plain word for the person, never silence
    for r in answer.results:
        assert "<script>" not in r.snippet


def test_only_stop_words_asks_for_keywords(searcher):
    for q in ("的了吗", "", "   ", "(((", "*"):
        assert searcher.run(q).message == "请输入关键词"


def test_field_syntax_is_plain_text(searcher):
    # "title:" is not a field: 装修 is still searched in every field, and nothing is read from disk
    assert ids(searcher.search("title:装修"))[:3] == ids(searcher.search("装修"))[:3]
    assert searcher.search("path:/etc/passwd") == []


def test_snippet_is_escaped_and_marked():
    from search.snippet import snippet

    s = snippet("业主<b>投诉</b>须在72小时内答复 & 回访", ["投诉", "72"])
    assert "<b>" not in s and "&lt;b&gt;" in s and "&amp;" in s
    assert "<mark>投诉</mark>" in s and "<mark>72</mark>" in s
    long = "甲" * 300 + "投诉" + "乙" * 300
    s = snippet(long, ["投诉"], width=60)
    assert "<mark>投诉</mark>" in s and s.startswith("…") and s.endswith("…") and len(s) < 100


def test_crash_mid_build_leaves_the_old_index(index_dir, content, monkeypatch):
    from search import index as ix_mod
    from search.query import Searcher

    before = ids(Searcher(index_dir, rebuild=False).search("装修备案表"))
    target = ix_mod.resolve(index_dir)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ix_mod, "_verify", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ix_mod.build_index(content, index_dir)
    assert ix_mod.resolve(index_dir) == target
    assert not list(index_dir.parent.glob(".index-tmp-*"))  # no temp directory left behind
    s = Searcher(index_dir, rebuild=False)
    assert ids(s.search("装修备案表")) == before


def test_crash_inside_the_whoosh_writer(index_dir, content, monkeypatch):
    from whoosh.writing import SegmentWriter

    from search import index as ix_mod
    from search.query import Searcher

    def boom(self, *a, **k):
        raise OSError("writer died")

    monkeypatch.setattr(SegmentWriter, "add_document", boom)
    with pytest.raises(OSError):
        ix_mod.build_index(content, index_dir)
    monkeypatch.undo()
    assert Searcher(index_dir, rebuild=False).search("装修备案表")


def test_swap_under_a_concurrent_reader(index_dir, content):
    from search.index import build_index
    from search.query import Searcher

    reader = Searcher(index_dir, rebuild=False)
    errors: list[BaseException] = []
    counts: list[int] = []
    stop = threading.Event()

    def read():
        while not stop.is_set():
            try:
                counts.append(len(reader.search("装修备案表 业主 钥匙")))
            except BaseException as e:  # pragma: no cover - the failure this test looks for
                errors.append(e)
                return

    t = threading.Thread(target=read)
    t.start()
    try:
        for _ in range(4):
            build_index(content, index_dir)
    finally:
        stop.set()
        t.join(10)
    assert not errors, errors
    assert counts and min(counts) > 0
    # the reader follows the swap on its next query; old generations are pruned to the
    # current one and the one before it
    assert reader.search("装修备案表")
    assert reader._target == str(Path(index_dir).resolve())
    assert len(list(index_dir.parent.glob(".index-0*"))) <= 2


def test_second_writer_waits_for_the_lock(tmp_path):
    from search.index import IndexBusy, writer_lock

    with writer_lock(tmp_path), pytest.raises(IndexBusy), writer_lock(tmp_path, timeout=0.2):
        pass
    with writer_lock(tmp_path, timeout=0.2):
        pass


def test_broken_index_is_rebuilt_not_served(index_dir):
    from search.index import META_FILE, resolve
    from search.query import Searcher

    gen = resolve(index_dir)
    for f in gen.glob("*.seg"):
        f.write_bytes(b"garbage")
    (gen / META_FILE).write_text("{not json", encoding="utf-8")
    s = Searcher(index_dir, content_dir=SEARCH_CONTENT, forms_dir=FIXTURES / "no-forms")
    assert "zhuangxiu#material-2" in ids(s.search("装修备案表"))
    assert s.rebuilt and resolve(index_dir) != gen


def test_missing_index_without_rebuild_is_an_error(tmp_path):
    from search.index import IndexError_
    from search.query import Searcher

    with pytest.raises(IndexError_, match="handbook index"):
        Searcher(tmp_path / "none", rebuild=False).search("业主")


# --- the CLI -----------------------------------------------------------------------
def test_cli_json_shape(index_dir, capsys):
    from builder.cli.main import main

    assert main(["search", "装修备案表", "--json", "--limit", "3", "--index", str(index_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 1 <= len(out) <= 3
    for r in out:
        assert {"id", "title", "url", "snippet", "text"} <= set(r)
    hit = next(r for r in out if r["id"] == "zhuangxiu#material-2")
    assert hit["url"] == "/procedures/zhuangxiu/#material-2"
    assert hit["text"] == "填写《装 修备案表》一式两份。"  # the section's own text, as written


def test_cli_readable_output_and_errors(index_dir, capsys):
    from builder.cli.main import main

    assert main(["search", "电话", "响", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. 应知应会 › 电话铃响几声内接听") and "【响】" in out
    assert main(["search", "的", "--index", str(index_dir)]) == 0
    assert "请输入关键词" in capsys.readouterr().out
    assert main(["search", "业主", "--kind", "bogus", "--index", str(index_dir)]) == 2
    err = capsys.readouterr().err
    assert "未知类别" in err and "Traceback" not in err


def test_cli_index_command(tmp_path, capsys):
    from builder.cli.main import main

    out = tmp_path / "idx"
    assert main(["index", "--content", str(SEARCH_CONTENT), "--forms", str(tmp_path / "none"), "--out", str(out)]) == 0
    assert "sections" in capsys.readouterr().out and out.is_symlink()


def test_cli_subprocess_reads_only_the_index(index_dir):
    # a search reads only the index: no jieba (its dictionary costs most of a second), no content
    # (builder's package __init__ imports its loader, but no content file is parsed)
    code = (
        "import sys; from builder.cli.main import main; rc = main(['search', '装修备案表', '--json', '--index', sys.argv[1]]);"
        "bad = [m for m in ('jieba', 'search.documents', 'search.segment') if m in sys.modules]; print('LOADED', bad); sys.exit(rc)"
    )
    p = subprocess.run([sys.executable, "-c", code, str(index_dir)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "LOADED []" in p.stdout


# --- the web blueprint ---------------------------------------------------------------
@pytest.fixture
def client(index_dir):
    from flask import Flask

    from builder.web.search import bp

    app = Flask(__name__)
    app.config.update(SEARCH_INDEX_DIR=str(index_dir), SEARCH_CONTENT_DIR=str(SEARCH_CONTENT), TESTING=True)
    app.register_blueprint(bp)
    return app.test_client()


def test_api_search(client):
    r = client.get("/api/search", query_string={"q": "装修备案表", "limit": "2"})
    assert r.status_code == 200
    data = r.get_json()
    assert "zhuangxiu#material-2" in [x["id"] for x in data["results"]] and len(data["results"]) <= 2
    r = client.get("/api/search", query_string={"q": "的"})
    assert r.get_json() == {"query": "的", "message": "请输入关键词", "results": [], "total": 0, "offset": 0}
    r = client.get("/api/search", query_string={"q": "业主", "kind": "bogus"})
    assert r.status_code == 400 and "未知类别" in r.get_json()["error"]
    r = client.get("/api/search", query_string={"q": "业主", "limit": "lots"})
    assert r.status_code == 200


def test_search_page_escapes_everything(client):
    r = client.get("/search", query_string={"q": "<script>alert(1)</script> 装修备案表"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<mark>装修备案表</mark>" in html
    # the link counts the click for the editors, then lands on the section
    assert "to=%2Fprocedures%2Fzhuangxiu%2F%23material-2" in html
    assert "工作流程 › 装修备案办理流程 › 资料2" in html
    r = client.get("/search", query_string={"q": "(((", "kind": "procedure"})
    assert "请输入关键词" in r.get_data(as_text=True)
    assert "<form" in client.get("/search").get_data(as_text=True)


# --- the site's user dictionary --------------------------------------------------------
def test_write_jieba_userdict(tmp_path, content):
    from search.userdict import write_jieba_userdict

    p = write_jieba_userdict(content.dictionary, tmp_path / "sub" / "userdict.txt")
    lines = p.read_text(encoding="utf-8").splitlines()
    words = [ln.split()[0] for ln in lines]
    assert "装修备案表" in words and "住户" in words and len(words) == len(set(words))
    assert all(len(ln.split()) == 2 and ln.split()[1].isdigit() for ln in lines)
    import jieba

    tk = jieba.Tokenizer()
    tk.cache_file = str(ROOT / ".cache" / "jieba.cache")
    tk.load_userdict(str(p))
    assert "装修备案表" in tk.lcut("填写装修备案表")


def test_snippet_marks_latin_terms_as_whole_words():
    from search.snippet import snippet

    s = snippet("表号 QR-DXC-03, A栋 3单元 2023年", ["x", "3", "a", "qr-dxc-03"])
    assert "D<mark>X</mark>C" not in s and "202<mark>3</mark>" not in s
    assert "<mark>QR-DXC-03</mark>" in s and "<mark>A</mark>栋" in s and "<mark>3</mark>单元" in s


def test_any_text_is_a_query(index_dir):
    """Property: whatever is typed — any Unicode, any length — gives an answer, never an error."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from search.query import Searcher

    s = Searcher(index_dir, rebuild=False)
    alphabet = st.sampled_from(list("装修备案表业主住户入伙() \"'*:?~^[]{}-+!\\/AaZz09栋单元\x00\x0b\u200b\u3000\ufeff"))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(st.text(), st.text(alphabet=alphabet, max_size=60)))
    def check(q):
        answer = s.run(q, limit=5)
        assert answer.results or answer.message
        for r in answer.results:
            assert r.url.startswith("/") and "<script" not in r.snippet

    check()


# --- paging, the search log and the editors' page ------------------------------------
def test_paging_pages_and_the_count_counts(searcher):
    first = searcher.run("业主", limit=2)
    second = searcher.run("业主", limit=2, offset=2)
    assert first.total == second.total > 2
    assert not {r.page for r in first.results} & {r.page for r in second.results}, "page 2 repeats page 1"
    every = searcher.run("业主", limit=100)
    assert len(every.results) == every.total == len({r.page for r in every.results})


@pytest.fixture
def editor_app(tmp_path, index_dir):
    import shutil

    from flask import Flask

    from builder.web.search import bp

    content = tmp_path / "content"
    shutil.copytree(SEARCH_CONTENT, content)
    (content / "dictionary.yaml").write_text(
        "# our words\nwords:\n  - 装修备案表  # kept whole\n  - 业户\n  - 入伙\nsynonyms:\n"
        "  - [业主, 业户, 住户]\n  - [入伙, 入住, 收楼, 交房]  # 入伙 is the manuals' word\n  - [报修, 维修]\n"
        "situations:\n  钥匙丢了: [钥匙]\n",
        encoding="utf-8")
    app = Flask(__name__)
    app.config.update(SEARCH_INDEX_DIR=str(index_dir), SEARCH_CONTENT_DIR=str(content),
                      SEARCH_FORMS_DIR=str(tmp_path / "no-forms"), HANDBOOK_DATA_DIR=str(tmp_path / "data"), TESTING=True)
    app.register_blueprint(bp)
    return app


def test_failed_searches_reach_the_editors(editor_app, tmp_path):
    c = editor_app.test_client()
    # keystrokes of the header box are not counted; the finished search is
    c.get("/api/search", query_string={"q": "停车位"})
    c.get("/api/search", query_string={"q": "停车位租金多少", "record": "1"})
    c.get("/api/search", query_string={"q": "停车位租金多少", "record": "1"})
    # a phone number typed into the box is never stored
    c.get("/api/search", query_string={"q": "13812345678 停车位", "record": "1"})
    # found and opened: not a failure; found and never opened: listed as such
    c.get("/search", query_string={"q": "装修备案表"})
    r = c.get("/api/search/click", query_string={"q": "装修备案表", "to": "/procedures/zhuangxiu/#material-2"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/procedures/zhuangxiu/#material-2")
    c.get("/api/search", query_string={"q": "钥匙", "record": "1"})
    assert c.post("/api/search/click", data="入伙".encode(), content_type="text/plain").status_code == 204
    assert c.get("/api/search/click", query_string={"q": "x", "to": "//evil.example/"}).status_code == 400

    page = c.get("/editors/searches").get_data(as_text=True)
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<td><a href="/search\?q=[^"]*">([^<]*)</a></td>\s*(.*?)</tr>', page, re.S)}
    assert "停车位租金多少" in rows and "停车位" not in rows
    assert re.findall(r'<td class="n">(\d+)</td>', rows["停车位租金多少"])[:3] == ["2", "2", "0"]
    assert "钥匙" in rows and re.findall(r'<td class="n">(\d+)</td>', rows["钥匙"])[:3] == ["1", "0", "1"]
    assert "装修备案表" not in rows
    assert "13812345678" not in page and "… 停车位" in page
    raw = (tmp_path / "data" / "searches.sqlite3").read_bytes()
    assert b"1381234" not in raw


def test_editors_add_a_synonym_that_search_then_knows(editor_app, tmp_path):
    c = editor_app.test_client()
    assert not [r for r in c.get("/api/search", query_string={"q": "拿房"}).get_json()["results"] if r["item_id"] == "ruhuo"]
    r = c.post("/editors/searches", data={"action": "synonym", "word": "拿房", "same_as": "入伙"})
    assert r.status_code == 200 and "已把“拿房”作为“入伙”的同义词" in r.get_data(as_text=True)
    text = (tmp_path / "content" / "dictionary.yaml").read_text(encoding="utf-8")
    # the round trip keeps the editors' comments and layout
    assert text.startswith("# our words\n") and "# kept whole" in text and "# 入伙 is the manuals' word" in text
    assert "[入伙, 入住, 收楼, 交房, 拿房]" in text
    hits = c.get("/api/search", query_string={"q": "拿房"}).get_json()["results"]
    assert hits and hits[0]["item_id"] == "ruhuo"
    # a word in another group, or not a word, is refused with a message, the file untouched
    r = c.post("/editors/searches", data={"action": "synonym", "word": "维修", "same_as": "入伙"})
    assert r.status_code == 400 and "已在另一组同义词中" in r.get_data(as_text=True)
    r = c.post("/editors/searches", data={"action": "word", "word": "<b>x</b>"})
    assert r.status_code == 400 and "&lt;b&gt;" in r.get_data(as_text=True)
    assert (tmp_path / "content" / "dictionary.yaml").read_text(encoding="utf-8") == text
    r = c.post("/editors/searches", data={"action": "word", "word": "样板间"})
    assert "已把“样板间”加入词典" in r.get_data(as_text=True)
    assert "  - 样板间\n" in (tmp_path / "content" / "dictionary.yaml").read_text(encoding="utf-8")


def test_structured_fields_are_found_by_their_labels(searcher):
    # a step's time limit under its label (时限), and the step is a figure for 多久/几
    got = searcher.run("出入证 时限", limit=3).results
    assert got[0].id == "zhuangxiu#step-2"
    assert searcher.run("发出入证要多久", limit=1).results[0].id == "zhuangxiu#step-2"



def test_documents_carry_structured_fields_with_their_labels(content):
    from search.documents import all_docs

    docs = {d.id: d for d in all_docs(content)}
    step = docs["zhuangxiu#step-2"]
    assert "办理人" in step.keywords and "客服员" in step.keywords
    assert "时限" in step.keywords and "当天" in step.keywords and step.figure
    assert not docs["zhuangxiu#step-1"].figure  # no time limit, no figure
    # every section of a page knows the page's real title
    assert {d.page_title for d in docs.values() if d.item_id == "zhuangxiu"} == {"装修备案办理流程"}


def test_the_anchor_is_the_best_matching_section_not_the_page_top(searcher, index_dir):
    """A page found as a whole (its parts added up) still lands on its best-matching part."""
    from search.index import open_index

    opened = open_index(index_dir)
    ids_ = opened.column("ids")
    pages = opened.column("pages")
    opened.close()
    with_parts = {p for i, p in zip(ids_, pages, strict=True) if i != p}
    # 验房 is in one step of 入伙程序, 钥匙 or 身份 in another: the page as a whole holds both
    for q in ("验房 钥匙", "身份 验房", "装修备案", "入伙", "营业执照 出入证"):
        for r in searcher.search(q, limit=20):
            if r.page in with_parts and r.sections:
                # a section of the page matched: the result opens there, with that section's title
                assert "#" in r.url and r.section, (q, r.id, r.url)
    ruhuo = next(r for r in searcher.search("验房 钥匙") if r.page == "ruhuo")
    assert ruhuo.id == "ruhuo#step-2" and ruhuo.url == "/procedures/ruhuo/#step-2" and ruhuo.section == "第2步"
    assert ruhuo.title == "入伙程序" and "ruhuo" in [x.id for x in ruhuo.sections]  # the page folds under


def test_a_glossary_term_is_a_section_of_the_glossary_page():
    from types import SimpleNamespace

    from search.documents import glossary_docs

    term = SimpleNamespace(term="消单", definition="维修、投诉处理完成后在记录上注销。", synonyms=["销单"])
    (doc,) = glossary_docs(SimpleNamespace(glossary=SimpleNamespace(terms=[term])))
    # the box shows it under 术语表 with the term as the section it links to
    assert doc.is_part and doc.page == "glossary" and doc.page_title == "术语表"
    assert doc.url == "/glossary/#消单" and doc.title == "消单"


def test_editors_see_the_dictionarys_situations_and_synonyms(editor_app):
    page = editor_app.test_client().get("/editors/searches").get_data(as_text=True)
    assert re.search(r"<td>钥匙丢了</td><td>钥匙</td>", page)
    assert "<td>业主 = 业户 = 住户</td>" in page
    # a broken dictionary is named, not a traceback
    path = Path(editor_app.config["SEARCH_CONTENT_DIR"]) / "dictionary.yaml"
    path.write_text("situations:\n  摔倒: []\n", encoding="utf-8")
    r = editor_app.test_client().get("/editors/searches")
    assert r.status_code == 200 and "dictionary.yaml" in r.get_data(as_text=True)
