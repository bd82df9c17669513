"""The web forms (builder.web.forms): pages generated from every schema, a failed submit that
keeps everything typed with each error next to its field, good submits that download a
real PDF and DOCX, and — in headless Chromium against a real server — the clerk's round
trip on 业主报修单. Twenty concurrent submissions all succeed."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from conftest import CHROMIUM_ARGS, ROOT
from flask import Flask
from werkzeug.serving import make_server

from builder.core.formspec import load_specs
from builder.web.forms import bp

SPECS, _PROBLEMS = load_specs(ROOT / "forms")

#: headless Chromium has no print dialog (a PDF frame asking for one crashes the page): the
#: page's print hook records what it was asked to print instead
PRINT_HOOK = "window.handbookPrint = (frame) => { (window.__printed = window.__printed || []).push(frame.src); };"

#: a good 业主报修单 as the browser posts it
GOOD = {
    "room": "3栋2单元1501", "owner_name": "欧阳𡃁", "phone": "13812345678",
    "report_time": "2026-03-01T09:30", "category": "其他", "description": "厨房水龙头漏水 {{ 7*7 }}",
    "appointment": "明天上午", "staff_name": "李前台",
    "materials-0-item": "水龙头", "materials-0-qty": "1", "materials-0-price": "45.50",
    "materials-1-item": "", "materials-1-qty": "", "materials-1-price": "",
    "materials-2-item": "生料带", "materials-2-qty": "2", "materials-2-price": "3",
    "repairer_sign": "王师傅", "owner_sign": "", "done_date": "2026-03-01",
}


def make_app(forms_dir: Path = ROOT / "forms") -> Flask:
    app = Flask("forms-test")
    app.config.update(TESTING=True, FORMS_DIR=forms_dir, CONTENT_DIR=ROOT / "content")
    app.register_blueprint(bp)
    return app


@pytest.fixture(scope="module")
def client():
    return make_app().test_client()


def html_of(resp) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(resp.get_data(as_text=True))


def test_the_catalogue_loads():
    assert _PROBLEMS == []
    assert len(SPECS) == 21


# --- the list -------------------------------------------------------------------------
def test_index_lists_every_form_by_procedure(client):
    r = client.get("/forms")
    assert r.status_code == 200
    doc = html_of(r)
    text = doc.text_content()
    hrefs = {a.get("href") for a in doc.iter("a")}
    for fid, spec in SPECS.items():
        assert spec.title in text and spec.code in text, fid
        assert {f"/forms/{fid}", f"/forms/{fid}/blank.pdf", f"/forms/{fid}/blank.docx"} <= hrefs
    headings = [h.text_content().strip() for h in doc.iter("h2")]
    assert "入伙程序" in headings and "装修备案办理流程" in headings and "资料包" in headings
    # each form once, under the procedure it names first; the others named on its line
    fill_links = [a.get("href") for a in doc.iter("a") if a.text_content() == "在线填写"]
    assert sorted(fill_links) == sorted(f"/forms/{fid}" for fid in SPECS)
    sections = {h.text_content().strip(): h.getparent() for h in doc.iter("h2")}
    row = sections["入伙程序"].xpath(".//tr[td[contains(., '防火责任书')]]")[0]
    assert "也用于" in row.text_content() and "装修备案办理流程" in row.text_content()
    assert "防火责任书" not in sections["装修备案办理流程"].xpath(".//table")[0].text_content()
    # the procedure headings link into the site
    assert "/procedures/ruhuo/" in hrefs and "/procedures/zhuangxiu-bei-an/" in hrefs
    # the packs, with their forms
    packs = sections["资料包"].text_content()
    assert "入伙资料包" in packs and "装修资料包" in packs


# --- one page per form ------------------------------------------------------------------
def _inputs(doc, name):
    return doc.xpath("//*[@name=$n]", n=name)


@pytest.mark.parametrize("form_id", sorted(SPECS))
def test_every_form_page_renders_inputs_by_type(client, form_id):
    spec = SPECS[form_id]
    r = client.get(f"/forms/{form_id}")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    doc = html_of(r)
    assert doc.xpath("//h1")[0].text_content() == spec.title
    text = doc.text_content()
    for f in spec.fields:
        assert f.label in text, (form_id, f.name)
        wrap = doc.get_element_by_id(f"w-{f.name}")
        if f.required:
            assert wrap.xpath(".//*[@class='req']"), f"{form_id}.{f.name}: required mark *"
        if f.type == "date":
            assert _inputs(doc, f.name)[0].get("type") == "date"
        elif f.type == "datetime":
            assert _inputs(doc, f.name)[0].get("type") == "datetime-local"
        elif f.type == "phone":
            el = _inputs(doc, f.name)[0]
            assert (el.get("type"), el.get("inputmode")) == ("tel", "tel")
        elif f.type in ("number", "money"):
            assert _inputs(doc, f.name)[0].get("inputmode") == "decimal"
        elif f.type == "choice":
            els = _inputs(doc, f.name)
            if els[0].tag == "select":
                assert [o.get("value") for o in els[0].iter("option")][1:] == f.choices
            else:
                assert [e.get("value") for e in els] == f.choices and all(e.get("type") == "radio" for e in els)
        elif f.type == "multichoice":
            els = _inputs(doc, f.name)
            assert [e.get("value") for e in els] == f.choices and all(e.get("type") == "checkbox" for e in els)
        elif f.type == "checkbox":
            assert _inputs(doc, f.name)[0].get("type") == "checkbox"
        elif f.type == "textarea":
            assert _inputs(doc, f.name)[0].tag == "textarea"
        elif f.type == "signature":
            assert "打印后手签" in wrap.text_content()
        elif f.type == "checklist":
            for i, _item in enumerate(f.items):
                radios = _inputs(doc, f"{f.name}-{i}")
                assert [e.get("value") for e in radios] == f.options
        elif f.type == "table":
            for c in f.columns:
                assert _inputs(doc, f"{f.name}-0-{c.name}"), (form_id, f.name, c.name)
            rows = doc.get_element_by_id(f"f-{f.name}").xpath("./tbody/tr")
            assert len(rows) == max(f.min_rows, min(3, f.max_rows)), "without JS a few empty rows are drawn"
            assert doc.xpath("//button[@data-table=$t]", t=f"f-{f.name}")[0].text_content().strip() == "+ 添加一行"
            assert doc.get_element_by_id(f"tpl-{f.name}") is not None
    formats = [e.get("value") for e in _inputs(doc, "_format")]
    assert formats == ["pdf", "docx"]


def test_pledge_text_shows_its_blanks(client):
    doc = html_of(client.get("/forms/fanghuo-zerenshu"))
    pledge = doc.xpath("//div[@class='pledge']")[0].text_content()
    assert "【房号】" in pledge and "【业主姓名】" in pledge and "119" in pledge
    doc = html_of(client.get("/forms/ruhuo-tongzhi"))
    assert "【入伙办理开始日期】" in doc.xpath("//div[@class='pledge']")[0].text_content()


# --- a failed submit --------------------------------------------------------------------
BAD = dict(GOOD, phone="1381234", report_time="2026-02-30T09:00", owner_name="",
           description="<script>alert('x')</script> 卫生间堵塞",
           **{"materials-4-item": "第五行的材料", "materials-4-qty": "两个", "materials-4-price": ""})


def test_bad_submit_shows_each_error_at_its_field_and_keeps_everything(client, caplog):
    caplog.set_level(logging.DEBUG)
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(BAD, _format="docx"))
    assert r.status_code == 400
    assert r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    # each error sits inside its own field, and the summary at the top lists them all
    expected = {"phone": "手机号码", "report_time": "2026年2月30日 不存在", "owner_name": "必填"}
    for name, words in expected.items():
        wrap = doc.get_element_by_id(f"w-{name}")
        assert "has-error" in wrap.get("class")
        assert words in wrap.xpath(".//p[@class='error']")[0].text_content(), name
        assert _inputs(doc, name)[0].get("aria-invalid") == "true"
    cell_error = doc.get_element_by_id("e-materials-4-qty").text_content()
    assert "不是数字" in cell_error
    summary = doc.get_element_by_id("summary").text_content()
    for words in ["联系电话", "报修时间", "业主姓名", "维修材料 第5行 数量"]:
        assert words in summary
    assert len(doc.get_element_by_id("summary").xpath(".//li")) == 4
    links = {a.get("href") for a in doc.get_element_by_id("summary").iter("a")}
    assert "#f-materials-4-qty" in links and "#f-phone" in links
    # every typed value is still there, exactly as typed
    for name, value in BAD.items():
        if name in ("category",):
            continue
        el = _inputs(doc, name)[0]
        shown = el.text_content() if el.tag == "textarea" else el.get("value")
        assert shown == value, name
    assert [e.get("value") for e in _inputs(doc, "category") if e.get("checked") is not None] == ["其他"]
    # an impossible date stays visible: drawn as text, not as a date input that would blank it
    assert _inputs(doc, "report_time")[0].get("type") == "text"
    # five table rows come back (the typed row 5 and the blank row 2 included)
    assert len(doc.get_element_by_id("f-materials").xpath("./tbody/tr")) == 5
    assert [b.get("value") for b in doc.xpath("//button[@name='_format']")] == ["pdf", "docx"]
    # escaped, never markup
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    # nothing typed reaches the log
    for value in ("1381234", "3栋2单元1501", "卫生间堵塞", "第五行的材料"):
        assert value not in caplog.text


def test_bad_submit_keeps_checklists_multichoices_and_checkboxes(client):
    data = {"room": "5-1-101", "owner_name": "张三", "phone": "０２０-８７６５４３２１x",
            "handover_date": "2026-13-01", "checks-0": "合格", "checks-3": "不合格",
            "defects-0-location": "客厅", "defects-0-problem": "墙面开裂", "rectify_deadline": "2026-04-31",
            "result": "不合格,限期整改", "water_meter": "12.5"}
    r = client.post("/forms/fangwu-yanshou", data=data)
    assert r.status_code == 400
    doc = html_of(r)
    for name in ("checks-0", "checks-3"):
        picked = [e.get("value") for e in _inputs(doc, name) if e.get("checked") is not None]
        assert picked == [data[name]]
    assert all(e.get("checked") is None for e in _inputs(doc, "checks-1"))
    for name in ("phone", "handover_date", "rectify_deadline"):
        assert doc.get_element_by_id(f"e-{name}") is not None, name
        assert _inputs(doc, name)[0].get("value") == data[name]
    r = client.post("/forms/yezhu-xuqiu-diaocha", data={"services": ["家政保洁", "洗衣洗鞋"], "household": "-3",
                                                        "room": "", "contact_way": "短信/微信"})
    assert r.status_code == 400
    doc = html_of(r)
    assert [e.get("value") for e in _inputs(doc, "services") if e.get("checked") is not None] == ["家政保洁", "洗衣洗鞋"]
    assert doc.get_element_by_id("e-room") is not None and doc.get_element_by_id("e-household") is not None
    r = client.post("/forms/zhuangxiu-beian", data={"break_waterproof": "1", "room": "1-101"})
    assert r.status_code == 400
    assert _inputs(html_of(r), "break_waterproof")[0].get("checked") is not None


def test_too_many_rows_is_an_error_at_the_table_and_every_row_comes_back(client):
    data = dict(GOOD)
    for i in range(12):
        data[f"materials-{i}-item"] = f"材料{i + 1}"
    r = client.post("/forms/yezhu-baoxiu-dan", data=data)
    assert r.status_code == 400
    doc = html_of(r)
    assert "最多 10 行" in doc.get_element_by_id("e-materials").text_content()
    assert len(doc.get_element_by_id("f-materials").xpath("./tbody/tr")) == 12
    assert _inputs(doc, "materials-11-item")[0].get("value") == "材料12"
    # a crafted row index draws no flood of rows
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, phone="1", **{"materials-99999-item": "x"}))
    assert r.status_code == 400
    assert len(html_of(r).get_element_by_id("f-materials").xpath("./tbody/tr")) <= 30


# --- good submits -------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


#: RFC 6266 with an RFC 5987 ext-value: a quoted ASCII fallback, then UTF-8'' and attr-chars
#: or %XX only
_CD = re.compile(r"(inline|attachment); filename=\"[ !#-\[\]-~]*\"; filename\*=UTF-8''(?:[A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-F]{2})+")


def _filename_star(cd: str, kind: str | None = None) -> str:
    assert _CD.fullmatch(cd), cd
    if kind:
        assert cd.startswith(kind + "; "), cd
    star = [p.strip() for p in cd.split(";") if p.strip().startswith("filename*=")]
    assert star, cd
    value = star[0][len("filename*="):]
    assert value.startswith("UTF-8''")
    return urllib.parse.unquote(value[len("UTF-8''"):])


def test_good_submit_downloads_a_pdf_holding_the_values(client, caplog):
    caplog.set_level(logging.DEBUG)
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="pdf"))
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    assert r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    name = _filename_star(r.headers["Content-Disposition"], "inline")  # shown, ready to print
    assert name == "业主报修单-3栋2单元1501-20260301.pdf"
    assert 'filename="' in r.headers["Content-Disposition"]
    text = pdf_text(r.data)
    for value in ("3栋2单元1501", "欧阳𡃁", "13812345678", "厨房水龙头漏水 {{ 7*7 }}", "水龙头", "生料带", "45.50", "王师傅"):
        assert value in text, value
    assert "13812345678" not in caplog.text and "欧阳" not in caplog.text


def test_good_submit_downloads_a_docx_holding_the_values(client):
    import docx

    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="docx"))
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    assert r.mimetype.endswith("wordprocessingml.document") and r.data[:2] == b"PK"
    assert _filename_star(r.headers["Content-Disposition"]).endswith(".docx")
    d = docx.Document(io.BytesIO(r.data))
    text = "\n".join(p.text for p in d.paragraphs)
    text += "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    for value in ("3栋2单元1501", "欧阳𡃁", "13812345678", "水龙头", "生料带", "王师傅"):
        assert value in text, value


@pytest.mark.parametrize("ext,magic", [("pdf", b"%PDF"), ("docx", b"PK")])
def test_blank_forms_download(client, ext, magic):
    r = client.get(f"/forms/fanghuo-zerenshu/blank.{ext}")
    assert r.status_code == 200 and r.data.startswith(magic)
    kind = "inline" if ext == "pdf" else "attachment"
    assert _filename_star(r.headers["Content-Disposition"], kind) == f"防火责任书-空白表.{ext}"


def test_content_disposition_is_rfc5987():
    from builder.web.forms import content_disposition

    cd = content_disposition("防火责任书-3栋 1501-2026-03-01.pdf", "fanghuo-zerenshu.pdf")
    assert cd == ("attachment; filename=\"fanghuo-zerenshu.pdf\"; filename*=UTF-8''"
                  + quote("防火责任书-3栋 1501-2026-03-01.pdf", safe=""))
    assert '"' not in content_disposition('a"b.pdf', 'a"b.pdf').split("filename*=")[1]


# --- a pack on one page --------------------------------------------------------------------
PACK_ANSWERS = {
    "room": "3栋2单元1501", "owner_name": "欧阳𡃁", "phone": "13812345678", "id_number": "320106196503154024",
    "move_in_date": "2026-03-01", "move_in_end": "2026-03-31", "office_place": "会所一楼客服中心",
    "office_phone": "0755-12345678", "company": "示例物业服务中心", "date": "2026-03-01", "notice_date": "2026-02-20",
    "entrust": "业主本人办理", "result": "不合格,限期整改", "checks-0": "合格", "checks-1": "不合格",
    "inspect_date": "2026-03-05", "rectify_deadline": "2026-03-15",
    "defects-0-location": "客厅", "defects-0-problem": "墙面裂缝", "services": "家政保洁", "ratings-0": "满意",
}


def test_pack_page_asks_each_shared_field_once(client):
    r = client.get("/forms/packs/ruhuo")
    assert r.status_code == 200
    doc = html_of(r)
    for name in ("room", "owner_name", "phone", "date"):
        assert len(_inputs(doc, name)) == 1, name
        assert doc.get_element_by_id("shared").xpath(".//*[@name=$n]", n=name), f"{name} is in 共用信息"
    for fid in ("ruhuo-tongzhi", "ruhuo-liuzhuan-a", "fangwu-yanshou", "yehu-ziliao-a", "fanghuo-zerenshu"):
        assert doc.get_element_by_id(f"form-{fid}") is not None
    assert _inputs(doc, "checks-0") and _inputs(doc, "defects-0-problem"), "each form's own blocks follow"
    assert client.get("/forms/packs/no-such-pack").status_code == 404
    assert "/forms/packs/ruhuo" in {a.get("href") for a in html_of(client.get("/forms")).iter("a")}


def test_pack_bad_answers_keep_everything(client):
    data = dict(PACK_ANSWERS, phone="1380", move_in_end="2026-02-30")
    r = client.post("/forms/packs/ruhuo", data=data)
    assert r.status_code == 400
    doc = html_of(r)
    assert "手机号码" in doc.get_element_by_id("e-phone").text_content()
    assert "不存在" in doc.get_element_by_id("e-move_in_end").text_content()
    items = doc.get_element_by_id("summary").xpath(".//li")
    assert len(items) == 2, "a shared field's error is listed once, not once per form"
    for name, value in data.items():
        els = _inputs(doc, name)
        if els[0].get("type") in ("radio", "checkbox"):
            assert [e.get("value") for e in els if e.get("checked") is not None] == [value], name
        else:
            assert els[0].get("value") == value, name


def test_pack_prints_as_one_pdf_in_the_packs_order(client, caplog):
    from pypdf import PdfReader

    caplog.set_level(logging.DEBUG)
    r = client.post("/forms/packs/ruhuo", data=dict(PACK_ANSWERS, _format="pdf"))
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    assert r.mimetype == "application/pdf"
    assert _filename_star(r.headers["Content-Disposition"], "inline") == "入伙资料包-3栋2单元1501-20260301.pdf"
    reader = PdfReader(io.BytesIO(r.data))
    titles = [SPECS[fid].title for fid in ["ruhuo-tongzhi", "ruhuo-liuzhuan-a", "fangwu-yanshou", "yehu-ziliao-a",
                                           "fanghuo-zerenshu", "yezhu-xuqiu-diaocha", "jiaofang-manyidu"]]
    assert [o.title for o in reader.outline] == titles, "one outline entry a form, in the pack's order"
    firsts = [reader.get_destination_page_number(o) for o in reader.outline]
    assert firsts == sorted(firsts) and firsts[0] == 0
    for title, first in zip(titles, firsts):
        text = reader.pages[first].extract_text()
        assert title.replace("(", "").replace(")", "")[:4] in text.replace(" ", ""), title
        assert "3栋2单元1501" in text
    assert "示例物业服务有限公司" in reader.pages[0].extract_text(), "the company from the profile heads each form"
    for value in ("欧阳", "13812345678", "320106196503154024", "3栋2单元1501"):
        assert value not in caplog.text, "nothing typed reaches the log"


def test_pack_parts_come_as_a_zip_of_pdf_and_word(client):
    import zipfile

    import docx

    r = client.post("/forms/packs/ruhuo", data=dict(PACK_ANSWERS, _format="zip"))
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    assert r.mimetype == "application/zip"
    assert _filename_star(r.headers["Content-Disposition"], "attachment") == "入伙资料包-3栋2单元1501-20260301.zip"
    z = zipfile.ZipFile(io.BytesIO(r.data))
    names = z.namelist()
    assert len(names) == 14 and names[0].startswith("01-入伙通知书-3栋2单元1501-") and names[-1].startswith("07-")
    for n in names:
        if n.endswith(".pdf"):
            assert z.read(n).startswith(b"%PDF")
            continue
        d = docx.Document(io.BytesIO(z.read(n)))
        text = "\n".join(p.text for p in d.paragraphs) + "\n".join(
            c.text for t in d.tables for row in t.rows for c in row.cells)
        assert "3栋2单元1501" in text and "欧阳𡃁" in text, n


# --- refusals ------------------------------------------------------------------------------
def test_unknown_form_and_format_are_404(client):
    assert client.get("/forms/no-such-form").status_code == 404
    assert client.post("/forms/no-such-form", data={}).status_code == 404
    assert client.get("/forms/fanghuo-zerenshu/blank.exe").status_code == 404


def test_foreign_origin_is_refused(client):
    for origin in ("http://evil.example", "null", "http://localhost.evil.example"):
        r = client.post("/forms/yezhu-baoxiu-dan", data=GOOD, headers={"Origin": origin})
        assert r.status_code == 403, origin
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD), headers={"Origin": "http://localhost"})
    assert r.status_code == 200


# --- the catalogue reloads when forms/ changes -----------------------------------------------
def test_specs_are_cached_and_reloaded_when_a_form_changes(tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    app = make_app(forms)
    c = app.test_client()
    assert "防火责任书" in c.get("/forms").get_data(as_text=True)
    first = app.extensions["handbook_forms"]
    c.get("/forms/fanghuo-zerenshu")
    assert app.extensions["handbook_forms"] is first, "loaded once, not per request"
    path = forms / "fanghuo-zerenshu" / "form.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 防火责任书", "title: 防火安全责任书"), encoding="utf-8")
    page = c.get("/forms/fanghuo-zerenshu").get_data(as_text=True)
    assert "防火安全责任书" in page


# --- a real server: Chromium, and twenty clerks at once -------------------------------------
@pytest.fixture(scope="module")
def server():
    app = make_app()
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        thread.join(5)


@pytest.mark.browser
def test_browser_fills_fixes_and_prints_the_repair_slip(server, artifacts, tmp_path):
    """The front desk: the time is already there, one submit shows the PDF to print, the
    Word file is offered beside it, and the clerk's name is remembered after a reload."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", timezone_id="Asia/Shanghai",
                                    viewport={"width": 1200, "height": 900}, accept_downloads=True)
            page.add_init_script(PRINT_HOOK)
            page.goto(f"{server}/forms/yezhu-baoxiu-dan")
            today = page.evaluate("(() => { const d = new Date(); return d.getFullYear() + '-' + "
                                  "String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()")
            assert page.input_value("#f-report_time").startswith(today + "T"), "报修时间 is prefilled with now"
            assert page.input_value("#f-staff_name") == "", "nobody's name yet"
            assert page.locator("#w-fee").is_hidden(), "the fee shows only for 有偿"
            page.fill("#f-report_time", "2026-04-28T09:30")  # a call taken on the 28th, written up now
            page.fill("#f-room", "5栋1单元802")
            page.fill("#f-owner_name", "欧阳𡃁")
            page.fill("#f-phone", "138-1234")  # too short
            page.check("input[name=category][value=房屋渗漏水]")
            page.fill("#f-sub_type", "门窗")
            page.fill("#f-description", "阳台推拉门关不严, 雨天渗水")
            page.fill("#f-staff_name", "李前台")
            page.fill("#f-done_date", "2026-04-29")
            assert page.input_value("#f-revisit_due") == "2026-05-02", "三天内回访, worked out as typed"
            page.check("input[name=charge][value=有偿]")
            assert page.locator("#w-fee").is_visible()
            page.fill("#f-fee", "35")
            page.fill("#f-materials-0-item", "密封条")
            page.click("button.add-row")               # JS clones a 4th row
            page.fill("#f-materials-3-item", "门轮")
            page.fill("#f-materials-3-price", "12.80")
            page.click("button[value=pdf]")
            page.wait_for_selector("#summary")
            page.screenshot(path=str(artifacts / "web-form-error.png"), full_page=True)
            assert "手机" in page.inner_text("#e-phone")
            assert page.get_attribute("#f-phone", "aria-invalid") == "true"
            for sel, value in [("#f-room", "5栋1单元802"), ("#f-owner_name", "欧阳𡃁"), ("#f-sub_type", "门窗"),
                               ("#f-materials-3-item", "门轮"), ("#f-materials-3-price", "12.80"),
                               ("#f-phone", "138-1234"), ("#f-fee", "35"), ("#f-staff_name", "李前台")]:
                assert page.input_value(sel) == value, sel
            assert page.is_checked("input[name=category][value=房屋渗漏水]")
            assert page.evaluate("document.activeElement.id") == "summary"
            page.fill("#f-phone", "13912345678")
            with page.expect_response(lambda r: r.request.method == "POST" and "/forms/yezhu-baoxiu-dan" in r.url) as info:
                page.click("button[value=pdf]")
            resp = info.value
            assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
            page.wait_for_selector("#result:not([hidden])")
            src = page.get_attribute("#pdf-frame", "src")
            assert src.startswith("blob:"), "the PDF is shown"
            page.wait_for_function("window.__printed && window.__printed.length === 1")
            assert page.evaluate("window.__printed") == [src], "and the print dialog asked for, once"
            assert page.get_attribute("#dl-pdf", "download") == "业主报修单-5栋1单元802-20260428.pdf"
            assert page.locator("#summary").count() == 0, "the old errors do not outlive the good submit"
            page.screenshot(path=str(artifacts / "web-form-printed.png"), full_page=False)
            with page.expect_download() as dl:
                page.click("#dl-pdf")                  # the very PDF on screen, saved
            pdf_path = tmp_path / "slip.pdf"
            dl.value.save_as(pdf_path)
            pdf = pdf_path.read_bytes()
            with page.expect_download() as dl:
                page.click("#dl-other")                # the Word file beside it, no second form submit
            assert dl.value.suggested_filename.endswith(".docx") and dl.value.suggested_filename.startswith("业主报修单-5栋1单元802-")
            docx_path = tmp_path / "slip.docx"
            dl.value.save_as(docx_path)
            page.reload()
            assert page.input_value("#f-staff_name") == "李前台", "the clerk's name is remembered"
            assert page.input_value("#f-owner_name") == "", "an owner's data is not"
            assert page.input_value("#f-report_time").startswith(today)
            stored = page.evaluate("JSON.stringify(Object.assign({}, window.localStorage))")
            assert "李前台" in stored and "欧阳" not in stored and "1391234" not in stored
        finally:
            browser.close()
    text = pdf_text(pdf)
    for value in ("5栋1单元802", "欧阳𡃁", "13912345678", "阳台推拉门关不严", "门轮", "密封条", "12.80", "李前台",
                  "☑房屋渗漏水", "2026年5月2日", "35.00"):
        assert value in text, value
    assert docx_path.read_bytes().startswith(b"PK")
    (artifacts / "web-form-print.pdf").write_bytes(pdf)


@pytest.mark.browser
def test_browser_masks_an_id_number_once_typed(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN")
            page.goto(f"{server}/forms/zhuangxiu-beian")
            page.fill("#f-id_number", "320106196503154024")
            page.click("#f-phone")
            assert page.input_value("#f-id_number") == "320106********4024"
            assert page.input_value("input[type=hidden][name=id_number]") == "320106196503154024"
            page.click("#f-id_number")
            assert page.input_value("#f-id_number") == "320106196503154024", "in full while edited"
        finally:
            browser.close()


@pytest.mark.browser
def test_browser_prints_the_move_in_pack_as_one_pdf(server, artifacts, tmp_path):
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900}, accept_downloads=True)
            page.add_init_script(PRINT_HOOK)
            page.goto(f"{server}/forms/packs/ruhuo")
            for name, value in PACK_ANSWERS.items():
                loc = page.locator(f"[name='{name}']")
                kind = loc.first.get_attribute("type")
                if kind in ("radio", "checkbox"):
                    page.check(f"[name='{name}'][value='{value}']")
                elif loc.first.evaluate("e => e.tagName") == "SELECT":
                    loc.first.select_option(value)
                else:
                    loc.first.fill(value)
            page.click("button[value=pdf]")
            page.wait_for_selector("#result:not([hidden])")
            with page.expect_download() as dl:
                page.click("#dl-pdf")
            assert dl.value.suggested_filename == "入伙资料包-3栋2单元1501-20260301.pdf"
            target = tmp_path / "pack.pdf"
            dl.value.save_as(target)
            page.screenshot(path=str(artifacts / "web-pack-printed.png"))
        finally:
            browser.close()
    reader = PdfReader(target)
    order = ["ruhuo-tongzhi", "ruhuo-liuzhuan-a", "fangwu-yanshou", "yehu-ziliao-a", "fanghuo-zerenshu",
             "yezhu-xuqiu-diaocha", "jiaofang-manyidu"]
    assert [o.title for o in reader.outline] == [SPECS[f].title for f in order]
    pages = [reader.get_destination_page_number(o) for o in reader.outline]
    assert pages == sorted(set(pages)), "each form starts on its own page, in the pack's order"
    assert len(reader.pages) >= len(order)


@pytest.mark.browser
def test_browser_list_page(server, artifacts):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900})
            page.goto(f"{server}/forms")
            page.screenshot(path=str(artifacts / "web-forms-index.png"), full_page=True)
            page.click("text=房屋验收表 >> xpath=ancestor::tr >> text=在线填写")
            page.wait_for_selector("h1")
            assert page.inner_text("h1") == "房屋验收表"
            page.screenshot(path=str(artifacts / "web-form-fangwu-yanshou.png"), full_page=True)
        finally:
            browser.close()


def test_twenty_concurrent_submissions_all_succeed(server):
    def submit(i: int) -> tuple[int, bytes, str]:
        data = dict(GOOD, room=f"{i + 1}栋1单元{1000 + i}", _format="pdf" if i % 2 == 0 else "docx")
        body = urllib.parse.urlencode(data).encode("utf-8")
        req = urllib.request.Request(f"{server}/forms/yezhu-baoxiu-dan", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.read(), resp.headers.get("Content-Disposition", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), ""

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(submit, range(20)))
    assert [r[0] for r in results] == [200] * 20
    for i, (_status, body, cd) in enumerate(results):
        assert cd.startswith("inline; " if i % 2 == 0 else "attachment; "), cd
        assert body.startswith(b"%PDF" if i % 2 == 0 else b"PK"), i
        assert quote(f"{1000 + i}") in cd, "each clerk gets the document for their own room"
    pdf = results[0][1]
    assert "1栋1单元1000" in pdf_text(pdf)


# --- what clerks see ------------------------------------------------------------------------
def _visible_text(doc) -> str:
    for bad in doc.xpath("//script | //style | //template"):
        bad.drop_tree()
    return doc.text_content()


def test_clerks_see_no_machinery(client):
    """No CLI commands, pack codes, field names, manual codes or status words on the pages."""
    from builder.core.formspec import load_packs

    packs, _ = load_packs(ROOT / "forms", set(SPECS))
    pages = ["/forms"] + [f"/forms/{fid}" for fid in SPECS] + [f"/forms/packs/{n}" for n in packs]
    field_names = {f.name for s in SPECS.values() for f in s.fields if "_" in f.name}
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        text = _visible_text(html_of(r))
        assert "handbook" not in text and "--data" not in text and ".yaml" not in text, url
        assert not re.search(r"\bM\d\d\b", text), (url, re.search(r".{20}\bM\d\d\b.{20}", text))
        assert "status" not in text and "draft" not in text and "草稿" not in text, url
        for name in field_names:
            assert name not in text, (url, name)
        for name in packs:
            assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), (url, name)


def test_form_page_says_what_the_script_needs(client):
    doc = html_of(client.get("/forms/yezhu-baoxiu-dan"))
    assert _inputs(doc, "report_time")[0].get("data-prefill") == "now"
    assert _inputs(doc, "staff_name")[0].get("data-remember") == "staff_name"
    assert _inputs(doc, "owner_name")[0].get("data-remember") is None, "owner data is never remembered"
    due = _inputs(doc, "revisit_due")[0]
    assert due.get("readonly") is not None and '"房屋渗漏水": 3' in due.get("data-computed")
    fee = doc.get_element_by_id("w-fee")
    assert (fee.get("data-shown-if"), fee.get("data-shown-value")) == ("charge", "有偿")
    doc = html_of(client.get("/forms/zhuangxiu-beian"))
    assert _inputs(doc, "id_number")[0].get("data-mask") == "id"


def test_id_numbers_are_masked_in_print_where_the_form_says_so(client):
    pledge = {"room": "3栋101", "owner_name": "王五", "phone": "13800000000", "id_number": "44030519900101123X",
              "date": "2026-03-01"}
    r = client.post("/forms/fanghuo-zerenshu", data=pledge)
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    text = pdf_text(r.data)
    assert "440305********123X" in text and "44030519900101123X" not in text
    decoration = {"room": "3栋101", "owner_name": "王五", "date": "2026-03-01", "applicant": "王五",
                  "id_number": "44030519900101123X", "phone": "13800000000", "decoration_company": "示例装饰",
                  "company_contact": "李工", "company_contact_id": "320106196503154024",
                  "company_phone": "13900000000", "main_items": "刷墙", "start_date": "2026-03-01",
                  "end_date": "2026-04-01"}
    r = client.post("/forms/zhuangxiu-beian", data=decoration)
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    assert "44030519900101123X" in pdf_text(r.data), "the decoration file keeps the full number"


def test_the_company_from_the_profile_heads_each_printed_form(client):
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="pdf"))
    assert "示例物业服务有限公司" in pdf_text(r.data).replace(" ", "")
    r = client.post("/forms/yezhu-baoxiu-dan", data=dict(GOOD, _format="docx"))
    import docx

    d = docx.Document(io.BytesIO(r.data))
    assert "示例物业服务有限公司" in d.paragraphs[0].text


def test_the_manuals_rules_show_at_their_field_on_the_web(client):
    decoration = {"room": "3栋101", "owner_name": "王五", "date": "2026-03-01", "applicant": "王五",
                  "id_number": "320106196503154024", "phone": "13800000000", "decoration_company": "示例装饰",
                  "company_contact": "李工", "company_contact_id": "320106196503154024",
                  "company_phone": "13900000000", "main_items": "刷墙", "start_date": "2026-03-01",
                  "end_date": "2026-12-01", "break_waterproof": "1"}
    r = client.post("/forms/zhuangxiu-beian", data=decoration)
    assert r.status_code == 400
    doc = html_of(r)
    assert "装修备案期限最长不得超过三个月" in doc.get_element_by_id("e-end_date").text_content()
    assert "业主承诺" in doc.get_element_by_id("e-promise_sign").text_content()
    assert _inputs(doc, "end_date")[0].get("value") == "2026-12-01", "what was typed stays"
    r = client.post("/forms/zhuangxiu-beian", data=dict(decoration, end_date="2026-06-01", promise_sign="王五"))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
